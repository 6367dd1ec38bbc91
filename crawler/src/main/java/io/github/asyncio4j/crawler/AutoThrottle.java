package io.github.asyncio4j.crawler;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code --auto-throttle}: each host's requests in flight and delay follow its answers, in the manner of Scrapy's
 * AutoThrottle (the delay aims at {@code latency / concurrency}, so that about {@code concurrency} requests are in
 * flight: halfway there with each answer) with TCP's reaction to loss: an answer 429 or 503 halves the host's
 * concurrency and doubles its delay (at least its latency and {@link #OVERLOAD_DELAY}); every {@code concurrency}
 * other answers in a row give it one request more. Never more
 * than the crawl's per-host limit ({@code maxTasks} without one), never less than one; never a delay below the
 * host's least ({@code --delay}, or its robots.txt Crawl-delay) nor above {@link #MAX_DELAY}. Loop-confined.
 */
final class AutoThrottle {
    /** The longest delay it sets, in seconds. */
    static final double MAX_DELAY = 60;
    /** The least delay after an overload answer, in seconds (it doubles from there with each further one). */
    static final double OVERLOAD_DELAY = 0.25;

    /** A host's requests in flight at most and seconds between starts. */
    record Policy(int limit, double delay) {
    }

    private static final class Host {
        int limit;
        double delay;
        double least;
        int calm;
        /** The policy last handed to the frontier. */
        Policy told;
    }

    private final int maxLimit;
    private final double leastDelay;
    private final Map<String, Host> hosts = new HashMap<>();

    /** Hosts start at {@code maxLimit} requests in flight and {@code leastDelay} seconds between starts. */
    AutoThrottle(int maxLimit, double leastDelay) {
        this.maxLimit = maxLimit;
        this.leastDelay = leastDelay;
    }

    private Host host(String name) {
        return hosts.computeIfAbsent(name, n -> {
            Host h = new Host();
            h.limit = maxLimit;
            h.delay = leastDelay;
            h.least = leastDelay;
            return h;
        });
    }

    /** Sets {@code host}'s least delay (robots.txt's Crawl-delay, if longer); returns its policy now. */
    Policy least(String host, double least) {
        Host h = host(host);
        h.least = Math.max(leastDelay, least);
        h.delay = Math.max(h.delay, h.least);
        return policy(host);
    }

    /** {@code host}'s policy now (as last told to the frontier). */
    Policy policy(String host) {
        Host h = host(host);
        h.told = new Policy(h.limit, h.delay);
        return h.told;
    }

    /**
     * Takes an answer {@code status} from {@code host} after {@code latency} seconds; returns the host's new policy
     * if it changed enough to tell the frontier (its limit, or its delay by a tenth and 10 ms), else null.
     */
    Policy observe(String host, double latency, int status) {
        Host h = host(host);
        if (status == 429 || status == 503) {
            h.limit = Math.max(1, h.limit / 2);
            h.delay = Math.min(MAX_DELAY, Math.max(h.least, Math.max(Math.max(h.delay * 2, latency), OVERLOAD_DELAY)));
            h.calm = 0;
        } else {
            double target = latency / h.limit;
            double next = Math.max(h.least, Math.min(MAX_DELAY, (h.delay + target) / 2));
            if (status < 400 || next > h.delay) {    // an error answer never speeds a host up (as Scrapy)
                h.delay = next;
            }
            if (++h.calm >= h.limit && h.limit < maxLimit) {
                h.limit++;
                h.calm = 0;
            }
        }
        Policy told = h.told;
        if (told == null || told.limit() != h.limit
                || Math.abs(told.delay() - h.delay) > Math.max(0.01, told.delay() / 10)) {
            h.told = new Policy(h.limit, h.delay);
            return h.told;
        }
        return null;
    }
}
