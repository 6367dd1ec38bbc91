package io.github.asyncio4j.crawler;

import io.github.asyncio4j.crawler.CrawlState.Item;
import java.util.ArrayDeque;

/**
 * One host's part of the {@link Frontier}: its waiting URLs in breadth-first order (first admitted, first out),
 * before them the URLs due for a retry in the order they came due (a URL put back goes first of all), and what
 * gates its next request: the requests in flight
 * against its {@code limit}, the earliest start its {@code delay} allows after its last request, a pause (a
 * {@code Retry-After}) and, once it is given up, the reason. Plain data: the frontier keeps it consistent.
 */
final class HostQueue {
    /** Where the frontier keeps the host: nowhere (no URL it may hand out), ready now, or waiting for a time. */
    enum Place { NONE, READY, WAITING }

    final String host;
    final ArrayDeque<Item> items = new ArrayDeque<>();
    /** URLs due again: retries in the order they came due, put-backs first; served before {@link #items}. */
    final ArrayDeque<Item> again = new ArrayDeque<>();
    /** Requests to this host handed out and not yet released. */
    int inFlight;
    /** Requests in flight at most ({@link Integer#MAX_VALUE}: no limit). */
    int limit;
    /** Seconds between the starts of two requests at least. */
    double delay;
    /**
     * When the last request was handed out, or one ended, whichever was later (loop time): the delay runs from
     * here, so requests a delay apart as sent are a delay apart as the host sees them, however long one took to
     * reach it.
     */
    double lastActive = Double.NEGATIVE_INFINITY;
    /** Paused until then (loop time), by a {@code Retry-After}. */
    double pausedUntil = Double.NEGATIVE_INFINITY;
    /** Why the host was given up (its URLs fail at once with this reason), or null. */
    String givenUp;
    Place place = Place.NONE;
    /** While {@link Place#WAITING}: the time it waits for (its valid entry in the frontier's heap). */
    double waitingUntil;

    /** The next URL to hand out, taken off its queue. */
    Item take() {
        Item i = again.pollFirst();
        return i != null ? i : items.pollFirst();
    }

    HostQueue(String host, int limit, double delay) {
        this.host = host;
        this.limit = limit;
        this.delay = delay;
    }

    /** True if a URL of this host may be handed out now or later: one is waiting and a slot is free (or given up). */
    boolean hasWork() {
        return (!again.isEmpty() || !items.isEmpty()) && (givenUp != null || inFlight < limit);
    }

    /** When its next request may start: its delay after the last request, and any pause; at once if given up. */
    double readyAt() {
        return givenUp != null ? Double.NEGATIVE_INFINITY : Math.max(lastActive + delay, pausedUntil);
    }
}
