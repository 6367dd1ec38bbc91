package io.github.asyncio4j.http;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client's bound on connections in all ({@link HttpClient.Builder#maxConnections}), shared by its HTTP/1.1
 * {@link ConnectionPool} and its {@link Http2Pool}: one slot per connection open or being opened. A task that needs a
 * slot when all are taken closes the connection idle longest, of either pool, or, with none idle, waits in FIFO order
 * for a slot to be given back.
 *
 * <p>Invariants: {@code taken <= max}; a slot is given back exactly once, by the pool that took it (a connection
 * closed to make room hands its slot straight to the task that closed it); a slot handed to a waiter that was
 * cancelled is passed on, so cancellation never loses one. Loop-confined.
 */
final class ConnectionBudget {
    /** A pool whose idle connections may be closed to make room for another connection. */
    interface Reclaimable {
        /** The loop time at which its connection idle longest went idle; {@code +Infinity} when none is idle. */
        double longestIdleSince();

        /**
         * Closes the connection idle longest. Its slot is not given back through {@link #release}: the budget hands it
         * to the task that asked for room.
         */
        void closeLongestIdle();
    }

    private final int max;
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private List<Reclaimable> pools = List.of();
    private int taken;

    ConnectionBudget(int max) {
        this.max = max;
    }

    /** The pools whose idle connections make room, set once by the client that owns them. */
    void reclaimFrom(Reclaimable... pools) {
        this.pools = List.of(pools);
    }

    /**
     * Takes a slot: a free one, else the one of the connection idle longest (closed now), else the next one given
     * back, after waiting in line.
     */
    void acquire(EventLoop loop) {
        if (taken < max || reclaim()) {
            taken++;
            return;
        }
        Future<Void> turn = loop.createFuture();
        waiters.addLast(turn);
        try {
            turn.await();       // the slot was handed over: taken already counts it
        } catch (Throwable e) {
            waiters.remove(turn);
            if (turn.isDone() && !turn.isCancelled() && turn.exception() == null) {
                release();      // handed over, but we were cancelled: pass it on
            }
            throw e;
        }
    }

    /** Closes the connection idle longest, of any pool, taking its slot back; false if none is idle. */
    private boolean reclaim() {
        Reclaimable oldest = null;
        double since = Double.POSITIVE_INFINITY;
        for (Reclaimable p : pools) {
            double s = p.longestIdleSince();
            if (s < since) {
                since = s;
                oldest = p;
            }
        }
        if (oldest == null) {
            return false;
        }
        oldest.closeLongestIdle();
        taken--;
        return true;
    }

    /** Gives a slot back: to the first task waiting for one, else free. */
    void release() {
        Future<Void> waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setResult(null);
                return;
            }
        }
        taken--;
    }

    /** True if a task waits for a slot: a connection going idle is then better closed, to make room. */
    boolean hasWaiters() {
        for (Future<Void> w : waiters) {
            if (!w.isDone()) {
                return true;
            }
        }
        return false;
    }

    /** Tasks waiting for a slot. */
    int waiting() {
        return (int) waiters.stream().filter(w -> !w.isDone()).count();
    }

    /** Slots taken: connections open or being opened, both pools together. */
    int taken() {
        return taken;
    }

    /** Fails the tasks waiting for a slot (the client is closed). */
    void close() {
        Future<Void> waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setException(new IllegalStateException("the HttpClient was closed"));
            }
        }
    }
}
