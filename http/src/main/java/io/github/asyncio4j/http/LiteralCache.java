package io.github.asyncio4j.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The string literals an HPACK decoder met lately, by their encoded bytes: a peer that sends the same fields
 * without indexing them (nginx sends {@code server}, {@code content-type}, {@code last-modified} and more as
 * literals in every response) has each decoded once, not once per response. Direct-mapped: a literal replaces
 * whatever shared its slot. Only literals up to {@link #MAX_LENGTH} encoded bytes are kept, so a connection's
 * cache stays a few KiB whatever its peer sends. Invariant: an entry's text is what decoding its bytes gives.
 * Not thread-safe (one per decoder).
 */
final class LiteralCache {
    static final int MAX_LENGTH = 64;
    private static final int SLOTS = 32;

    private final byte[][] codes = new byte[SLOTS][];
    private final boolean[] huffman = new boolean[SLOTS];
    private final String[] texts = new String[SLOTS];

    /**
     * The text of the literal of {@code length} bytes at {@code start}, Huffman-coded or not; decoded (and kept)
     * if it is not in the cache.
     *
     * @throws Http2Exception COMPRESSION_ERROR for a bad Huffman code
     */
    String decode(byte[] in, int start, int length, boolean huffmanCoded) {
        if (length > MAX_LENGTH) {
            return decodeNow(in, start, length, huffmanCoded);
        }
        int hash = huffmanCoded ? 1 : 0;
        for (int i = start; i < start + length; i++) {
            hash = 31 * hash + in[i];
        }
        int slot = (hash ^ hash >>> 16) & (SLOTS - 1);
        byte[] code = codes[slot];
        if (code != null && huffman[slot] == huffmanCoded
                && Arrays.equals(code, 0, code.length, in, start, start + length)) {
            return texts[slot];
        }
        String text = decodeNow(in, start, length, huffmanCoded);
        codes[slot] = Arrays.copyOfRange(in, start, start + length);
        huffman[slot] = huffmanCoded;
        texts[slot] = text;
        return text;
    }

    private static String decodeNow(byte[] in, int start, int length, boolean huffmanCoded) {
        return huffmanCoded ? Huffman.decode(in, start, length, length * 8 / 5 + 1)
                : new String(in, start, length, StandardCharsets.ISO_8859_1);
    }
}
