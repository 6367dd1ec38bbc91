package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.net.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keep-alive connections per {@link Origin}, at most {@code maxPerOrigin} open (idle, busy or being opened) per
 * origin; tasks that find none free wait in FIFO order. A released connection goes straight to the first waiter,
 * else to the idle list (most recently used first out). A discarded one is closed at once and its slot goes to
 * the first waiter, who opens a new connection.
 *
 * <p>Invariants: {@code Host.open} = idle + busy + being opened, {@code <= maxPerOrigin}; an idle connection is
 * never handed out once its peer closed it, it failed, or it sat idle longer than the idle timeout; a connection
 * is in exactly one place (idle list, a caller, a waiter's future). A waiter cancelled after being handed a
 * connection or slot passes it on, so cancellation never loses a slot. Loop-confined.
 */
final class ConnectionPool {
    /** One origin's connections. */
    private static final class Host {
        final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
        /** A waiter's future completes with a connection, or with null: "a slot is yours, open a connection". */
        final ArrayDeque<Future<PooledConnection>> waiters = new ArrayDeque<>();
        int open;
    }

    private final int maxPerOrigin;
    private final Duration idleTimeout;
    private final Map<Origin, Host> hosts = new HashMap<>();
    private int nextId;
    private boolean closed;

    ConnectionPool(int maxPerOrigin, Duration idleTimeout) {
        this.maxPerOrigin = maxPerOrigin;
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
            if (isReusable(c, loop.time())) {
                return c;
            }
            c.connection().writer().abort();
            host.open--;
        }
        if (host.open < maxPerOrigin) {
            host.open++;
            return open(host, origin, opener);
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
                    releaseSlot(origin, host);
                }
            }
            throw e;
        }
        return handed != null ? handed : open(host, origin, opener);
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
        host.idle.addLast(c);
    }

    /** Closes a connection that must not be reused (an error, a cancellation, {@code Connection: close}). */
    void discard(PooledConnection c) {
        c.connection().writer().abort();
        Host host = hosts.get(c.origin());
        if (host != null) {
            releaseSlot(c.origin(), host);
        }
    }

    private void releaseSlot(Origin origin, Host host) {
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
        return hosts.values().stream().mapToInt(h -> h.open).sum();
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
                c.connection().writer().close();
                host.open--;
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
