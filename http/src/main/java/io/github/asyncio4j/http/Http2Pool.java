package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The client's HTTP/2 connections per {@link Origin}: requests share one connection as streams, up to the
 * server's SETTINGS_MAX_CONCURRENT_STREAMS; past it a second connection opens, and so on up to
 * {@code maxPerOrigin}; beyond that requests wait (FIFO) for a stream to end. One connection attempt per origin
 * runs at a time, so a burst of requests to a new origin opens one connection, not one each. An origin whose
 * server chose HTTP/1.1 in ALPN is remembered, and its requests go to the HTTP/1.1 pool.
 *
 * <p>A connection that received nothing for {@code pingAfter} is checked with a PING before it carries a request;
 * one that does not answer within {@code pingTimeout} is closed and another is used or opened.
 *
 * <p>Invariants: a connection in {@code Host.connections} has its reader task running; one that failed, got
 * GOAWAY or sat idle past the idle timeout with no stream is taken out and closed at the next acquire. Waiters
 * are woken when a connection opens (as many as it takes streams, and one more), when an attempt fails or a
 * connection closes (all of them), or when a stream ends (the first, which passes the turn on if it is cancelled
 * before it takes it). Loop-confined.
 */
final class Http2Pool {
    /** What opening a connection gave: HTTP/2 (with its reader task), or an HTTP/1.1 connection from ALPN. */
    record Opened(Http2Connection http2, Task<Void> reader, io.github.asyncio4j.net.Connection http1) {
    }

    private static final class Host {
        final List<Opened> connections = new ArrayList<>();
        final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
        boolean opening;
        boolean http1Only;
    }

    private final int maxPerOrigin;
    private final Duration idleTimeout;
    /** A connection silent this long is checked with PING before it carries a request. */
    private final Duration pingAfter;
    private final Duration pingTimeout;
    private final Map<Origin, Host> hosts = new HashMap<>();
    private boolean closed;

    Http2Pool(int maxPerOrigin, Duration idleTimeout, Duration pingAfter, Duration pingTimeout) {
        this.maxPerOrigin = maxPerOrigin;
        this.idleTimeout = idleTimeout;
        this.pingAfter = pingAfter;
        this.pingTimeout = pingTimeout;
    }

    /** True once the origin's server answered ALPN with HTTP/1.1. */
    boolean isHttp1Only(Origin origin) {
        Host host = hosts.get(origin);
        return host != null && host.http1Only;
    }

    /**
     * An HTTP/2 connection to {@code origin} with a free stream, opening one with {@code opener} when none has
     * and the origin is below its bound, else waiting. Returns an {@link Opened} with only {@code http1} set when
     * the server chose HTTP/1.1 (the caller uses that connection for HTTP/1.1).
     */
    Opened acquire(Origin origin, Function<Origin, Opened> opener) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the HttpClient is closed");
            }
            Host host = hosts.computeIfAbsent(origin, o -> new Host());
            double now = Async.getRunningLoop().time();
            Opened free = null;
            for (Opened o : List.copyOf(host.connections)) {
                Http2Connection c = o.http2();
                boolean idleTooLong = c.activeStreams() == 0
                        && now - c.idleSince() >= LoopClock.seconds(idleTimeout);
                if (c.isFailed() || !c.canOpenStream() && c.activeStreams() == 0 || idleTooLong) {
                    host.connections.remove(o);
                    shut(o);
                } else if (free == null && c.canOpenStream() && c.activeStreams() < c.peerMaxConcurrentStreams()) {
                    free = o;
                }
            }
            if (free != null) {
                Http2Connection c = free.http2();
                boolean silent = c.activeStreams() == 0 && now - c.lastReceived() >= LoopClock.seconds(pingAfter);
                if (silent && !c.ping(pingTimeout)) {   // a peer gone quiet (NAT, a dead server): not reused
                    host.connections.remove(free);
                    shut(free);
                    continue;
                }
                return free;
            }
            if (!host.opening && host.connections.size() < maxPerOrigin) {
                host.opening = true;
                long wakeUp = Long.MAX_VALUE;
                try {
                    Opened o = opener.apply(origin);
                    if (o.http2() == null) {
                        host.http1Only = true;
                    } else {
                        host.connections.add(o);
                        o.http2().onStreamClosed = () -> wakeOne(host);
                        o.http2().closedFuture().addDoneCallback(f -> wake(host, Long.MAX_VALUE));
                        wakeUp = o.http2().peerMaxConcurrentStreams() + 1;
                    }
                    return o;
                } finally {
                    host.opening = false;
                    wake(host, wakeUp);
                }
            }
            Future<Void> turn = Async.getRunningLoop().createFuture();
            host.waiters.addLast(turn);
            try {
                turn.await();
            } catch (Throwable e) {
                host.waiters.remove(turn);
                if (turn.isDone() && !turn.isCancelled()) {
                    wakeOne(host);   // woken for a free stream, then cancelled: the stream goes to the next
                }
                throw e;
            }
        }
    }

    /**
     * Wakes the first waiter for the one stream that ended: waking all of them would make each of a thousand queued
     * requests look again at every stream's end.
     */
    private static void wakeOne(Host host) {
        Future<Void> w;
        while ((w = host.waiters.pollFirst()) != null) {
            if (!w.isDone()) {
                w.setResult(null);
                return;
            }
        }
    }

    /**
     * Wakes the first {@code n} waiters: each looks again (in FIFO order) for a free stream or a connection to open.
     * After a connection opened, that is as many as it takes streams, plus one to open the next connection if the
     * origin may have more (the rest would only wait again); after a failure or a close, all of them.
     */
    private static void wake(Host host, long n) {
        Future<Void> w;
        for (long woken = 0; woken < n && (w = host.waiters.pollFirst()) != null; ) {
            if (!w.isDone()) {
                w.setResult(null);
                woken++;
            }
        }
    }

    private static void shut(Opened o) {
        o.http2().abort("HTTP/2 connection closed by the client");
        o.reader().cancel();
    }

    /** HTTP/2 connections open or being opened to {@code origin}. */
    int open(Origin origin) {
        Host host = hosts.get(origin);
        return host == null ? 0 : host.connections.size() + (host.opening ? 1 : 0);
    }

    int open() {
        return hosts.values().stream().mapToInt(h -> h.connections.size() + (h.opening ? 1 : 0)).sum();
    }

    /** Connections with no stream open. */
    int idle() {
        return (int) hosts.values().stream().flatMap(h -> h.connections.stream())
                .filter(o -> o.http2().activeStreams() == 0).count();
    }

    /**
     * Closes idle connections now (GOAWAY, then the socket) and busy ones gracefully (GOAWAY: their streams
     * finish, then the socket closes); waiters fail.
     */
    void close() {
        closed = true;
        for (Host host : hosts.values()) {
            for (Opened o : host.connections) {
                if (o.http2().activeStreams() == 0) {
                    o.http2().close();
                    shut(o);
                } else {
                    o.http2().close();
                }
            }
            host.connections.clear();
            Future<Void> w;
            while ((w = host.waiters.pollFirst()) != null) {
                if (!w.isDone()) {
                    w.setException(new IllegalStateException("the HttpClient was closed"));
                }
            }
        }
        hosts.clear();
    }
}
