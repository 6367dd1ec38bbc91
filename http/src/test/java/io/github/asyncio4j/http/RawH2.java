package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.net.IncompleteReadError;
import io.github.asyncio4j.net.StreamReader;
import java.util.List;

/** Hand-made HTTP/2 frames for tests that play a hostile or broken peer. */
final class RawH2 {
    private RawH2() {
    }

    record Frame(int type, int flags, int streamId, byte[] payload) {
        int code() {
            return type == Http2.GOAWAY ? Http2Connection.int32(payload, 4) : Http2Connection.int32(payload, 0);
        }

        @Override
        public String toString() {
            return Http2.frameName(type) + " flags=" + flags + " stream=" + streamId + " length=" + payload.length
                    + (type == Http2.GOAWAY || type == Http2.RST_STREAM ? " " + Http2.errorName(code()) : "");
        }
    }

    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteSink s = new ByteSink(Http2.FRAME_HEADER + payload.length);
        Http2Connection.frameHeader(s, payload.length, type, flags, streamId);
        s.write(payload, 0, payload.length);
        return s.toArray();
    }

    static byte[] settings(int... idsAndValues) {
        ByteSink s = new ByteSink(6 * idsAndValues.length / 2);
        for (int i = 0; i < idsAndValues.length; i += 2) {
            s.write(idsAndValues[i] >>> 8);
            s.write(idsAndValues[i]);
            Http2Connection.int32(s, idsAndValues[i + 1]);
        }
        return frame(Http2.SETTINGS, 0, 0, s.toArray());
    }

    static byte[] int32(int v) {
        byte[] b = new byte[4];
        Http2Connection.int32(b, 0, v);
        return b;
    }

    static byte[] block(Hpack.Encoder encoder, String... fields) {
        ByteSink s = new ByteSink(64);
        encoder.encode(List.of(fields), s);
        return s.toArray();
    }

    static byte[] get(Hpack.Encoder encoder, int streamId, String path) {
        return frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM, streamId,
                block(encoder, ":method", "GET", ":scheme", "http", ":authority", "127.0.0.1", ":path", path));
    }

    static byte[] concat(byte[]... parts) {
        ByteSink s = new ByteSink(256);
        for (byte[] p : parts) {
            s.write(p, 0, p.length);
        }
        return s.toArray();
    }

    /** The next frame, or null at EOF (or a connection reset). */
    static Frame read(StreamReader in) {
        try {
            byte[] h = await(in.readExactly(Http2.FRAME_HEADER));
            int length = (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | h[2] & 0xff;
            return new Frame(h[3] & 0xff, h[4] & 0xff, Http2Connection.int32(h, 5) & 0x7fffffff,
                    await(in.readExactly(length)));
        } catch (IncompleteReadError e) {
            return null;
        } catch (Exception e) {   // an IOException (a reset), undeclared
            if (e instanceof java.io.IOException) {
                return null;
            }
            throw e;
        }
    }

    /** Frames up to the first of {@code type} (returned), or null if the connection ends first. */
    static Frame readUntil(StreamReader in, int type) {
        Frame f;
        while ((f = read(in)) != null) {
            if (f.type() == type) {
                return f;
            }
        }
        return null;
    }
}
