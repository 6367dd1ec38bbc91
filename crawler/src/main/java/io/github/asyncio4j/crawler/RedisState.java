package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A crawl shared by many processes through Redis ({@code --frontier redis://HOST:PORT[/DB]}): the same model as
 * {@link Frontier}, in Redis. Under the prefix {@code asyncio4j:crawl:ID:} ({@code --crawl-id}): {@code seen} (a
 * set of every URL admitted), {@code q:HOST} (a host's waiting items, {@code "REDIRECTS:DEPTH:TRIES URL"} plus a
 * spider's label and metadata as JSON, breadth-first), {@code r:HOST} (its items due again, served first: retries
 * in the order they came due, put-back and orphaned items at the front), {@code h:HOST} (a hash: requests in
 * flight, limit, delay and last request (handed out or ended) in ms, paused until, given-up reason), {@code hosts}
 * (a sorted set of the hosts with an item they may hand out, scored by the time they may: the ready-host
 * scheduler), {@code delayed} (items due for a retry, scored by their not-before time), {@code leases} (claimed
 * items, scored by the time their lease ends), {@code count} (items waiting) and {@code scope} (the options of
 * the crawl, which every process must share).
 *
 * <p>Each step is one Lua script, so atomic across processes, on Redis's clock (machines need not agree on the
 * time): claiming first puts expired leases back at the front of their host's queue and due retries after them, then
 * takes the first item of the host with the lowest score if that time has come, and leases it, recording the
 * host's start; so the per-host limit and delay hold across every process. The crawl is complete when no host
 * has an item, none is delayed and no lease is held (a process admits a page's links before it releases the
 * page's lease, so this cannot happen early). A process renews its leases every third of a lease; one that dies
 * (or loses Redis for a whole lease) leaves them to end, and its URLs are claimed again (their hosts' slots come
 * back with them); a process stopped by Ctrl-C gives its claims back at once. Page records stay in each process
 * ({@code --json} lists what it fetched); exclusions too.
 */
final class RedisState implements CrawlState {
    /** How long a process waits for Redis to come back before it gives up. */
    static final double RECONNECT_SECONDS = 30;
    /** Longest pause between claims while no host may be fetched (others may add URLs meanwhile). */
    private static final double IDLE_POLL_SECONDS = 0.05;

    /** The scripts' common start: the prefix, Redis's time in ms, and the helpers over a host's keys. */
    private static final String LIB = """
            local P = ARGV[1]
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function hostOf(m)
              local url = string.match(m, '^%S+ (%S+)')
              return string.match(url, '^[^:]+://([^/?#]*)') or ''
            end
            local function place(h)
              if redis.call('LLEN', P .. 'r:' .. h) + redis.call('LLEN', P .. 'q:' .. h) == 0 then
                redis.call('ZREM', P .. 'hosts', h)
                return
              end
              local f = redis.call('HMGET', P .. 'h:' .. h, 'inflight', 'limit', 'last', 'delay', 'paused', 'gaveup')
              if f[6] then redis.call('ZADD', P .. 'hosts', 0, h) return end
              local limit = tonumber(f[2] or '0')
              if limit > 0 and tonumber(f[1] or '0') >= limit then redis.call('ZREM', P .. 'hosts', h) return end
              local at = math.max(tonumber(f[3] or '0') + tonumber(f[4] or '0'), tonumber(f[5] or '0'))
              redis.call('ZADD', P .. 'hosts', at, h)
            end
            local function release(m)
              if redis.call('ZREM', P .. 'leases', m) == 0 then return nil end
              local h = hostOf(m)
              redis.call('HINCRBY', P .. 'h:' .. h, 'inflight', -1)
              if tonumber(redis.call('HGET', P .. 'h:' .. h, 'last') or '0') < now then
                redis.call('HSET', P .. 'h:' .. h, 'last', now)
              end
              return h
            end
            """;
    /**
     * ARGV: prefix, URL, item, most URLs, a new host's limit, a new host's delay (ms), most URLs per host. 1 added,
     * 0 seen, 2 full, 3 its host full.
     */
    private static final String ADD = LIB + """
            if redis.call('SISMEMBER', P .. 'seen', ARGV[2]) == 1 then return 0 end
            local h = hostOf(ARGV[3])
            if tonumber(redis.call('HGET', P .. 'h:' .. h, 'admitted') or '0') >= tonumber(ARGV[7]) then return 3 end
            if redis.call('SCARD', P .. 'seen') >= tonumber(ARGV[4]) then return 2 end
            redis.call('SADD', P .. 'seen', ARGV[2])
            redis.call('HINCRBY', P .. 'h:' .. h, 'admitted', 1)
            redis.call('RPUSH', P .. 'q:' .. h, ARGV[3])
            redis.call('INCR', P .. 'count')
            redis.call('HSETNX', P .. 'h:' .. h, 'limit', ARGV[5])
            redis.call('HSETNX', P .. 'h:' .. h, 'delay', ARGV[6])
            place(h)
            return 1
            """;
    /**
     * ARGV: prefix, lease (ms). {item, given-up reason or '', items waiting}; {'', '', 0} when the crawl is
     * complete; {nil, '', ms until a host may be fetched} when none may now.
     */
    private static final String CLAIM = LIB + """
            for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now)) do
              local h = release(m)
              redis.call('LPUSH', P .. 'r:' .. h, m)
              redis.call('INCR', P .. 'count')
              place(h)
            end
            for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', now)) do
              redis.call('ZREM', P .. 'delayed', m)
              local h = hostOf(m)
              redis.call('RPUSH', P .. 'r:' .. h, m)
              place(h)
            end
            local pick = redis.call('ZRANGEBYSCORE', P .. 'hosts', '-inf', now, 'LIMIT', 0, 1)
            if #pick > 0 then
              local h = pick[1]
              local m = redis.call('LPOP', P .. 'r:' .. h) or redis.call('LPOP', P .. 'q:' .. h)
              local left = redis.call('DECR', P .. 'count')
              redis.call('HINCRBY', P .. 'h:' .. h, 'inflight', 1)
              local gaveup = redis.call('HGET', P .. 'h:' .. h, 'gaveup')
              if not gaveup then redis.call('HSET', P .. 'h:' .. h, 'last', now) end
              redis.call('ZADD', P .. 'leases', now + tonumber(ARGV[2]), m)
              place(h)
              return {m, gaveup or '', left}
            end
            if redis.call('ZCARD', P .. 'leases') == 0 and redis.call('ZCARD', P .. 'hosts') == 0
                and redis.call('ZCARD', P .. 'delayed') == 0 then
              return {'', '', 0}
            end
            local wait = 1000
            local first = redis.call('ZRANGE', P .. 'hosts', 0, 0, 'WITHSCORES')
            if #first > 0 then wait = math.min(wait, tonumber(first[2]) - now) end
            first = redis.call('ZRANGE', P .. 'delayed', 0, 0, 'WITHSCORES')
            if #first > 0 then wait = math.min(wait, tonumber(first[2]) - now) end
            return {false, '', math.max(1, wait)}
            """;
    /** ARGV: prefix, item. The item is done: its lease and its host's slot go. */
    private static final String RELEASE = LIB + """
            local h = release(ARGV[2])
            if h then place(h) end
            return 1
            """;
    /** ARGV: prefix, item. Back to the front of its host's queue (also: a stopped process's claims). */
    private static final String PUT_BACK = LIB + """
            local h = release(ARGV[2])
            if h then
              redis.call('LPUSH', P .. 'r:' .. h, ARGV[2])
              redis.call('INCR', P .. 'count')
              place(h)
            end
            return 1
            """;
    /** ARGV: prefix, item, the item with its tries counted, ms to wait. */
    private static final String RETRY = LIB + """
            local h = release(ARGV[2])
            if h then
              redis.call('ZADD', P .. 'delayed', now + tonumber(ARGV[4]), ARGV[3])
              redis.call('INCR', P .. 'count')
              place(h)
            end
            return 1
            """;
    /** ARGV: prefix, host, ms to pause it (a longer pause it has stays). */
    private static final String PAUSE = LIB + """
            local k = P .. 'h:' .. ARGV[2]
            local upto = now + tonumber(ARGV[3])
            if tonumber(redis.call('HGET', k, 'paused') or '0') < upto then redis.call('HSET', k, 'paused', upto) end
            place(ARGV[2])
            return 1
            """;
    /** ARGV: prefix, host, reason. Returns the reason it was given up for (the first process's). */
    private static final String GIVE_UP = LIB + """
            redis.call('HSETNX', P .. 'h:' .. ARGV[2], 'gaveup', ARGV[3])
            place(ARGV[2])
            return redis.call('HGET', P .. 'h:' .. ARGV[2], 'gaveup')
            """;
    /** ARGV: prefix, host, limit (0: none), delay (ms). */
    private static final String POLICY = LIB + """
            redis.call('HSET', P .. 'h:' .. ARGV[2], 'limit', ARGV[3], 'delay', ARGV[4])
            place(ARGV[2])
            return 1
            """;
    /** ARGV: prefix, host, a new host's delay (ms). 0 and the start recorded if the host's turn came, else ms left. */
    private static final String TURN = LIB + """
            local k = P .. 'h:' .. ARGV[2]
            redis.call('HSETNX', k, 'delay', ARGV[3])
            local f = redis.call('HMGET', k, 'last', 'delay', 'paused')
            local at = math.max(tonumber(f[1] or '0') + tonumber(f[2] or '0'), tonumber(f[3] or '0'))
            if at > now then return at - now end
            redis.call('HSET', k, 'last', now)
            return 0
            """;
    private static final String RENEW = LIB + """
            for i = 3, #ARGV do
              if redis.call('ZSCORE', P .. 'leases', ARGV[i]) then
                redis.call('ZADD', P .. 'leases', now + tonumber(ARGV[2]), ARGV[i])
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
    private final String prefix;
    private final long leaseMillis;
    private final int firstLimit;
    private final long delayMillis;
    /** This process's claims: item as stored to the item. */
    private final Set<String> claimed = new LinkedHashSet<>();
    /** Hosts given up, as the claims of their URLs said. */
    private final Map<String, String> givenUp = new HashMap<>();
    private Task<Void> renewer;
    private final Map<String, String> excluded = new LinkedHashMap<>();
    private final List<PageRecord> pages = new ArrayList<>();
    private long waiting;

    private RedisState(RespClient redis, String crawlId, double leaseSeconds, CrawlConfig config) {
        this.redis = redis;
        this.prefix = "asyncio4j:crawl:" + crawlId + ":";
        this.leaseMillis = Math.round(leaseSeconds * 1000);
        this.firstLimit = config.obeyRobots() ? 1 : config.perHost();
        this.delayMillis = (long) Math.ceil(config.delay().toNanos() / 1e6);
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
            RedisState state = new RedisState(client, crawlId, leaseSeconds, config);
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
        List<Object> args = new ArrayList<>(List.of("EVAL", SCOPE, 1, prefix + "scope"));
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
        return (Long) redis.call("SISMEMBER", prefix + "seen", url) == 1;
    }

    /** Runs {@code script} with this crawl's prefix and {@code args}. */
    private Object eval(String script, Object... args) {
        Object[] call = new Object[args.length + 4];
        call[0] = "EVAL";
        call[1] = script;
        call[2] = 0;
        call[3] = prefix;
        System.arraycopy(args, 0, call, 4, args.length);
        return redis.call(call);
    }

    @Override
    public Admission add(Item item, long maxPages, long maxPerHost) {
        String url = item.url().toString();
        long r = (Long) eval(ADD, url, member(item), maxPages, firstLimit, delayMillis, maxPerHost);
        if (r == 1) {
            excluded.remove(url);
            return Admission.ADDED;
        }
        return r == 2 ? Admission.FULL : r == 3 ? Admission.HOST_FULL : Admission.SEEN;
    }

    @Override
    public Item claim() {
        if (renewer == null) {
            renewer = Async.getRunningLoop().createTask(renewLeases(), "frontier-lease-renewer");
        }
        while (true) {
            List<?> r = (List<?>) eval(CLAIM, leaseMillis);
            Object item = r.get(0);
            if (item == null) {     // no host may be fetched now: others are fetching, or delays run
                await(Async.sleep(Math.min(IDLE_POLL_SECONDS, (Long) r.get(2) / 1000.0)));
            } else if (item.equals("")) {
                return null;
            } else {
                waiting = (Long) r.get(2);
                String m = (String) item;
                claimed.add(m);
                Item claimedItem = item(m);
                if (!"".equals(r.get(1))) {
                    givenUp.put(claimedItem.host(), (String) r.get(1));
                }
                return claimedItem;
            }
        }
    }

    /** {@code item} as stored: {@code "REDIRECTS:DEPTH:TRIES URL"}, then its label and metadata as JSON if any. */
    static String member(Item item) {
        String m = item.redirectsLeft() + ":" + item.depth() + ":" + item.tries() + " " + item.url();
        if (item.label() == null && item.meta().isEmpty()) {
            return m;
        }
        Map<String, String> extra = new LinkedHashMap<>();
        if (item.label() != null) {
            extra.put("label", item.label());
        }
        String meta = Meta.format(item.meta());
        if (meta != null) {
            extra.put("meta", meta);
        }
        return m + " " + Meta.format(extra);
    }

    /** The item {@link #member} stored as {@code m}. */
    static Item item(String m) {
        int space = m.indexOf(' ');
        int end = m.indexOf(' ', space + 1);
        String[] counts = m.substring(0, space).split(":");
        URI url = URI.create(end < 0 ? m.substring(space + 1) : m.substring(space + 1, end));
        Map<String, String> extra = end < 0 ? Map.of() : Meta.parse(m.substring(end + 1));
        return new Item(url, Integer.parseInt(counts[0]), Integer.parseInt(counts[1]),
                counts.length > 2 ? Integer.parseInt(counts[2]) : 0, extra.get("label"), Meta.parse(extra.get("meta")));
    }

    /**
     * Renews the leases of this process's claims every third of a lease: a lease ends only when its process stops
     * renewing it (it died, or cannot reach Redis), never because a fetch is slow.
     */
    private Coroutine<Void> renewLeases() {
        return Coroutine.of(() -> {
            while (true) {
                await(Async.sleep(leaseMillis / 3000.0));
                if (!claimed.isEmpty()) {
                    List<Object> args = new ArrayList<>(List.of(leaseMillis));
                    args.addAll(claimed);
                    eval(RENEW, args.toArray());
                }
            }
        });
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
        eval(RELEASE, m);
        claimed.remove(m);
    }

    @Override
    public void putBack(Item item) {
        String m = member(item);
        eval(PUT_BACK, m);
        claimed.remove(m);
    }

    @Override
    public void retry(Item item, double delaySeconds) {
        String was = member(item.withTries(item.tries() - 1));     // as claimed
        eval(RETRY, was, member(item), Math.round(delaySeconds * 1000));
        claimed.remove(was);
    }

    @Override
    public void pauseHost(String host, double seconds) {
        eval(PAUSE, host, Math.round(seconds * 1000));
    }

    @Override
    public void giveUpHost(String host, String reason) {
        givenUp.put(host, (String) eval(GIVE_UP, host, reason));
    }

    @Override
    public String givenUp(String host) {
        return givenUp.get(host);
    }

    @Override
    public void hostPolicy(String host, int limit, double delaySeconds) {
        eval(POLICY, host, limit, (long) Math.ceil(delaySeconds * 1000));
    }

    @Override
    public void awaitHostTurn(String host) {
        long wait;
        while ((wait = (Long) eval(TURN, host, delayMillis)) > 0) {
            await(Async.sleep(wait / 1000.0));
        }
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
            left.add(item(m).url().toString());
        }
        return left;
    }

    /** Gives this process's claims back to their hosts' queues (a stopped crawl), then disconnects. Loop thread. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.cancel();
        }
        try {
            for (String m : List.copyOf(claimed)) {
                eval(PUT_BACK, m);
            }
        } finally {
            redis.close();
        }
    }
}
