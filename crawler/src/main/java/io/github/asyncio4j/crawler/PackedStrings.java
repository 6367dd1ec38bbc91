package io.github.asyncio4j.crawler;

import java.util.Arrays;

/**
 * A set of strings in the order they were first added, packed: their characters in one buffer, their ends and hashes
 * in arrays of ints, an open-addressing table of their indexes; no object per string. For what must be kept a long
 * time in great numbers, such as the link targets of a page of megabytes while it streams in: a {@code LinkedHashSet}
 * of strings costs some 100 bytes of objects per target more than its characters, objects that live across young
 * collections and are promoted, to die in the old generation. Not thread-safe.
 *
 * <p>Invariant: {@code get(i)} for {@code i < size()} is the {@code i}-th distinct string added, and {@link #add}
 * returns false exactly for a string equal to one of them.
 */
final class PackedStrings {
    private final StringBuilder chars = new StringBuilder();
    /** {@code ends[i]}: where string {@code i} ends in {@link #chars} (it starts where {@code i - 1} ends). */
    private int[] ends = new int[16];
    private int[] hashes = new int[16];
    /** Indexes + 1 of the strings by hash (0: a free slot); its length a power of two, at most half full. */
    private int[] table = new int[32];
    private int size;

    /** Adds {@code s} unless an equal string is here; true if it was added. */
    boolean add(String s) {
        int h = s.hashCode();
        int mask = table.length - 1;
        int slot = mix(h) & mask;
        for (int at; (at = table[slot]) != 0; slot = (slot + 1) & mask) {
            if (hashes[at - 1] == h && equalsAt(at - 1, s)) {
                return false;
            }
        }
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, 2 * size);
            hashes = Arrays.copyOf(hashes, 2 * size);
        }
        chars.append(s);
        ends[size] = chars.length();
        hashes[size] = h;
        table[slot] = ++size;
        if (2 * size > table.length) {
            rehash(2 * table.length);
        }
        return true;
    }

    /** How many strings are here. */
    int size() {
        return size;
    }

    /** The {@code i}-th string added (a new {@code String}). */
    String get(int i) {
        java.util.Objects.checkIndex(i, size);
        return chars.substring(start(i), ends[i]);
    }

    /** Empties the set and gives back its arrays. */
    void clear() {
        chars.setLength(0);
        chars.trimToSize();
        ends = new int[16];
        hashes = new int[16];
        table = new int[32];
        size = 0;
    }

    private int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    private boolean equalsAt(int i, String s) {
        int start = start(i);
        if (ends[i] - start != s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (chars.charAt(start + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private void rehash(int capacity) {
        int[] t = new int[capacity];
        int mask = capacity - 1;
        for (int i = 0; i < size; i++) {
            int slot = mix(hashes[i]) & mask;
            while (t[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            t[slot] = i + 1;
        }
        table = t;
    }

    /** Spreads a string's hash over the table's bits (strings that differ in their last characters only). */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
