package io.github.asyncio4j.net;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable first-in first-out byte buffer: bytes are appended at the end and taken from the front. Used by
 * {@link StreamReader}; not thread-safe. Invariant: {@code 0 <= start <= end <= data.length}.
 *
 * <p>Bytes appended to an empty buffer go into a new array of exactly their size, so that taking all of them
 * hands that array over instead of copying it: a read of everything that arrived (an echo, a proxy) costs one
 * copy from the socket's buffer, not two. But once {@link #takeInto} has emptied the buffer, its reader copies
 * into arrays of its own and gains nothing from a hand-over: from then on an emptied buffer keeps its array and
 * refills it (no allocation per read; an array above {@link #KEEP} is still given back), until a take hands an
 * array over again.
 */
final class ByteBuf {
    private static final byte[] EMPTY = new byte[0];
    /** Above this capacity an emptied buffer gives its array back. */
    private static final int KEEP = 1 << 20;

    private byte[] data = EMPTY;
    private int start;
    private int end;
    /** {@link #takeInto} emptied the buffer since the last hand-over: appends refill {@link #data} if it fits. */
    private boolean refill;

    int size() {
        return end - start;
    }

    void append(ByteBuffer src) {
        int n = src.remaining();
        if (start == end && n > 0) {
            if (!refill) {
                data = new byte[n];   // exactly sized: take(size()) can hand it over (see the class comment)
            } else if (n > data.length) {
                data = new byte[Math.max(n, Math.min(2 * data.length, KEEP))];   // kept: grown geometrically
            }
            start = 0;
            end = 0;
        }
        ensureRoom(n);
        src.get(data, end, n);
        end += n;
    }

    void append(byte[] src, int offset, int length) {
        ensureRoom(length);
        System.arraycopy(src, offset, data, end, length);
        end += length;
    }

    private void ensureRoom(int n) {
        if (data.length - end >= n) {
            return;
        }
        int size = size();
        if (size + n <= data.length && start >= data.length / 2) {
            System.arraycopy(data, start, data, 0, size);   // compact in place
        } else {
            long wanted = Math.max((long) data.length * 2, (long) size + n);
            int capacity = (int) Math.min(Math.max(wanted, 256), Integer.MAX_VALUE - 8);
            if (capacity < size + n) {
                throw new OutOfMemoryError("stream buffer too large");
            }
            byte[] bigger = new byte[capacity];
            System.arraycopy(data, start, bigger, 0, size);
            data = bigger;
        }
        start = 0;
        end = size;
    }

    /** Index (relative to the front) of the first occurrence of {@code sep} at or after {@code from}, or -1. */
    int indexOf(byte[] sep, int from) {
        int last = end - sep.length;
        byte first = sep[0];
        for (int i = start + Math.max(0, from); i <= last; i++) {
            if (data[i] == first && matches(sep, i)) {
                return i - start;
            }
        }
        return -1;
    }

    /** True if the bytes at {@code at} (relative to the front) are {@code sep}. */
    boolean startsWith(byte[] sep, int at) {
        return at >= 0 && at + sep.length <= size() && matches(sep, start + at);
    }

    private boolean matches(byte[] sep, int absolute) {
        for (int j = 1; j < sep.length; j++) {
            if (data[absolute + j] != sep[j]) {
                return false;
            }
        }
        return data[absolute] == sep[0];
    }

    /** Removes and returns the first {@code n} bytes ({@code n <= size()}). */
    byte[] take(int n) {
        if (start == 0 && n == end && end == data.length && n > 0) {
            byte[] all = data;   // the array holds exactly these bytes: hand it over
            data = EMPTY;
            refill = false;
            end = 0;
            return all;
        }
        byte[] out = Arrays.copyOfRange(data, start, start + n);
        drop(n);
        return out;
    }

    /** Removes the first {@code n} bytes ({@code n <= size()}) into {@code dst} at {@code offset}. */
    void takeInto(byte[] dst, int offset, int n) {
        System.arraycopy(data, start, dst, offset, n);
        drop(n);
        if (start == end) {
            refill = true;
        }
    }

    /**
     * Puts {@code length} bytes of {@code src} back in front of what is buffered (a read that gave them out and
     * was then cancelled); in place when the front has room, else in a new array of exactly the new size.
     */
    void prepend(byte[] src, int offset, int length) {
        if (start >= length) {
            start -= length;
        } else {
            int size = size();
            if ((long) size + length > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError("stream buffer too large");
            }
            byte[] bigger = new byte[size + length];
            System.arraycopy(data, start, bigger, length, size);
            data = bigger;
            start = 0;
            end = size + length;
        }
        System.arraycopy(src, offset, data, start, length);
    }

    /** Removes and returns everything. */
    byte[] takeAll() {
        return take(size());
    }

    /** Discards the first {@code n} bytes ({@code n <= size()}). */
    void drop(int n) {
        start += n;
        if (start == end) {
            clear();
        }
    }

    void clear() {
        start = 0;
        end = 0;
        if (data.length > KEEP) {
            data = EMPTY;
        }
    }
}
