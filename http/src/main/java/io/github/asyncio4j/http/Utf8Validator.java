package io.github.asyncio4j.http;

/**
 * Checks that bytes fed in pieces form well-formed UTF-8 (the Unicode standard's table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), failing at the first byte that cannot continue a valid sequence, so a
 * WebSocket text message split over frames is refused as soon as it goes wrong (RFC 6455 section 8.1).
 * Invariant: {@code need} is the number of continuation bytes still owed, and {@code lo..hi} the range the next
 * one must fall in (narrower than 80..BF only right after E0, ED, F0 and F4).
 */
final class Utf8Validator {
    private int need;
    private int lo = 0x80;
    private int hi = 0xBF;

    /** Feeds {@code len} bytes of {@code b} from {@code off}; false at the first byte that breaks UTF-8. */
    boolean feed(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            int c = b[i] & 0xff;
            if (need == 0) {
                if (c < 0x80) {
                    continue;
                }
                if (c < 0xC2) {
                    return false;   // a stray continuation byte, or C0/C1 (overlong)
                } else if (c < 0xE0) {
                    need = 1;
                } else if (c < 0xF0) {
                    need = 2;
                    lo = c == 0xE0 ? 0xA0 : 0x80;   // E0 80..9F would be overlong
                    hi = c == 0xED ? 0x9F : 0xBF;   // ED A0..BF would be a surrogate
                } else if (c < 0xF5) {
                    need = 3;
                    lo = c == 0xF0 ? 0x90 : 0x80;   // F0 80..8F would be overlong
                    hi = c == 0xF4 ? 0x8F : 0xBF;   // F4 90.. would be above U+10FFFF
                } else {
                    return false;
                }
            } else {
                if (c < lo || c > hi) {
                    return false;
                }
                need--;
                lo = 0x80;
                hi = 0xBF;
            }
        }
        return true;
    }

    /** True when the bytes fed so far end at a character boundary. */
    boolean complete() {
        return need == 0;
    }

    /** Starts over, for the next message. */
    void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xBF;
    }
}
