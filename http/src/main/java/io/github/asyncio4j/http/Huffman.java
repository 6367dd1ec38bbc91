package io.github.asyncio4j.http;

import java.nio.charset.StandardCharsets;

/**
 * The Huffman code of HPACK (RFC 7541 section 5.2 and Appendix B): encoding, and decoding four bits at a time
 * through a table of steps built once from the code tree. Decoding rejects what the RFC calls a decoding error:
 * the EOS symbol in a string, padding longer than 7 bits, and padding that is not the most significant bits of
 * EOS (all ones). Pure
 * functions over arrays; thread-safe.
 */
final class Huffman {
    /** The code of each symbol 0..256 (256 is EOS), right-aligned; Appendix B. */
    private static final int[] CODES = {
            0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7,
            0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec,
            0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3,
            0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb,
            0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa,
            0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18,
            0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
            0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc,
            0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62,
            0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
            0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72,
            0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22,
            0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26,
            0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7,
            0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78,
            0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc,
            0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9,
            0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf,
            0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3,
            0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef,
            0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde,
            0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec,
            0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef,
            0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1,
            0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec,
            0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed,
            0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2,
            0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5,
            0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3,
            0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4,
            0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea,
            0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee,
            0x3fffffff,
    };
    /** The length in bits of each symbol's code. */
    private static final byte[] LENGTHS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
            28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
            5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
            6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
            24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
            21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
            19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
            26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
            30,
    };
    private static final int EOS = 256;
    /**
     * The decoder's steps, four bits at a time (a code is at least five bits long, so a step ends at most one
     * symbol): the entry for state {@code s} (a node of the code tree, 0 the root) and nibble {@code x} is at
     * {@code STEPS[s << 4 | x]} and holds the state it leads to (low 9 bits), the symbol it ends (bits 16-23)
     * with {@link #EMIT}, or {@link #BAD_CODE} / {@link #EOS_CODE}.
     */
    private static final int[] STEPS;
    /** States a string may end in: the root, or up to 7 bits of ones (a prefix of EOS) past the last symbol. */
    private static final boolean[] ACCEPTING;
    private static final int EMIT = 1 << 24;
    private static final int BAD_CODE = 1 << 25;
    private static final int EOS_CODE = 1 << 26;

    static {
        int[] tree = buildTree();
        int nodes = tree.length / 2;
        STEPS = new int[nodes << 4];
        ACCEPTING = new boolean[nodes];
        for (int node = 0, ones = 0; ones <= 7; ones++) {   // the all-ones path from the root
            ACCEPTING[node] = true;
            node = tree[2 * node + 1];
        }
        for (int state = 0; state < nodes; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int step = 0;
                for (int bit = 3; bit >= 0; bit--) {
                    int next = tree[2 * node + (nibble >>> bit & 1)];
                    if (next > 0) {
                        node = next;
                        continue;
                    }
                    node = 0;
                    if (next == 0 || next == -(EOS + 1)) {
                        step = next == 0 ? BAD_CODE : EOS_CODE;
                        break;
                    }
                    step = EMIT | (-next - 1) << 16;
                }
                STEPS[state << 4 | nibble] = step | node;
            }
        }
    }

    private Huffman() {
    }

    /**
     * The code tree: node {@code n} has children at {@code tree[2n]} (bit 0) and {@code tree[2n + 1]} (bit 1); a
     * child is a node index (positive), a leaf {@code -(symbol + 1)}, or 0 (no such code). Node 0 is the root.
     */
    private static int[] buildTree() {
        int[] tree = new int[2 * 256];
        int nodes = 1;
        for (int sym = 0; sym <= EOS; sym++) {
            int code = CODES[sym];
            int len = LENGTHS[sym];
            int node = 0;
            for (int bit = len - 1; bit > 0; bit--) {
                int slot = 2 * node + (code >>> bit & 1);
                if (tree[slot] == 0) {
                    tree[slot] = nodes++;
                }
                node = tree[slot];
            }
            tree[2 * node + (code & 1)] = -(sym + 1);
        }
        return tree;
    }

    /** The number of bytes {@code s} (ISO-8859-1 characters) takes Huffman-coded. */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) {
            bits += LENGTHS[s.charAt(i) & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Appends {@code s} (ISO-8859-1 characters), Huffman-coded and padded with ones, to {@code out}. */
    static void encode(String s, ByteSink out) {
        long acc = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int sym = s.charAt(i) & 0xff;
            acc = acc << LENGTHS[sym] | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                out.write((int) (acc >>> bits));
            }
            acc &= (1L << bits) - 1;
        }
        if (bits > 0) {
            out.write((int) (acc << (8 - bits) | 0xff >>> bits));
        }
    }

    /**
     * Decodes {@code length} bytes at {@code offset} into ISO-8859-1 text of at most {@code maxChars} characters.
     *
     * @throws Http2Exception COMPRESSION_ERROR for a bad code, and when the text would be longer than
     *                        {@code maxChars}
     */
    static String decode(byte[] src, int offset, int length, int maxChars) {
        byte[] out = new byte[Math.min(maxChars, length * 8 / 5 + 1)];   // a code is at least 5 bits
        int n = 0;
        int state = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = src[i] & 0xff;
            for (int shift = 4; shift >= 0; shift -= 4) {
                int step = STEPS[state << 4 | b >>> shift & 0xf];
                if ((step & (EMIT | BAD_CODE | EOS_CODE)) != 0) {
                    if ((step & EOS_CODE) != 0) {
                        throw Http2Exception.compression("the EOS symbol inside a Huffman-coded string");
                    }
                    if ((step & BAD_CODE) != 0) {
                        throw Http2Exception.compression("an invalid Huffman code");
                    }
                    if (n == out.length) {
                        throw Http2Exception.compression("a Huffman-coded string longer than " + maxChars + " bytes");
                    }
                    out[n++] = (byte) (step >>> 16);
                }
                state = step & 0x1ff;
            }
        }
        if (!ACCEPTING[state]) {
            throw Http2Exception.compression("bad padding at the end of a Huffman-coded string");
        }
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }
}
