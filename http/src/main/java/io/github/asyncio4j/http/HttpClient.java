package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.StreamOptions;
import io.github.asyncio4j.net.Streams;
import io.github.asyncio4j.net.StreamWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 and HTTP/2 client on asyncio4j streams, with a connection pool per {@link Origin}.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.builder()
 *         .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10))
 *         .maxConnectionsPerHost(4).userAgent("my-crawler/1.0").build();
 * try (client) {
 *     HttpResponse r = await(client.get("https://example.org/"));
 *     if (r.isRedirect()) { ... r.location() ... }      // redirects are reported, never followed
 * }
 * }</pre>
 *
 * <p><b>Requests.</b> {@link #send} returns a coroutine: await it, or run many at once with {@code createTask}.
 * The client adds {@code Host}, {@code User-Agent},
 * {@code Accept-Encoding: gzip, deflate, br, zstd} and {@code Content-Length} unless the request has them.
 * Response bodies may be framed by {@code Content-Length}, chunked coding (trailers go to
 * {@link HttpResponse#trailers()}) or the connection's end; gzip, deflate, br and zstd bodies are decoded
 * (headers stay as received). Both HTTP/1.1 and HTTP/1.0 servers work.
 *
 * <p><b>Connections.</b> A connection goes back to the pool after a response was read completely, unless either
 * side said {@code Connection: close}, the server spoke HTTP/1.0 without {@code keep-alive}, or the body ran to
 * the connection's end. At most {@link Builder#maxConnectionsPerHost} connections per origin; further requests
 * wait in FIFO order; at most {@link Builder#maxConnections} in all, the connection idle longest closed to make room.
 * Host names are resolved off the loop's thread and remembered (an answer for two minutes, a failure for 30
 * seconds; tasks that need a name being looked up share the lookup). A request sent on a reused connection that
 * the server had closed meanwhile (no byte of the response received) is retried once on a new connection, for
 * idempotent methods only.
 *
 * <p><b>Failures.</b> A malformed response is an {@link HttpProtocolException}, a body over the maximum a
 * {@link BodyTooLargeException}, an expired timeout an {@link HttpTimeoutException} naming it, a TLS failure
 * (certificate or host name) the JDK's {@link javax.net.ssl.SSLHandshakeException}, a name that does not resolve
 * a {@link DnsException} (an {@link java.net.UnknownHostException}), other I/O errors (refused, reset)
 * the JDK's {@link IOException}s, unchanged and undeclared. After any failure, and when the request is
 * cancelled at any await point, its connection is closed at once and never reused.
 *
 * <p><b>HTTP/2.</b> With {@link HttpVersion#AUTO} (the default) a TLS connection offers {@code h2} in ALPN and
 * speaks HTTP/2 when the server agrees; {@link HttpVersion#HTTP_2} also speaks it on plain connections (prior
 * knowledge). Requests to one origin then share one connection as streams, up to the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS (past it another connection opens, up to {@link Builder#maxConnectionsPerHost});
 * timeouts, the body limit and decoding apply per stream, a cancelled request resets only its stream, and a request
 * the server did not process (REFUSED_STREAM, a GOAWAY) is retried on another connection. HTTP/2 connections count
 * in {@link Builder#maxConnections} as HTTP/1.1 ones do (one with no stream open is idle).
 * {@link HttpResponse#version()} says {@code HTTP/2} or {@code HTTP/1.1}.
 *
 * <p>Loop-confined: use a client from one event loop. {@link #close()} closes the idle connections.
 */
public final class HttpClient implements AutoCloseable {
    /** A server may send a few 1xx responses before the real one, not an endless stream of them. */
    private static final int MAX_INTERIM_RESPONSES = 8;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
    private static final String[] ALPN_H2 = {"h2", "http/1.1"};
    private static final String[] ALPN_HTTP1 = {"http/1.1"};
    /** The receive window of each HTTP/2 stream: what one response may have in flight or unread. */
    private static final int STREAM_WINDOW = 1 << 20;
    /** An HTTP/2 connection silent this long is checked with PING before it is reused. */
    private static final Duration PING_AFTER = Duration.ofSeconds(10);

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration totalTimeout;
    private final long maxBodySize;
    private final int maxHeaderBytes;
    private final String userAgent;
    private final SSLContext sslContext;
    private final List<String> preferredCipherSuites;
    /** The bound on connections in all, both pools together. */
    private final ConnectionBudget budget;
    private final ConnectionPool pool;
    private final DnsCache dns;
    private final HttpVersion version;
    private final Http2Pool http2;
    private SSLContext defaultSsl;
    /** The loop this client's connections and waiters belong to: the first that used it. */
    private EventLoop owner;

    private HttpClient(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.totalTimeout = b.totalTimeout;
        this.maxBodySize = b.maxBodySize;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.userAgent = b.userAgent;
        this.preferredCipherSuites = b.preferredCipherSuites;
        this.sslContext = b.sslContext == null ? null : PreferredCipherSuites.wrap(b.sslContext, preferredCipherSuites);
        this.budget = new ConnectionBudget(b.maxConnections);
        this.pool = new ConnectionPool(b.maxConnectionsPerHost, budget, b.idleTimeout);
        this.dns = b.dns != null ? b.dns : DnsCache.system();
        this.version = b.version;
        this.http2 = new Http2Pool(b.maxConnectionsPerHost, budget, b.idleTimeout, PING_AFTER,
                readTimeout.isZero() || readTimeout.compareTo(PING_AFTER) > 0 ? PING_AFTER : readTimeout);
        budget.reclaimFrom(pool, http2);
    }

    /** A client with the defaults of {@link Builder}. */
    public static HttpClient create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code GET url}. */
    public Coroutine<HttpResponse> get(String url) {
        return send(HttpRequest.get(url));
    }

    /**
     * Sends {@code request} and reads the whole response. The URL and headers are checked now (an
     * {@link IllegalArgumentException} names the mistake); the exchange runs when the coroutine is awaited.
     */
    public Coroutine<HttpResponse> send(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        Origin origin = Origin.of(request.uri());
        String target = requestTarget(request);
        String what = "for " + request.method() + " " + request.uri();
        return Coroutine.of(() -> Timeouts.within(totalTimeout, HttpTimeoutException.Kind.TOTAL, what,
                () -> exchange(request, origin, target)));
    }

    /**
     * Opens a WebSocket to {@code url} ({@code ws://} or {@code wss://}) with default {@link WebSocket.Options}:
     * connects with this client's connect timeout and TLS context, sends the upgrade request (with this client's
     * {@code User-Agent}), and checks the server's {@code 101} response within the read timeout. The connection
     * is the WebSocket's alone, never pooled. The URL is checked now.
     *
     * @throws WebSocketHandshakeException (when awaited) if the server refuses or answers wrongly
     */
    public Coroutine<WebSocket> websocket(String url) {
        return websocket(url, WebSocket.Options.defaults());
    }

    /** {@link #websocket(String)} with the given options (subprotocols, compression, limits, extra headers). */
    public Coroutine<WebSocket> websocket(String url, WebSocket.Options options) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(options, "options");
        return WebSocketHandshake.connect(this, url, options);
    }

    /** A new connection to {@code origin} for an upgrade (outside the pool), on the client's loop. */
    Connection connectForUpgrade(Origin origin) {
        claimLoop();
        if (pool.isClosed()) {
            throw new IllegalStateException("the HttpClient is closed");
        }
        return open(origin);
    }

    Duration readTimeout() {
        return readTimeout;
    }

    int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    String userAgent() {
        return userAgent;
    }

    /** Binds the client to the running loop at its first use; another loop is refused. */
    private void claimLoop() {
        EventLoop loop = Async.getRunningLoop();
        if (owner == null) {
            owner = loop;
        } else if (owner != loop) {
            throw new IllegalStateException("an HttpClient belongs to the event loop that first used it ("
                    + owner + "); make one client per loop");
        }
    }

    /** {@code target}: the request target, checked ({@link #requestTarget}). */
    private HttpResponse exchange(HttpRequest request, Origin origin, String target) {
        return overHttp2OrHttp1(request, origin, target,
                (c, in) -> {
                    Exchanged result = in.guarded(() -> roundTrip(c.connection().writer(), in, request,
                            requestHead(request, origin, target)));
                    HttpResponse response = decoded(result.response());   // a bad encoding discards it too
                    giveBack(c, result.keepAlive());
                    return response;
                },
                h2 -> roundTrip2(h2, request, origin, target));
    }

    /** One try of a request on an HTTP/2 connection; it releases its stream whatever happens to it. */
    private interface Attempt2<T> {
        T run(Http2Connection c);
    }

    /**
     * Runs the request over HTTP/2 if this client's version and the origin allow it ({@code http2}, on a stream of
     * a shared connection), else over HTTP/1.1 ({@code http1}, on a pooled connection; also when ALPN chose it).
     * A request the server did not process (REFUSED_STREAM, or above a GOAWAY's last-stream-id) is retried on
     * another connection, at most twice.
     */
    private <T> T overHttp2OrHttp1(HttpRequest request, Origin origin, String target, Attempt<T> http1,
                                   Attempt2<T> http2Attempt) {
        claimLoop();
        boolean tryHttp2 = version == HttpVersion.HTTP_2 || version == HttpVersion.AUTO && origin.isHttps();
        if (!tryHttp2 || http2.isHttp1Only(origin)) {
            return onHttp1(request, origin, null, http1);
        }
        for (int attempt = 1; ; attempt++) {
            Http2Pool.Opened o = http2.acquire(origin, this::openHttp2);
            if (o.http2() == null) {
                return onHttp1(request, origin, o.http1(), http1);
            }
            try {
                return http2Attempt.run(o.http2());
            } catch (Http2Connection.RefusedStreamException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** {@link #onPooledConnection} with {@code opened}, a new connection (ALPN chose HTTP/1.1), used first if not null. */
    private <T> T onHttp1(HttpRequest request, Origin origin, Connection opened, Attempt<T> attempt) {
        Connection[] fresh = {opened};
        Function<Origin, Connection> opener = o -> {
            Connection c = fresh[0];
            fresh[0] = null;
            return c != null ? c : open(o, ALPN_HTTP1);
        };
        try {
            return onPooledConnection(request, origin, opener, attempt);
        } finally {
            if (fresh[0] != null) {
                fresh[0].writer().close();   // the pool had an idle connection: the new one is not needed
            }
        }
    }

    /** A connection whose response was read to its end: back to the pool, or closed if it may not be reused. */
    private void giveBack(PooledConnection c, boolean keepAlive) {
        if (keepAlive) {
            pool.release(c);
        } else {
            pool.discard(c);
        }
    }

    /** One try of a request on a pooled HTTP/1.1 connection; it releases or discards the connection if it succeeds. */
    private interface Attempt<T> {
        T run(PooledConnection c, MessageReader in);
    }

    /**
     * Runs {@code attempt} on a connection from the pool; a failure discards the connection, and one on a reused
     * connection before any byte of the response (the server closed it as we reused it) is tried once more on a new
     * connection if the method is idempotent.
     */
    private <T> T onPooledConnection(HttpRequest request, Origin origin, Function<Origin, Connection> opener,
                                     Attempt<T> attempt) {
        for (int n = 1; ; n++) {
            PooledConnection c = pool.acquire(origin, opener);
            boolean reused = c.requests() > 0;
            c.countRequest();
            MessageReader in = new MessageReader(c.connection().reader(), readTimeout, maxHeaderBytes);
            try {
                return attempt.run(c, in);
            } catch (Throwable e) {
                pool.discard(c);
                if (n == 1 && reused && !in.receivedAny() && isStale(e) && IDEMPOTENT.contains(request.method())) {
                    continue;
                }
                throw e;
            }
        }
    }

    private Http2Pool.Opened openHttp2(Origin origin) {
        Connection c = open(origin, origin.isHttps() ? ALPN_H2 : null);
        if (origin.isHttps() && !"h2".equals(c.writer().applicationProtocol())) {
            return new Http2Pool.Opened(null, null, c);
        }
        Http2Connection h2 = new Http2Connection(new Http2Connection.Config(false, 100, STREAM_WINDOW,
                maxHeaderBytes, maxHeaderBytes + 1024), c.reader(), c.writer(), null);
        Task<Void> reader = Async.createTask(Coroutine.of(() -> {
            h2.run(false);
            return null;
        }), "HTTP/2 reader " + origin);
        try {   // the server's SETTINGS first: its limit on concurrent streams decides where requests go
            Timeouts.within(connectTimeout, HttpTimeoutException.Kind.CONNECT, "waiting for the server's HTTP/2 "
                    + "SETTINGS from " + origin, h2.settingsFuture());
        } catch (Throwable e) {
            h2.abort("HTTP/2 connection abandoned");
            reader.cancel();
            throw e;
        }
        if (h2.isFailed()) {
            reader.cancel();
            throw new HttpProtocolException("the HTTP/2 connection to " + origin + " ended before its SETTINGS");
        }
        return new Http2Pool.Opened(h2, reader, null);
    }

    private HttpResponse roundTrip2(Http2Connection c, HttpRequest request, Origin origin, String target) {
        Http2Stream s = c.openStream();
        try {
            List<String> fields = sendOnStream(c, s, request, origin, target);
            int status = Http2Headers.status(fields);
            Http2Body body = new Http2Body(s, readTimeout, maxBodySize);
            byte[] bytes = body.readAll();
            return decoded(new HttpResponse(status, HttpResponse.reasonPhrase(status), Http2Headers.toHeaders(fields),
                    bytes, "HTTP/2", body.trailers()));
        } finally {
            c.release(s, false);
        }
    }

    /** Sends the request on {@code s} and waits for the response's (final) header section. */
    private List<String> sendOnStream(Http2Connection c, Http2Stream s, HttpRequest request, Origin origin,
                                      String target) {
        byte[] body = request.body();
        c.writeHeaders(s, requestFields(request, origin, target), body.length == 0);
        if (body.length > 0) {
            c.writeData(s, body, 0, body.length, true, readTimeout);
        }
        return s.awaitHeaders(readTimeout, "reading the response headers");
    }

    /** The streamed response of {@link #stream} on a stream of {@code c}, which it releases at its end or close. */
    private StreamedResponse openStream2(Http2Connection c, HttpRequest request, Origin origin, String target,
                                         Timeouts.Deadline total) {
        Http2Stream s = c.openStream();
        try {
            List<String> fields = sendOnStream(c, s, request, origin, target);
            int status = Http2Headers.status(fields);
            Head head = new Head(new Http1.StatusLine("HTTP/2", status, HttpResponse.reasonPhrase(status)),
                    Http2Headers.toHeaders(fields), null, true);
            return new StreamedResponse(head, new Http2Body(s, readTimeout, maxBodySize), maxBodySize, total,
                    new StreamedResponse.Owner() {
                        @Override
                        public void release() {
                            c.release(s, false);
                        }

                        @Override
                        public void discard() {
                            c.release(s, false);   // a stream not ended yet is reset (CANCEL); the connection stays
                        }
                    });
        } catch (Throwable e) {
            c.release(s, false);
            throw e;
        }
    }

    /** The request's header section: pseudo-header fields, then the client's defaults and the request's own. */
    private List<String> requestFields(HttpRequest request, Origin origin, String target) {
        Headers h = request.headers();
        List<String> f = Http2Headers.list(16 + 2 * h.size());
        f.add(":method");
        f.add(request.method());
        f.add(":scheme");
        f.add(origin.scheme());
        f.add(":authority");
        f.add(h.contains("Host") ? h.get("Host") : origin.hostHeader());
        f.add(":path");
        f.add(target);
        if (!h.contains("User-Agent") && userAgent != null) {
            f.add("user-agent");
            f.add(userAgent);
        }
        if (!h.contains("Accept-Encoding")) {
            f.add("accept-encoding");
            f.add("gzip, deflate");
        }
        if (!h.contains("Content-Length") && (request.body().length > 0 || request.method().equals("POST")
                || request.method().equals("PUT"))) {
            f.add("content-length");
            f.add(Integer.toString(request.body().length));
        }
        Http2Headers.addRegular(f, h);
        return f;
    }

    private static boolean isStale(Throwable e) {
        return e instanceof StaleConnectionException || e instanceof IOException;
    }

    /** The connection closed before the first byte of the response: on a reused connection, worth one retry. */
    private static final class StaleConnectionException extends HttpProtocolException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException() {
            super("connection closed by the server before the response status line");
        }
    }

    private record Exchanged(HttpResponse response, boolean keepAlive) {
    }

    private Exchanged roundTrip(StreamWriter out, MessageReader in, HttpRequest request, byte[] head) {
        Head h = sendAndReadHead(out, in, request, head);
        Headers.Builder trailers = Headers.builder();
        byte[] body = in.readBody(h.framing(), maxBodySize, trailers);
        return new Exchanged(new HttpResponse(h.status().status(), h.status().reason(), h.headers(), body,
                h.status().version(), trailers.build()), h.keepAlive());
    }

    /** A response's head: its status line, fields, body framing, and whether the connection may be reused. */
    record Head(Http1.StatusLine status, Headers headers, Http1.Framing framing, boolean keepAlive) {
    }

    /** Sends the request and reads the response up to its body (skipping 1xx interim responses). */
    private Head sendAndReadHead(StreamWriter out, MessageReader in, HttpRequest request, byte[] head) {
        out.write(head);
        if (request.body().length > 0) {
            out.write(request.body());
        }
        in.nowDoing("sending the request");
        out.drain().await();
        in.startMessage();
        Http1.StatusLine status;
        Headers headers;
        int interim = 0;
        do {   // 1xx interim responses (100 Continue, 103 Early Hints) come before the real one
            if (interim++ == MAX_INTERIM_RESPONSES) {
                throw new HttpProtocolException("more than " + MAX_INTERIM_RESPONSES + " interim (1xx) responses");
            }
            String line = in.readHeadLine("the status line", 0);
            if (line == null) {
                throw new StaleConnectionException();
            }
            status = Http1.parseStatusLine(line);
            headers = in.readFields("the response headers", line.length() + 2L);
        } while (status.status() < 200 && status.status() != 101);
        if (status.status() == 101) {
            throw new HttpProtocolException("unexpected 101 Switching Protocols (no upgrade was asked for)");
        }
        Http1.Framing framing = Http1.responseFraming(request.method(), status.status(), headers);
        boolean keepAlive = !(framing instanceof Http1.Framing.UntilEof)
                && !(headers.contains("Transfer-Encoding") && headers.contains("Content-Length"))
                && !request.headers().hasToken("Connection", "close")
                && (status.version().equals("HTTP/1.1")
                    ? !headers.hasToken("Connection", "close")
                    : headers.hasToken("Connection", "keep-alive"));
        return new Head(status, headers, framing, keepAlive);
    }

    /**
     * Sends {@code request} and completes once the response's status line and headers are in; its body is then
     * read piece by piece from the {@link StreamedResponse} (decoded as {@link #send} decodes it), which owns the
     * connection until the body is read to its end (the connection goes back to the pool) or it is closed first
     * (the connection is closed). The client's limits and timeouts hold as for {@link #send}: the read timeout for
     * each read, the total timeout up to the last body byte, the maximum body size as the body is read. Close it
     * (try-with-resources) whatever happens. Checks as {@link #send} does, and speaks HTTP/2 where {@link #send}
     * would: the response then owns a stream of the shared connection, not the connection.
     */
    public Coroutine<StreamedResponse> stream(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        Origin origin = Origin.of(request.uri());
        String target = requestTarget(request);
        String what = "for " + request.method() + " " + request.uri();
        return Coroutine.of(() -> {
            double deadline = totalTimeout.isZero() ? Double.POSITIVE_INFINITY
                    : Async.getRunningLoop().time() + LoopClock.seconds(totalTimeout);
            Timeouts.Deadline total = new Timeouts.Deadline(deadline, totalTimeout, what);
            return total.within(() -> overHttp2OrHttp1(request, origin, target,
                    (c, in) -> openStream1(c, in, request, requestHead(request, origin, target), total),
                    h2 -> openStream2(h2, request, origin, target, total)));
        });
    }

    private StreamedResponse openStream1(PooledConnection c, MessageReader in, HttpRequest request, byte[] head,
                                         Timeouts.Deadline total) {
        Head h = in.guarded(() -> sendAndReadHead(c.connection().writer(), in, request, head));
        return new StreamedResponse(h, in.bodyReader(h.framing(), maxBodySize), maxBodySize, total,
                new StreamedResponse.Owner() {
                    @Override
                    public void release() {
                        giveBack(c, h.keepAlive());
                    }

                    @Override
                    public void discard() {
                        pool.discard(c);
                    }
                });
    }

    private HttpResponse decoded(HttpResponse r) {
        String coding = r.headers().get("Content-Encoding");
        if (coding == null || r.body().length == 0 || !ContentDecoding.supports(coding)) {
            return r;
        }
        byte[] body = ContentDecoding.decode(r.body(), coding, maxBodySize);
        return new HttpResponse(r.status(), r.reason(), r.headers(), body, r.version(), r.trailers());
    }

    /** A new HTTP/1.1 connection (ALPN offers {@code http/1.1} only over TLS). */
    private Connection open(Origin origin) {
        return open(origin, ALPN_HTTP1);
    }

    private Connection open(Origin origin, String[] alpn) {
        StreamOptions options = StreamOptions.defaults().withLimit(Math.max(StreamOptions.DEFAULT_LIMIT,
                maxHeaderBytes));
        if (origin.isHttps()) {
            options = options.withSsl(sslContext()).withServerHostname(origin.host());
            if (alpn != null) {
                options = options.withApplicationProtocols(alpn);
            }
        }
        StreamOptions connect = options;
        return Timeouts.within(connectTimeout, HttpTimeoutException.Kind.CONNECT, "connecting to " + origin, () -> {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (InetAddress a : dns.resolve(origin.host())) {
                addresses.add(new InetSocketAddress(a, origin.port()));
            }
            return await(Streams.openConnection(addresses, connect));
        });
    }

    /** The configured context, else the JVM's default, loaded once off the loop (it reads the trust store). */
    private SSLContext sslContext() {
        if (sslContext != null) {
            return sslContext;
        }
        if (defaultSsl == null) {
            SSLContext loaded = await(Async.toThread(() -> {
                try {
                    return SSLContext.getDefault();
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("no default TLS context in this JVM", e);
                }
            }));
            if (defaultSsl == null) {
                defaultSsl = PreferredCipherSuites.wrap(loaded, preferredCipherSuites);
            }
        }
        return defaultSsl;
    }

    /**
     * The request target in origin form: the raw path ("/" if empty) and the query, non-ASCII characters
     * percent-encoded. @throws IllegalArgumentException if it has a space or a control character
     */
    private static String requestTarget(HttpRequest request) {
        URI uri = request.uri();
        String ascii = uri.toASCIIString();
        if (!ascii.equals(uri.toString())) {   // raw non-ASCII characters: parsed again, percent-encoded
            uri = URI.create(ascii);
        }
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        String target = (path == null || path.isEmpty() ? "/" : path) + (query != null ? "?" + query : "");
        for (int i = 0; i < target.length(); i++) {
            if (target.charAt(i) <= ' ' || target.charAt(i) >= 0x7f) {
                throw new IllegalArgumentException("the request target contains a space, control or non-ASCII "
                        + "character (percent-encode it): " + uri);
            }
        }
        return target;
    }

    /** The HTTP/1.1 request head: request line and header section. */
    private byte[] requestHead(HttpRequest request, Origin origin, String target) {
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(target);
        head.append(" HTTP/1.1\r\n");
        Headers h = request.headers();
        if (!h.contains("Host")) {
            Http1.appendField(head, "Host", origin.hostHeader());
        }
        if (!h.contains("User-Agent") && userAgent != null) {
            Http1.appendField(head, "User-Agent", userAgent);
        }
        if (!h.contains("Accept-Encoding")) {
            Http1.appendField(head, "Accept-Encoding", ContentDecoding.ACCEPT_ENCODING);
        }
        if (!h.contains("Content-Length") && !h.contains("Transfer-Encoding")
                && (request.body().length > 0 || request.method().equals("POST") || request.method().equals("PUT"))) {
            Http1.appendField(head, "Content-Length", Integer.toString(request.body().length));
        }
        Http1.appendFields(head, h);
        head.append("\r\n");
        return Http1.latin1(head);
    }

    /** Connections open or being opened to the origin of {@code url} (HTTP/1.1 and HTTP/2). */
    public int openConnections(String url) {
        Origin origin = Origin.of(URI.create(url));
        return pool.open(origin) + http2.open(origin);
    }

    /** Connections open or being opened, all origins together. */
    public int openConnections() {
        return pool.open() + http2.open();
    }

    /** Idle keep-alive connections (HTTP/2 ones with no stream open), all origins together. */
    public int idleConnections() {
        return pool.idle() + http2.idle();
    }

    /** Requests waiting for a free connection to the origin of {@code url}. */
    public int waitingRequests(String url) {
        return pool.waiting(Origin.of(URI.create(url)));
    }

    /**
     * Closes the idle connections now and the busy ones when their requests end; new requests fail. Call it on
     * the client's loop, before the loop closes (a closed loop can no longer close sockets).
     *
     * @throws IllegalStateException if the loop is closed and connections are left open
     */
    @Override
    public void close() {
        int open = pool.open() + http2.open();
        if (owner != null && owner.isClosed() && open > 0) {
            throw new IllegalStateException("the HttpClient's event loop is closed, so its " + open
                    + " open connection(s) cannot be closed: close the client before its loop ends");
        }
        budget.close();
        pool.close();
        http2.close();
    }

    /** Settings of an {@link HttpClient}; each has a default. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration totalTimeout = Duration.ZERO;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long maxBodySize = 10L << 20;
        private int maxHeaderBytes = 64 * 1024;
        private int maxConnectionsPerHost = 10;
        private int maxConnections = Integer.MAX_VALUE;
        private DnsCache dns;
        private String userAgent = "asyncio4j-http/0.1";
        private SSLContext sslContext;
        private List<String> preferredCipherSuites = List.of();
        private HttpVersion version = HttpVersion.AUTO;

        private Builder() {
        }

        /**
         * Which HTTP to speak (default {@link HttpVersion#AUTO}: HTTP/2 where TLS's ALPN agrees on {@code h2},
         * else HTTP/1.1; {@link HttpVersion#HTTP_2} also speaks HTTP/2 on plain connections, with prior knowledge).
         */
        public Builder version(HttpVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Opening a connection, TLS handshake included (default 10 s; zero: none). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkTimeout(timeout);
            return this;
        }

        /** The longest the server may stay silent while a response is read, or not read our request (30 s). */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout);
            return this;
        }

        /** The whole request, waiting for a pooled connection included (default zero: none). */
        public Builder totalTimeout(Duration timeout) {
            this.totalTimeout = checkTimeout(timeout);
            return this;
        }

        /** How long an idle connection is kept for reuse (default 30 s). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = checkTimeout(timeout);
            return this;
        }

        /** The largest body accepted, after content decoding (default 10 MiB). */
        public Builder maxBodySize(long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxBodySize out of range (0 to 2 GiB): " + bytes);
            }
            this.maxBodySize = bytes;
            return this;
        }

        /** The largest response header section (status line and fields; default 64 KiB). */
        public Builder maxHeaderBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 64: " + bytes);
            }
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** The bound on connections per origin (default 10). */
        public Builder maxConnectionsPerHost(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("maxConnectionsPerHost must be positive: " + n);
            }
            this.maxConnectionsPerHost = n;
            return this;
        }

        /**
         * The bound on connections open in all, every origin and both HTTP versions together (default: none). A
         * request that needs a new connection when this many are open closes the connection idle longest (an HTTP/2
         * one is idle when no stream is open on it), of any origin, or, with none idle, waits for one to close.
         */
        public Builder maxConnections(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive: " + n);
            }
            this.maxConnections = n;
            return this;
        }

        /** The resolver's cache (tests: a lookup of their own, a short time-to-live). */
        Builder dnsCache(DnsCache cache) {
            this.dns = cache;
            return this;
        }

        /** The {@code User-Agent} sent unless a request has its own; null sends none. */
        public Builder userAgent(String userAgent) {
            if (userAgent != null) {
                Headers.checkValue("User-Agent", userAgent);
            }
            this.userAgent = userAgent;
            return this;
        }

        /** The TLS context for {@code https} (default: the JVM's default context and trust store). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /**
         * TLS cipher suites to offer first, where the context enables them (the rest follow in the context's order;
         * none is added or removed). A JVM without C2 (the crawler's, {@code -XX:TieredStopAtLevel=1}) decrypts
         * {@code TLS_CHACHA20_POLY1305_SHA256} about three times faster than AES-GCM, whose fast path is a C2
         * intrinsic. Applies to the JDK's own engines only (a native engine, such as BoringSSL's, is left as it is:
         * it decrypts AES-GCM fastest). Default: the context's own order.
         */
        public Builder preferredCipherSuites(String... suites) {
            this.preferredCipherSuites = List.of(suites);
            return this;
        }

        public HttpClient build() {
            return new HttpClient(this);
        }

        private static Duration checkTimeout(Duration d) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative timeout: " + d);
            }
            return d;
        }
    }
}
