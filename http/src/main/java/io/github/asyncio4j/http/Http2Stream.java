package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One HTTP/2 stream of an {@link Http2Connection}: its state (RFC 9113 section 5.1; idle streams are not
 * objects, reserved ones never exist since push is off), both flow-control windows, and what the connection's
 * reader received for it, which the stream's task takes with {@link #awaitHeaders} and {@link #nextData}.
 *
 * <p>Invariants: {@code recvWindow} is what the peer may still send (the reader checks every DATA frame against
 * it), and the unread data buffered here is at most the window we granted, so a stream whose task reads slowly
 * holds at most {@link Http2Connection#streamWindow} bytes and stalls no other stream; bytes taken by the task
 * are given back to the peer with WINDOW_UPDATE once half a window was taken. One task at a time waits on a
 * stream (its owner). Loop-confined.
 */
final class Http2Stream {
    enum State { OPEN, HALF_CLOSED_LOCAL, HALF_CLOSED_REMOTE, CLOSED }

    final int id;
    private final Http2Connection connection;
    State state = State.OPEN;
    /** What we may still send on this stream (may go negative after a SETTINGS change). */
    long sendWindow;
    /** What the peer may still send on this stream. */
    long recvWindow;
    /** Bytes the task took since the last WINDOW_UPDATE for this stream. */
    private long taken;
    /** The first (non-informational) header section received, or null. */
    List<String> headers;
    List<String> trailers;
    /** The peer's header list was over our limit (the fields were not kept). */
    boolean headersTooLarge;
    private final ArrayDeque<byte[]> data = new ArrayDeque<>(2);   // most bodies are a frame or two
    int buffered;
    /** Content-length of the peer's message, or -1, and the DATA bytes received so far. */
    long expectedLength = -1;
    long receivedLength;
    boolean endReceived;
    /** Why the stream ended abnormally (a reset by either side, or the connection's end), or null. */
    RuntimeException error;
    private Future<Void> waiter;
    /** The task serving a peer's stream (server side): cancelled when the peer resets the stream. */
    io.github.asyncio4j.Task<?> task;

    Http2Stream(Http2Connection connection, int id, long sendWindow, long recvWindow) {
        this.connection = connection;
        this.id = id;
        this.sendWindow = sendWindow;
        this.recvWindow = recvWindow;
    }

    /** Wakes the stream's task, if it waits (for data, headers, a window, or the stream's end). */
    void wake() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.isDone()) {
                w.setResult(null);
            }
        }
    }

    /** Waits for the next event on this stream, at most {@code timeout} (zero: no limit). */
    void awaitEvent(Duration timeout, HttpTimeoutException.Kind kind, String what) {
        Future<Void> w = Async.getRunningLoop().createFuture();
        waiter = w;
        try {
            Timeouts.within(timeout, kind, what, w);
        } finally {
            if (waiter == w) {
                waiter = null;
            }
        }
    }

    void received(byte[] chunk) {
        if (chunk.length > 0) {
            data.addLast(chunk);
            buffered += chunk.length;
        }
        wake();
    }

    /** Waits for the final header section (1xx ones are skipped by the connection). */
    List<String> awaitHeaders(Duration timeout, String what) {
        while (headers == null) {
            throwIfFailed();
            if (endReceived) {
                throw Http2Exception.stream(Http2.PROTOCOL_ERROR, id, "the stream ended without a header section");
            }
            awaitEvent(timeout, HttpTimeoutException.Kind.READ, what);
        }
        return headers;
    }

    /**
     * The next piece of the body, or null at its end; waits at most {@code timeout} of silence. Taking data
     * gives its window back to the peer (WINDOW_UPDATE once half a window was taken).
     */
    byte[] nextData(Duration timeout, String what) {
        while (data.isEmpty()) {
            throwIfFailed();
            if (endReceived) {
                return null;
            }
            awaitEvent(timeout, HttpTimeoutException.Kind.READ, what);
        }
        byte[] chunk = data.pollFirst();
        buffered -= chunk.length;
        taken += chunk.length;
        if (!endReceived && taken >= connection.streamWindow() / 2) {
            connection.windowUpdate(id, (int) taken);
            recvWindow += taken;
            taken = 0;
        }
        return chunk;
    }

    void throwIfFailed() {
        if (error != null) {
            throw error;
        }
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** The remote side sent END_STREAM. */
    boolean remoteEnded() {
        return state == State.HALF_CLOSED_REMOTE || state == State.CLOSED;
    }

    /** We sent END_STREAM. */
    boolean localEnded() {
        return state == State.HALF_CLOSED_LOCAL || state == State.CLOSED;
    }

    @Override
    public String toString() {
        return "<HTTP/2 stream " + id + " " + state + ">";
    }
}
