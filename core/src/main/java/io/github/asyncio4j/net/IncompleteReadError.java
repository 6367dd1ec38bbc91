package io.github.asyncio4j.net;

/**
 * The stream ended before the requested bytes arrived ({@code asyncio.IncompleteReadError}): raised by
 * {@link StreamReader#readExactly} and {@link StreamReader#readUntil}. The bytes read so far are consumed from the
 * stream and handed over in {@link #partial()}.
 */
public class IncompleteReadError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient byte[] partial;
    /** How many bytes were asked for. */
    private final int expected;

    /**
     * @param partial  the bytes read before the end of the stream
     * @param expected how many bytes were asked for, or -1 when unknown (a separator was awaited)
     */
    public IncompleteReadError(byte[] partial, int expected) {
        super(partial.length + " bytes read on a total of "
                + (expected < 0 ? "undefined" : String.valueOf(expected)) + " expected bytes");
        this.partial = partial.clone();
        this.expected = expected;
    }

    /** The bytes read before the end of the stream (a copy). */
    public byte[] partial() {
        return partial.clone();
    }

    /** The number of bytes that were asked for, or -1 when the read waited for a separator. */
    public int expected() {
        return expected;
    }
}
