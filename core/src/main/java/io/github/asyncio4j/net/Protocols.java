package io.github.asyncio4j.net;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.EventLoop;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * Connections served by {@link Protocol}s instead of streams: the implementation of
 * {@link EventLoop#createConnection} and {@link EventLoop#createServer} (asyncio's {@code loop.create_connection}
 * and {@code loop.create_server}), usable directly too. Addresses, TLS and options behave as in {@link Streams}.
 */
public final class Protocols {
    private Protocols() {
    }

    /**
     * Connects to {@code host:port} and hands the connection to a protocol made by {@code protocolFactory}; the
     * awaitable finishes after the protocol's {@code connectionMade} (for TLS, after the handshake).
     *
     * @throws IllegalArgumentException if the port is out of range
     */
    public static <P extends Protocol> Awaitable<ProtocolConnection<P>> createConnection(
            Supplier<P> protocolFactory, String host, int port, StreamOptions options) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        Streams.checkPort(port);
        return () -> {
            EventLoop loop = Async.getRunningLoop();
            SocketChannel channel = Streams.connect(host, port, options);
            P protocol;
            SSLEngine engine;
            try {
                protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
                engine = options.ssl() == null ? null : Streams.clientEngine(options, host, port);
            } catch (RuntimeException | Error e) {
                Streams.closeQuietly(channel);
                throw e;
            }
            SocketTransport socket = new SocketTransport(loop, channel);
            if (engine == null) {
                socket.start(protocol);
                return new ProtocolConnection<>(socket, protocol);
            }
            TlsTransport tls = new TlsTransport(loop, socket, engine, options.sslHandshakeTimeout());
            socket.start(tls);
            tls.start(protocol, false);
            try {
                tls.handshake().await();
            } catch (Throwable e) {
                socket.abort();
                throw e;
            }
            return new ProtocolConnection<>(tls, protocol);
        };
    }

    /**
     * Starts a server on {@code host:port} (see {@link Streams#startServer(ConnectionHandler, String, int,
     * StreamOptions)} for addresses and options) whose every connection gets a new protocol from
     * {@code protocolFactory}.
     *
     * @throws IllegalArgumentException if the port is out of range
     */
    public static Awaitable<Server> createServer(Supplier<? extends Protocol> protocolFactory, String host, int port,
                                                 StreamOptions options) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        Streams.checkPort(port);
        return () -> Server.forProtocols(Async.getRunningLoop(), protocolFactory, options,
                Streams.listen(host, port, options));
    }
}
