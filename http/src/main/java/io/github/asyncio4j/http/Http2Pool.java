package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The client's HTTP/2 connections per {@link Origin}: requests share one connection as streams, up to the
 * server's SETTINGS_MAX_CONCURRENT_STREAMS; past it a second connection opens, and so on up to
 * {@code maxPerOrigin}; beyond that requests wait (FIFO) for a stream to end. One connection attempt per origin
 * runs at a time, so a burst of requests to a new origin opens one connection, not one each. An origin whose
 * server chose HTTP/1.1 in ALPN is remembered, and its requests go to the HTTP/1.1 pool. Each connection holds a
 * slot of the client's {@link ConnectionBudget} (its bound in all, shared with the HTTP/1.1 pool) from before it
 * opens until it has closed; a connection with no stream open is idle, and the one idle longest (of either pool)
 * is closed when another connection needs its slot. A connection going idle while a task waits for a slot is
 * closed at once, unless a request to its own origin waits for it.
 *
 * <p>A connection that received nothing for {@code pingAfter} is checked with a PING before it carries a request;
 * one that does not answer within {@code pingTimeout} is closed and another is used or opened.
 *
 * <p>Invariants: a connection in {@code Host.connections} has its reader task running; one that failed, got
 * GOAWAY or sat idle past the idle timeout with no stream is taken out and closed at the next acquire. Waiters
 * are woken when a connection opens (as many as it takes streams, and one more), when an attempt fails or a
 * connection closes (all of them), or when a stream ends (the first, which passes the turn on if it is cancelled
 * before it takes it). {@code idleOrder} holds connections of {@code Host.connections} that have no stream open
 * (with their origin's Host), in the order they went idle (one handed out is taken out: its caller opens a
 * stream); {@code slots} holds the connections whose budget slot is still theirs. Loop-confined.
 */
final class Http2Pool implements ConnectionBudget.Reclaimable {
    /**
     * What opening a connection gave: HTTP/2 (with its reader task), or an HTTP/1.1 connection from ALPN. A key of
     * {@code idleOrder} and {@code slots}: its {@code equals} and {@code hashCode} are written out, since a record's
     * own are made by a bootstrap at their first call (11 method-handle classes spun on the loop's thread, at a
     * client's first HTTP/2 connection, which an AOT cache does not keep: a one-page https crawl 0.312 -> 0.300 s
     * wall, 0.521 -> 0.491 s CPU, medians of 30 runs within one build).
     */
    record Opened(Http2Connection http2, Task<Void> reader, io.github.asyncio4j.net.Connection http1) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Opened that && Objects.equals(http2, that.http2) && Objects.equals(reader, that.reader)
                    && Objects.equals(http1, that.http1);
        }

        @Override
        public int hashCode() {
            return (31 * Objects.hashCode(http2) + Objects.hashCode(reader)) * 31 + Objects.hashCode(http1);
        }
    }

    private static final class Host {
        final List<Opened> connections = new ArrayList<>();
        final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
        /** A task is opening a connection (waiting for a slot in all, or connecting). */
        boolean opening;
        /** ... and holds its slot: the connection counts as open. */
        boolean connecting;
        boolean http1Only;
    }

    private final int maxPerOrigin;
    private final ConnectionBudget budget;
    private final Duration idleTimeout;
    /** A connection silent this long is checked with PING before it carries a request. */
    private final Duration pingAfter;
    private final Duration pingTimeout;
    private final Map<Origin, Host> hosts = new HashMap<>();
    private final LinkedHashMap<Opened, Host> idleOrder = new LinkedHashMap<>();
    private final Set<Opened> slots = new HashSet<>();
    private boolean closed;

    Http2Pool(int maxPerOrigin, ConnectionBudget budget, Duration idleTimeout, Duration pingAfter,
              Duration pingTimeout) {
        this.maxPerOrigin = maxPerOrigin;
        this.budget = budget;
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
                    remove(host, o);
                    shut(o);
                } else if (free == null && c.canOpenStream() && c.activeStreams() < c.peerMaxConcurrentStreams()) {
                    free = o;
                }
            }
            if (free != null) {
                Http2Connection c = free.http2();
                boolean silent = c.activeStreams() == 0 && now - c.lastReceived() >= LoopClock.seconds(pingAfter);
                if (silent && !c.ping(pingTimeout)) {   // a peer gone quiet (NAT, a dead server): not reused
                    remove(host, free);
                    shut(free);
                    continue;
                }
                idleOrder.remove(free);
                return free;
            }
            if (!host.opening && host.connections.size() < maxPerOrigin) {
                host.opening = true;
                long wakeUp = Long.MAX_VALUE;
                try {
                    budget.acquire(Async.getRunningLoop());
                    Opened o;
                    host.connecting = true;
                    try {
                        o = opener.apply(origin);
                    } catch (Throwable e) {
                        budget.release();
                        throw e;
                    } finally {
                        host.connecting = false;
                    }
                    if (o.http2() == null) {
                        host.http1Only = true;
                        budget.release();       // the HTTP/1.1 pool takes a slot of its own for it
                    } else {
                        host.connections.add(o);
                        slots.add(o);
                        o.http2().onStreamClosed = () -> streamClosed(host, o);
                        o.http2().closedFuture().addDoneCallback(f -> {
                            remove(host, o);
                            if (slots.remove(o)) {
                                budget.release();
                            }
                            wake(host, Long.MAX_VALUE);
                        });
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
     * A stream of {@code o} ended: the connection goes idle if it has no stream left (and is closed, if a task
     * waits for a slot in all and no request to its origin waits for it); the origin's first waiter is woken.
     */
    private void streamClosed(Host host, Opened o) {
        if (o.http2().activeStreams() == 0 && host.connections.contains(o)) {
            idleOrder.remove(o);
            idleOrder.put(o, host);
            if (budget.hasWaiters() && !hasWaiters(host)) {
                remove(host, o);
                o.http2().close();
                shut(o);
            }
        }
        wakeOne(host);
    }

    private static boolean hasWaiters(Host host) {
        for (Future<Void> w : host.waiters) {
            if (!w.isDone()) {
                return true;
            }
        }
        return false;
    }

    /** Takes {@code o} out of its origin's connections and the idle order (it is closing or closed). */
    private void remove(Host host, Opened o) {
        host.connections.remove(o);
        idleOrder.remove(o);
    }

    @Override
    public double longestIdleSince() {
        var it = idleOrder.keySet().iterator();
        return it.hasNext() ? it.next().http2().idleSince() : Double.POSITIVE_INFINITY;
    }

    /** Closes the connection idle longest (the budget keeps its slot for the task that asked). */
    @Override
    public void closeLongestIdle() {
        var it = idleOrder.entrySet().iterator();
        var oldest = it.next();
        it.remove();
        slots.remove(oldest.getKey());
        oldest.getValue().connections.remove(oldest.getKey());
        oldest.getKey().http2().close();
        shut(oldest.getKey());
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

    /** HTTP/2 connections open or being opened (holding a slot in all) to {@code origin}. */
    int open(Origin origin) {
        Host host = hosts.get(origin);
        return host == null ? 0 : host.connections.size() + (host.connecting ? 1 : 0);
    }

    int open() {
        return hosts.values().stream().mapToInt(h -> h.connections.size() + (h.connecting ? 1 : 0)).sum();
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
            idleOrder.clear();
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
