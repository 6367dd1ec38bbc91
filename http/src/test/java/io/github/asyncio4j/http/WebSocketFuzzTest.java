package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.RawWebSocket.closeFrame;
import static io.github.asyncio4j.http.RawWebSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated WebSocket frames against the server and the client under test: lengths, flags, opcodes, masks,
 * invalid UTF-8, and random bit flips and truncations. Bounded (a fixed number of cases, each within a bound) and
 * seeded (a failure names its seed and case, and the bytes). Every case must end, within a bound, in a close with
 * the code its mutation calls for (random damage: any valid code, or none when the stream was cut), with the
 * WebSocket's reader task done; nothing may reach the loop's exception handler, and no task may be left.
 */
@Timeout(120)
class WebSocketFuzzTest {
    static final long SEED = 6455;
    /** Cases per direction: a fixed number, so a run does the same work however loaded the machine is. */
    static final int CASES = 100;
    static final int MAX = 1000;
    static final WebSocket.Options OPTIONS = WebSocket.Options.defaults().withMaxMessageSize(MAX)
            .withCloseTimeout(Duration.ofSeconds(2));
    static final Duration BOUND = Duration.ofSeconds(15);

    /** A mutated exchange: the bytes to send and the close code the receiver must answer (0: any valid outcome). */
    record Case(byte[] bytes, int expected, String what) {
        @Override
        public String toString() {
            return what + " expecting " + (expected == 0 ? "any valid close" : expected) + ": "
                    + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64));
        }
    }

    /** A valid message's frames (masked when {@code masked}), possibly fragmented with a ping between. */
    static List<byte[]> validMessage(Random r, boolean masked, boolean compressed) {
        List<byte[]> frames = new ArrayList<>();
        int kind = r.nextInt(4);
        if (compressed && kind == 0) {
            PerMessageDeflate d = new PerMessageDeflate(true, false);
            byte[] text = ("compressed é " + r.nextInt()).getBytes(StandardCharsets.UTF_8);
            frames.add(frame(0xC1, d.compress(text, 0, text.length), masked));
            d.end();
        } else if (kind <= 1) {
            frames.add(frame(0x81, ("text é€😀 " + r.nextInt()).getBytes(StandardCharsets.UTF_8), masked));
        } else if (kind == 2) {
            byte[] data = new byte[r.nextInt(300)];
            r.nextBytes(data);
            frames.add(frame(0x82, data, masked));
        } else {
            frames.add(frame(0x01, "frag".getBytes(StandardCharsets.UTF_8), masked));
            frames.add(frame(0x89, "p".getBytes(StandardCharsets.UTF_8), masked));
            frames.add(frame(0x80, "mented".getBytes(StandardCharsets.UTF_8), masked));
        }
        return frames;
    }

    /** One case: a valid message, then a mutated one, then a valid close frame (unless the mutation cut it). */
    static Case mutate(Random r, boolean masked, boolean compressed) {
        List<byte[]> frames = new ArrayList<>(validMessage(r, masked, compressed));
        byte[] f = frame(0x81, ("the victim é " + r.nextInt(1000)).getBytes(StandardCharsets.UTF_8), masked);
        int expected;
        String what;
        switch (r.nextInt(9)) {
            case 0 -> {
                f[0] |= r.nextBoolean() ? 0x20 : 0x10;
                expected = 1002;
                what = "RSV2/RSV3";
            }
            case 1 -> {
                int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
                f[0] = (byte) (f[0] & 0xf0 | reserved[r.nextInt(reserved.length)]);
                expected = 1002;
                what = "reserved opcode";
            }
            case 2 -> {
                f[1] ^= (byte) 0x80;
                expected = 1002;
                what = masked ? "mask bit cleared" : "mask bit set";
            }
            case 3 -> {
                boolean oversized = r.nextBoolean();   // else fragmented
                f = frame(oversized ? 0x89 : 0x09, new byte[oversized ? 126 + r.nextInt(200) : r.nextInt(10)],
                        masked);
                expected = 1002;
                what = "bad control frame";
            }
            case 4 -> {
                f = frame(0x81, new byte[] {'a', (byte) (r.nextBoolean() ? 0xff : 0xc0)}, masked);
                expected = 1007;
                what = "invalid UTF-8";
            }
            case 5 -> {
                f = frame(0x82, new byte[MAX + 1 + r.nextInt(500)], masked);
                expected = 1009;
                what = "over the maximum";
            }
            case 6 -> {
                f[0] = (byte) (f[0] & 0xf0);   // a continuation with no message
                expected = 1002;
                what = "continuation first";
            }
            case 7 -> {
                f = WebSocketFrames.encode(2, true, false, new byte[0], 0, 0, masked, 0x01020304);
                f[1] = (byte) (f[1] & 0x80 | 127);   // a 64-bit length with its top bit set
                byte[] longer = new byte[f.length + 8];
                System.arraycopy(f, 0, longer, 0, 2);
                longer[2] = (byte) (0x80 | r.nextInt(128));
                System.arraycopy(f, 2, longer, 10, f.length - 2);
                f = longer;
                expected = 1002;
                what = "length with the top bit";
            }
            default -> {
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = r.nextInt(Math.min(f.length, 20));
                    f[at] ^= (byte) (1 << r.nextInt(8));
                }
                expected = 0;
                what = "random bit flips";
            }
        }
        frames.add(f);
        if (expected == 0 && r.nextInt(3) == 0) {
            byte[] last = frames.get(frames.size() - 1);
            frames.set(frames.size() - 1, java.util.Arrays.copyOf(last, r.nextInt(last.length)));
            what += ", cut";
        } else {
            frames.add(closeFrame(1000, "", masked));
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        frames.forEach(all::writeBytes);
        return new Case(all.toByteArray(), expected, what);
    }

    /** A close code a receiver may report after random damage: a valid one, 1005, or -1/1006 for a cut stream. */
    static boolean acceptable(int code) {
        return code == -1 || code == WebSocket.NO_STATUS || code == WebSocket.ABNORMAL_CLOSURE
                || WebSocketFrames.isValidCloseCode(code);
    }

    @AsyncioTest
    void mutatedClientFramesAgainstTheServer() {
        List<ExceptionContext> reports = new ArrayList<>();
        Async.getRunningLoop().setExceptionHandler((loop, context) -> reports.add(context));
        List<Integer> handlerCodes = new ArrayList<>();
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request, OPTIONS));
            try {
                for (WebSocket.Message m : ws.each()) {
                    await(ws.send(m));
                }
            } catch (WebSocketClosedException e) {
                // a violation, or a cut stream
            }
            await(ws.waitClosed());
            assertThat(ws.readerTask().isDone()).isTrue();
            handlerCodes.add(ws.closeCode());
            return null;
        }), HOST, 0));
        Random seeds = new Random(SEED);
        int cases = 0;
        try (server) {
            for (; cases < CASES; cases++) {
                long seed = seeds.nextLong();
                Random r = new Random(seed);
                boolean compressed = r.nextBoolean();
                Case c = mutate(r, true, compressed);
                String label = "server case " + cases + " (seed " + seed + "): " + c;
                Connection conn = RawWebSocket.client(server.port(),
                        compressed ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "");
                conn.writer().write(c.bytes());
                conn.writer().writeEof();
                int code;
                try (var t = Async.timeout(BOUND)) {
                    RawWebSocket.Frame close = RawWebSocket.readUntilClose(conn.reader());
                    code = close == null ? -1 : close.closeCode();
                    while (await(conn.reader().read(65536)).length > 0) {
                        // to the server's end
                    }
                } catch (TimeoutError e) {
                    throw new AssertionError("hang: " + label);
                }
                conn.close();
                if (c.expected() != 0) {
                    assertThat(code).as(label).isEqualTo(c.expected());
                } else {
                    assertThat(acceptable(code)).as(label + " got " + code).isTrue();
                }
            }
        }
        try (var t = Async.timeout(BOUND)) {
            await(server.waitClosed());   // every handler, and so every WebSocket, ended
        }
        assertThat(handlerCodes).hasSize(cases).allMatch(WebSocketFuzzTest::acceptable);
        assertThat(reports).as("reports to the loop's exception handler").isEmpty();
    }

    @AsyncioTest
    void mutatedServerFramesAgainstTheClient() {
        List<ExceptionContext> reports = new ArrayList<>();
        Async.getRunningLoop().setExceptionHandler((loop, context) -> reports.add(context));
        Random seeds = new Random(SEED + 1);
        Case[] current = new Case[1];
        int[] sentByClient = new int[1];
        Server raw = RawWebSocket.server(null, (reader, writer) -> {
            writer.write(current[0].bytes());
            writer.writeEof();   // a cut frame ends with the stream, not with a peer that waits forever
            RawWebSocket.Frame f = RawWebSocket.readUntilClose(reader);
            sentByClient[0] = f == null ? -1 : f.closeCode();
            if (f != null) {
                assertThat(f.masked()).isTrue();
            }
        });
        int cases = 0;
        try (raw; HttpClient client = HttpClient.create()) {
            for (; cases < CASES; cases++) {
                long seed = seeds.nextLong();
                Random r = new Random(seed);
                current[0] = mutate(r, false, false);
                String label = "client case " + cases + " (seed " + seed + "): " + current[0];
                sentByClient[0] = -2;
                WebSocket ws = await(client.websocket("ws://127.0.0.1:" + raw.port() + "/",
                        OPTIONS.withCompression(false)));
                try (var t = Async.timeout(BOUND)) {
                    try {
                        for (WebSocket.Message m : ws.each()) {
                            // take every message
                        }
                    } catch (WebSocketClosedException e) {
                        assertThat(e.code()).as(label).isEqualTo(ws.closeCode());
                    }
                    await(ws.waitClosed());
                    while (sentByClient[0] == -2) {
                        await(Async.sleep(0.001));   // the raw server's record of the client's close frame
                    }
                } catch (TimeoutError e) {
                    throw new AssertionError("hang: " + label);
                }
                assertThat(ws.readerTask().isDone()).as(label).isTrue();
                if (current[0].expected() != 0) {
                    assertThat(ws.closeCode()).as(label).isEqualTo(current[0].expected());
                    assertThat(sentByClient[0]).as(label + ": the client's close frame")
                            .isEqualTo(current[0].expected());
                } else {
                    assertThat(acceptable(ws.closeCode())).as(label + " got " + ws.closeCode()).isTrue();
                }
            }
        }
        try (var t = Async.timeout(BOUND)) {
            await(raw.waitClosed());
        }
        assertThat(reports).as("reports to the loop's exception handler").isEmpty();
    }
}
