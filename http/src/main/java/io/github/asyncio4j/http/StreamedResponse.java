package io.github.asyncio4j.http;

import io.github.asyncio4j.Awaitable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * A response whose body is read piece by piece ({@link HttpClient#stream}): the status line and headers are here at
 * once, the body comes through {@link #readInto} into the caller's arrays, decoded (gzip, deflate) as it arrives,
 * so a body of any size costs the caller's buffer and the decoder's, never the whole body.
 *
 * <pre>{@code
 * try (StreamedResponse r = await(client.stream(HttpRequest.get(url)))) {
 *     byte[] buffer = new byte[64 * 1024];
 *     for (int n; (n = await(r.readInto(buffer, 0, buffer.length))) >= 0; ) {
 *         sink.write(buffer, 0, n);
 *     }
 * }
 * }</pre>
 *
 * <p><b>The connection</b> belongs to this response until the body was read to its end, when it goes back to the
 * pool at once (or is closed, as {@link HttpClient#send} would); closing the response before the end closes the
 * connection (reading the rest only to reuse it could cost as much as the body). A read that fails, times out or is
 * cancelled closes the connection too, and later reads throw an {@link IllegalStateException} naming the failure.
 * Over HTTP/2 the response owns its stream, not the connection: closing it before the end resets the stream
 * ({@code CANCEL}) and the connection's other streams go on; the stream's flow-control window bounds what is
 * buffered while the caller does not read.
 * A response without a body (HEAD, 204, 304, {@code Content-Length: 0}) has ended when it is returned.
 *
 * <p><b>Limits.</b> The client's read timeout holds for each read, its total timeout up to the last body byte, its
 * maximum body size for the body as received and as decoded: a body that passes it fails at the read that passes
 * it with a {@link BodyTooLargeException} (a {@code Content-Length} over it at {@link HttpClient#stream} already).
 *
 * <p>Loop-confined, one reader at a time. Always close it (try-with-resources): an abandoned response keeps its
 * connection busy.
 */
public final class StreamedResponse implements AutoCloseable {
    /** What to do with the connection once the body ended (release) or was abandoned (discard). */
    interface Owner {
        void release();

        void discard();
    }

    /**
     * The body as it arrives, before decoding: an HTTP/1.1 message's ({@link MessageReader.BodyReader}) or an
     * HTTP/2 stream's ({@link Http2Body}). Its reads are made inside {@link #guarded}, which holds the read timeout.
     */
    interface Body {
        /** Reads up to {@code length > 0} bytes; returns how many, at least one, or -1 at the end of the body. */
        int read(byte[] b, int offset, int length);

        /** True once the body was read to its end. */
        boolean ended();

        /** The trailers, once the body {@link #ended}. */
        Headers trailers();

        /** Runs {@code work} (reads of this body) under the client's read timeout. */
        int guarded(IntSupplier work);
    }

    private static final byte[] NO_BODY = new byte[0];
    private static final int DRAIN = 8 * 1024;

    private final HttpClient.Head head;
    private final Body body;
    private final long maxBody;
    private final Timeouts.Deadline total;
    private final Owner owner;
    /** The decoded body, or null when the body is used as received. */
    private final InputStream decoded;
    private final String coding;
    private long delivered;
    private boolean ended;
    private boolean closed;
    private Throwable failure;

    StreamedResponse(HttpClient.Head head, Body body, long maxBody, Timeouts.Deadline total, Owner owner) {
        this.head = head;
        this.body = body;
        this.maxBody = maxBody;
        this.total = total;
        this.owner = owner;
        String c = head.headers().get("Content-Encoding");
        boolean decode = c != null && !body.ended() && ContentDecoding.supports(c);
        this.coding = decode ? c.strip() : null;
        this.decoded = decode ? ContentDecoding.decoding(new Raw(), c) : null;
        if (body.ended()) {
            end();
        }
    }

    public int status() {
        return head.status().status();
    }

    public String reason() {
        return head.status().reason();
    }

    /** The header fields as received (a decoded body keeps its {@code Content-Encoding} and length fields). */
    public Headers headers() {
        return head.headers();
    }

    /** {@code "HTTP/1.1"}, {@code "HTTP/1.0"} or {@code "HTTP/2"}. */
    public String version() {
        return head.status().version();
    }

    /**
     * The status line and headers as an {@link HttpResponse} with an empty body, for its helpers
     * ({@link HttpResponse#contentType()}, {@link HttpResponse#charset()}, {@link HttpResponse#location()}, ...).
     */
    public HttpResponse head() {
        return new HttpResponse(status(), reason(), headers(), NO_BODY, version(), trailers());
    }

    /** The trailers (a chunked body's, an HTTP/2 stream's), once the body {@link #isEnded() ended}; empty before. */
    public Headers trailers() {
        return ended ? body.trailers() : Headers.builder().build();
    }

    /** The body as received (for tests of what it buffers). */
    Body source() {
        return body;
    }

    /** True once the body was read to its end (the connection is then back in the pool, or closed). */
    public boolean isEnded() {
        return ended;
    }

    /**
     * Reads up to {@code length} bytes of the (decoded) body into {@code b} at {@code offset}: waits until at least
     * one is there and returns how many were read, or -1 at the end of the body ({@link InputStream}'s contract);
     * 0 only when {@code length} is 0. {@code b} must not be touched until the read completes.
     *
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit {@code b} (at once)
     */
    public Awaitable<Integer> readInto(byte[] b, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, b.length);
        return () -> read(b, offset, length);
    }

    /** Reads the rest of the body (at most the client's maximum body size) into one array. */
    public Awaitable<byte[]> readAll() {
        return () -> {
            MessageReader.Accumulator all = new MessageReader.Accumulator(maxBody, "body");
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = read(buffer, 0, buffer.length)) >= 0; ) {
                all.add(buffer, n);
            }
            return all.toArray();
        };
    }

    private int read(byte[] b, int offset, int length) {
        if (ended) {
            return -1;
        }
        if (closed) {
            throw new IllegalStateException(failure == null ? "the streamed response was closed before its end"
                    : "the streamed response failed: " + failure, failure);
        }
        if (length == 0) {
            return 0;
        }
        int n;
        try {
            n = total.within(() -> body.guarded(() -> readSome(b, offset, length)));
        } catch (Throwable e) {
            failure = e;
            abandon();
            throw e;
        }
        if (n < 0) {
            end();
        }
        return n;
    }

    private int readSome(byte[] b, int offset, int length) {
        if (decoded == null) {
            return body.read(b, offset, length);
        }
        int n;
        try {
            n = decoded.read(b, offset, length);
        } catch (RawFailure e) {
            throw StreamedResponse.<RuntimeException>unchecked(e.getCause());   // the connection's own error, unchanged
        } catch (IOException e) {
            throw new HttpProtocolException("bad " + coding + " body: " + e.getMessage(), e);
        }
        if (n < 0) {
            byte[] rest = new byte[DRAIN];   // bytes after the encoded data, and a chunked body's end
            while (body.read(rest, 0, rest.length) >= 0) {
                // dropped, as the whole-body decoder drops them
            }
            return -1;
        }
        delivered += n;
        if (delivered > maxBody) {
            throw new BodyTooLargeException("body after " + coding + " decoding exceeds the maximum of " + maxBody
                    + " bytes", maxBody);
        }
        return n;
    }

    private void end() {
        ended = true;
        closed = true;
        closeDecoder();
        owner.release();
    }

    private void abandon() {
        if (!closed) {
            closed = true;
            closeDecoder();
            owner.discard();
        }
    }

    private void closeDecoder() {
        if (decoded != null) {
            try {
                decoded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);   // in-memory decoders: not thrown
            }
        }
    }

    /** Closes the connection unless the body was read to its end (then it is back in the pool already). */
    @Override
    public void close() {
        abandon();
    }

    @Override
    public String toString() {
        return "<StreamedResponse " + status() + " " + reason() + (ended ? ", ended" : closed ? ", closed" : "")
                + ">";
    }

    /** The body as received, for a decoder; the connection's errors pass through it wrapped in a RawFailure. */
    private final class Raw extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            try {
                return body.read(b, off, len);
            } catch (Exception e) {
                if (e instanceof IOException io) {
                    throw new RawFailure(io);
                }
                throw e;
            }
        }
    }

    /** Throws {@code e}, checked or not, as it is. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E unchecked(Throwable e) throws E {
        throw (E) e;
    }

    /** Carries an I/O error of the connection through a decoder, which would take it for a bad encoding. */
    private static final class RawFailure extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        RawFailure(IOException cause) {
            super(cause);
        }
    }
}
