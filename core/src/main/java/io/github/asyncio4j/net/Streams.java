package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.internal.Exceptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * asyncio's streams API: {@code open_connection} and {@code start_server}, over TCP or TLS.
 *
 * <pre>{@code
 * Connection c = await(Streams.openConnection("example.org", 80));
 * c.writer().write("GET / HTTP/1.0\r\n\r\n".getBytes(US_ASCII));
 * byte[] status = await(c.reader().readLine());
 *
 * Server server = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
 *     writer.write(await(reader.read(100)));
 *     writer.close();
 *     return null;
 * }), "127.0.0.1", 0));
 * int port = server.port();
 * }</pre>
 *
 * <p>Host names are resolved off the loop thread ({@link Async#toThread}); literal IP addresses are not looked up.
 * Connections have TCP_NODELAY on unless {@link StreamOptions#withTcpNoDelay} says otherwise. TLS: pass an
 * {@link SSLContext}; a client verifies the server's certificate chain and (by default) that it matches the server
 * name, which is also sent as SNI (unless it is an IP address). Errors are the JDK's, unchanged:
 * {@link java.net.ConnectException} for a refused connection, {@link java.net.UnknownHostException},
 * {@link javax.net.ssl.SSLHandshakeException} for a failed handshake.
 */
public final class Streams {
    private Streams() {
    }

    /** Opens a TCP connection to {@code host:port}; an awaitable of its reader and writer. */
    public static Awaitable<Connection> openConnection(String host, int port) {
        return openConnection(host, port, StreamOptions.defaults());
    }

    /** Opens a TLS connection; the server's certificate must match {@code host}. */
    public static Awaitable<Connection> openConnection(String host, int port, SSLContext ssl) {
        return openConnection(host, port, StreamOptions.defaults().withSsl(Objects.requireNonNull(ssl, "ssl")));
    }

    /** Opens a TLS connection; the certificate must match {@code serverHostname}, also sent as SNI. */
    public static Awaitable<Connection> openConnection(String host, int port, SSLContext ssl,
                                                       String serverHostname) {
        return openConnection(host, port, StreamOptions.defaults()
                .withSsl(Objects.requireNonNull(ssl, "ssl"))
                .withServerHostname(Objects.requireNonNull(serverHostname, "serverHostname")));
    }

    /**
     * Opens a connection with the given options. The addresses of {@code host} are tried with Happy Eyeballs
     * (RFC 8305): families interleaved, the next address tried when an attempt fails or has been pending for
     * {@link StreamOptions#happyEyeballsDelay()}, each attempt bounded by {@link StreamOptions#connectTimeout()};
     * the first connection made wins. If all fail, the first failure is thrown with the others attached as
     * suppressed exceptions. Cancelled at any point, it closes every socket it opened.
     */
    public static Awaitable<Connection> openConnection(String host, int port, StreamOptions options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        return () -> connected(host, port, options, connect(host, port, options));
    }

    /**
     * Opens a connection to one of {@code addresses}, already resolved (by a caller with a resolver or a cache of
     * its own), tried as {@link #openConnection(String, int, StreamOptions)} tries a host's; for TLS,
     * {@link StreamOptions#serverHostname()} names the server (else the first address, as a literal).
     *
     * @throws IllegalArgumentException if {@code addresses} is empty or holds an unresolved address
     */
    public static Awaitable<Connection> openConnection(List<InetSocketAddress> addresses, StreamOptions options) {
        Objects.requireNonNull(options, "options");
        List<InetSocketAddress> all = List.copyOf(addresses);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no address to connect to");
        }
        for (InetSocketAddress a : all) {
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("an unresolved address: " + a);
            }
        }
        InetSocketAddress first = all.get(0);
        return () -> connected(first.getAddress().getHostAddress(), first.getPort(), options,
                HappyEyeballs.connect(HappyEyeballs.interleave(all), options));
    }

    /** Wires a connected {@code channel} up (with TLS for {@code host} if {@code options} say so). */
    private static Connection connected(String host, int port, StreamOptions options, SocketChannel channel) {
        EventLoop loop = Async.getRunningLoop();
        Wiring w;
        try {
            SSLEngine engine = null;
            if (options.ssl() != null) {
                engine = clientEngine(options, host, port);
            }
            w = wire(loop, channel, options, engine);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel);
            throw e;
        }
        return connected(w);
    }

    /** Connects to {@code host:port}: its addresses tried with Happy Eyeballs ({@link HappyEyeballs}). */
    static SocketChannel connect(String host, int port, StreamOptions options) {
        return HappyEyeballs.connect(HappyEyeballs.interleave(Resolver.getaddrinfo(host, port)), options);
    }

    static SSLEngine clientEngine(StreamOptions options, String host, int port) {
        String name = options.serverHostname() != null ? options.serverHostname() : host;
        SSLEngine engine = options.ssl().createSSLEngine(name, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (options.checkHostname()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!name.isEmpty() && !Resolver.isLiteral(name)) {
            parameters.setServerNames(List.of(new SNIHostName(name)));
        }
        if (!options.applicationProtocols().isEmpty()) {
            parameters.setApplicationProtocols(options.applicationProtocols().toArray(new String[0]));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** Starts a TCP server on {@code host:port} (port 0: an ephemeral port; see {@link Server#port()}). */
    public static Awaitable<Server> startServer(ConnectionHandler handler, String host, int port) {
        return startServer(handler, host, port, StreamOptions.defaults());
    }

    /** Starts a TLS server; {@code ssl} holds its certificate and key. */
    public static Awaitable<Server> startServer(ConnectionHandler handler, String host, int port, SSLContext ssl) {
        return startServer(handler, host, port, StreamOptions.defaults().withSsl(Objects.requireNonNull(ssl, "ssl")));
    }

    /**
     * Starts a server with the given options, listening on every address of {@code host} (null or empty: all
     * interfaces). With port 0 the first socket gets an ephemeral port and the others share it. The server
     * accepts at once; each connection's handler runs in its own task (after the TLS handshake, if any).
     */
    public static Awaitable<Server> startServer(ConnectionHandler handler, String host, int port,
                                                StreamOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        return () -> new Server(Async.getRunningLoop(), handler, options, listen(host, port, options));
    }

    /**
     * Binds the listening sockets of a server on every address of {@code host} (null or empty: all interfaces);
     * with port 0 the first gets an ephemeral port and the others share it. With {@link StreamOptions#reusePort()}
     * each socket is bound with {@code SO_REUSEPORT}.
     */
    static List<ServerSocketChannel> listen(String host, int port, StreamOptions options) {
        checkPort(port);
        List<InetAddress> addresses = host == null || host.isEmpty()
                ? java.util.Collections.singletonList((InetAddress) null)
                : List.copyOf(new LinkedHashSet<>(Resolver.resolve(host)));
        List<ServerSocketChannel> listeners = new ArrayList<>();
        try {
            int bound = port;
            for (InetAddress address : addresses) {
                ServerSocketChannel listener = ServerSocketChannel.open();
                listeners.add(listener);
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (options.reusePort()) {
                    if (!listener.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new UnsupportedOperationException(
                                "StreamOptions.withReusePort(true): this platform has no SO_REUSEPORT");
                    }
                    listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                listener.bind(address == null ? new InetSocketAddress(bound) : new InetSocketAddress(address,
                        bound), options.backlog());
                listener.configureBlocking(false);
                if (bound == 0) {
                    bound = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                }
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(Streams::closeQuietly);
            throw Exceptions.sneakyThrow(e);
        }
        return listeners;
    }

    /**
     * Opens a connection to the Unix domain socket at {@code path} ({@code asyncio.open_unix_connection}).
     *
     * @throws IllegalArgumentException if {@code path} is relative or longer than the kernel allows (107 bytes)
     */
    public static Awaitable<Connection> openUnixConnection(Path path) {
        return openUnixConnection(path, StreamOptions.defaults());
    }

    /** Opens a Unix domain socket connection with the given options (TLS too, if {@code options} has a context). */
    public static Awaitable<Connection> openUnixConnection(Path path, StreamOptions options) {
        UnixDomainSocketAddress address = UnixSockets.address(path);
        Objects.requireNonNull(options, "options");
        return () -> {
            EventLoop loop = Async.getRunningLoop();
            SocketChannel channel = null;
            Wiring w;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.configureBlocking(false);
                await(Sockets.sockConnect(channel, address));
                SSLEngine engine = options.ssl() == null ? null : clientEngine(options, "", 0);
                w = wire(loop, channel, options, engine);
            } catch (Throwable e) {
                closeQuietly(channel);
                throw Exceptions.sneakyThrow(e);
            }
            return connected(w);
        };
    }

    /**
     * Starts a server on the Unix domain socket {@code path} ({@code asyncio.start_unix_server}). A stale socket
     * file left by a dead server is replaced; the server removes its socket file when it closes.
     *
     * @throws IllegalArgumentException if {@code path} is relative or longer than the kernel allows (107 bytes)
     */
    public static Awaitable<Server> startUnixServer(ConnectionHandler handler, Path path) {
        return startUnixServer(handler, path, StreamOptions.defaults());
    }

    /**
     * Starts a Unix domain socket server with the given options. Awaiting it throws {@link java.net.BindException}
     * if another server is listening on {@code path}, or if {@code path} is a file that is not a socket.
     */
    public static Awaitable<Server> startUnixServer(ConnectionHandler handler, Path path, StreamOptions options) {
        Objects.requireNonNull(handler, "handler");
        UnixDomainSocketAddress address = UnixSockets.address(path);
        Objects.requireNonNull(options, "options");
        return () -> new Server(Async.getRunningLoop(), handler, options, List.of(bindUnix(address, options)));
    }

    /** A listening Unix socket on {@code address}, replacing a stale socket file. */
    static ServerSocketChannel bindUnix(UnixDomainSocketAddress address, StreamOptions options) {
        ServerSocketChannel listener = null;
        try {
            UnixSockets.clearStale(address.getPath());
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(address, options.backlog());
            listener.configureBlocking(false);
            return listener;
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            throw Exceptions.sneakyThrow(e);
        }
    }

    private static Connection connected(Wiring w) {
        if (w.handshake() != null) {
            try {
                w.handshake().await();
            } catch (Throwable e) {
                w.transport().abort();
                throw e;
            }
        }
        return new Connection(w.reader(), w.writer());
    }

    /**
     * A reader and writer over a transport the caller makes (asyncio's {@code StreamReaderProtocol} wiring, as
     * {@code connect_read_pipe} uses it): {@code transportFor} receives the protocol that feeds the reader and
     * tracks the writer's flow control, and returns the transport that will call it. For pipes and other custom
     * transports; sockets have {@link #openConnection}.
     *
     * @param limit the reader's buffer limit (see {@link StreamOptions#withLimit})
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public static Connection overTransport(Function<Protocol, Transport> transportFor, int limit) {
        Objects.requireNonNull(transportFor, "transportFor");
        StreamReader reader = new StreamReader(limit);
        StreamProtocol protocol = new StreamProtocol(Async.getRunningLoop(), reader, false);
        Transport transport = Objects.requireNonNull(transportFor.apply(protocol), "transportFor returned null");
        reader.setTransport(transport);
        return new Connection(reader, new StreamWriter(transport, protocol, reader));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Wiring a connected socket into streams (clients and servers)

    /** The parts of one connection. {@code handshake} is null for plain TCP. */
    record Wiring(StreamReader reader, StreamWriter writer, Transport transport, StreamProtocol protocol,
                  Future<Void> handshake) {
    }

    /** Builds transport, protocol, reader and writer around a connected non-blocking channel and starts reading. */
    static Wiring wire(EventLoop loop, SocketChannel channel, StreamOptions options, SSLEngine engine) {
        StreamReader reader = new StreamReader(options.limit());
        StreamProtocol protocol = new StreamProtocol(loop, reader, engine != null);
        SocketTransport socket = new SocketTransport(loop, channel);
        if (engine == null) {
            reader.setTransport(socket);
            socket.start(protocol);
            return new Wiring(reader, new StreamWriter(socket, protocol, reader), socket, protocol, null);
        }
        TlsTransport tls = new TlsTransport(loop, socket, engine, options.sslHandshakeTimeout());
        reader.setTransport(tls);
        socket.start(tls);
        tls.start(protocol, true);
        return new Wiring(reader, new StreamWriter(tls, protocol, reader), tls, protocol, tls.handshake());
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
