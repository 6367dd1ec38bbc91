package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.Timeout;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.net.IncompleteReadError;
import io.github.asyncio4j.net.LimitOverrunError;
import io.github.asyncio4j.net.StreamReader;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Reads HTTP/1.x message parts from a {@link StreamReader}: start line, header section, and a body in any
 * framing, within the size limits. Malformed input is an {@link HttpProtocolException} naming the problem; an
 * oversized body a {@link BodyTooLargeException}; I/O errors (a reset) are the JDK's, unchanged.
 *
 * <p><b>Read timeout.</b> Work run by {@link #guarded} fails with an {@link HttpTimeoutException} (kind READ,
 * naming the part being read) once the peer has been silent for the read timeout. One watchdog timer and one
 * {@link Async#timeout} scope per guarded section, not per read: each read only records the time of progress,
 * and the watchdog re-arms itself until the silence is long enough, then expires the scope at the current await.
 * Loop-confined; one per connection.
 */
final class MessageReader {
    private static final int BLOCK = 64 * 1024;

    private final StreamReader in;
    private final Duration readTimeout;
    private final int maxHeaderBytes;
    /** Bytes of the current message consumed so far (reset by {@link #startMessage()}). */
    private long consumed;
    /** The running loop's clock, set by {@link #guarded}: the silence is measured in the loop's time. */
    private LoopClock clock = LoopClock.monotonic();
    /** {@link #clock}'s time of the last progress in a guarded section. */
    private long lastProgress;
    /** What is being read, for the timeout's message. */
    private String reading = "the message";

    MessageReader(StreamReader in, Duration readTimeout, int maxHeaderBytes) {
        this.in = in;
        this.readTimeout = readTimeout;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    void startMessage() {
        consumed = 0;
    }

    /** True once any byte of the current message has been read. */
    boolean receivedAny() {
        return consumed > 0;
    }

    /** Records progress: the peer's silence is measured from here. */
    private void progress() {
        lastProgress = clock.nanoTime();
    }

    /** Names what the guarded section waits for now ("sending the request"), for the timeout's message. */
    void nowDoing(String what) {
        reading = what;
        progress();
    }

    /** Runs {@code work} (reads through this reader, and writes) under the read timeout; see the class comment. */
    <T> T guarded(Supplier<T> work) {
        if (readTimeout.isZero()) {
            return work.get();
        }
        Timeout scope = Async.timeout((Duration) null);
        EventLoop loop = Async.getRunningLoop();
        Watchdog watchdog = new Watchdog(loop, scope);
        clock = loop.clock();
        progress();
        watchdog.arm(readTimeout.toNanos());
        try (scope) {
            return work.get();
        } catch (TimeoutError e) {
            if (scope.expired()) {
                throw new HttpTimeoutException(HttpTimeoutException.Kind.READ, readTimeout, "while " + reading);
            }
            throw e;
        } finally {
            watchdog.handle.cancel();
        }
    }

    /** Expires the scope once the silence since {@link #lastProgress} reaches the read timeout. */
    private final class Watchdog implements Runnable {
        private final EventLoop loop;
        private final Timeout scope;
        TimerHandle handle;

        Watchdog(EventLoop loop, Timeout scope) {
            this.loop = loop;
            this.scope = scope;
        }

        void arm(long delayNanos) {
            handle = loop.callLater(LoopClock.seconds(Math.max(delayNanos, 0)), this);
        }

        @Override
        public void run() {
            long silent = clock.nanoTime() - lastProgress;
            long timeout = readTimeout.toNanos();
            if (silent >= timeout) {
                scope.reschedule(loop.time());   // expires at the await the section is in now
            } else {
                arm(timeout - silent);
            }
        }
    }

    /**
     * Reads one header-section line (without its line ending); {@code headerBytes} is what the section used so
     * far, for the limit. Returns null at a clean EOF before any byte of the line.
     */
    String readHeadLine(String what, long headerBytes) {
        reading = "reading " + what;
        byte[] line;
        try {
            line = await(in.readLine());
        } catch (LimitOverrunError e) {
            throw headerTooLarge();
        }
        progress();
        consumed += line.length;
        if (line.length == 0) {
            return null;
        }
        if (line[line.length - 1] != '\n') {
            throw new HttpProtocolException("connection closed in the middle of " + what + " (after "
                    + line.length + " bytes: " + Http1.quote(Http1.strip(line)) + ")");
        }
        if (headerBytes + line.length > maxHeaderBytes) {
            throw headerTooLarge();
        }
        return Http1.strip(line);
    }

    private HttpProtocolException headerTooLarge() {
        return new HttpProtocolException("header section too large (limit " + maxHeaderBytes + " bytes)");
    }

    /** Reads header fields up to and including the empty line; {@code used} counts toward the limit. */
    Headers readFields(String what, long used) {
        Headers.Builder fields = Headers.builder();
        long total = used;
        while (true) {
            String line = readHeadLine(what, total);
            if (line == null) {
                throw new HttpProtocolException("connection closed in the middle of " + what);
            }
            total += line.length() + 2;
            if (line.isEmpty()) {
                return fields.build();
            }
            Http1.parseHeaderLine(line, fields);
        }
    }

    /** Reads a body in the given framing; trailers of a chunked body go to {@code trailers} (may be null). */
    byte[] readBody(Http1.Framing framing, long maxBody, Headers.Builder trailers) {
        reading = "reading the body";
        return switch (framing) {
            case Http1.Framing.None n -> new byte[0];
            case Http1.Framing.Length l -> readLength(l.length(), maxBody);
            case Http1.Framing.Chunked c -> readChunked(maxBody, trailers);
            case Http1.Framing.UntilEof e -> readUntilEof(maxBody);
        };
    }

    private byte[] readLength(long length, long maxBody) {
        if (length > maxBody) {
            throw new BodyTooLargeException("body of " + length + " bytes (Content-Length) exceeds the maximum of "
                    + maxBody + " bytes", maxBody);
        }
        if (length <= BLOCK) {   // small bodies: one copy out of the stream's buffer
            try {
                byte[] body = await(in.readExactly((int) length));
                consumed += length;
                progress();
                return body;
            } catch (IncompleteReadError e) {
                throw new HttpProtocolException("connection closed early: body shorter than its Content-Length ("
                        + e.partial().length + " of " + length + " bytes)");
            }
        }
        byte[] body = new byte[(int) length];
        int filled = 0;
        while (filled < length) {
            byte[] block = await(in.read((int) Math.min(BLOCK, length - filled)));
            if (block.length == 0) {
                throw new HttpProtocolException("connection closed early: body shorter than its Content-Length ("
                        + filled + " of " + length + " bytes)");
            }
            System.arraycopy(block, 0, body, filled, block.length);
            filled += block.length;
            consumed += block.length;
            progress();
        }
        return body;
    }

    private byte[] readUntilEof(long maxBody) {
        Accumulator body = new Accumulator(maxBody, "body read until the connection closed");
        while (true) {
            byte[] block = await(in.read(BLOCK));
            if (block.length == 0) {
                return body.toArray();
            }
            consumed += block.length;
            body.add(block, block.length);
            progress();
        }
    }

    private byte[] readChunked(long maxBody, Headers.Builder trailers) {
        Accumulator body = new Accumulator(maxBody, "chunked body");
        while (true) {
            String sizeLine = readHeadLine("a chunk size line", 0);
            if (sizeLine == null) {
                throw new HttpProtocolException("connection closed in the middle of a chunked body (after "
                        + body.size + " bytes)");
            }
            long size = Http1.parseChunkSize(sizeLine);
            if (size == 0) {
                Headers t = readFields("the trailer section", 0);
                if (trailers != null) {
                    for (int i = 0; i < t.size(); i++) {
                        trailers.addTrusted(t.name(i), t.value(i));
                    }
                }
                return body.toArray();
            }
            body.reserve(size);
            long left = size;
            while (left > 0) {
                byte[] block = await(in.read((int) Math.min(BLOCK, left)));
                if (block.length == 0) {
                    throw new HttpProtocolException("connection closed in the middle of a chunk (" + (size - left)
                            + " of " + size + " bytes)");
                }
                consumed += block.length;
                left -= block.length;
                progress();
                body.add(block, block.length);
            }
            byte[] end;
            try {
                end = await(in.readExactly(2));
            } catch (IncompleteReadError e) {
                throw new HttpProtocolException("connection closed after a chunk, before its CRLF");
            }
            consumed += 2;
            progress();
            if (end[0] != '\r' || end[1] != '\n') {
                throw new HttpProtocolException("chunk data not followed by CRLF (chunk size " + size + ")");
            }
        }
    }

    /** A growable body buffer that refuses to grow past {@code max}. */
    static final class Accumulator {
        private final long max;
        private final String what;
        private byte[] data = new byte[0];
        int size;

        Accumulator(long max, String what) {
            this.max = max;
            this.what = what;
        }

        /** Fails early when {@code more} bytes would not fit. */
        void reserve(long more) {
            if (size + more > max) {
                throw tooLarge();
            }
        }

        void add(byte[] block, int length) {
            if (size + (long) length > max) {
                throw tooLarge();
            }
            if (size + length > data.length) {
                long grown = Math.max((long) data.length * 2, size + (long) length);
                data = Arrays.copyOf(data, (int) Math.min(Math.max(grown, 1024), max));
            }
            System.arraycopy(block, 0, data, size, length);
            size += length;
        }

        private BodyTooLargeException tooLarge() {
            return new BodyTooLargeException(what + " exceeds the maximum of " + max + " bytes", max);
        }

        byte[] toArray() {
            return data.length == size ? data : Arrays.copyOf(data, size);
        }
    }
}
