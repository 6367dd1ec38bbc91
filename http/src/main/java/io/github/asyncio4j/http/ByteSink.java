package io.github.asyncio4j.http;

import java.util.Arrays;

/** A growable byte array written at its end: HPACK blocks and HTTP/2 frames are built in one. Not thread-safe. */
final class ByteSink {
    private byte[] data;
    private int size;

    ByteSink(int capacity) {
        data = new byte[capacity];
    }

    void write(int b) {
        if (size == data.length) {
            grow(1);
        }
        data[size++] = (byte) b;
    }

    void write(byte[] b, int offset, int length) {
        if (size + length > data.length) {
            grow(length);
        }
        System.arraycopy(b, offset, data, size, length);
        size += length;
    }

    /** Appends the low byte of each character of {@code s} (ISO-8859-1 text). */
    void writeLatin1(String s) {
        int n = s.length();
        if (size + n > data.length) {
            grow(n);
        }
        for (int i = 0; i < n; i++) {
            data[size++] = (byte) s.charAt(i);
        }
    }

    private void grow(int more) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
    }

    int size() {
        return size;
    }

    /** The backing array; bytes {@code 0..size()} are the content. */
    byte[] array() {
        return data;
    }

    byte[] toArray() {
        return Arrays.copyOf(data, size);
    }

    void reset() {
        size = 0;
    }
}
