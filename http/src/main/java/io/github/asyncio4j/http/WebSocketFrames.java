package io.github.asyncio4j.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The WebSocket frame format (RFC 6455 section 5): opcodes, the header's encoding, masking, and the close frame's
 * payload. Pure functions, no I/O; {@link WebSocket} reads headers with {@link #extraHeaderBytes} and
 * {@link #payloadLength}, and writes whole frames with {@link #encode}.
 */
final class WebSocketFrames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;
    static final int MASK = 0x80;
    /** The largest payload of a control frame (section 5.5). */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** The longest header: 2 bytes, an 8-byte length, a 4-byte masking key. */
    static final int MAX_HEADER = 14;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private WebSocketFrames() {
    }

    static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** True for the six opcodes RFC 6455 defines; the others are reserved (a peer sending one fails with 1002). */
    static boolean isKnown(int opcode) {
        return opcode <= BINARY || opcode >= CLOSE && opcode <= PONG;
    }

    /** How many header bytes follow the first two, given the second ({@code MASK} bit and 7-bit length). */
    static int extraHeaderBytes(int secondByte) {
        int len = secondByte & 0x7f;
        return (len == 126 ? 2 : len == 127 ? 8 : 0) + ((secondByte & MASK) != 0 ? 4 : 0);
    }

    /**
     * The payload length of a header whose first {@code 2 + extraHeaderBytes} bytes are in {@code h}; negative
     * when the 64-bit length has its most significant bit set (which section 5.2 forbids).
     */
    static long payloadLength(byte[] h) {
        int len = h[1] & 0x7f;
        if (len == 126) {
            return (h[2] & 0xff) << 8 | h[3] & 0xff;
        }
        if (len == 127) {
            return (long) LONGS.get(h, 2);
        }
        return len;
    }

    /** The masking key of a masked header in {@code h} (after the length bytes), as a big-endian int. */
    static int maskKey(byte[] h) {
        int len = h[1] & 0x7f;
        int at = len == 126 ? 4 : len == 127 ? 10 : 2;
        return (h[at] & 0xff) << 24 | (h[at + 1] & 0xff) << 16 | (h[at + 2] & 0xff) << 8 | h[at + 3] & 0xff;
    }

    /**
     * XORs {@code len} bytes of {@code b} from {@code off} with {@code key}, the payload's byte {@code position}
     * being the first (masking and unmasking are the same operation; section 5.3). Eight bytes per step.
     */
    static void mask(byte[] b, int off, int len, int key, long position) {
        int rotate = (int) (position & 3) * 8;
        int k = rotate == 0 ? key : key << rotate | key >>> (32 - rotate);
        long k8 = (k & 0xffffffffL) << 32 | (k & 0xffffffffL);
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(b, i, (long) LONGS.get(b, i) ^ k8);
        }
        for (int shift = 24; i < end; i++, shift -= 8) {
            b[i] ^= (byte) (k >>> shift);
        }
    }

    /**
     * One whole frame: header, then the payload (masked with {@code maskKey} when {@code masked}). The payload
     * array is not changed.
     */
    static byte[] encode(int opcode, boolean fin, boolean rsv1, byte[] payload, int off, int len, boolean masked,
                         int maskKey) {
        int head = headerLength(len, masked);
        byte[] frame = new byte[head + len];
        writeHeader(frame, opcode, fin, rsv1, len, masked);
        System.arraycopy(payload, off, frame, head, len);
        if (masked) {
            int at = head - 4;
            frame[at] = (byte) (maskKey >>> 24);
            frame[at + 1] = (byte) (maskKey >>> 16);
            frame[at + 2] = (byte) (maskKey >>> 8);
            frame[at + 3] = (byte) maskKey;
            mask(frame, head, len, maskKey, 0);
        }
        return frame;
    }

    /** The header alone of an unmasked frame whose payload of {@code len} bytes is written after it. */
    static byte[] header(int opcode, boolean fin, boolean rsv1, int len) {
        byte[] h = new byte[headerLength(len, false)];
        writeHeader(h, opcode, fin, rsv1, len, false);
        return h;
    }

    private static int headerLength(int len, boolean masked) {
        return 2 + (len < 126 ? 0 : len < 65536 ? 2 : 8) + (masked ? 4 : 0);
    }

    /** The first bytes of a header, up to and without the masking key. */
    private static void writeHeader(byte[] frame, int opcode, boolean fin, boolean rsv1, int len, boolean masked) {
        int lengthBytes = len < 126 ? 0 : len < 65536 ? 2 : 8;
        frame[0] = (byte) ((fin ? FIN : 0) | (rsv1 ? RSV1 : 0) | opcode);
        int maskBit = masked ? MASK : 0;
        if (lengthBytes == 0) {
            frame[1] = (byte) (maskBit | len);
        } else if (lengthBytes == 2) {
            frame[1] = (byte) (maskBit | 126);
            frame[2] = (byte) (len >>> 8);
            frame[3] = (byte) len;
        } else {
            frame[1] = (byte) (maskBit | 127);
            LONGS.set(frame, 2, (long) len);
        }
    }

    /**
     * True for a close code a peer may send (section 7.4): 1000-1003, 1007-1014 (1012-1014 registered with
     * IANA since), and 3000-4999 for libraries and applications. 1004-1006 and 1015 must never be on the wire.
     */
    static boolean isValidCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** A close frame's payload: the code (2 bytes, big-endian) and the UTF-8 reason; empty for 1005 (none). */
    static byte[] closePayload(int code, String reason) {
        if (code == WebSocket.NO_STATUS) {
            return new byte[0];
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + text.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(text, 0, p, 2, text.length);
        return p;
    }

    /** The longest UTF-8 reason that fits a close frame's 125 bytes with its code. */
    static final int MAX_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;
}
