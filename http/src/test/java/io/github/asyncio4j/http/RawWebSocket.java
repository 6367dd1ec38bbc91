package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.HttpTesting.bytes;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.IncompleteReadError;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import io.github.asyncio4j.net.Streams;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * A WebSocket peer written by hand for the tests: it sends whatever bytes a test makes (broken frames included)
 * and reads frames without judging them, so the tests see exactly what the code under test sends.
 */
final class RawWebSocket {
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private RawWebSocket() {
    }

    /** A frame as received: the first byte (FIN, RSV, opcode) and the unmasked payload; masked says if it was. */
    record Frame(int b0, boolean masked, byte[] payload) {
        int opcode() {
            return b0 & 0x0f;
        }

        /** A close frame's code (1005 if it has none). */
        int closeCode() {
            return payload.length < 2 ? WebSocket.NO_STATUS : (payload[0] & 0xff) << 8 | payload[1] & 0xff;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Bytes of one frame: {@code b0} as given (flags and opcode), the payload masked with a fixed key or not. */
    static byte[] frame(int b0, byte[] payload, boolean masked) {
        byte[] f = WebSocketFrames.encode(b0 & 0x0f, (b0 & 0x80) != 0, (b0 & 0x40) != 0, payload, 0, payload.length,
                masked, 0x11223344);
        f[0] = (byte) b0;
        return f;
    }

    static byte[] closeFrame(int code, String reason, boolean masked) {
        return frame(0x88, WebSocketFrames.closePayload(code, reason), masked);
    }

    /** Reads one frame; null at EOF (also in the middle of a frame). */
    static Frame readFrame(StreamReader in) {
        try {
            byte[] h = await(in.readExactly(2));
            byte[] rest = await(in.readExactly(WebSocketFrames.extraHeaderBytes(h[1] & 0xff)));
            byte[] all = new byte[2 + rest.length];
            all[0] = h[0];
            all[1] = h[1];
            System.arraycopy(rest, 0, all, 2, rest.length);
            boolean masked = (h[1] & 0x80) != 0;
            byte[] payload = await(in.readExactly((int) WebSocketFrames.payloadLength(all)));
            if (masked) {
                WebSocketFrames.mask(payload, 0, payload.length, WebSocketFrames.maskKey(all), 0);
            }
            return new Frame(h[0] & 0xff, masked, payload);
        } catch (IncompleteReadError e) {
            return null;
        }
    }

    /** Reads frames until a close frame (returned) or EOF (null), answering nothing. */
    static Frame readUntilClose(StreamReader in) {
        Frame f;
        while ((f = readFrame(in)) != null) {
            if (f.opcode() == 0x8) {
                return f;
            }
        }
        return null;
    }

    /** Opens a connection to {@code port} and does the client's handshake; extra header lines end with CRLF. */
    static Connection client(int port, String extraHeaders) {
        Connection c = await(Streams.openConnection(HOST, port));
        c.writer().write(bytes("GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n"));
        String head = readHead(c.reader());
        if (!head.startsWith("HTTP/1.1 101 ")) {
            throw new AssertionError("no 101 response: " + head);
        }
        return c;
    }

    static String readHead(StreamReader in) {
        StringBuilder head = new StringBuilder();
        while (true) {
            byte[] line = await(in.readLine());
            if (line.length == 0) {
                return head.toString();
            }
            String s = new String(line, StandardCharsets.ISO_8859_1);
            head.append(s);
            if (s.equals("\r\n")) {
                return head.toString();
            }
        }
    }

    /**
     * A server that answers each WebSocket handshake with {@code 101} (and {@code extensionsAnswer} as the
     * {@code Sec-WebSocket-Extensions} value unless null), then runs {@code script} on the connection and closes it.
     */
    static Server server(String extensionsAnswer, BiConsumer<StreamReader, StreamWriter> script) {
        return await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            try {
                String head = readHead(reader);
                String key = null;
                for (String line : head.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                        key = line.substring(18).trim();
                    }
                }
                writer.write(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + WebSocketHandshake.acceptValue(key) + "\r\n"
                        + (extensionsAnswer == null ? "" : "Sec-WebSocket-Extensions: " + extensionsAnswer + "\r\n")
                        + "\r\n"));
                script.accept(reader, writer);
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
    }
}
