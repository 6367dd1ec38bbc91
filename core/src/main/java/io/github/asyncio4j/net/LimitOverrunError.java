package io.github.asyncio4j.net;

/**
 * A separator was not found within the reader's buffer limit ({@code asyncio.LimitOverrunError}): raised by
 * {@link StreamReader#readUntil} and {@link StreamReader#readLine}. {@link #consumed()} is how many bytes of the
 * buffer were looked at (the caller may read them with {@link StreamReader#readExactly}).
 */
public class LimitOverrunError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How many bytes to consume to get past the data that overran the limit. */
    private final int consumed;

    /** @param consumed how many bytes of the buffer were examined */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** How many bytes of the buffer were examined before giving up. */
    public int consumed() {
        return consumed;
    }
}
