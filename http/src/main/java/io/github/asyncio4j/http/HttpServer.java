package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.StreamOptions;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import io.github.asyncio4j.net.Streams;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A small HTTP/1.1 and HTTP/2 server on asyncio4j streams: enough for demos and tests.
 *
 * <pre>{@code
 * HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
 *         HttpResponse.html(200, "<a href=/next>next</a>")), "127.0.0.1", 0));
 * String url = server.url("/");
 * ...
 * server.close();
 * await(server.waitClosed());
 * }</pre>
 *
 * <p><b>Protocol.</b> Each connection serves requests one after another (keep-alive) until the client sends
 * {@code Connection: close}, an HTTP/1.0 client does not ask for {@code keep-alive}, the response says
 * {@code Connection: close}, or the connection stays idle longer than {@link Options#keepAliveTimeout}. Request
 * bodies may use {@code Content-Length} or chunked coding ({@code Expect: 100-continue} is answered before the body
 * is read). Responses get a {@code Content-Length}, or chunked
 * coding when the handler's response has {@code Transfer-Encoding: chunked} (HTTP/1.1 clients only). A response
 * to {@code HEAD} has the headers of the body the handler returned, without the body. A
 * {@link HttpResponse#file} response is sent with {@link StreamWriter#sendfile} (zero-copy on a plain connection).
 * A malformed request gets
 * {@code 400} (a body over the limit {@code 413}) naming the problem, and the connection is closed. A handler
 * that throws gets {@code 500}, reported to the loop's exception handler.
 *
 * <p><b>HTTP/2.</b> A TLS listener offers {@code h2} beside {@code http/1.1} in ALPN ({@link Options#withHttp2});
 * a plain one takes HTTP/2 from clients that start with its preface when {@link Options#withHttp2PriorKnowledge}
 * is on. Each stream is a task running the same handler; the limits are those of HTTP/1.1 plus
 * {@link Options#withMaxConcurrentStreams}, and known attacks end in GOAWAY (see {@code Http2Connection}). A
 * {@link RawHttpHandler} gets a null connection on HTTP/2 (there are no raw streams per request).
 *
 * <p><b>WebSockets.</b> A handler answers a request that {@link HttpRequest#isWebSocketUpgrade() is an upgrade}
 * with {@link WebSocket#accept}, and then owns the connection until it returns (see {@link WebSocketUpgrade}).
 *
 * <p>Hostile behaviour for tests: {@link #startRaw} hands handlers the raw streams. Loop-confined.
 */
public final class HttpServer implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;
    /** A file is sent with one sendfile per slice: the read timeout measures silence, not the whole transfer. */
    private static final long FILE_SLICE = 1 << 20;
    /** {@link #head}'s framing: chunked coding; no body at all. */
    private static final long CHUNKED = -1;
    private static final long NO_LENGTH = -2;
    private static final byte[] CONTINUE = Http1.latin1("HTTP/1.1 100 Continue\r\n\r\n");
    /** The bytes of the HTTP/2 preface after its first line ({@code PRI * HTTP/2.0}). */
    private static final byte[] PREFACE_REST = Http1.latin1("\r\nSM\r\n\r\n");
    /** The receive window of each HTTP/2 stream: what one request body may have in flight or unread. */
    private static final int STREAM_WINDOW = 1 << 20;

    private final Server server;
    private final RawHttpHandler handler;
    private final Options options;
    private final String scheme;
    /** The WebSockets its handlers accepted and still run, for the going-away close. */
    private final Set<WebSocket> webSockets = new LinkedHashSet<>();
    private int connectionsAccepted;
    private long requestsServed;

    private HttpServer(Server server, RawHttpHandler handler, Options options) {
        this.server = server;
        this.handler = handler;
        this.options = options;
        this.scheme = options.ssl() != null ? "https" : "http";
    }

    /** Starts serving {@code handler} on {@code host:port} (port 0: an ephemeral port) with default options. */
    public static Awaitable<HttpServer> start(HttpHandler handler, String host, int port) {
        return start(handler, host, port, Options.defaults());
    }

    public static Awaitable<HttpServer> start(HttpHandler handler, String host, int port, Options options) {
        Objects.requireNonNull(handler, "handler");
        return startRaw((request, connection) -> handler.handle(request), host, port, options);
    }

    /** Starts a server whose handler also gets the raw connection (see {@link RawHttpHandler}). */
    public static Awaitable<HttpServer> startRaw(RawHttpHandler handler, String host, int port) {
        return startRaw(handler, host, port, Options.defaults());
    }

    public static Awaitable<HttpServer> startRaw(RawHttpHandler handler, String host, int port, Options options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        return () -> {
            HttpServer[] self = new HttpServer[1];
            StreamOptions streamOptions = StreamOptions.defaults()
                    .withLimit(Math.max(StreamOptions.DEFAULT_LIMIT, options.maxHeaderBytes()))
                    .withBacklog(options.backlog())
                    .withSsl(options.ssl());
            if (options.ssl() != null && options.http2()) {
                streamOptions = streamOptions.withApplicationProtocols("h2", "http/1.1");
            }
            Server server = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
                self[0].serve(reader, writer);
                return null;
            }), host, port, streamOptions));
            self[0] = new HttpServer(server, handler, options);
            return self[0];
        };
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /**
     * {@code http://address:port} + {@code path} ({@code https} with TLS), with the address the server listens on
     * ({@code 127.0.0.1} when it listens on every interface).
     */
    public String url(String path) {
        InetAddress address = ((InetSocketAddress) server.addresses().get(0)).getAddress();
        String host = address.isAnyLocalAddress() ? "127.0.0.1"
                : address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return scheme + "://" + host + ":" + port() + path;
    }

    /** Connections accepted since the start. */
    public int connectionsAccepted() {
        return connectionsAccepted;
    }

    /** Connections open right now. */
    public int activeConnections() {
        return server.activeConnections();
    }

    /** Responses written since the start (raw handlers that return null do not count). */
    public long requestsServed() {
        return requestsServed;
    }

    /**
     * Stops accepting and closes every connection (after its buffered bytes are sent); an open WebSocket gets a
     * going-away close frame (1001) first. Idempotent.
     */
    @Override
    public void close() {
        for (WebSocket ws : List.copyOf(webSockets)) {
            ws.goAway();
        }
        server.close();
        server.closeClients();
    }

    /** Waits until the server is closed and every connection finished. */
    public Awaitable<Void> waitClosed() {
        return server.waitClosed();
    }

    // ---------------------------------------------------------------------------------------------------------
    // One connection

    private void serve(StreamReader reader, StreamWriter writer) {
        connectionsAccepted++;
        Connection connection = new Connection(reader, writer);
        if ("h2".equals(writer.applicationProtocol())) {
            serveHttp2(connection, false);
            return;
        }
        MessageReader in = new MessageReader(reader, options.readTimeout(), options.maxHeaderBytes());
        try {
            for (boolean first = true; serveOne(in, connection, first); first = false) {
                // next request on the same connection
            }
        } catch (HttpTimeoutException | IOException e) {
            // a silent or vanished client: just close
        } finally {
            writer.close();
        }
    }

    /** Serves one request; false when the connection must close. */
    private boolean serveOne(MessageReader in, Connection connection, boolean first) throws IOException {
        in.startMessage();
        Received received;
        try {
            String line = Timeouts.within(options.keepAliveTimeout(), HttpTimeoutException.Kind.READ,
                    "waiting for a request", () -> in.readHeadLine("the request line", 0));
            if (line == null) {
                return false;   // the client closed between requests
            }
            if (line.equals("PRI * HTTP/2.0") && options.http2PriorKnowledge() && first) {
                byte[] rest = await(connection.reader().readExactly(PREFACE_REST.length));
                if (!java.util.Arrays.equals(rest, PREFACE_REST)) {
                    throw new HttpProtocolException("a broken HTTP/2 connection preface");
                }
                serveHttp2(connection, true);
                return false;
            }
            received = in.guarded(() -> readRequest(in, connection, line));
        } catch (BodyTooLargeException e) {
            sendError(in, connection.writer(), 413, e.getMessage());
            return false;
        } catch (HttpProtocolException e) {
            sendError(in, connection.writer(), 400, e.getMessage());
            return false;
        }
        if (received == null) {
            return false;
        }
        HttpRequest request = received.request();
        boolean http11 = received.http11();
        boolean keepAlive = http11 ? !request.headers().hasToken("Connection", "close")
                : request.headers().hasToken("Connection", "keep-alive");
        HttpResponse response;
        WebSocketUpgrade upgrade = request.isWebSocketUpgrade()
                ? WebSocketUpgrade.register(request, connection, webSockets) : null;
        boolean failed = false;
        try {
            response = await(Objects.requireNonNull(handler.handle(request, connection),
                    "the HTTP handler returned null instead of a coroutine"));
        } catch (Exception e) {
            failed = true;
            if (upgrade == null || !upgrade.handedOver() || !WebSocketUpgrade.isPeersFault(e)) {
                EventLoop loop = Async.getRunningLoop();
                loop.callExceptionHandler(new ExceptionContext("HTTP handler failed on " + request.method() + " "
                        + request.uri(), e, Async.currentTask(), null));
            }
            response = HttpResponse.text(500, "internal server error\n");
            keepAlive = false;
        } finally {
            if (upgrade != null) {
                upgrade.unregister();
            }
        }
        if (upgrade != null && upgrade.handedOver()) {
            upgrade.end(failed);   // the connection was the handler's WebSocket: no response of ours
            return false;
        }
        if (response == null) {
            return false;   // a raw handler wrote what it wanted
        }
        keepAlive &= !response.headers().hasToken("Connection", "close");
        keepAlive = writeResponse(in, connection.writer(), request.method(), response, http11, keepAlive);
        requestsServed++;
        return keepAlive;
    }

    private record Received(HttpRequest request, boolean http11) {
    }

    /** The rest of a request after its first line; null if the client closed instead. */
    private Received readRequest(MessageReader in, Connection connection, String firstLine) {
        String line = firstLine;
        if (line.isEmpty()) {   // tolerate one empty line before a request (RFC 9112 section 2.2)
            line = in.readHeadLine("the request line", 0);
            if (line == null) {
                return null;
            }
        }
        Http1.RequestLine requestLine = Http1.parseRequestLine(line);
        Headers headers = in.readFields("the request headers", line.length() + 2L);
        URI target;
        try {
            target = new URI(requestLine.target());
        } catch (URISyntaxException e) {
            throw new HttpProtocolException("bad request target: " + Http1.quote(requestLine.target()));
        }
        Http1.Framing framing = Http1.requestFraming(headers);
        boolean http11 = requestLine.version().equals("HTTP/1.1");
        if (http11 && !(framing instanceof Http1.Framing.None) && headers.hasToken("Expect", "100-continue")) {
            connection.writer().write(CONTINUE);   // the client waits for this before it sends the body
        }
        byte[] body = in.readBody(framing, options.maxBodySize(), null);
        return new Received(new HttpRequest(requestLine.method(), target, headers, body),
                http11);
    }

    private void sendError(MessageReader in, StreamWriter writer, int status, String message) throws IOException {
        HttpResponse error = HttpResponse.text(status, message + "\n");
        writeResponse(in, writer, "GET", error, true, false);
    }

    /** Writes {@code r}; returns whether the connection may serve another request. */
    private boolean writeResponse(MessageReader in, StreamWriter out, String method, HttpResponse r, boolean http11,
                                  boolean keepAlive) throws IOException {
        if (r.file() != null) {
            return writeFile(in, out, method, r, http11, keepAlive);
        }
        int status = r.status();
        boolean bodyAllowed = bodyAllowed(status);
        boolean chunked = bodyAllowed && http11 && Http1.isChunked(r.headers());
        out.write(head(r, chunked ? CHUNKED : bodyAllowed ? r.body().length : NO_LENGTH, http11, keepAlive));
        if (bodyAllowed && !method.equals("HEAD")) {
            byte[] body = r.body();
            if (!chunked) {
                out.write(body);
            } else {
                for (int off = 0; off < body.length; off += CHUNK) {
                    int n = Math.min(CHUNK, body.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body, off, n);
                    out.write(Http1.CRLF);
                }
                StringBuilder end = new StringBuilder("0\r\n");
                Http1.appendFields(end, r.trailers());
                end.append("\r\n");
                out.write(Http1.latin1(end));
            }
        }
        in.guarded(() -> {
            in.nowDoing("sending a response");
            return out.drain().await();
        });
        return keepAlive;
    }

    /**
     * Writes a {@link HttpResponse#file} response: opens the file, sends its size as {@code Content-Length} and
     * its bytes with {@code sendfile} in slices (each slice is progress for the read timeout), and closes it
     * whatever happens. A missing file is answered 404, one that is no regular file or is unreadable 403.
     */
    private boolean writeFile(MessageReader in, StreamWriter out, String method, HttpResponse r, boolean http11,
                              boolean keepAlive) throws IOException {
        FileChannel file;
        try {
            if (Files.exists(r.file()) && !Files.isRegularFile(r.file())) {
                return writeResponse(in, out, method, HttpResponse.text(403, "not a file\n"), http11, keepAlive);
            }
            file = FileChannel.open(r.file(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return writeResponse(in, out, method, HttpResponse.text(404, "not found\n"), http11, keepAlive);
        } catch (IOException e) {
            return writeResponse(in, out, method, HttpResponse.text(403, "cannot read the file\n"), http11,
                    keepAlive);
        }
        try (file) {
            long size = file.size();
            boolean bodyAllowed = bodyAllowed(r.status());
            out.write(head(r, bodyAllowed ? size : NO_LENGTH, http11, keepAlive));
            boolean complete = true;
            if (bodyAllowed && !method.equals("HEAD")) {
                complete = in.guarded(() -> {
                    for (long sent = 0; sent < size; ) {
                        in.nowDoing("sending a file");
                        long n = out.sendfile(file, sent, Math.min(FILE_SLICE, size - sent)).await();
                        if (n == 0) {
                            return false;   // the file shrank: fewer bytes than the Content-Length promised
                        }
                        sent += n;
                    }
                    return true;
                });
            }
            in.guarded(() -> {
                in.nowDoing("sending a response");
                return out.drain().await();
            });
            return keepAlive && complete;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTTP/2

    /**
     * Serves an HTTP/2 connection: the connection's task reads frames ({@link Http2Connection#run}); each stream
     * is a task of its own that reads the request, runs the handler and writes the response. When the connection
     * ends, stream tasks still running are cancelled and awaited, so none outlives it.
     */
    private void serveHttp2(Connection connection, boolean prefaceRead) {
        List<Task<Void>> tasks = new ArrayList<>();
        Http2Connection h2 = new Http2Connection(new Http2Connection.Config(true, options.maxConcurrentStreams(),
                STREAM_WINDOW, options.maxHeaderBytes(), options.maxHeaderBytes() + 1024), connection.reader(),
                connection.writer(), (c, stream) -> {
                    Task<Void> t = Async.createTask(Coroutine.of(() -> {
                        serveStream(c, stream);
                        return null;
                    }));
                    stream.task = t;
                    tasks.add(t);
                    t.addDoneCallback(done -> tasks.remove(t));
                });
        EventLoop loop = Async.getRunningLoop();
        TimerHandle[] idle = {null};
        Runnable[] check = {null};
        check[0] = () -> {
            double quiet = loop.time() - h2.idleSince();
            double limit = LoopClock.seconds(options.keepAliveTimeout());
            if (h2.activeStreams() == 0 && quiet >= limit) {
                h2.close();   // GOAWAY: no stream is open, so the socket closes too
            } else {
                idle[0] = loop.callLater(Math.max(limit - (h2.activeStreams() == 0 ? quiet : 0), 0.001), check[0]);
            }
        };
        if (!options.keepAliveTimeout().isZero()) {
            idle[0] = loop.callLater(LoopClock.seconds(options.keepAliveTimeout()), check[0]);
        }
        try {
            h2.run(prefaceRead);
        } finally {
            if (idle[0] != null) {
                idle[0].cancel();
            }
            for (Task<Void> t : List.copyOf(tasks)) {
                t.cancel();
            }
            if (!tasks.isEmpty()) {
                await(Async.gatherReturnExceptions(List.copyOf(tasks)));
            }
        }
    }

    /** One HTTP/2 stream: read the request, run the handler, send the response; never throws to the loop. */
    private void serveStream(Http2Connection c, Http2Stream s) {
        try {
            HttpResponse response;
            HttpRequest request = null;
            try {
                request = readRequest2(s);
                response = await(Objects.requireNonNull(handler.handle(request, null),
                        "the HTTP handler returned null instead of a coroutine"));
            } catch (BodyTooLargeException e) {
                response = HttpResponse.text(413, e.getMessage() + "\n");
            } catch (Http2Exception | HttpTimeoutException e) {
                throw e;
            } catch (HttpProtocolException e) {
                response = HttpResponse.text(e instanceof HeadersTooLarge ? 431 : 400, e.getMessage() + "\n");
            } catch (Exception e) {
                String what = request == null ? "an HTTP/2 request" : request.method() + " " + request.uri();
                Async.getRunningLoop().callExceptionHandler(new ExceptionContext("HTTP handler failed on " + what,
                        e, Async.currentTask(), null));
                response = HttpResponse.text(500, "internal server error\n");
            }
            if (response == null) {
                return;   // a raw handler had nothing to send: the stream is reset
            }
            writeResponse2(c, s, request == null ? "GET" : request.method(), response);
            requestsServed++;
        } catch (HttpTimeoutException | HttpProtocolException e) {
            // the client reset the stream, went silent, or kept its window shut: the stream is reset
        } finally {
            c.release(s, true);
        }
    }

    private static final class HeadersTooLarge extends HttpProtocolException {
        private static final long serialVersionUID = 1L;

        HeadersTooLarge(String message) {
            super(message);
        }
    }

    private HttpRequest readRequest2(Http2Stream s) {
        if (s.headersTooLarge) {
            throw new HeadersTooLarge("request header list over the limit of " + options.maxHeaderBytes()
                    + " bytes");
        }
        List<String> f = s.headers;
        if (s.expectedLength > options.maxBodySize()) {
            throw new BodyTooLargeException("body of " + s.expectedLength + " bytes (content-length) exceeds the "
                    + "maximum of " + options.maxBodySize() + " bytes", options.maxBodySize());
        }
        MessageReader.Accumulator body = new MessageReader.Accumulator(options.maxBodySize(), "request body");
        byte[] chunk;
        while ((chunk = s.nextData(options.readTimeout(), "reading the request body")) != null) {
            body.addOwned(chunk);
        }
        String method = Http2Headers.first(f, ":method");
        String path = Http2Headers.first(f, ":path");
        String authority = Http2Headers.first(f, ":authority");
        URI target;
        try {
            target = new URI(path == null ? "/" : path);
        } catch (URISyntaxException e) {
            throw new HttpProtocolException("bad request target: " + Http1.quote(String.valueOf(path)));
        }
        Headers headers = Http2Headers.toHeaders(f);
        if (authority != null && !headers.contains("Host")) {
            headers = headers.with("Host", authority);
        }
        if (s.trailers != null) {
            Headers t = Http2Headers.toHeaders(s.trailers);
            for (int i = 0; i < t.size(); i++) {
                headers = headers.with(t.name(i), t.value(i));
            }
        }
        return new HttpRequest(method, target, headers, body.toArray());
    }

    private void writeResponse2(Http2Connection c, Http2Stream s, String method, HttpResponse r) {
        byte[] body = r.body();
        int status = r.status();
        if (r.file() != null) {
            try {
                java.nio.file.Path file = r.file();
                body = await(Async.toThread(() -> Files.isRegularFile(file) ? Files.readAllBytes(file) : null));
                if (body == null) {
                    r = HttpResponse.text(Files.exists(r.file()) ? 403 : 404, "not a file\n");
                    body = r.body();
                    status = r.status();
                }
            } catch (Exception e) {   // the file's IOException, undeclared through the thread
                r = HttpResponse.text(e instanceof NoSuchFileException ? 404 : 403, "cannot read the file\n");
                body = r.body();
                status = r.status();
            }
        }
        boolean bodyAllowed = bodyAllowed(status);
        List<String> f = Http2Headers.list(8 + 2 * r.headers().size());
        f.add(":status");
        f.add(Integer.toString(status));
        Http2Headers.addRegular(f, r.headers().without("Content-Length"));
        if (bodyAllowed) {
            f.add("content-length");
            f.add(Integer.toString(body.length));
        }
        boolean send = bodyAllowed && !method.equals("HEAD") && body.length > 0;
        boolean trailers = send && r.trailers().size() > 0;
        c.writeHeaders(s, f, !send);
        if (send) {
            c.writeData(s, body, 0, body.length, !trailers, options.readTimeout());
            if (trailers) {
                List<String> t = Http2Headers.list(2 * r.trailers().size());
                Http2Headers.addRegular(t, r.trailers());
                c.writeHeaders(s, t, true);
            }
        }
    }

    private static boolean bodyAllowed(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    /**
     * The status line and header section of {@code r}, with the framing the server decides: {@code contentLength}
     * bytes, {@link #CHUNKED} or {@link #NO_LENGTH} (no body allowed); and the {@code Connection} field.
     */
    private static byte[] head(HttpResponse r, long contentLength, boolean http11, boolean keepAlive) {
        StringBuilder head = new StringBuilder(128);
        head.append("HTTP/1.1 ").append(r.status()).append(' ').append(r.reason()).append("\r\n");
        Headers fields = r.headers().without("Content-Length").without("Transfer-Encoding").without("Connection");
        Http1.appendFields(head, fields);
        if (contentLength == CHUNKED) {
            Http1.appendField(head, "Transfer-Encoding", "chunked");
        } else if (contentLength != NO_LENGTH) {
            Http1.appendField(head, "Content-Length", Long.toString(contentLength));
        }
        if (!keepAlive) {
            Http1.appendField(head, "Connection", "close");
        } else if (!http11) {
            Http1.appendField(head, "Connection", "keep-alive");
        }
        head.append("\r\n");
        return Http1.latin1(head);
    }

    @Override
    public String toString() {
        return "<HttpServer " + url("/") + " " + server + ">";
    }

    /**
     * Settings of an {@link HttpServer}; immutable, each {@code with...} returns a changed copy.
     *
     * @param ssl              the TLS context holding the server's certificate, or null for plain HTTP
     * @param maxHeaderBytes   the largest request header section (default 64 KiB; more: 400)
     * @param maxBodySize      the largest request body (default 10 MiB; more: 413)
     * @param readTimeout      the longest a client may stay silent in the middle of a request, or not read the
     *                         response (default 30 s)
     * @param keepAliveTimeout how long an idle connection waits for the next request (default 15 s)
     * @param backlog          the listen backlog (default 100)
     * @param http2            whether a TLS listener offers HTTP/2 by ALPN ({@code h2} beside {@code http/1.1};
     *                         default true)
     * @param http2PriorKnowledge whether a plain listener also takes HTTP/2 from clients that start with its
     *                         preface (h2c with prior knowledge; default false)
     * @param maxConcurrentStreams the HTTP/2 streams one connection may have in progress, handlers still running
     *                         counted (default 100; more are refused with REFUSED_STREAM)
     */
    public record Options(SSLContext ssl, int maxHeaderBytes, long maxBodySize, Duration readTimeout,
                          Duration keepAliveTimeout, int backlog, boolean http2, boolean http2PriorKnowledge,
                          int maxConcurrentStreams) {
        private static final Options DEFAULTS = new Options(null, 64 * 1024, 10L << 20, Duration.ofSeconds(30),
                Duration.ofSeconds(15), StreamOptions.DEFAULT_BACKLOG, true, false, 100);

        public Options {
            if (maxHeaderBytes < 64) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 64: " + maxHeaderBytes);
            }
            if (maxBodySize < 0 || maxBodySize > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxBodySize out of range: " + maxBodySize);
            }
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
            if (readTimeout.isNegative() || keepAliveTimeout.isNegative()) {
                throw new IllegalArgumentException("negative timeout");
            }
            if (backlog <= 0) {
                throw new IllegalArgumentException("backlog must be positive: " + backlog);
            }
            if (maxConcurrentStreams <= 0) {
                throw new IllegalArgumentException("maxConcurrentStreams must be positive: " + maxConcurrentStreams);
            }
        }

        public static Options defaults() {
            return DEFAULTS;
        }

        public Options withSsl(SSLContext context) {
            return with(d -> d.ssl = context);
        }

        public Options withMaxHeaderBytes(int bytes) {
            return with(d -> d.maxHeaderBytes = bytes);
        }

        public Options withMaxBodySize(long bytes) {
            return with(d -> d.maxBodySize = bytes);
        }

        public Options withReadTimeout(Duration timeout) {
            return with(d -> d.readTimeout = timeout);
        }

        public Options withKeepAliveTimeout(Duration timeout) {
            return with(d -> d.keepAliveTimeout = timeout);
        }

        public Options withBacklog(int n) {
            return with(d -> d.backlog = n);
        }

        /** Whether a TLS listener offers HTTP/2 by ALPN (default true). */
        public Options withHttp2(boolean enabled) {
            return with(d -> d.http2 = enabled);
        }

        /** Whether a plain listener takes HTTP/2 with prior knowledge, h2c (default false). */
        public Options withHttp2PriorKnowledge(boolean enabled) {
            return with(d -> d.http2PriorKnowledge = enabled);
        }

        /** The HTTP/2 streams a connection may have in progress (default 100). */
        public Options withMaxConcurrentStreams(int n) {
            return with(d -> d.maxConcurrentStreams = n);
        }

        /** A copy with what {@code change} sets on a draft of these options (checked as a new one is). */
        private Options with(Consumer<Draft> change) {
            Draft d = new Draft(this);
            change.accept(d);
            return new Options(d.ssl, d.maxHeaderBytes, d.maxBodySize, d.readTimeout, d.keepAliveTimeout, d.backlog,
                    d.http2, d.http2PriorKnowledge, d.maxConcurrentStreams);
        }

        /** The fields of {@link Options}, settable: one {@code with...} changes one of them. */
        private static final class Draft {
            SSLContext ssl;
            int maxHeaderBytes;
            long maxBodySize;
            Duration readTimeout;
            Duration keepAliveTimeout;
            int backlog;
            boolean http2;
            boolean http2PriorKnowledge;
            int maxConcurrentStreams;

            Draft(Options o) {
                ssl = o.ssl;
                maxHeaderBytes = o.maxHeaderBytes;
                maxBodySize = o.maxBodySize;
                readTimeout = o.readTimeout;
                keepAliveTimeout = o.keepAliveTimeout;
                backlog = o.backlog;
                http2 = o.http2;
                http2PriorKnowledge = o.http2PriorKnowledge;
                maxConcurrentStreams = o.maxConcurrentStreams;
            }
        }
    }
}
