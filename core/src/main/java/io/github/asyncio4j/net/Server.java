package io.github.asyncio4j.net;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.internal.Exceptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A listening server made by {@link Streams#startServer} or {@link io.github.asyncio4j.EventLoop#createServer}
 * ({@code asyncio.Server}). It accepts from the moment it is made. With {@code startServer} each connection gets a
 * {@link StreamReader}/{@link StreamWriter} pair and its handler runs in its own task; a handler that fails is
 * reported to the loop's exception handler and its connection closed. With {@code createServer} each connection
 * gets a {@link Protocol} from the factory and a {@link Transport}; a factory that fails is reported and the
 * connection closed.
 *
 * <p>Lifecycle: {@link #close()} stops accepting and closes the listening sockets, leaving open connections alone
 * ({@link #closeClients()} closes those); {@link #waitClosed()} waits until the server is closed and every
 * connection is finished (its handler done and its socket closed), as in Python 3.12+. {@code try (server) {...}}
 * closes it. If {@code accept()} fails for lack of resources (too many open files) the error is reported and the
 * socket stops accepting for one second, as asyncio does. A Unix domain socket server
 * ({@link Streams#startUnixServer}) removes its socket file when it closes. Loop-confined.
 */
public final class Server implements AutoCloseable {
    private static final double ACCEPT_RETRY_DELAY = 1.0;

    private final EventLoop loop;
    /** What serves a connection: a streams handler, or else a protocol factory. */
    private final ConnectionHandler handler;
    private final Supplier<? extends Protocol> protocolFactory;
    private final StreamOptions options;
    private final List<ServerSocketChannel> listeners;
    private final List<SocketAddress> addresses;
    private final Set<Client> clients = new LinkedHashSet<>();
    private final List<Future<Void>> closeWaiters = new ArrayList<>(1);
    private final List<TimerHandle> acceptRetries = new ArrayList<>(1);
    private Future<Void> servingForever;
    private final Consumer<SocketChannel> handOff;
    private boolean closed;
    /** True for a Unix domain socket server: no TCP options, and a socket file to remove at close. */
    private final boolean unix;
    private final Object unixFileKey;

    /** One accepted connection until its handler is done and its socket closed. */
    private static final class Client {
        final Transport transport;
        /** True while a TLS handshake decides whether the handler starts. */
        boolean handshaking;
        Task<?> task;
        boolean lost;

        Client(Transport transport) {
            this.transport = transport;
        }

        boolean finished() {
            return lost && !handshaking && (task == null || task.isDone());
        }
    }

    Server(EventLoop loop, ConnectionHandler handler, StreamOptions options, List<ServerSocketChannel> listeners) {
        this(loop, handler, options, listeners, null);
    }

    /** A server whose connections are served by protocols from {@code protocolFactory}. */
    static Server forProtocols(EventLoop loop, Supplier<? extends Protocol> protocolFactory, StreamOptions options,
                               List<ServerSocketChannel> listeners) {
        return new Server(loop, null, Objects.requireNonNull(protocolFactory, "protocolFactory"), options,
                listeners, null);
    }

    /**
     * A server whose accepted sockets go to {@code handOff} (null: served here); a {@link GroupServer}'s acceptor
     * hands them to the servers of other loops, which have no listeners and get sockets through {@link #adopt}.
     */
    Server(EventLoop loop, ConnectionHandler handler, StreamOptions options, List<ServerSocketChannel> listeners,
           Consumer<SocketChannel> handOff) {
        this(loop, Objects.requireNonNull(handler, "handler"), null, options, listeners, handOff);
    }

    private Server(EventLoop loop, ConnectionHandler handler, Supplier<? extends Protocol> protocolFactory,
                   StreamOptions options, List<ServerSocketChannel> listeners, Consumer<SocketChannel> handOff) {
        this.handOff = handOff != null ? handOff : this::accepted;
        this.loop = loop;
        this.handler = handler;
        this.protocolFactory = protocolFactory;
        this.options = options;
        this.listeners = List.copyOf(listeners);
        List<SocketAddress> bound = new ArrayList<>();
        for (ServerSocketChannel listener : listeners) {
            try {
                bound.add(listener.getLocalAddress());
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        }
        this.addresses = List.copyOf(bound);
        this.unix = !addresses.isEmpty() && addresses.get(0) instanceof UnixDomainSocketAddress;
        this.unixFileKey = unix ? UnixSockets.fileKey(((UnixDomainSocketAddress) addresses.get(0)).getPath()) : null;
        for (ServerSocketChannel listener : this.listeners) {
            startAccepting(listener);
        }
    }

    /**
     * The port of the (first) listening socket: the ephemeral port chosen when 0 was asked for.
     *
     * @throws IllegalStateException for a Unix domain socket server, which has a path instead ({@link #addresses()})
     */
    public int port() {
        if (!(addresses.get(0) instanceof InetSocketAddress inet)) {
            throw new IllegalStateException("a Unix socket server has no port; it listens on " + addresses.get(0));
        }
        return inet.getPort();
    }

    /** The addresses the server listens on ({@code server.sockets}' names). */
    public List<SocketAddress> addresses() {
        return addresses;
    }

    /** The listening channels (for tests). */
    List<ServerSocketChannel> channels() {
        return listeners;
    }

    /** True while the server accepts connections. */
    public boolean isServing() {
        return !closed;
    }

    /** How many connections are not finished yet. */
    public int activeConnections() {
        return clients.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accepting

    private void startAccepting(ServerSocketChannel listener) {
        loop.addReader(listener, () -> acceptReady(listener));
    }

    private void acceptReady(ServerSocketChannel listener) {
        for (int i = 0; i < options.backlog(); i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (closed || !listener.isOpen()) {
                    return;
                }
                loop.callExceptionHandler(new ExceptionContext(
                        "accept() failed; the server stops accepting for " + ACCEPT_RETRY_DELAY + " s", e, null, null));
                loop.removeReader(listener);
                acceptRetries.add(loop.callLater(ACCEPT_RETRY_DELAY, () -> {
                    acceptRetries.removeIf(TimerHandle::cancelled);
                    if (!closed) {
                        startAccepting(listener);
                    }
                }));
                return;
            }
            if (channel == null) {
                return;
            }
            try {
                channel.configureBlocking(false);
                if (options.tcpNoDelay() && !unix) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
            } catch (IOException e) {
                Streams.closeQuietly(channel);
                continue;   // the peer is already gone
            }
            handOff.accept(channel);
        }
    }

    /** Serves a socket accepted on another loop (a {@link GroupServer}'s hand-off); on this server's loop. */
    void adopt(SocketChannel channel) {
        if (closed) {
            Streams.closeQuietly(channel);   // the group server closed while the socket was on its way
            return;
        }
        accepted(channel);
    }

    /** The loop this server runs on. */
    EventLoop loop() {
        return loop;
    }

    private void accepted(SocketChannel channel) {
        SSLEngine engine = null;
        if (options.ssl() != null) {
            engine = options.ssl().createSSLEngine();
            engine.setUseClientMode(false);
            if (!options.applicationProtocols().isEmpty()) {
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setApplicationProtocols(options.applicationProtocols().toArray(new String[0]));
                engine.setSSLParameters(parameters);
            }
        }
        if (protocolFactory != null) {
            acceptedByProtocol(channel, engine);
            return;
        }
        Streams.Wiring w = Streams.wire(loop, channel, options, engine);
        Client client = new Client(w.transport());
        clients.add(client);
        w.protocol().onLost(() -> {
            client.lost = true;
            maybeFinished(client);
        });
        if (w.handshake() == null) {
            startHandler(client, w);
        } else {
            client.handshaking = true;
            w.handshake().addDoneCallback(f -> {
                client.handshaking = false;
                Throwable failure = f.exception();
                if (failure == null) {
                    startHandler(client, w);
                } else if (loop.getDebug()) {   // a failed handshake only closes the connection, as in asyncio
                    System.getLogger("io.github.asyncio4j.net").log(System.Logger.Level.DEBUG,
                            "TLS handshake with " + w.writer().peerAddress() + " failed", failure);
                }
                maybeFinished(client);
            });
        }
    }

    private void acceptedByProtocol(SocketChannel channel, SSLEngine engine) {
        Protocol protocol;
        try {
            protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        } catch (RuntimeException e) {
            loop.callExceptionHandler(new ExceptionContext("Unhandled exception in the protocol factory", e,
                    null, null));
            Streams.closeQuietly(channel);
            return;
        }
        SocketTransport socket = new SocketTransport(loop, channel);
        Transport transport = socket;
        TlsTransport tls = null;
        if (engine != null) {
            tls = new TlsTransport(loop, socket, engine, options.sslHandshakeTimeout());
            transport = tls;
        }
        Client client = new Client(transport);
        clients.add(client);
        socket.afterLost(() -> {
            client.lost = true;
            maybeFinished(client);
        });
        if (tls == null) {
            socket.start(protocol);
        } else {
            socket.start(tls);
            tls.start(protocol, false);
        }
    }

    private void startHandler(Client client, Streams.Wiring w) {
        Coroutine<?> coro;
        try {
            coro = Objects.requireNonNull(handler.handle(w.reader(), w.writer()),
                    "the connection handler returned null instead of a coroutine");
        } catch (RuntimeException e) {
            loop.callExceptionHandler(new ExceptionContext("Unhandled exception in the connection handler", e,
                    null, null));
            client.transport.close();
            return;
        }
        Task<?> task = loop.createTask(coro);
        client.task = task;
        task.addDoneCallback(t -> {
            if (t.isCancelled()) {
                client.transport.close();
            } else {
                Throwable e = t.exception();
                if (e != null) {
                    loop.callExceptionHandler(new ExceptionContext(
                            "Unhandled exception in the connection handler", e, t, null));
                    client.transport.close();
                }
            }
            maybeFinished(client);
        });
    }

    private void maybeFinished(Client client) {
        if (client.finished() && clients.remove(client) && closed && clients.isEmpty()) {
            wakeCloseWaiters();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing

    /**
     * Stops accepting and closes the listening sockets. Open connections stay open (see {@link #closeClients()}).
     * A task in {@link #serveForever()} returns. Idempotent.
     *
     * <p>The JDK frees the socket of a channel registered with a selector only when the selector next polls,
     * which the loop does in its next iteration that waits for I/O: until then the port stays bound, and a
     * connection attempt made in between is reset rather than refused. To rebind the same port at once, let the
     * loop poll first (for instance {@code await(sleep(0.001))}).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TimerHandle retry : acceptRetries) {
            retry.cancel();
        }
        acceptRetries.clear();
        for (ServerSocketChannel listener : listeners) {
            loop.removeReader(listener);
            Streams.closeQuietly(listener);
        }
        if (unix) {
            UnixSockets.removeOwn(((UnixDomainSocketAddress) addresses.get(0)).getPath(), unixFileKey);
        }
        if (servingForever != null && !servingForever.isDone()) {
            servingForever.setResult(null);
        }
        if (clients.isEmpty()) {
            wakeCloseWaiters();
        }
    }

    /** Closes every open connection (after its buffered data is sent). */
    public void closeClients() {
        for (Client client : List.copyOf(clients)) {
            client.transport.close();
        }
    }

    /** Closes every open connection at once, discarding buffered data. */
    public void abortClients() {
        for (Client client : List.copyOf(clients)) {
            client.transport.abort();
        }
    }

    /** Waits until the server is closed and every connection is finished (handler done, socket closed). */
    public Awaitable<Void> waitClosed() {
        return () -> {
            if (closed && clients.isEmpty()) {
                return null;
            }
            Future<Void> w = loop.createFuture();
            closeWaiters.add(w);
            try {
                return w.await();
            } finally {
                closeWaiters.remove(w);
            }
        };
    }

    private void wakeCloseWaiters() {
        for (Future<Void> w : List.copyOf(closeWaiters)) {
            if (!w.isDone()) {
                w.setResult(null);
            }
        }
    }

    /**
     * Serves until the server is closed, then returns. If the awaiting task is cancelled, the server is closed and
     * (as in asyncio) {@link #waitClosed()} awaited before the {@link CancelledError} propagates.
     *
     * @throws IllegalStateException if the server is closed or another task already awaits serveForever
     */
    public Awaitable<Void> serveForever() {
        return () -> {
            if (servingForever != null) {
                throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
            }
            if (closed) {
                throw new IllegalStateException("server " + this + " is closed");
            }
            Future<Void> forever = loop.createFuture();
            servingForever = forever;
            try {
                forever.await();
            } catch (CancelledError cancelled) {
                close();
                try {
                    waitClosed().await();
                } catch (CancelledError again) {
                    // cancelled once more while waiting for the connections: stop waiting
                }
                throw cancelled;
            } finally {
                servingForever = null;
            }
            return null;
        };
    }

    @Override
    public String toString() {
        return "<Server " + addresses + (closed ? " closed" : "") + " connections=" + clients.size() + ">";
    }
}
