package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --delay}: the starts of requests to one host at least a delay apart, measured on the loop's clock when each
 * request is let through. A task whose host is not free yet sleeps until the host's next free time and looks again
 * (a sleep may end a little early, and others may have gone first); nothing is locked (loop-confined).
 */
final class HostPacer {
    private final Map<String, Double> nextStart = new HashMap<>();

    /** Waits (inside a task) until {@code host} is free, then holds it for {@code delay} seconds from now. */
    void awaitTurn(String host, double delay) {
        if (delay <= 0) {
            return;
        }
        EventLoop loop = Async.getRunningLoop();
        while (true) {
            double now = loop.time();
            Double next = nextStart.get(host);
            if (next == null || next <= now) {
                nextStart.put(host, now + delay);
                return;
            }
            await(Async.sleep(next - now));
        }
    }
}
