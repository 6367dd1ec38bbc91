package io.github.asyncio4j.http;

/**
 * A WebSocket opening handshake failed: the server answered with another status than {@code 101} (its
 * {@link #status()}), or with a wrong {@code Sec-WebSocket-Accept}, {@code Upgrade}, subprotocol or extension; or,
 * on the server, the request was no valid upgrade (a missing or malformed {@code Sec-WebSocket-Key}, an unknown
 * {@code Sec-WebSocket-Version}). The message names the problem; the connection is closed.
 */
public class WebSocketHandshakeException extends HttpProtocolException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public WebSocketHandshakeException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The response's status: what the server answered (client), or what the client was answered (server). */
    public int status() {
        return status;
    }
}
