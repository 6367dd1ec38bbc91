package io.github.asyncio4j.net;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.internal.Exceptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The reading half of a connection ({@code asyncio.StreamReader}): a buffer that the connection fills and that
 * coroutines read from with awaitables.
 *
 * <pre>{@code
 * byte[] line = await(reader.readLine());
 * byte[] header = await(reader.readExactly(4));
 * }</pre>
 *
 * <p><b>Limit and flow control.</b> The limit (64 KiB by default, {@link StreamOptions#withLimit}) bounds how far
 * {@link #readUntil} and {@link #readLine} look for a separator ({@link LimitOverrunError} beyond it). It also
 * bounds the buffer: as in asyncio, when the buffer holds more than twice the limit the connection stops reading
 * from the socket (its selector interest is removed, so the peer's sends block in TCP), and it resumes once the
 * buffer is back at or below the limit, or when a read needs more data than is buffered.
 *
 * <p><b>End of stream and errors.</b> EOF (the peer's FIN or TLS close_notify, or the connection closing) makes
 * {@link #read} return an empty array once the buffer is drained. A broken connection stores its error, which
 * every later read throws unchanged: a peer reset is the JDK's {@link java.net.SocketException} ("Connection
 * reset"), other I/O failures their {@link java.io.IOException}, TLS failures an {@link javax.net.ssl.SSLException}.
 *
 * <p><b>Reading into the caller's array.</b> {@link #readInto} copies buffered bytes into an array the caller
 * owns; when nothing is buffered it waits with that array as its target, and the bytes that arrive next are copied
 * from the connection's read buffer straight into it (what does not fit is buffered as usual). A byte so goes from
 * the socket to its final place in one copy, with no array allocated on the way.
 *
 * <p>Loop-confined; only one coroutine may wait for data at a time (a second is an {@link IllegalStateException}).
 * A read cancelled while it waits consumes nothing: the data stays buffered for the next read (bytes a
 * {@code readInto} received just before its cancellation are put back in front of the buffer), and a cancelled
 * {@code readInto}'s array is not written after the cancellation.
 */
public final class StreamReader {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    private final int limit;
    private final ByteBuf buffer = new ByteBuf();
    private Transport transport;
    private boolean paused;
    private boolean eof;
    private Throwable exception;
    private Future<Void> waiter;
    /**
     * The array of the {@link #readInto} that {@link #waiter} belongs to, or null. Invariant: it is written only
     * while non-null and its waiter is not done, and then the buffer is empty: bytes reach it in arrival order.
     */
    private Target target;

    /** A reader with the default 64 KiB limit, not attached to any connection (fill it with {@link #feedData}). */
    public StreamReader() {
        this(StreamOptions.DEFAULT_LIMIT);
    }

    /** A reader with the given limit (positive), not attached to any connection. */
    public StreamReader(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    void setTransport(Transport transport) {
        this.transport = transport;
    }

    /** The buffer limit in bytes. */
    public int limit() {
        return limit;
    }

    /** The error the connection failed with, or null. */
    public Throwable exception() {
        return exception;
    }

    /** True when EOF was received and the buffer is empty: every read would return nothing. */
    public boolean atEof() {
        return eof && buffer.size() == 0;
    }

    /** Bytes received and not read yet. */
    int buffered() {
        return buffer.size();
    }

    /**
     * Hands the reader over to {@code newTransport} (a TLS upgrade): returns the bytes buffered so far (they
     * belong to the new layer: the start of the peer's handshake) and resumes reading if flow control had paused
     * it.
     *
     * @throws IllegalStateException if a coroutine is waiting for data, or the stream has ended or failed
     */
    byte[] handOver(Transport newTransport, String what) {
        if (waiter != null) {
            throw new IllegalStateException(what + ": another coroutine is waiting to read from this connection");
        }
        if (exception != null || eof) {
            throw new IllegalStateException(what + ": the connection " + (exception != null ? "failed" : "has ended")
                    + " already", exception);
        }
        byte[] leftover = buffer.takeAll();
        Transport old = transport;
        transport = newTransport;
        if (paused) {
            paused = false;
            old.resumeReading();
        }
        return leftover;
    }

    /** True while flow control has stopped reading from the socket. */
    boolean isReadingPaused() {
        return paused;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Feeding (the connection's side)

    /** Stores the error; waiting and later reads throw it. */
    public void setException(Throwable error) {
        exception = Objects.requireNonNull(error, "error");
        Future<Void> w = waiter;
        if (w != null && !w.isDone()) {
            w.setException(error);
        }
    }

    /** Marks the end of the stream. Idempotent. */
    public void feedEof() {
        eof = true;
        wakeUpWaiter();
    }

    /** Appends received bytes (copied). @throws IllegalStateException after {@link #feedEof()} */
    public void feedData(byte[] data) {
        feedData(ByteBuffer.wrap(data));
    }

    void feedData(ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof");
        }
        if (!data.hasRemaining()) {
            return;
        }
        Target t = target;
        if (t != null && !waiter.isDone()) {
            target = null;
            t.fill(data);   // straight into the waiting reader's array
            wakeUpWaiter();
            if (!data.hasRemaining()) {
                return;
            }
        }
        buffer.append(data);
        wakeUpWaiter();
        pauseIfFull();
    }

    private void pauseIfFull() {
        if (transport != null && !paused && buffer.size() > 2L * limit) {
            paused = true;
            transport.pauseReading();
        }
    }

    private void wakeUpWaiter() {
        Future<Void> w = waiter;
        if (w != null && !w.isDone()) {
            w.setResult(null);
        }
    }

    private void maybeResumeTransport() {
        if (paused && buffer.size() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /** Suspends until data or EOF arrives (or the connection fails). */
    private void waitForData(String function) {
        waitForData(function, null);
    }

    /** Suspends until data or EOF arrives (or the connection fails); data goes into {@code into} if not null. */
    private void waitForData(String function, Target into) {
        if (waiter != null) {
            throw new IllegalStateException(function
                    + "() called while another coroutine is already waiting for incoming data");
        }
        if (paused) {
            // the caller needs more than is buffered: reading must go on, or it would wait forever
            paused = false;
            transport.resumeReading();
        }
        Future<Void> w = Async.getRunningLoop().createFuture();
        waiter = w;
        target = into;
        try {
            w.await();
        } finally {
            waiter = null;
            target = null;
        }
    }

    private void throwIfFailed() {
        if (exception != null) {
            throw Exceptions.sneakyThrow(exception);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading (the coroutines' side)

    /**
     * Reads up to {@code n} bytes: waits until at least one byte is buffered and returns what is there (at most
     * {@code n}); an empty array at EOF. {@code n < 0} reads until EOF; {@code n == 0} returns at once.
     */
    public Awaitable<byte[]> read(int n) {
        return () -> {
            throwIfFailed();
            if (n == 0) {
                return EMPTY;
            }
            if (n < 0) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                while (true) {
                    byte[] block = readSome(limit);
                    if (block.length == 0) {
                        return all.toByteArray();
                    }
                    all.writeBytes(block);
                }
            }
            return readSome(n);
        };
    }

    private byte[] readSome(int n) {
        throwIfFailed();
        if (buffer.size() == 0 && !eof) {
            waitForData("read");
        }
        byte[] data = buffer.take(Math.min(n, buffer.size()));
        maybeResumeTransport();
        return data;
    }

    /**
     * Reads up to {@code length} bytes into {@code b} at {@code offset} ({@code asyncio}'s {@code sock_recv_into},
     * {@link java.io.InputStream#read(byte[], int, int)}'s contract for a stream): waits until at least one byte
     * is there and returns how many were read (at most {@code length}), 0 at EOF; {@code length == 0} returns 0
     * at once. Buffered bytes are copied first; when nothing is buffered, the bytes that arrive next are copied
     * from the connection straight into {@code b} (see the class comment). {@code b} must not be touched until
     * the read completes; if it is cancelled instead, no byte is lost and {@code b} is not written after the
     * cancellation.
     *
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit {@code b} (at once)
     */
    public Awaitable<Integer> readInto(byte[] b, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, b.length);
        return () -> {
            throwIfFailed();
            if (length == 0) {
                return 0;
            }
            if (buffer.size() == 0 && !eof) {
                int received = awaitInto(new Target(b, offset, length));
                if (received > 0) {
                    return received;
                }
            }
            int n = Math.min(length, buffer.size());   // 0 only at EOF
            if (n > 0) {
                buffer.takeInto(b, offset, n);
                maybeResumeTransport();
            }
            return n;
        };
    }

    /**
     * Waits with {@code into} as the target; returns how many bytes arrived in it (0 if woken by EOF). If the
     * wait ends in an exception (a cancellation) after bytes arrived, they are put back in front of the buffer.
     */
    private int awaitInto(Target into) {
        try {
            waitForData("readInto", into);
        } catch (Throwable e) {
            if (into.filled > 0) {
                buffer.prepend(into.array, into.offset, into.filled);
                pauseIfFull();
            }
            throw e;
        }
        return into.filled;
    }

    /** Where a waiting {@link #readInto} wants its bytes, and how many it got. */
    private static final class Target {
        final byte[] array;
        final int offset;
        final int length;
        int filled;

        Target(byte[] array, int offset, int length) {
            this.array = array;
            this.offset = offset;
            this.length = length;
        }

        /** Copies as many bytes of {@code data} as fit. */
        void fill(ByteBuffer data) {
            int n = Math.min(length, data.remaining());
            data.get(array, offset, n);
            filled = n;
        }
    }

    /**
     * Reads one line: the bytes up to and including {@code '\n'}. At EOF returns what is left (a partial line
     * without {@code '\n'}, or an empty array). If no newline is found within the limit, the data examined is
     * discarded (up to and including the newline when one follows it) and {@link LimitOverrunError} is thrown.
     */
    public Awaitable<byte[]> readLine() {
        return () -> {
            try {
                return readUntilSeparator(NEWLINE);
            } catch (IncompleteReadError e) {
                return e.partial();
            } catch (LimitOverrunError e) {
                if (buffer.startsWith(NEWLINE, e.consumed())) {
                    buffer.drop(e.consumed() + NEWLINE.length);
                } else {
                    buffer.clear();
                }
                maybeResumeTransport();
                throw e;
            }
        };
    }

    /**
     * Reads until {@code separator} and returns the data including it.
     *
     * @throws IncompleteReadError at EOF before the separator (carrying the remaining bytes, now consumed)
     * @throws LimitOverrunError   if the separator is not found within the limit (the data stays buffered)
     */
    public Awaitable<byte[]> readUntil(byte[] separator) {
        Objects.requireNonNull(separator, "separator");
        if (separator.length == 0) {
            throw new IllegalArgumentException("the separator must contain at least one byte");
        }
        byte[] sep = separator.clone();
        return () -> readUntilSeparator(sep);
    }

    private byte[] readUntilSeparator(byte[] sep) {
        throwIfFailed();
        int offset = 0;
        int found;
        while (true) {
            int size = buffer.size();
            if (size - offset >= sep.length) {
                found = buffer.indexOf(sep, offset);
                if (found >= 0) {
                    break;
                }
                offset = size + 1 - sep.length;
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            if (eof) {
                throw new IncompleteReadError(buffer.takeAll(), -1);
            }
            waitForData("readUntil");
        }
        if (found > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", found);
        }
        byte[] chunk = buffer.take(found + sep.length);
        maybeResumeTransport();
        return chunk;
    }

    /**
     * Reads exactly {@code n} bytes.
     *
     * @throws IncompleteReadError if EOF comes first (carrying the bytes read, now consumed, and {@code n})
     */
    public Awaitable<byte[]> readExactly(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("readExactly size can not be less than zero: " + n);
        }
        return () -> {
            throwIfFailed();
            if (n == 0) {
                return EMPTY;
            }
            while (buffer.size() < n) {
                if (eof) {
                    throw new IncompleteReadError(buffer.takeAll(), n);
                }
                waitForData("readExactly");
            }
            byte[] data = buffer.take(n);
            maybeResumeTransport();
            return data;
        };
    }

    @Override
    public String toString() {
        return "<StreamReader" + (buffer.size() > 0 ? " " + buffer.size() + " bytes" : "") + (eof ? " eof" : "")
                + (limit != StreamOptions.DEFAULT_LIMIT ? " limit=" + limit : "")
                + (exception != null ? " exception=" + exception : "") + (waiter != null ? " waiter" : "")
                + (paused ? " paused" : "") + ">";
    }
}
