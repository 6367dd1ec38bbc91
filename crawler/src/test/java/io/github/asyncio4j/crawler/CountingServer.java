package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.http.RawHttpHandler;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo site served from this JVM on a loop thread of its own, counting the requests for each path, so that
 * tests can check what crawlers in other processes fetched.
 */
final class CountingServer implements AutoCloseable {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final LoopThreadServer server;
    private final DemoSite site;

    CountingServer(int pages) throws Exception {
        this(pages, 0);
    }

    /** A server that waits {@code delaySeconds} before each answer (a crawl slow enough to stop anywhere). */
    CountingServer(int pages, double delaySeconds) throws Exception {
        site = new DemoSite(pages);
        RawHttpHandler counting = (request, connection) -> {
            counts.computeIfAbsent(request.path(), k -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            arrivals.add(new Arrival(System.nanoTime(), request.path()));
            if (delaySeconds <= 0) {
                return site.handle(request, connection);
            }
            return Coroutine.of(() -> {
                await(Async.sleep(delaySeconds));
                return await(site.handle(request, connection));
            });
        };
        server = new LoopThreadServer("counting-server", counting, HttpServer.Options.defaults());
    }

    /** The site served. */
    DemoSite site() {
        return site;
    }

    /** The root of the site. */
    String root() {
        return server.server().url("/");
    }

    /** Requests served so far, all paths. */
    int total() {
        return total.get();
    }

    /** A request as it arrived: when (this JVM's {@link System#nanoTime()}) and for which path. */
    record Arrival(long nanos, String path) {
    }

    /** The requests so far, in the order they arrived. */
    List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /** Path to requests so far; a snapshot. */
    Map<String, Integer> counts() {
        Map<String, Integer> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Requests for the path of {@code url} so far. */
    int count(String url) {
        AtomicInteger n = counts.get(java.net.URI.create(url).getRawPath());
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
