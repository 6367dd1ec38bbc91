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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
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
    /** What a body read until EOF asks for per read. */
    private static final int BLOCK = 64 * 1024;
    /** The largest array a chunk's data is read into: a chunk declared larger is read in pieces of this size. */
    private static final int PIECE = 1 << 20;

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
        // An instanceof chain, not a pattern switch: that is linked at run time in every JVM (see Task#dispatch)
        if (framing instanceof Http1.Framing.Length(long length)) {
            return readLength(length, maxBody);
        } else if (framing instanceof Http1.Framing.Chunked) {
            return readChunked(maxBody, trailers);
        } else if (framing instanceof Http1.Framing.UntilEof) {
            return readUntilEof(maxBody);
        } else if (framing instanceof Http1.Framing.None) {
            return new byte[0];
        }
        throw new AssertionError("a framing the reader does not know: " + framing);     // Framing is sealed
    }

    /**
     * A Content-Length body, read straight into its array of the exact size ({@link StreamReader#readInto}): each
     * byte is copied once, from the stream's buffer or, once the reader waits, from the socket's.
     */
    private byte[] readLength(long length, long maxBody) {
        if (length > maxBody) {
            throw new BodyTooLargeException("body of " + length + " bytes (Content-Length) exceeds the maximum of "
                    + maxBody + " bytes", maxBody);
        }
        byte[] body = new byte[(int) length];
        int filled = readFully(body);
        if (filled < length) {
            throw new HttpProtocolException("connection closed early: body shorter than its Content-Length ("
                    + filled + " of " + length + " bytes)");
        }
        return body;
    }

    /** Reads into all of {@code b} unless EOF comes first; returns how many bytes were read. */
    private int readFully(byte[] b) {
        int filled = 0;
        while (filled < b.length) {
            int n = await(in.readInto(b, filled, b.length - filled));
            if (n == 0) {
                break;
            }
            filled += n;
            consumed += n;
            progress();
        }
        return filled;
    }

    private byte[] readUntilEof(long maxBody) {
        Accumulator body = new Accumulator(maxBody, "body read until the connection closed");
        while (true) {
            byte[] block = await(in.read(BLOCK));
            if (block.length == 0) {
                return body.toArray();
            }
            consumed += block.length;
            body.addOwned(block);     // a fresh array from the stream: kept, not copied
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
            for (long left = size; left > 0; ) {   // the chunk's data straight into arrays of its size
                byte[] piece = new byte[(int) Math.min(PIECE, left)];
                int n = readFully(piece);
                left -= n;
                if (n < piece.length) {
                    throw new HttpProtocolException("connection closed in the middle of a chunk (" + (size - left)
                            + " of " + size + " bytes)");
                }
                body.addOwned(piece);
            }
            readChunkEnd(size);
        }
    }

    /** The CRLF after a chunk's data ({@code size} bytes, named in the error). */
    private void readChunkEnd(long size) {
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

    /**
     * A reader of one body in its framing, piece by piece into the caller's arrays ({@link HttpClient#stream}):
     * nothing is buffered here beyond the stream's own buffer. A body declared larger than {@code maxBody} fails at
     * once, one that grows past it at the read that passes it. Run each read in a {@link #guarded} section.
     */
    BodyReader bodyReader(Http1.Framing framing, long maxBody) {
        if (framing instanceof Http1.Framing.Length(long length) && length > maxBody) {
            throw new BodyTooLargeException("body of " + length + " bytes (Content-Length) exceeds the maximum of "
                    + maxBody + " bytes", maxBody);
        }
        return new BodyReader(framing, maxBody);
    }

    /** See {@link #bodyReader}. */
    final class BodyReader implements StreamedResponse.Body {
        private final Http1.Framing framing;
        private final long max;
        /** Content-Length: the bytes left; chunked: the bytes left of the current chunk (0: a size line next). */
        private long left;
        private long total;
        /** The size of the chunk being read (named if its CRLF is missing). */
        private long chunkSize;
        private boolean inChunks;
        private boolean ended;
        private final Headers.Builder trailers = Headers.builder();

        private BodyReader(Http1.Framing framing, long max) {
            this.framing = framing;
            this.max = max;
            this.left = framing instanceof Http1.Framing.Length(long length) ? length : 0;
            this.ended = framing instanceof Http1.Framing.None;
        }

        /** True once the body was read to its end (its trailers included). */
        @Override
        public boolean ended() {
            return ended;
        }

        /** The trailers of a chunked body, once it {@link #ended}. */
        @Override
        public Headers trailers() {
            return trailers.build();
        }

        @Override
        public int guarded(IntSupplier work) {
            return MessageReader.this.guarded(work::getAsInt);
        }

        /**
         * Reads up to {@code length > 0} bytes of the body into {@code b} at {@code offset}; returns how many, at
         * least one, or -1 at the end of the body.
         */
        @Override
        public int read(byte[] b, int offset, int length) {
            if (ended) {
                return -1;
            }
            reading = "reading the body";
            if (framing instanceof Http1.Framing.Length(long declared)) {
                if (left == 0) {
                    ended = true;
                    return -1;
                }
                int n = readSome(b, offset, (int) Math.min(length, left));
                if (n == 0) {
                    throw new HttpProtocolException("connection closed early: body shorter than its Content-Length ("
                            + (declared - left) + " of " + declared + " bytes)");
                }
                left -= n;
                return n;
            } else if (framing instanceof Http1.Framing.UntilEof) {
                int n = readSome(b, offset, length);
                if (n == 0) {
                    ended = true;
                    return -1;
                }
                count(n, "body read until the connection closed");
                return n;
            }
            return readChunk(b, offset, length);
        }

        private int readChunk(byte[] b, int offset, int length) {
            if (left == 0) {
                if (inChunks) {
                    readChunkEnd(chunkSize);
                }
                String sizeLine = readHeadLine("a chunk size line", 0);
                if (sizeLine == null) {
                    throw new HttpProtocolException("connection closed in the middle of a chunked body (after "
                            + total + " bytes)");
                }
                long size = Http1.parseChunkSize(sizeLine);
                if (size == 0) {
                    Headers t = readFields("the trailer section", 0);
                    for (int i = 0; i < t.size(); i++) {
                        trailers.addTrusted(t.name(i), t.value(i));
                    }
                    ended = true;
                    return -1;
                }
                count(size, "chunked body");
                left = size;
                chunkSize = size;
                inChunks = true;
            }
            int n = readSome(b, offset, (int) Math.min(length, left));
            if (n == 0) {
                throw new HttpProtocolException("connection closed in the middle of a chunk (" + total + " bytes of "
                        + "the body announced, " + left + " of them missing)");
            }
            left -= n;
            return n;
        }

        private void count(long n, String what) {
            total += n;
            if (total > max) {
                throw new BodyTooLargeException(what + " exceeds the maximum of " + max + " bytes", max);
            }
        }

        private int readSome(byte[] b, int offset, int length) {
            int n = await(in.readInto(b, offset, length));
            consumed += n;
            progress();
            return n;
        }
    }

    /**
     * A body of unknown length, kept as the blocks it arrived in and joined once at the end: every byte is copied
     * once (twice for a block the caller reuses), never again as the body grows. Bounded by {@code max}.
     */
    static final class Accumulator {
        private final long max;
        private final String what;
        private final List<byte[]> blocks = new ArrayList<>();
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

        /** Adds the first {@code length} bytes of {@code buffer}, which the caller reuses (so they are copied). */
        void add(byte[] buffer, int length) {
            check(length);
            blocks.add(Arrays.copyOf(buffer, length));
            size += length;
        }

        /** Adds {@code block}, which the accumulator now owns (so it is kept as it is). */
        void addOwned(byte[] block) {
            check(block.length);
            blocks.add(block);
            size += block.length;
        }

        private void check(int length) {
            if (size + (long) length > max) {
                throw tooLarge();
            }
        }

        private BodyTooLargeException tooLarge() {
            return new BodyTooLargeException(what + " exceeds the maximum of " + max + " bytes", max);
        }

        /** The body: the one block as it is, or the blocks joined into one array of the exact size. */
        byte[] toArray() {
            if (blocks.size() == 1) {
                return blocks.get(0);
            }
            byte[] all = new byte[size];
            int at = 0;
            for (byte[] b : blocks) {
                System.arraycopy(b, 0, all, at, b.length);
                at += b.length;
            }
            blocks.clear();
            return all;
        }
    }
}
