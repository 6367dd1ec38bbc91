package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * A small HTTP/1.1 server on asyncio4j streams: enough for demos and tests.
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
 * {@link HttpResponse#file} response is sent with {@link StreamWriter#sendfile} (zero-copy on a plain connection). A malformed request gets
 * {@code 400} (a body over the limit {@code 413}) naming the problem, and the connection is closed. A handler
 * that throws gets {@code 500}, reported to the loop's exception handler.
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
        MessageReader in = new MessageReader(reader, options.readTimeout(), options.maxHeaderBytes());
        try {
            while (serveOne(in, connection)) {
                // next request on the same connection
            }
        } catch (HttpTimeoutException | IOException e) {
            // a silent or vanished client: just close
        } finally {
            writer.close();
        }
    }

    /** Serves one request; false when the connection must close. */
    private boolean serveOne(MessageReader in, Connection connection) throws IOException {
        in.startMessage();
        Received received;
        try {
            String line = Timeouts.within(options.keepAliveTimeout(), HttpTimeoutException.Kind.READ,
                    "waiting for a request", () -> in.readHeadLine("the request line", 0));
            if (line == null) {
                return false;   // the client closed between requests
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
     */
    public record Options(SSLContext ssl, int maxHeaderBytes, long maxBodySize, Duration readTimeout,
                          Duration keepAliveTimeout, int backlog) {
        private static final Options DEFAULTS = new Options(null, 64 * 1024, 10L << 20, Duration.ofSeconds(30),
                Duration.ofSeconds(15), StreamOptions.DEFAULT_BACKLOG);

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
        }

        public static Options defaults() {
            return DEFAULTS;
        }

        public Options withSsl(SSLContext context) {
            return new Options(context, maxHeaderBytes, maxBodySize, readTimeout, keepAliveTimeout, backlog);
        }

        public Options withMaxHeaderBytes(int bytes) {
            return new Options(ssl, bytes, maxBodySize, readTimeout, keepAliveTimeout, backlog);
        }

        public Options withMaxBodySize(long bytes) {
            return new Options(ssl, maxHeaderBytes, bytes, readTimeout, keepAliveTimeout, backlog);
        }

        public Options withReadTimeout(Duration timeout) {
            return new Options(ssl, maxHeaderBytes, maxBodySize, timeout, keepAliveTimeout, backlog);
        }

        public Options withKeepAliveTimeout(Duration timeout) {
            return new Options(ssl, maxHeaderBytes, maxBodySize, readTimeout, timeout, backlog);
        }

        public Options withBacklog(int n) {
            return new Options(ssl, maxHeaderBytes, maxBodySize, readTimeout, keepAliveTimeout, n);
        }
    }
}
