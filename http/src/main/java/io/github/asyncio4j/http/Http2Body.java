package io.github.asyncio4j.http;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * A response body read from an HTTP/2 stream piece by piece ({@link HttpClient#stream}): each read copies from the
 * DATA frame taken last and takes the next one when it is used up ({@link Http2Stream#nextData}, which gives its
 * window back to the server). What is buffered is what the stream's window let the server send, never the whole
 * body. Its read timeout is the stream's own wait for the next frame. Loop-confined, one reader.
 */
final class Http2Body implements StreamedResponse.Body {
    private static final byte[] NONE = new byte[0];
    private static final String WHAT = "HTTP/2 response body";

    private final Http2Stream stream;
    private final Duration readTimeout;
    private final long maxBody;
    private byte[] chunk = NONE;
    private int position;
    private long received;
    private boolean ended;

    /** @throws BodyTooLargeException if the stream's {@code content-length} is over {@code maxBody} */
    Http2Body(Http2Stream stream, Duration readTimeout, long maxBody) {
        if (stream.expectedLength > maxBody) {
            throw new BodyTooLargeException("body of " + stream.expectedLength + " bytes (content-length) exceeds "
                    + "the maximum of " + maxBody + " bytes", maxBody);
        }
        this.stream = stream;
        this.readTimeout = readTimeout;
        this.maxBody = maxBody;
        this.ended = stream.endReceived && stream.buffered == 0;
    }

    @Override
    public int read(byte[] b, int offset, int length) {
        while (position == chunk.length) {
            byte[] next = next();
            if (next == null) {
                return -1;
            }
            chunk = next;
            position = 0;
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, b, offset, n);
        position += n;
        return n;
    }

    /** The whole body, read from its start: the frames' arrays are kept as they are, not copied. */
    byte[] readAll() {
        MessageReader.Accumulator all = new MessageReader.Accumulator(maxBody, WHAT);
        for (byte[] next; (next = next()) != null; ) {
            all.addOwned(next);
        }
        return all.toArray();
    }

    /** The next DATA frame's bytes (none empty), or null at the end. */
    private byte[] next() {
        if (ended) {
            return null;
        }
        byte[] next = stream.nextData(readTimeout, "reading the response body");
        if (next == null) {
            ended = true;
            return null;
        }
        received += next.length;
        if (received > maxBody) {
            throw new BodyTooLargeException(WHAT + " exceeds the maximum of " + maxBody + " bytes", maxBody);
        }
        return next;
    }

    /** Bytes received and not read yet: at most the stream's window (the invariant the class comment states). */
    long unread() {
        return stream.buffered + chunk.length - position;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public Headers trailers() {
        return stream.trailers == null ? Headers.empty() : Http2Headers.toHeaders(stream.trailers);
    }

    /** The stream's waits carry the read timeout themselves. */
    @Override
    public int guarded(IntSupplier work) {
        return work.getAsInt();
    }
}
