package io.github.asyncio4j.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The open streams of an {@link Http2Connection} by id: open addressing on {@code int} keys (no boxing, one probe
 * for most lookups), since the reader looks up the stream of nearly every frame it reads. Stream id 0 (the
 * connection) marks an empty slot. Invariants: at most half the slots are full, and every key sits at or after
 * (cyclically) its home slot with no empty slot in between, which removal keeps by shifting later keys back.
 * Loop-confined.
 */
final class StreamTable {
    private int[] ids = new int[32];
    private Http2Stream[] streams = new Http2Stream[32];
    private int size;

    int size() {
        return size;
    }

    /** The stream with this id, or null. */
    Http2Stream get(int id) {
        int mask = ids.length - 1;
        for (int i = home(id, mask); ids[i] != 0; i = (i + 1) & mask) {
            if (ids[i] == id) {
                return streams[i];
            }
        }
        return null;
    }

    /** Adds a stream (its id is positive and not in the table). */
    void put(Http2Stream s) {
        if (2 * (size + 1) > ids.length) {
            grow();
        }
        insert(s.id, s);
        size++;
    }

    /** Removes the stream with this id; returns it, or null if there was none. */
    Http2Stream remove(int id) {
        int mask = ids.length - 1;
        int i = home(id, mask);
        while (ids[i] != id) {
            if (ids[i] == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
        Http2Stream removed = streams[i];
        size--;
        for (int gap = i, j = (i + 1) & mask; ; j = (j + 1) & mask) {   // shift back what the gap would hide
            if (ids[j] == 0) {
                ids[gap] = 0;
                streams[gap] = null;
                return removed;
            }
            int h = home(ids[j], mask);
            if (((j - h) & mask) >= ((j - gap) & mask)) {   // the gap lies between its home and j: move it there
                ids[gap] = ids[j];
                streams[gap] = streams[j];
                gap = j;
            }
        }
    }

    /** The streams now in the table, in no particular order (a copy: the table may change as it is used). */
    List<Http2Stream> snapshot() {
        List<Http2Stream> all = new ArrayList<>(size);
        for (Http2Stream s : streams) {
            if (s != null) {
                all.add(s);
            }
        }
        return all;
    }

    private void insert(int id, Http2Stream s) {
        int mask = ids.length - 1;
        int i = home(id, mask);
        while (ids[i] != 0) {
            i = (i + 1) & mask;
        }
        ids[i] = id;
        streams[i] = s;
    }

    private void grow() {
        int[] oldIds = ids;
        Http2Stream[] oldStreams = streams;
        ids = new int[2 * oldIds.length];
        streams = new Http2Stream[2 * oldIds.length];
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != 0) {
                insert(oldIds[i], oldStreams[i]);
            }
        }
    }

    /** Fibonacci hashing: ids of one side are consecutive odd (or even) numbers, spread over the table. */
    private static int home(int id, int mask) {
        return (id * 0x9E3779B9 >>> 16) & mask;
    }
}
