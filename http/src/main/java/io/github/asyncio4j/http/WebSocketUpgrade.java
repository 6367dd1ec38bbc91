package io.github.asyncio4j.http;

import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.StreamWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an {@link HttpServer} hands a connection over to a WebSocket. While a handler runs for a request that
 * {@link HttpRequest#isWebSocketUpgrade() is an upgrade}, the server keeps the request's connection here, keyed by
 * the request object itself; {@link WebSocket#accept} finds it by the request, answers the handshake and takes
 * the connection. When the handler returns, the server asks {@link #handedOver()}: if accept answered, the server
 * writes nothing, ends the WebSocket ({@link #end}) and closes the connection.
 *
 * <p>Invariant: an entry lives exactly as long as its handler runs ({@link #register} before it,
 * {@link #unregister} after it), so the table holds one entry per upgrade being handled, and a request can be
 * accepted at most once. The table is shared by every server and loop, hence synchronized.
 */
final class WebSocketUpgrade {
    private static final Map<HttpRequest, WebSocketUpgrade> HANDLING =
            Collections.synchronizedMap(new IdentityHashMap<>());

    private final HttpRequest request;
    private final Connection connection;
    /** The server's open WebSockets, for its going-away close. */
    private final Set<WebSocket> live;
    private boolean handedOver;
    private WebSocket webSocket;

    private WebSocketUpgrade(HttpRequest request, Connection connection, Set<WebSocket> live) {
        this.request = request;
        this.connection = connection;
        this.live = live;
    }

    /** Makes {@code request}, read from {@code connection}, acceptable while its handler runs. */
    static WebSocketUpgrade register(HttpRequest request, Connection connection, Set<WebSocket> live) {
        WebSocketUpgrade u = new WebSocketUpgrade(request, connection, live);
        HANDLING.put(request, u);
        return u;
    }

    void unregister() {
        HANDLING.remove(request);
    }

    /** True once {@link WebSocket#accept} answered the request (with 101, or with an error status). */
    boolean handedOver() {
        return handedOver;
    }

    /** After the handler returned: closes its WebSocket if it is still open and waits for the socket's close. */
    void end(boolean handlerFailed) {
        if (webSocket != null) {
            try {
                webSocket.endAfterHandler(handlerFailed);
            } finally {
                live.remove(webSocket);
            }
        }
    }

    /** A failure a handler may let escape after the hand-over that is the peer's doing, not a bug to report. */
    static boolean isPeersFault(Throwable e) {
        return e instanceof WebSocketClosedException || e instanceof WebSocketHandshakeException;
    }

    /** {@link WebSocket#accept}: answers the handshake and opens the server's WebSocket. */
    static WebSocket accept(HttpRequest request, WebSocket.Options options) {
        if (!request.isWebSocketUpgrade()) {
            throw new IllegalArgumentException("not a WebSocket upgrade request (GET with Upgrade: websocket and "
                    + "Connection: upgrade): " + request);
        }
        WebSocketUpgrade u = HANDLING.get(request);
        if (u == null) {
            throw new IllegalStateException("WebSocket.accept takes the request an HttpServer handler received, "
                    + "while that handler runs: " + request);
        }
        if (u.handedOver) {
            throw new IllegalStateException("this upgrade request was accepted already: " + request);
        }
        u.handedOver = true;
        Headers h = request.headers();
        StreamWriter out = u.connection.writer();
        if (!"13".equals(trimmed(h.get("Sec-WebSocket-Version")))) {
            refuse(out, 426, "Upgrade Required", "Sec-WebSocket-Version: 13\r\n",
                    "unsupported Sec-WebSocket-Version: " + h.get("Sec-WebSocket-Version"));
        }
        String key = trimmed(h.get("Sec-WebSocket-Key"));
        if (!WebSocketHandshake.isValidKey(key)) {
            refuse(out, 400, "Bad Request", "", "missing or malformed Sec-WebSocket-Key: " + key);
        }
        String protocol = null;
        List<String> offered = WebSocketHandshake.offeredSubprotocols(h);
        for (String p : options.subprotocols()) {
            if (offered.contains(p)) {
                protocol = p;
                break;
            }
        }
        PerMessageDeflate.Accepted deflate = options.compression()
                ? PerMessageDeflate.negotiateAsServer(h.getAll("Sec-WebSocket-Extensions")) : null;
        StringBuilder head = new StringBuilder(192).append("HTTP/1.1 101 Switching Protocols\r\n");
        Http1.appendField(head, "Upgrade", "websocket");
        Http1.appendField(head, "Connection", "Upgrade");
        Http1.appendField(head, "Sec-WebSocket-Accept", WebSocketHandshake.acceptValue(key));
        if (protocol != null) {
            Http1.appendField(head, "Sec-WebSocket-Protocol", protocol);
        }
        if (deflate != null) {
            Http1.appendField(head, "Sec-WebSocket-Extensions", deflate.response());
        }
        head.append("\r\n");
        out.write(Http1.latin1(head));
        out.drain().await();
        u.webSocket = new WebSocket(u.connection, false, options, deflate == null ? null : deflate.deflate(),
                protocol);
        u.live.add(u.webSocket);
        return u.webSocket;
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    /** Answers a bad upgrade with {@code status} and throws; the server then closes the connection. */
    private static void refuse(StreamWriter out, int status, String reason, String fields, String problem) {
        byte[] body = (problem + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(Http1.latin1("HTTP/1.1 " + status + " " + reason + "\r\n" + fields
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n"));
        out.write(body);
        out.drain().await();
        throw new WebSocketHandshakeException("WebSocket handshake refused with " + status + ": " + problem, status);
    }
}
