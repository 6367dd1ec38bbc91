package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A crawl shared by many processes through Redis ({@code --frontier redis://HOST:PORT[/DB]}). Under the prefix
 * {@code asyncio4j:crawl:ID:} ({@code --crawl-id}): {@code seen} (a set of every URL admitted), {@code queue} (a
 * list of waiting {@code "REDIRECTS URL"} items), {@code leases} (a sorted set of claimed items, scored by the
 * time their lease ends), {@code host:AUTHORITY} (the per-host slots, each leased too), {@code next:AUTHORITY}
 * (when the next request to the host may start, for {@code --delay} and robots.txt's Crawl-delay) and
 * {@code scope} (the options of the crawl, which every process must share).
 *
 * <p>Each step is one Lua script, so atomic across processes: admitting checks the seen set and the page limit
 * and queues; claiming first puts expired leases back at the head of the queue, then pops one item and leases it
 * (Redis's clock, so machines need not agree on the time); pacing a host claims its next start time the same
 * way, so no two requests to one host, from any processes, are let through closer than the delay on Redis's
 * clock. The crawl is complete when the queue and the leases are both empty (a process admits a page's links
 * before it releases the page's lease, so this cannot happen early). A process renews its leases every third of
 * a lease; one that dies (or loses Redis for a whole lease) leaves them to end, and its URLs are claimed again; a
 * process stopped by Ctrl-C gives its claims back at once. Page records stay in each process ({@code --json}
 * lists what it fetched); exclusions too.
 */
final class RedisState implements CrawlState {
    /** How long a process waits for Redis to come back before it gives up. */
    static final double RECONNECT_SECONDS = 30;
    /** Pause between claims while the queue is empty but URLs are in flight elsewhere. */
    private static final double IDLE_POLL_SECONDS = 0.05;

    private static final String ADD = """
            if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
            if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 2 end
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('RPUSH', KEYS[2], ARGV[2] .. ' ' .. ARGV[1])
            return 1
            """;
    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;
    private static final String CLAIM = NOW + """
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
            for _, m in ipairs(expired) do
              redis.call('ZREM', KEYS[2], m)
              redis.call('LPUSH', KEYS[1], m)
            end
            local item = redis.call('LPOP', KEYS[1])
            if item then
              redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), item)
              return {item, redis.call('LLEN', KEYS[1])}
            end
            if redis.call('ZCARD', KEYS[2]) == 0 then return {'', 0} end
            return {false, 0}
            """;
    private static final String GIVE_BACK = """
            if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then redis.call('LPUSH', KEYS[1], ARGV[1]) end
            return 1
            """;
    private static final String HOST_SLOT = NOW + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
              redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
              return 1
            end
            return 0
            """;
    /** Claims a start now if the host's next start has come (0), else says how many ms are left. */
    private static final String PACE = NOW + """
            local next = tonumber(redis.call('GET', KEYS[1]) or '0')
            if next > now then return next - now end
            redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
            return 0
            """;
    private static final String RENEW = NOW + """
            for i = 2, #ARGV do
              if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
                redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
              end
            end
            return 1
            """;
    private static final String SCOPE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            end
            return redis.call('HGETALL', KEYS[1])
            """;

    private final RespClient redis;
    private final String seenKey;
    private final String queueKey;
    private final String leasesKey;
    private final String hostPrefix;
    private final String nextPrefix;
    private final long leaseMillis;
    private final String processId = Long.toHexString(ProcessHandle.current().pid()) + "-"
            + Long.toHexString(System.nanoTime());
    private final Set<String> claimed = new LinkedHashSet<>();
    /** Host slots held: slot name to its sorted set. */
    private final Map<String, String> heldSlots = new LinkedHashMap<>();
    private Task<Void> renewer;
    private final Map<String, String> excluded = new LinkedHashMap<>();
    private final List<PageRecord> pages = new ArrayList<>();
    private long waiting;
    private long slots;

    private RedisState(RespClient redis, String crawlId, double leaseSeconds) {
        this.redis = redis;
        String prefix = "asyncio4j:crawl:" + crawlId + ":";
        this.seenKey = prefix + "seen";
        this.queueKey = prefix + "queue";
        this.leasesKey = prefix + "leases";
        this.hostPrefix = prefix + "host:";
        this.nextPrefix = prefix + "next:";
        this.leaseMillis = Math.round(leaseSeconds * 1000);
    }

    /**
     * Connects to the frontier at {@code address} and joins crawl {@code crawlId}, or starts it. Call it inside a
     * task.
     *
     * @throws CrawlSetupException if Redis cannot be reached, or the crawl there has another scope
     */
    static RedisState connect(RedisAddress address, String crawlId, CrawlConfig config, double leaseSeconds) {
        RespClient client = new RespClient(address, RECONNECT_SECONDS);
        try {
            RespClient probe = new RespClient(address, 0);   // at start, an unreachable Redis is a mistake
            try {
                probe.call("PING");
            } finally {
                probe.close();
            }
            RedisState state = new RedisState(client, crawlId, leaseSeconds);
            state.checkScope(address, crawlId, CrawlScope.of(config));
            return state;
        } catch (RuntimeException e) {
            client.close();
            if (e instanceof RespClient.RedisError) {
                throw new CrawlSetupException("--frontier " + address + ": Redis refused: " + e.getMessage());
            }
            throw e;
        }
    }

    private void checkScope(RedisAddress address, String crawlId, Map<String, String> scope) {
        List<Object> args = new ArrayList<>(List.of("EVAL", SCOPE, 1, queueKey.replace(":queue", ":scope")));
        scope.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        List<?> flat = (List<?>) redis.call(args.toArray());
        Map<String, String> stored = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            stored.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        String diff = CrawlScope.difference(stored, scope);
        if (diff != null) {
            throw new CrawlSetupException("--frontier " + address + ": crawl '" + crawlId + "' there has other "
                    + "options (" + diff + "): use the same ones, or another --crawl-id");
        }
    }

    @Override
    public boolean isSeen(String url) {
        return (Long) redis.call("SISMEMBER", seenKey, url) == 1;
    }

    @Override
    public Admission add(Item item, long maxPages) {
        long r = (Long) redis.call("EVAL", ADD, 2, seenKey, queueKey, item.url().toString(),
                item.redirectsLeft() + ":" + item.depth(), maxPages);
        if (r == 1) {
            excluded.remove(item.url().toString());
            return Admission.ADDED;
        }
        return r == 2 ? Admission.FULL : Admission.SEEN;
    }

    @Override
    public Item claim() {
        if (renewer == null) {
            renewer = Async.getRunningLoop().createTask(renewLeases(), "frontier-lease-renewer");
        }
        while (true) {
            List<?> r = (List<?>) redis.call("EVAL", CLAIM, 2, queueKey, leasesKey, leaseMillis);
            Object item = r.get(0);
            waiting = (Long) r.get(1);
            if (item == null) {
                await(Async.sleep(IDLE_POLL_SECONDS));  // others are fetching: they may find more
            } else if (item.equals("")) {
                return null;
            } else {
                String s = (String) item;
                claimed.add(s);
                int colon = s.indexOf(':');
                int space = s.indexOf(' ');
                return new Item(URI.create(s.substring(space + 1)), Integer.parseInt(s.substring(0, colon)),
                        Integer.parseInt(s.substring(colon + 1, space)));
            }
        }
    }

    /**
     * Renews the leases of this process's claims and host slots every third of a lease: a lease ends only when
     * its process stops renewing it (it died, or cannot reach Redis), never because a fetch is slow.
     */
    private Coroutine<Void> renewLeases() {
        return Coroutine.of(() -> {
            while (true) {
                await(Async.sleep(leaseMillis / 3000.0));
                if (!claimed.isEmpty()) {
                    List<Object> args = new ArrayList<>(List.of("EVAL", RENEW, 1, leasesKey, leaseMillis));
                    args.addAll(claimed);
                    redis.call(args.toArray());
                }
                for (Map.Entry<String, String> slot : List.copyOf(heldSlots.entrySet())) {
                    redis.call("EVAL", RENEW, 1, slot.getValue(), leaseMillis, slot.getKey());
                }
            }
        });
    }

    private static String member(Item item) {
        return item.redirectsLeft() + ":" + item.depth() + " " + item.url();   // as the ADD script queues it
    }

    @Override
    public void done(Item item, PageRecord page) {
        pages.add(page);
        release(item);
    }

    @Override
    public void refused(Item item, String rule) {
        excluded.put(item.url().toString(), rule);
        release(item);
    }

    private void release(Item item) {
        String m = member(item);
        redis.call("ZREM", leasesKey, m);
        claimed.remove(m);
    }

    /**
     * Takes one of the {@code limit} slots of {@code authority}, shared by every process, waiting for one to be
     * free; the slot is leased like a URL, so a dead process's slots come back.
     */
    @Override
    public Runnable holdHost(String authority, int limit) {
        String slot = processId + ":" + (slots++);
        String key = hostPrefix + authority;
        while ((Long) redis.call("EVAL", HOST_SLOT, 1, key, limit, slot, leaseMillis) == 0) {
            await(Async.sleep(0.01));
        }
        heldSlots.put(slot, key);
        return () -> {
            heldSlots.remove(slot);
            redis.call("ZREM", key, slot);
        };
    }

    /**
     * Waits for {@code authority}'s next start time in Redis (its clock) and moves it {@code delay} on; the key
     * expires a minute after it passed, so a finished crawl leaves none behind for long.
     */
    @Override
    public boolean awaitHostTurn(String authority, double delay) {
        if (delay <= 0) {
            return true;
        }
        long delayMillis = (long) Math.ceil(delay * 1000);
        long wait;
        while ((wait = (Long) redis.call("EVAL", PACE, 1, nextPrefix + authority, delayMillis)) > 0) {
            await(Async.sleep(wait / 1000.0));
        }
        return true;
    }

    @Override
    public void exclude(String url, String rule) {
        if (!excluded.containsKey(url) && !isSeen(url)) {
            excluded.put(url, rule);
        }
    }

    @Override
    public long waiting() {
        return waiting;
    }

    @Override
    public List<PageRecord> pages() {
        return List.copyOf(pages);
    }

    @Override
    public Map<String, String> excluded() {
        return new LinkedHashMap<>(excluded);
    }

    @Override
    public List<String> unfinished() {
        List<String> left = new ArrayList<>();
        for (String m : claimed) {
            left.add(m.substring(m.indexOf(' ') + 1));
        }
        return left;
    }

    /** Gives this process's claims back to the queue (a stopped crawl), then disconnects. Loop thread only. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.cancel();
        }
        try {
            if (!claimed.isEmpty()) {
                for (String m : List.copyOf(claimed)) {
                    redis.call("EVAL", GIVE_BACK, 2, queueKey, leasesKey, m);
                }
            }
        } finally {
            redis.close();
        }
    }
}
