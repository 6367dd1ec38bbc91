package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.LoopClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Host names to addresses, looked up off the loop's thread (a blocking {@code getaddrinfo} on the default
 * executor) and remembered: an answer for {@code ttl}, a failure for {@code negativeTtl} (its {@link DnsException}
 * thrown again at once, the same instance, as asyncio raises a failed future's exception to every awaiter), on the
 * loop's clock. Tasks that need a name being looked up wait for that one
 * lookup. Literal IP addresses are parsed, never looked up nor remembered. At most {@code maxEntries} names are
 * kept, the least recently used forgotten first, so a crawl of a million hosts does not keep a million answers.
 *
 * <p>Invariant: a name has at most one lookup in flight; an entry is used only before its expiry (a lookup in
 * flight has none). Loop-confined.
 */
final class DnsCache {
    /** A blocking lookup of a name's addresses (the JDK's resolver, or a test's). */
    @FunctionalInterface
    interface Lookup {
        List<InetAddress> lookup(String host) throws Exception;
    }

    /** The system's resolver ({@code InetAddress.getAllByName}). */
    static final Lookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    static final Duration DEFAULT_TTL = Duration.ofSeconds(120);
    static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_ENTRIES = 50_000;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** A name's answer (or failure, or lookup in flight) and when it expires (infinity while in flight). */
    private static final class Entry {
        final Future<List<InetAddress>> answer;
        double expires = Double.POSITIVE_INFINITY;

        Entry(Future<List<InetAddress>> answer) {
            this.answer = answer;
        }
    }

    private final Lookup lookup;
    private final double ttl;
    private final double negativeTtl;
    private final Map<String, Entry> entries;
    private int lookups;

    DnsCache(Lookup lookup, Duration ttl, Duration negativeTtl, int maxEntries) {
        this.lookup = lookup;
        this.ttl = LoopClock.seconds(ttl);
        this.negativeTtl = LoopClock.seconds(negativeTtl);
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DnsCache.Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** A cache over the system's resolver with the default times and size. */
    static DnsCache system() {
        return new DnsCache(SYSTEM, DEFAULT_TTL, DEFAULT_NEGATIVE_TTL, DEFAULT_MAX_ENTRIES);
    }

    /**
     * The addresses of {@code host}, in the resolver's order; awaits a lookup unless the answer is remembered.
     * @throws DnsException if the name does not resolve (now, or when it was looked up less than
     *                      {@code negativeTtl} ago)
     */
    List<InetAddress> resolve(String host) {
        EventLoop loop = Async.getRunningLoop();
        if (isLiteral(host)) {      // parsed in place, never looked up
            Future<List<InetAddress>> parsed = loop.createFuture();
            try {
                parsed.setResult(List.of(InetAddress.getByName(host)));
            } catch (UnknownHostException e) {
                parsed.setException(new DnsException(host, e));
            }
            return parsed.result();
        }
        String key = host.toLowerCase(java.util.Locale.ROOT);
        Entry entry = entries.get(key);
        if (entry == null || loop.time() >= entry.expires) {
            entry = new Entry(loop.createFuture());
            entries.put(key, entry);
            start(loop, key, entry);
        }
        return await(Async.shield(entry.answer));   // a waiter cancelled leaves the lookup to the others
    }

    private void start(EventLoop loop, String host, Entry entry) {
        lookups++;
        Future<List<InetAddress>> done = loop.runInExecutor(null, () -> lookup.lookup(host));
        done.addDoneCallback(f -> {
            if (f.isCancelled()) {
                entry.answer.setException(new DnsException(host, new java.util.concurrent.CancellationException()));
                entry.expires = loop.time();
            } else if (f.exception() != null || f.result() == null || f.result().isEmpty()) {
                entry.answer.setException(new DnsException(host, f.exception()));
                entry.expires = loop.time() + negativeTtl;
            } else {
                entry.answer.setResult(List.copyOf(f.result()));
                entry.expires = loop.time() + ttl;
            }
            entry.answer.exception();   // retrieved: a failure nobody awaits is not reported as lost
        });
    }

    /** Lookups started (for tests: a remembered answer starts none). */
    int lookups() {
        return lookups;
    }

    /**
     * True for an IPv6 literal (with or without brackets) or an IPv4 dotted quad whose parts are at most 255: what
     * {@code InetAddress.getByName} parses without a lookup.
     */
    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        if (!IPV4.matcher(host).matches()) {
            return false;
        }
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
