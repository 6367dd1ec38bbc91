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
 * origin and {@code maxTotal} in all; tasks that find none free wait in FIFO order. A released connection goes
 * straight to the first waiter of its origin, else, if a task waits for a connection in all, it is closed to make
 * room, else to the idle list (most recently used first out). A discarded one is closed at once and its slot goes
 * to the first waiter of its origin, who opens a new connection, else to the first task waiting for one in all.
 * A task that needs a new connection when {@code maxTotal} are open closes the idle connection that has been idle
 * longest, of any origin, or, with none idle, waits for a slot in all.
 *
 * <p>Invariants: {@code Host.open} = idle + busy + being opened (or waiting for a slot in all),
 * {@code <= maxPerOrigin}; {@code total} = the connections open or being opened, {@code <= maxTotal};
 * {@code idleOrder} holds exactly the idle connections, longest idle first; an idle connection is never handed
 * out once its peer closed it, it failed, or it sat idle longer than the idle timeout; a connection is in exactly
 * one place (idle list, a caller, a waiter's future). A waiter cancelled after being handed a connection or slot
 * passes it on, so cancellation never loses a slot. Loop-confined.
 */
final class ConnectionPool {
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
    private final int maxTotal;
    private final Duration idleTimeout;
    private final Map<Origin, Host> hosts = new HashMap<>();
    /** Every idle connection, in the order they went idle (identity: a connection does not override equals). */
    private final LinkedHashSet<PooledConnection> idleOrder = new LinkedHashSet<>();
    /** Tasks waiting for a slot in all; a future completes when a slot is theirs. */
    private final ArrayDeque<Future<Void>> totalWaiters = new ArrayDeque<>();
    private int total;
    private int nextId;
    private boolean closed;

    ConnectionPool(int maxPerOrigin, Duration idleTimeout) {
        this(maxPerOrigin, Integer.MAX_VALUE, idleTimeout);
    }

    ConnectionPool(int maxPerOrigin, int maxTotal, Duration idleTimeout) {
        this.maxPerOrigin = maxPerOrigin;
        this.maxTotal = maxTotal;
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

    /**
     * Takes a slot in all: a free one, else the one of the connection idle longest (closed now), else the next one
     * given back, after waiting in line.
     */
    private void acquireTotal(EventLoop loop) {
        if (total < maxTotal || closeLongestIdle()) {
            total++;
            return;
        }
        Future<Void> turn = loop.createFuture();
        totalWaiters.addLast(turn);
        try {
            turn.await();       // the slot was handed over: total already counts it
        } catch (Throwable e) {
            totalWaiters.remove(turn);
            if (turn.isDone() && !turn.isCancelled() && turn.exception() == null) {
                releaseTotal();     // handed over, but we were cancelled: pass it on
            }
            throw e;
        }
    }

    /** Closes the connection idle longest, of any origin; false if none is idle. */
    private boolean closeLongestIdle() {
        var it = idleOrder.iterator();
        if (!it.hasNext()) {
            return false;
        }
        PooledConnection oldest = it.next();
        it.remove();
        Host host = hosts.get(oldest.origin());
        host.idle.remove(oldest);
        oldest.connection().writer().abort();
        host.open--;
        total--;
        forgetIfUnused(oldest.origin(), host);
        return true;
    }

    /** Gives a slot in all back: to the first task waiting for one, else free. */
    private void releaseTotal() {
        Future<Void> waiter;
        while ((waiter = totalWaiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setResult(null);
                return;
            }
        }
        total--;
    }

    private boolean hasTotalWaiters() {
        for (Future<Void> w : totalWaiters) {
            if (!w.isDone()) {
                return true;
            }
        }
        return false;
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
        if (hasTotalWaiters()) {
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

    /** Tasks waiting for a slot in all (every origin's own bound had room). */
    int waitingForAny() {
        return (int) totalWaiters.stream().filter(w -> !w.isDone()).count();
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
                total--;
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
        Future<Void> waiter;
        while ((waiter = totalWaiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setException(new IllegalStateException("the HttpClient was closed"));
            }
        }
    }
}
