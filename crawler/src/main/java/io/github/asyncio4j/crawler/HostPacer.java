package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --delay}: the starts of requests to one host spaced at least a delay apart, in the order the tasks asked.
 * Each call books the next free start time for its host, then sleeps until it; nothing is locked (loop-confined).
 */
final class HostPacer {
    private final Map<String, Double> nextStart = new HashMap<>();

    /** Waits (inside a task) until {@code host}'s next turn, at least {@code delay} seconds after the one before. */
    void awaitTurn(String host, double delay) {
        if (delay <= 0) {
            return;
        }
        EventLoop loop = Async.getRunningLoop();
        double now = loop.time();
        double at = Math.max(now, nextStart.getOrDefault(host, now));
        nextStart.put(host, at + delay);
        if (at > now) {
            await(Async.sleep(at - now));
        }
    }
}
