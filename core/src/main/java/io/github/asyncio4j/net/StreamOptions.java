package io.github.asyncio4j.net;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Options of {@link Streams#openConnection(String, int, StreamOptions)} and
 * {@link Streams#startServer(ConnectionHandler, String, int, StreamOptions)}: asyncio's keyword arguments
 * ({@code limit=}, {@code ssl=}, {@code server_hostname=}, {@code backlog=}, {@code ssl_handshake_timeout=},
 * {@code happy_eyeballs_delay=}, and a per-attempt connect timeout).
 * Immutable; each {@code with...} method returns a changed copy.
 *
 * <pre>{@code
 * var options = StreamOptions.defaults().withSsl(sslContext).withLimit(1 << 20);
 * }</pre>
 */
public final class StreamOptions {
    /** The default {@link StreamReader} buffer limit: 64 KiB, as in asyncio. */
    public static final int DEFAULT_LIMIT = 64 * 1024;
    /** The default listen backlog of a server: 100, as in asyncio. */
    public static final int DEFAULT_BACKLOG = 100;
    /** How long a connection attempt waits before the next address is tried too: 250 ms (RFC 8305). */
    public static final Duration DEFAULT_HAPPY_EYEBALLS_DELAY = Duration.ofMillis(250);
    /** The default time a TLS handshake may take: 60 seconds, as in asyncio. */
    public static final Duration DEFAULT_SSL_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    private static final StreamOptions DEFAULTS =
            new StreamOptions(DEFAULT_LIMIT, null, null, true, DEFAULT_BACKLOG, DEFAULT_SSL_HANDSHAKE_TIMEOUT, true,
                    false, DEFAULT_HAPPY_EYEBALLS_DELAY, null, List.of());

    private final int limit;
    private final SSLContext ssl;
    private final String serverHostname;
    private final boolean checkHostname;
    private final int backlog;
    private final Duration sslHandshakeTimeout;
    private final boolean tcpNoDelay;
    private final boolean reusePort;
    private final Duration happyEyeballsDelay;
    private final Duration connectTimeout;
    private final List<String> applicationProtocols;

    private StreamOptions(int limit, SSLContext ssl, String serverHostname, boolean checkHostname, int backlog,
                          Duration sslHandshakeTimeout, boolean tcpNoDelay, boolean reusePort,
                          Duration happyEyeballsDelay, Duration connectTimeout, List<String> applicationProtocols) {
        this.limit = limit;
        this.ssl = ssl;
        this.serverHostname = serverHostname;
        this.checkHostname = checkHostname;
        this.backlog = backlog;
        this.sslHandshakeTimeout = sslHandshakeTimeout;
        this.tcpNoDelay = tcpNoDelay;
        this.reusePort = reusePort;
        this.happyEyeballsDelay = happyEyeballsDelay;
        this.connectTimeout = connectTimeout;
        this.applicationProtocols = applicationProtocols;
    }

    /** Plain TCP, 64 KiB reader limit, backlog 100, TCP_NODELAY on, 60 s TLS handshake timeout. */
    public static StreamOptions defaults() {
        return DEFAULTS;
    }

    /** The {@link StreamReader} buffer limit in bytes (see {@link StreamReader}). */
    public int limit() {
        return limit;
    }

    /** The TLS context, or null for plain TCP. */
    public SSLContext ssl() {
        return ssl;
    }

    /** The name a client checks the server's certificate against and sends as SNI; null means the host. */
    public String serverHostname() {
        return serverHostname;
    }

    /** Whether a TLS client verifies that the certificate matches the server name (on by default). */
    public boolean checkHostname() {
        return checkHostname;
    }

    /** The listen backlog of a server. */
    public int backlog() {
        return backlog;
    }

    /** How long a TLS handshake may take before the connection is aborted. */
    public Duration sslHandshakeTimeout() {
        return sslHandshakeTimeout;
    }

    /** Whether connections disable Nagle's algorithm (TCP_NODELAY). */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /** @param limit the reader's buffer limit, positive */
    public StreamOptions withLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** @param ssl the TLS context; null for plain TCP */
    public StreamOptions withSsl(SSLContext ssl) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** @param serverHostname the name to verify and send as SNI (clients only); null means the host */
    public StreamOptions withServerHostname(String serverHostname) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** @param checkHostname false turns off hostname verification (the certificate chain is still checked) */
    public StreamOptions withCheckHostname(boolean checkHostname) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** @param backlog the listen backlog of a server, positive */
    public StreamOptions withBacklog(int backlog) {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** @param timeout how long a TLS handshake may take before the connection is aborted, positive */
    public StreamOptions withSslHandshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive: " + timeout);
        }
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, timeout, tcpNoDelay,
                reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** @param tcpNoDelay whether to disable Nagle's algorithm on connections (on by default, as in asyncio) */
    public StreamOptions withTcpNoDelay(boolean tcpNoDelay) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** Whether a server's listening sockets are bound with {@code SO_REUSEPORT} (off by default). */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * @param reusePort whether a server binds its listening sockets with {@code SO_REUSEPORT}, so several servers
     *                  (one per loop of an {@link io.github.asyncio4j.EventLoopGroup}) can listen on one port and
     *                  the kernel spreads connections among them (Linux; elsewhere starting the server fails with
     *                  {@link UnsupportedOperationException})
     */
    public StreamOptions withReusePort(boolean reusePort) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout,
                applicationProtocols);
    }

    /** How long a connection attempt may be pending before the next address is tried as well (Happy Eyeballs). */
    public Duration happyEyeballsDelay() {
        return happyEyeballsDelay;
    }

    /** How long one connection attempt (one address) may take, or null for the system's TCP timeout. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * @param delay how long a connection attempt may be pending before the next address of the host is tried
     *              too (RFC 8305's "Connection Attempt Delay"; 250 ms by default), positive
     */
    public StreamOptions withHappyEyeballsDelay(Duration delay) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, positive(delay, "the Happy Eyeballs delay"), connectTimeout,
                applicationProtocols);
    }

    /**
     * @param timeout how long each connection attempt (one address) may take before it fails with a
     *                {@link java.net.SocketTimeoutException}, positive; null for the system's TCP timeout
     */
    public StreamOptions withConnectTimeout(Duration timeout) {
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay,
                timeout == null ? null : positive(timeout, "the connect timeout"), applicationProtocols);
    }

    /** The ALPN protocols offered (client) or accepted (server) in order of preference; empty: no ALPN. */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /**
     * @param protocols the ALPN protocol names (RFC 7301), most preferred first, e.g. {@code "h2", "http/1.1"}:
     *                  a TLS client offers them, a TLS server picks the first of its list the client offers; none
     *                  (the default) sends no ALPN extension. See {@link StreamWriter#applicationProtocol()}.
     */
    public StreamOptions withApplicationProtocols(String... protocols) {
        List<String> list = List.of(protocols);
        for (String p : list) {
            if (p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("an ALPN protocol name has 1 to 255 characters: \"" + p + "\"");
            }
        }
        return new StreamOptions(limit, ssl, serverHostname, checkHostname, backlog, sslHandshakeTimeout,
                tcpNoDelay, reusePort, happyEyeballsDelay, connectTimeout, list);
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "StreamOptions[limit=" + limit + ", ssl=" + (ssl != null) + ", serverHostname=" + serverHostname
                + ", checkHostname=" + checkHostname + ", backlog=" + backlog + ", sslHandshakeTimeout="
                + sslHandshakeTimeout + ", tcpNoDelay=" + tcpNoDelay + ", reusePort=" + reusePort
                + ", happyEyeballsDelay=" + happyEyeballsDelay
                + ", connectTimeout=" + connectTimeout + ", applicationProtocols=" + applicationProtocols + "]";
    }
}
