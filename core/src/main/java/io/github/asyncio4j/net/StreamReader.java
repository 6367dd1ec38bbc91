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
 * <p>Loop-confined; only one coroutine may wait for data at a time (a second is an {@link IllegalStateException}).
 * A read cancelled while it waits consumes nothing: the data stays buffered for the next read.
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
        buffer.append(data);
        wakeUpWaiter();
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
        try {
            w.await();
        } finally {
            waiter = null;
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
