package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.net.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keep-alive connections per {@link Origin}, at most {@code maxPerOrigin} open (idle, busy or being opened) per
 * origin, and each holding a slot of the client's {@link ConnectionBudget} (its bound in all, shared with the
 * HTTP/2 pool); tasks that find none free wait in FIFO order. A released connection goes straight to the first
 * waiter of its origin, else, if a task waits for a slot in all, it is closed to make room, else to the idle list
 * (most recently used first out). A discarded one is closed at once and its slot goes to the first waiter of its
 * origin, who opens a new connection, else back to the budget. A task that needs a new connection when the budget
 * is spent closes the connection idle longest, of any origin and either pool, or, with none idle, waits for a slot.
 *
 * <p>Invariants: {@code Host.open} = idle + busy + being opened (or waiting for a slot in all),
 * {@code <= maxPerOrigin}; {@code total} = this pool's connections open or being opened, each holding one slot;
 * {@code idleOrder} holds exactly the idle connections, longest idle first; an idle connection is never handed
 * out once its peer closed it, it failed, or it sat idle longer than the idle timeout; a connection is in exactly
 * one place (idle list, a caller, a waiter's future). A waiter cancelled after being handed a connection or slot
 * passes it on, so cancellation never loses a slot. Loop-confined.
 */
final class ConnectionPool implements ConnectionBudget.Reclaimable {
    /** One origin's connections. */
    private static final class Host {
        final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
        /**
         * A waiter's future completes with a connection, or with null: "a slot of this origin is yours: take one in
         * all and open a connection".
         */
        final ArrayDeque<Future<PooledConnection>> waiters = new ArrayDeque<>();
        int open;
    }

    private final int maxPerOrigin;
    private final ConnectionBudget budget;
    private final Duration idleTimeout;
    private final Map<Origin, Host> hosts = new HashMap<>();
    /** Every idle connection, in the order they went idle (identity: a connection does not override equals). */
    private final LinkedHashSet<PooledConnection> idleOrder = new LinkedHashSet<>();
    private int total;
    private int nextId;
    private boolean closed;

    ConnectionPool(int maxPerOrigin, ConnectionBudget budget, Duration idleTimeout) {
        this.maxPerOrigin = maxPerOrigin;
        this.budget = budget;
        this.idleTimeout = idleTimeout;
    }

    /**
     * A connection to {@code origin}: an idle one, a new one made with {@code opener} (which awaits), or, when the
     * origin is at its bound, the next one released after waiting in line.
     */
    PooledConnection acquire(Origin origin, Function<Origin, Connection> opener) {
        if (closed) {
            throw new IllegalStateException("the HttpClient is closed");
        }
        Host host = hosts.computeIfAbsent(origin, o -> new Host());
        EventLoop loop = Async.getRunningLoop();
        PooledConnection c;
        while ((c = host.idle.pollLast()) != null) {
            idleOrder.remove(c);
            if (isReusable(c, loop.time())) {
                return c;
            }
            c.connection().writer().abort();
            host.open--;
            releaseTotal();
        }
        if (host.open < maxPerOrigin) {
            host.open++;
            return openWithSlotInAll(host, origin, opener, loop);
        }
        Future<PooledConnection> turn = loop.createFuture();
        host.waiters.addLast(turn);
        PooledConnection handed;
        try {
            handed = turn.await();
        } catch (Throwable e) {
            host.waiters.remove(turn);
            if (turn.isDone() && !turn.isCancelled() && turn.exception() == null) {
                PooledConnection given = turn.result();   // handed over, but we were cancelled: pass it on
                if (given != null) {
                    release(given);
                } else {
                    releaseOriginSlot(origin, host);
                }
            }
            throw e;
        }
        return handed != null ? handed : openWithSlotInAll(host, origin, opener, loop);
    }

    /** Holding a slot of {@code origin}: takes a slot in all, then opens a connection. */
    private PooledConnection openWithSlotInAll(Host host, Origin origin, Function<Origin, Connection> opener,
                                               EventLoop loop) {
        try {
            acquireTotal(loop);
        } catch (Throwable e) {
            releaseOriginSlot(origin, host);
            throw e;
        }
        return open(host, origin, opener);
    }

    /** Takes a slot in all from the budget (which may close the connection idle longest, or wait). */
    private void acquireTotal(EventLoop loop) {
        budget.acquire(loop);
        total++;
    }

    @Override
    public double longestIdleSince() {
        var it = idleOrder.iterator();
        return it.hasNext() ? it.next().idleSince() : Double.POSITIVE_INFINITY;
    }

    /** Closes the connection idle longest, of any origin (the budget keeps its slot for the task that asked). */
    @Override
    public void closeLongestIdle() {
        var it = idleOrder.iterator();
        PooledConnection oldest = it.next();
        it.remove();
        Host host = hosts.get(oldest.origin());
        host.idle.remove(oldest);
        oldest.connection().writer().abort();
        host.open--;
        total--;
        forgetIfUnused(oldest.origin(), host);
    }

    /** Gives this pool's slot in all back to the budget. */
    private void releaseTotal() {
        total--;
        budget.release();
    }

    private void forgetIfUnused(Origin origin, Host host) {
        if (host.open == 0 && host.waiters.isEmpty()) {
            hosts.remove(origin);
        }
    }

    private PooledConnection open(Host host, Origin origin, Function<Origin, Connection> opener) {
        Connection connection;
        try {
            connection = opener.apply(origin);
        } catch (Throwable e) {
            releaseSlot(origin, host);
            throw e;
        }
        return new PooledConnection(++nextId, origin, connection);
    }

    /** Gives back a connection whose last response was read completely and that may carry another request. */
    void release(PooledConnection c) {
        Host host = hosts.get(c.origin());
        EventLoop loop = Async.getRunningLoop();
        if (closed || !isReusable(c, loop.time())) {
            discard(c);
            return;
        }
        c.idleSince(loop.time());
        Future<PooledConnection> waiter;
        while ((waiter = host.waiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setResult(c);
                return;
            }
        }
        if (budget.hasWaiters()) {
            discard(c);         // another origin waits for a slot in all: this one makes room
            return;
        }
        host.idle.addLast(c);
        idleOrder.add(c);
    }

    /** Closes a connection that must not be reused (an error, a cancellation, {@code Connection: close}). */
    void discard(PooledConnection c) {
        c.connection().writer().abort();
        Host host = hosts.get(c.origin());
        if (host != null) {
            releaseSlot(c.origin(), host);
        }
    }

    /** A connection of {@code origin} is gone (closed, or never opened): its slot in all and its origin's. */
    private void releaseSlot(Origin origin, Host host) {
        releaseTotal();
        releaseOriginSlot(origin, host);
    }

    /**
     * Gives a slot of {@code origin} back: to its first waiter (handed null: "a slot is yours; take one in all and
     * open a connection"), else free.
     */
    private void releaseOriginSlot(Origin origin, Host host) {
        Future<PooledConnection> waiter;
        while ((waiter = host.waiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setResult(null);
                return;
            }
        }
        host.open--;
        if (host.open == 0) {
            hosts.remove(origin);
        }
    }

    private boolean isReusable(PooledConnection c, double now) {
        Connection conn = c.connection();
        return !conn.writer().isClosing() && conn.reader().exception() == null && !conn.reader().atEof()
                && (c.idleSince() < 0 || now - c.idleSince() < LoopClock.seconds(idleTimeout));
    }

    boolean isClosed() {
        return closed;
    }

    /** Connections open or being opened to {@code origin}. */
    int open(Origin origin) {
        Host host = hosts.get(origin);
        return host == null ? 0 : host.open;
    }

    /** Connections open or being opened, all origins together. */
    int open() {
        return total;
    }

    /** Idle connections, all origins together. */
    int idle() {
        return hosts.values().stream().mapToInt(h -> h.idle.size()).sum();
    }

    /** Tasks waiting for a connection to {@code origin}. */
    int waiting(Origin origin) {
        Host host = hosts.get(origin);
        return host == null ? 0 : (int) host.waiters.stream().filter(w -> !w.isDone()).count();
    }

    /** Closes idle connections and fails waiters; busy connections are closed when they are given back. */
    void close() {
        closed = true;
        for (var entry : List.copyOf(hosts.entrySet())) {
            Host host = entry.getValue();
            PooledConnection c;
            while ((c = host.idle.pollFirst()) != null) {
                idleOrder.remove(c);
                c.connection().writer().close();
                host.open--;
                releaseTotal();
            }
            Future<PooledConnection> waiter;
            while ((waiter = host.waiters.pollFirst()) != null) {
                if (!waiter.isDone()) {
                    waiter.setException(new IllegalStateException("the HttpClient was closed"));
                }
            }
            if (host.open == 0) {
                hosts.remove(entry.getKey());
            }
        }
    }
}
