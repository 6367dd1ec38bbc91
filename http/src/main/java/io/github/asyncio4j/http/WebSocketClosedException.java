package io.github.asyncio4j.http;

/**
 * The WebSocket is closed: thrown by {@link WebSocket#receive()} once every message received before the close was
 * taken, and by {@link WebSocket#send} and {@link WebSocket#ping} after a close started. {@link #code()} and
 * {@link #reason()} are the connection's {@link WebSocket#closeCode()} and {@link WebSocket#closeReason()}.
 */
public class WebSocketClosedException extends HttpException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    public WebSocketClosedException(String message, int code, String reason) {
        super(message);
        this.code = code;
        this.reason = reason;
    }

    public WebSocketClosedException(String message, int code, String reason, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.reason = reason;
    }

    /** The close code (see {@link WebSocket#closeCode()}); -1 if the close had not finished yet. */
    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /**
     * True for a normal end: the close code is 1000 (normal closure), 1001 (going away) or 1005 (a close frame
     * without a code). {@link WebSocket#each()} ends quietly then, and throws this exception otherwise.
     */
    public boolean isNormal() {
        return code == WebSocket.NORMAL_CLOSURE || code == WebSocket.GOING_AWAY || code == WebSocket.NO_STATUS;
    }
}
