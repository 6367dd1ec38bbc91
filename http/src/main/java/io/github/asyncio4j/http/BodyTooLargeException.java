package io.github.asyncio4j.http;

/**
 * A body is larger than the configured maximum (after content decoding, for a client). The connection it
 * came on is closed, not reused.
 */
public class BodyTooLargeException extends HttpException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public BodyTooLargeException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    /** The maximum that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
