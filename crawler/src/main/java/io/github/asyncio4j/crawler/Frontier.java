package io.github.asyncio4j.crawler;

import io.github.asyncio4j.crawler.CrawlState.Item;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The crawl's scheduler: a {@link HostQueue} per host, and which host may be fetched next. A host with a URL to
 * hand out sits in {@code ready} (FIFO: hosts take turns) if its limit, delay and pause allow a request now, else
 * in {@code waiting}, a heap keyed by the time they will; a host whose time came goes to the front of
 * {@code ready}, not the back (it has waited its turn: a host with a Crawl-delay of 1 s behind 2,000 hosts taking
 * turns would otherwise get a request per round of them, not per second, and its pages become the crawl's tail;
 * it can take no more than a request per delay or pause, so it cannot starve the others); URLs due for a retry sit in {@code delayed}, a heap keyed
 * by their not-before time, and go back to their host, ahead of its fresh URLs, when it comes. Time is passed in (the
 * loop's time, or a test's), so this class neither sleeps nor reads a clock: {@link MemoryState} wakes workers.
 *
 * <p>Invariants (held by FrontierTest): {@link #poll} returns a URL whenever some host may start a request at
 * {@code now}, never one whose host's limit, delay or pause forbids it; every host with a URL it may hand out
 * (now or later) is in {@code ready} or {@code waiting}; within a host, URLs leave in the order they were added,
 * except that put-back ones go first, then retried ones in the order they came due; every URL added is exactly
 * once either waiting (in a host queue or delayed) or in flight, until released. Loop-confined.
 */
final class Frontier {
    /** A URL waiting for its retry time; {@code seq} keeps equal times in the order they were retried. */
    private record Delayed(double notBefore, long seq, Item item) {
    }

    /** A heap entry: valid only while its host is still {@code WAITING} for this very time (else skipped). */
    private record Wake(double at, HostQueue host) {
        boolean valid() {
            return host.place == HostQueue.Place.WAITING && host.waitingUntil == at;
        }
    }

    private final Map<String, HostQueue> hosts = new HashMap<>();
    private final ArrayDeque<HostQueue> ready = new ArrayDeque<>();
    private final PriorityQueue<Wake> waiting = new PriorityQueue<>(Frontier::byTime);
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>(Frontier::byNotBefore);
    private final int firstLimit;
    private int limit;
    private double delay;
    private long queued;
    private int inFlight;
    private long delayedSeq;

    /**
     * A frontier whose hosts allow {@code limit} requests in flight ({@code 0}: no limit) and {@code delay} seconds
     * between starts, until {@link #policy} says otherwise. With {@code oneUntilPolicy}, a new host allows one
     * request until its policy is set (the crawler reads its robots.txt first: its Crawl-delay may be longer).
     */
    Frontier(int limit, double delay, boolean oneUntilPolicy) {
        defaults(limit, delay);
        this.firstLimit = oneUntilPolicy ? 1 : -1;
    }

    /** Sets the limit and delay that new hosts start with. */
    void defaults(int limit, double delay) {
        if (limit < 0 || !(delay >= 0)) {
            throw new IllegalArgumentException("a host limit of 0 or more and a delay of 0 s or more, not " + limit
                    + " and " + delay);
        }
        this.limit = limit == 0 ? Integer.MAX_VALUE : limit;
        this.delay = delay;
    }

    private static int byTime(Wake a, Wake b) {
        return Double.compare(a.at, b.at);
    }

    private static int byNotBefore(Delayed a, Delayed b) {
        int c = Double.compare(a.notBefore, b.notBefore);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }

    private HostQueue queue(String host) {
        HostQueue q = hosts.get(host);
        if (q == null) {
            q = new HostQueue(host, firstLimit > 0 ? firstLimit : limit, delay);
            hosts.put(host, q);
        }
        return q;
    }

    /** Queues {@code item} at the end of its host's queue. */
    void add(Item item, double now) {
        HostQueue q = queue(item.host());
        q.items.addLast(item);
        queued++;
        place(q, now);
    }

    /** Queues {@code item} to be handed out no sooner than {@code notBefore} (a resumed crawl's retry). */
    void addDelayed(Item item, double notBefore, double now) {
        queue(item.host());
        delayed.add(new Delayed(notBefore, delayedSeq++, item));
        queued++;
    }

    /**
     * Hands out the next URL that may be fetched at {@code now}, its host's slot held and its start recorded; or
     * null if none may (see {@link #nextWake()} for when one will).
     */
    Item poll(double now) {
        promote(now);
        HostQueue q;
        while ((q = ready.poll()) != null) {
            q.place = HostQueue.Place.NONE;
            if (q.hasWork() && q.readyAt() <= now) {
                Item item = q.take();
                queued--;
                q.inFlight++;
                inFlight++;
                if (q.givenUp == null) {
                    q.lastActive = now;
                }
                place(q, now);
                return item;
            }
            place(q, now);      // changed since it was placed (a pause, a lower limit): placed again
        }
        return null;
    }

    /** The time at which a URL may next be handed out (a waiting host's or a retry's), or +infinity if none. */
    double nextWake() {
        Wake w;
        while ((w = waiting.peek()) != null && !w.valid()) {
            waiting.poll();
        }
        double t = w == null ? Double.POSITIVE_INFINITY : w.at;
        Delayed d = delayed.peek();
        return d == null ? t : Math.min(t, d.notBefore);
    }

    /** True if a host may be fetched at {@code now} (a hint: {@link #poll} may still find the host changed). */
    boolean hasReady(double now) {
        promote(now);
        return !ready.isEmpty();
    }

    /** Moves retries that came due to their hosts, and hosts whose time came to {@code ready}. */
    private void promote(double now) {
        Delayed d;
        while ((d = delayed.peek()) != null && d.notBefore <= now) {
            delayed.poll();
            HostQueue q = queue(d.item.host());
            q.again.addLast(d.item);     // after those due before it: the one that failed first goes first
            place(q, now);
        }
        Wake w;
        ArrayDeque<HostQueue> due = null;
        while ((w = waiting.peek()) != null && (!w.valid() || w.at <= now)) {
            waiting.poll();
            if (w.valid()) {
                w.host.place = HostQueue.Place.NONE;
                if (due == null) {
                    due = new ArrayDeque<>();
                }
                due.push(w.host);       // the last due on top: placed first, so the first due ends up in front
            }
        }
        while (due != null && !due.isEmpty()) {
            place(due.pop(), now, true);
        }
    }

    /** Puts {@code q} where its state says, if it has a URL to hand out: ready (at the back), or waiting. */
    private void place(HostQueue q, double now) {
        place(q, now, false);
    }

    /** {@link #place(HostQueue, double)}, ready at the front if {@code front} (its wait ended). */
    private void place(HostQueue q, double now, boolean front) {
        if (!q.hasWork() || q.place == HostQueue.Place.READY) {
            return;     // placed again by what gives it work; a ready host is checked again when polled
        }
        double at = q.readyAt();
        if (at <= now) {
            q.place = HostQueue.Place.READY;    // a heap entry it had is no longer valid
            if (front) {
                ready.addFirst(q);
            } else {
                ready.addLast(q);
            }
        } else if (q.place == HostQueue.Place.NONE || at < q.waitingUntil) {
            q.place = HostQueue.Place.WAITING;
            q.waitingUntil = at;
            waiting.add(new Wake(at, q));
        }   // else waiting for an earlier time: looked at again then
    }

    /** {@code item}, handed out, is finished: its host's slot is free again, and its delay runs from now. */
    void release(Item item, double now) {
        HostQueue q = hosts.get(item.host());
        q.inFlight--;
        inFlight--;
        if (q.givenUp == null) {
            q.lastActive = Math.max(q.lastActive, now);
        }
        place(q, now);
    }

    /** {@code item}, handed out, goes back to the front of its host's queue (no try made); its slot is free. */
    void putBack(Item item, double now) {
        HostQueue q = hosts.get(item.host());
        q.again.addFirst(item);
        queued++;
        release(item, now);
    }

    /** {@code item}, handed out, is tried again no sooner than {@code notBefore}; its slot is free meanwhile. */
    void retry(Item item, double notBefore, double now) {
        delayed.add(new Delayed(notBefore, delayedSeq++, item));
        queued++;
        release(item, now);
    }

    /** No request to {@code host} starts before {@code until} (a longer pause it has stays). */
    void pause(String host, double until, double now) {
        HostQueue q = queue(host);
        q.pausedUntil = Math.max(q.pausedUntil, until);
        place(q, now);
    }

    /** {@code host} is given up: its URLs are handed out at once, regardless of its limit, to fail with reason. */
    void giveUp(String host, String reason, double now) {
        HostQueue q = queue(host);
        if (q.givenUp == null) {
            q.givenUp = reason;
            place(q, now);
        }
    }

    /** {@code host}'s queue, or null if it has none (for tests). */
    HostQueue queueOf(String host) {
        return hosts.get(host);
    }

    /** Why {@code host} was given up, or null. */
    String givenUp(String host) {
        HostQueue q = hosts.get(host);
        return q == null ? null : q.givenUp;
    }

    /** Sets {@code host}'s limit ({@code 0}: none) and delay; the next start is the delay after its last request. */
    void policy(String host, int limit, double delay, double now) {
        HostQueue q = queue(host);
        q.limit = limit == 0 ? Integer.MAX_VALUE : limit;
        q.delay = delay;
        place(q, now);
    }

    /**
     * For a request outside the queues (a sitemap): 0 if {@code host} may start one at {@code now}, which is then
     * recorded as its last request; else the seconds to wait before asking again.
     */
    double reserve(String host, double now) {
        HostQueue q = queue(host);
        double at = q.readyAt();
        if (at > now) {
            return at - now;
        }
        q.lastActive = now;
        return 0;
    }

    /** URLs waiting: in host queues, or for a retry. */
    long queued() {
        return queued;
    }

    /** URLs handed out and not yet released. */
    int inFlight() {
        return inFlight;
    }

    /** True when nothing waits and nothing is in flight: the crawl (of this frontier) is complete. */
    boolean isEmpty() {
        return queued == 0 && inFlight == 0;
    }

    /** Hosts paused until a time after {@code now}: host to seconds left. */
    Map<String, Double> paused(double now) {
        Map<String, Double> m = new HashMap<>();
        hosts.forEach((h, q) -> {
            if (q.pausedUntil > now) {
                m.put(h, q.pausedUntil - now);
            }
        });
        return m;
    }
}
