package io.github.asyncio4j.net;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A TCP server spread over the loops of an {@link io.github.asyncio4j.EventLoopGroup}
 * ({@link io.github.asyncio4j.EventLoopGroup#startServer}): each accepted connection is served on one loop, by a
 * {@link Server} of that loop, and stays there.
 *
 * <p>Two ways to spread connections. By default (<b>accept and hand off</b>) the first loop owns the listening
 * socket, accepts, and hands each connection to the next loop in round-robin order with one
 * {@code callSoonThreadsafe}: portable, and the spread is exact even for a handful of connections. With
 * {@link StreamOptions#withReusePort(boolean) withReusePort(true)} every loop binds its own listening socket to
 * the port ({@code SO_REUSEPORT}) and the kernel hashes connections over them: no hop between threads and no
 * single accepting thread, but only where the OS balances (Linux), and the spread is statistical.
 *
 * <p>Every method is safe from any thread; the work is done on the loops.
 */
public final class GroupServer implements AutoCloseable {
    /** The servers with listening sockets: the acceptor, or one per loop with {@code SO_REUSEPORT}. */
    private final List<Server> listening;
    /** The servers that serve connections, one per loop. */
    private final List<Server> serving;
    private final List<SocketAddress> addresses;

    private GroupServer(List<Server> listening, List<Server> serving, List<SocketAddress> addresses) {
        this.listening = List.copyOf(listening);
        this.serving = List.copyOf(serving);
        this.addresses = List.copyOf(addresses);
    }

    /**
     * Starts a server over {@code loops} (running loops, each on its own thread); the future completes when every
     * listening socket is bound. {@link io.github.asyncio4j.EventLoopGroup#startServer} is the usual way in.
     */
    public static CompletableFuture<GroupServer> start(List<EventLoop> loops, ConnectionHandler handler, String host,
                                                       int port, StreamOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("a group server needs at least one loop");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return options.reusePort()
                ? startReusingPort(loops, handler, host, port, options)
                : startHandingOff(loops, handler, host, port, options);
    }

    private static CompletableFuture<GroupServer> startHandingOff(List<EventLoop> loops, ConnectionHandler handler,
                                                                  String host, int port, StreamOptions options) {
        List<Server> serving = new ArrayList<>(loops.size());
        for (EventLoop loop : loops) {
            serving.add(new Server(loop, handler, options, List.of()));   // no listener: served sockets only
        }
        EventLoop acceptorLoop = loops.get(0);
        Consumer<SocketChannel> roundRobin = new Consumer<>() {
            private final AtomicInteger next = new AtomicInteger();

            @Override
            public void accept(SocketChannel channel) {
                Server target = serving.get(Math.floorMod(next.getAndIncrement(), serving.size()));
                if (target.loop() == acceptorLoop) {
                    target.adopt(channel);
                } else if (!target.loop().isClosed()) {
                    try {
                        target.loop().callSoonThreadsafe(() -> target.adopt(channel));
                    } catch (IllegalStateException closed) {
                        Streams.closeQuietly(channel);
                    }
                } else {
                    Streams.closeQuietly(channel);
                }
            }
        };
        return Async.runCoroutineThreadsafe(Coroutine.of(() -> {
            List<ServerSocketChannel> listeners = Streams.listen(host, port, options);
            Server acceptor = new Server(acceptorLoop, handler, options, listeners, roundRobin);
            return new GroupServer(List.of(acceptor), serving, acceptor.addresses());
        }), acceptorLoop);
    }

    private static CompletableFuture<GroupServer> startReusingPort(List<EventLoop> loops, ConnectionHandler handler,
                                                                   String host, int port, StreamOptions options) {
        CompletableFuture<Server> first = Async.runCoroutineThreadsafe(
                Coroutine.of(() -> Streams.startServer(handler, host, port, options).await()), loops.get(0));
        return first.thenCompose(server -> {
            int bound = server.port();   // port 0: the others share the ephemeral port the first one got
            List<CompletableFuture<Server>> rest = new ArrayList<>();
            for (EventLoop loop : loops.subList(1, loops.size())) {
                rest.add(Async.runCoroutineThreadsafe(
                        Coroutine.of(() -> Streams.startServer(handler, host, bound, options).await()), loop));
            }
            return CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
                List<Server> all = new ArrayList<>();
                all.add(server);
                rest.forEach(f -> {
                    if (!f.isCompletedExceptionally()) {
                        all.add(f.join());
                    }
                });
                if (error != null) {
                    closeAll(all);
                    throw new java.util.concurrent.CompletionException(error);
                }
                return new GroupServer(all, all, server.addresses());
            });
        });
    }

    /** The port of the (first) listening socket: the ephemeral port chosen when 0 was asked for. */
    public int port() {
        return ((InetSocketAddress) addresses.get(0)).getPort();
    }

    /** The addresses the server listens on. */
    public List<SocketAddress> addresses() {
        return addresses;
    }

    /** The number of loops that serve connections. */
    public int loops() {
        return serving.size();
    }

    /**
     * Stops accepting: the listening sockets are closed on their loops (shortly after this returns); connections
     * already accepted are served to their end (see {@link #closeClients()}, {@link #waitClosed()}). Idempotent.
     */
    @Override
    public void close() {
        closeAll(listening);
        closeAll(serving);
    }

    /** Closes every open connection, on each loop (after its buffered data is sent). */
    public void closeClients() {
        for (Server s : serving) {
            onLoop(s, s::closeClients);
        }
    }

    /**
     * A future that completes when the server is closed and every connection on every loop is finished (its
     * handler done and its socket closed).
     */
    public CompletableFuture<Void> waitClosed() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Server s : serving) {
            if (s.loop().isClosed()) {
                continue;   // a closed loop finished its connections when it closed
            }
            try {
                all.add(Async.runCoroutineThreadsafe(Coroutine.of(() -> s.waitClosed().await()), s.loop()));
            } catch (IllegalStateException closedMeanwhile) {
                // as above
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private static void closeAll(List<Server> servers) {
        for (Server s : servers) {
            onLoop(s, s::close);
        }
    }

    private static void onLoop(Server s, Runnable action) {
        if (!s.loop().isClosed()) {
            try {
                s.loop().callSoonThreadsafe(action);
            } catch (IllegalStateException closedMeanwhile) {
                // a closed loop has nothing left to close
            }
        }
    }

    @Override
    public String toString() {
        return "<GroupServer " + addresses + " loops=" + serving.size()
                + (listening.size() > 1 ? " SO_REUSEPORT" : " accept-and-hand-off") + ">";
    }
}
