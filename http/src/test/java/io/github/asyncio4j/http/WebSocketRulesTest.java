package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.RawWebSocket.closeFrame;
import static io.github.asyncio4j.http.RawWebSocket.frame;
import static io.github.asyncio4j.http.RawWebSocket.readFrame;
import static io.github.asyncio4j.http.RawWebSocket.readUntilClose;
import static io.github.asyncio4j.http.WebSocketFramesTest.hex;
import static io.github.asyncio4j.http.WebSocketFramesTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Timeout;

/**
 * Each rule of RFC 6455 and RFC 7692, against a hand-written peer: the server under test facing a raw client,
 * and the client under test facing a raw server. A broken rule ends in a close frame with the code that names it.
 */
@Timeout(30)
class WebSocketRulesTest {
    static final int MAX = 1000;
    static final WebSocket.Options SMALL = WebSocket.Options.defaults().withMaxMessageSize(MAX);

    /** An echo server for raw clients; its handlers' outcomes go to {@code closes}. */
    static HttpServer server(WebSocket.Options options, List<Integer> closes) {
        return await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request, options));
            try {
                for (WebSocket.Message m : ws.each()) {
                    await(ws.send(m));
                }
            } catch (WebSocketClosedException e) {
                // a violation: the code is checked below
            }
            await(ws.waitClosed());
            closes.add(ws.closeCode());
            return null;
        }), HOST, 0));
    }

    /** Sends {@code bytes} from a raw client and returns the code of the server's close frame (-1: none, EOF). */
    static int serverAnswer(HttpServer server, String extensions, byte[]... frames) {
        Connection c = RawWebSocket.client(server.port(), extensions);
        for (byte[] f : frames) {
            c.writer().write(f);
        }
        RawWebSocket.Frame close = readUntilClose(c.reader());
        assertThat(await(c.reader().read(-1))).isEmpty();   // then the server closes TCP
        c.close();
        return close == null ? -1 : close.closeCode();
    }

    private static void expectServer(int code, String extensions, byte[]... frames) {
        List<Integer> closes = new ArrayList<>();
        HttpServer server = server(SMALL, closes);
        try (server) {
            assertThat(serverAnswer(server, extensions, frames)).isEqualTo(code);
        }
        await(server.waitClosed());
        assertThat(closes).containsExactly(code);   // the server side reports the code it sent
    }

    private static void expectServer(int code, byte[]... frames) {
        expectServer(code, "", frames);
    }

    @AsyncioTest
    void aClientFrameWithoutMaskIs1002() {
        expectServer(1002, frame(0x81, utf8("hi"), false));
    }

    @AsyncioTest
    void reservedBitsAndOpcodesAre1002() {
        expectServer(1002, frame(0xA1, utf8("rsv2"), true));
        expectServer(1002, frame(0x91, utf8("rsv3"), true));
        expectServer(1002, frame(0xC1, utf8("rsv1 without deflate"), true));
        expectServer(1002, frame(0x83, utf8("opcode 3"), true));
        expectServer(1002, frame(0x8B, utf8("opcode 11"), true));
    }

    @AsyncioTest
    void fragmentationRulesAre1002() {
        expectServer(1002, frame(0x80, utf8("a continuation of nothing"), true));
        expectServer(1002, frame(0x01, utf8("start"), true), frame(0x81, utf8("a new message inside"), true));
        expectServer(1002, frame(0x09, utf8("fragmented ping"), true));
        expectServer(1002, frame(0x89, new byte[126], true));
        byte[] huge = hex("82 ff 80 00 00 00 00 00 00 00 00 00 00 00");   // 64-bit length with its top bit set
        expectServer(1002, huge);
    }

    @AsyncioTest
    void invalidUtf8Is1007AndFailsAtItsFirstBadFragment() {
        expectServer(1007, frame(0x81, hex("ce ba e1 bd b9 cf 83 ed a0 80"), true));
        expectServer(1007, frame(0x81, hex("e2 82"), true));   // ends inside a character
        // the first fragment is already invalid: the close comes without the message's end
        expectServer(1007, frame(0x01, hex("41 c0 80"), true));
    }

    @AsyncioTest
    void aMessageOverTheMaximumIs1009BeforeItsPayloadIsRead() {
        byte[] header = frame(0x82, new byte[MAX + 1], true);
        byte[] onlyHeader = java.util.Arrays.copyOf(header, 2 + 2 + 4);   // the payload is never sent
        expectServer(1009, onlyHeader);
        expectServer(1009, frame(0x02, new byte[600], true), frame(0x80, new byte[600], true));
    }

    @AsyncioTest
    void invalidCloseFramesAre1002Or1007() {
        expectServer(1002, frame(0x88, new byte[] {3}, true));
        expectServer(1002, closeFrame(999, "", true));
        expectServer(1002, frame(0x88, hex("03 ed"), true));   // 1005 must not be sent
        expectServer(1002, frame(0x88, hex("03 ee"), true));   // nor 1006
        expectServer(1007, frame(0x88, hex("03 e8 ff"), true));
    }

    @AsyncioTest
    void pingsBetweenFragmentsAreAnsweredAndTheMessageReassembled() {
        List<Integer> closes = new ArrayList<>();
        HttpServer server = server(SMALL, closes);
        try (server) {
            Connection c = RawWebSocket.client(server.port(), "");
            c.writer().write(frame(0x01, utf8("hel"), true));
            c.writer().write(frame(0x89, utf8("p1"), true));
            c.writer().write(frame(0x00, utf8("lo "), true));
            c.writer().write(frame(0x8A, utf8("unsolicited pong"), true));
            c.writer().write(frame(0x80, utf8("world"), true));
            RawWebSocket.Frame pong = readFrame(c.reader());
            assertThat(pong.opcode()).isEqualTo(0xA);
            assertThat(pong.masked()).isFalse();
            assertThat(pong.text()).isEqualTo("p1");
            RawWebSocket.Frame echo = readFrame(c.reader());
            assertThat(echo.b0()).isEqualTo(0x81);
            assertThat(echo.text()).isEqualTo("hello world");
            c.writer().write(closeFrame(1000, "bye", true));
            RawWebSocket.Frame close = readFrame(c.reader());
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(await(c.reader().read(-1))).isEmpty();   // the server closes TCP first
            c.close();
        }
        await(server.waitClosed());
        assertThat(closes).containsExactly(1000);
    }

    @AsyncioTest
    void aCloseWithoutCodeIsEchoedWithout() {
        List<Integer> closes = new ArrayList<>();
        HttpServer server = server(SMALL, closes);
        try (server) {
            assertThat(serverAnswer(server, "", frame(0x88, new byte[0], true))).isEqualTo(WebSocket.NO_STATUS);
        }
        await(server.waitClosed());
        assertThat(closes).containsExactly(WebSocket.NO_STATUS);
    }

    @AsyncioTest
    void compressedFramesFollowRfc7692() {
        String deflate = "Sec-WebSocket-Extensions: permessage-deflate\r\n";
        byte[] hello = hex("f2 48 cd c9 c9 07 00");
        List<Integer> closes = new ArrayList<>();
        HttpServer server = server(SMALL, closes);
        try (server) {
            Connection c = RawWebSocket.client(server.port(), deflate);
            c.writer().write(frame(0xC1, hello, true));
            c.writer().write(frame(0x41, java.util.Arrays.copyOf(hello, 3), true));   // compressed, fragmented
            c.writer().write(frame(0x80, java.util.Arrays.copyOfRange(hello, 3, hello.length), true));
            PerMessageDeflate inflater = new PerMessageDeflate(false, false);
            for (int i = 0; i < 2; i++) {
                RawWebSocket.Frame echo = readFrame(c.reader());
                assertThat(echo.b0() & 0x40).isEqualTo(0x40);   // echoed compressed
                MessageReader.Accumulator out = new MessageReader.Accumulator(100, "m");
                try {
                    inflater.inflate(echo.payload(), true, out, null);
                } catch (java.util.zip.DataFormatException e) {
                    throw new AssertionError(e);
                }
                assertThat(new String(out.toArray(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("Hello");
            }
            inflater.end();
            c.writer().write(closeFrame(1000, "", true));
            assertThat(readUntilClose(c.reader()).closeCode()).isEqualTo(1000);
            c.close();
        }
        await(server.waitClosed());
        // RSV1 on a continuation
        expectServer(1002, deflate, frame(0x01, utf8("abc"), true), frame(0xC0, hello, true));
        expectServer(1002, deflate, frame(0xC9, new byte[0], true));                     // RSV1 on a control frame
        expectServer(1007, deflate, frame(0xC1, hex("ff ff ff ff"), true));              // no deflate stream
        Deflater d = new Deflater(9, true);
        d.setInput(new byte[100_000]);
        byte[] bomb = new byte[1000];
        int n = d.deflate(bomb, 0, bomb.length, Deflater.SYNC_FLUSH);
        d.end();
        expectServer(1009, deflate, frame(0xC2, java.util.Arrays.copyOf(bomb, n - 4), true));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The client under test

    /** Runs the client against a raw server script; returns the client's close code and what its close frame said. */
    private static int[] clientAgainst(String extensionsAnswer, WebSocket.Options options,
                                       BiConsumer<io.github.asyncio4j.net.StreamReader,
                                               io.github.asyncio4j.net.StreamWriter> script) {
        int[] clientCloseFrame = {-1};
        Server raw = RawWebSocket.server(extensionsAnswer, (r, w) -> {
            script.accept(r, w);
            RawWebSocket.Frame f = readUntilClose(r);
            clientCloseFrame[0] = f == null ? -1 : f.closeCode();
            if (f != null) {
                assertThat(f.masked()).isTrue();
            }
        });
        try (raw; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket("ws://127.0.0.1:" + raw.port() + "/", options));
            try {
                for (WebSocket.Message m : ws.each()) {
                    // drain
                }
            } catch (WebSocketClosedException e) {
                assertThat(e.code()).isEqualTo(ws.closeCode());
            }
            await(ws.waitClosed());
            return new int[] {ws.closeCode(), clientCloseFrame[0]};
        } finally {
            await(raw.waitClosed());
        }
    }

    private static void expectClient(int code, byte[]... frames) {
        int[] result = clientAgainst(null, SMALL, (r, w) -> {
            for (byte[] f : frames) {
                w.write(f);
            }
        });
        assertThat(result[0]).as("the client's close code").isEqualTo(code);
        assertThat(result[1]).as("the code of the client's close frame").isEqualTo(code);
    }

    @AsyncioTest
    void theClientRefusesMaskedFramesAndTheOtherViolations() {
        expectClient(1002, frame(0x81, utf8("masked"), true));
        expectClient(1002, frame(0xA1, utf8("rsv2"), false));
        expectClient(1002, frame(0x84, utf8("opcode 4"), false));
        expectClient(1007, frame(0x81, hex("ff"), false));
        expectClient(1009, frame(0x82, new byte[MAX + 1], false));
        expectClient(1002, frame(0x80, new byte[1], false));
    }

    @AsyncioTest
    void theClientEchoesTheServersCloseAndWaitsForItsTcpClose() {
        int[] result = clientAgainst(null, SMALL, (r, w) -> {
            w.write(frame(0x81, utf8("before"), false));
            w.write(closeFrame(4001, "done", false));
        });
        assertThat(result).containsExactly(4001, 4001);
    }

    @AsyncioTest(virtualTime = true)
    void aServerThatNeverAnswersTheCloseIsCutAfterTheTimeout() {
        List<Double> times = new ArrayList<>();
        Server raw = RawWebSocket.server(null, (r, w) -> {
            await(Async.sleep(3600));   // reads nothing, answers nothing
        });
        try (raw; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket("ws://127.0.0.1:" + raw.port() + "/",
                    SMALL.withCloseTimeout(Duration.ofSeconds(5))));
            double start = Async.getRunningLoop().time();
            await(ws.close(1000, ""));
            times.add(Async.getRunningLoop().time() - start);
            assertThat(ws.closeCode()).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
            raw.abortClients();
        }
        await(raw.waitClosed());
        assertThat(times.get(0)).isBetween(5.0, 5.1);
    }

    @AsyncioTest(virtualTime = true)
    void aHandshakeTimesOutOrIsCancelledAndItsConnectionIsClosed() {
        List<Integer> eofs = new ArrayList<>();
        Server silent = await(io.github.asyncio4j.net.Streams.startServer((r, w) -> Coroutine.of(() -> {
            RawWebSocket.readHead(r);
            eofs.add(await(r.read(-1)).length);   // never answers; records the client's close
            w.close();
            return null;
        }), HOST, 0));
        try (silent; HttpClient client = HttpClient.builder().readTimeout(Duration.ofSeconds(3)).build()) {
            String url = "ws://127.0.0.1:" + silent.port() + "/";
            assertThatThrownBy(() -> await(client.websocket(url))).isInstanceOfSatisfying(
                    HttpTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.READ));
            var task = Async.createTask(client.websocket(url));
            await(Async.sleep(1));
            task.cancel();
            assertThatThrownBy(() -> await(task)).isInstanceOf(io.github.asyncio4j.CancelledError.class);
            await(Async.sleep(1));
            assertThat(eofs).containsExactly(0, 0);   // both connections were closed by the client
        }
        await(silent.waitClosed());
    }

    @AsyncioTest(virtualTime = true)
    void aCancelledCloseOrPingLeavesTheWebSocketConsistent() {
        Server raw = RawWebSocket.server(null, (r, w) -> {
            RawWebSocket.Frame f = readFrame(r);   // a ping, never answered
            assertThat(f.opcode()).isEqualTo(0x9);
            w.write(frame(0x81, utf8("still here"), false));
            assertThat(readUntilClose(r).closeCode()).isEqualTo(1000);
            await(Async.sleep(3600));   // and never answers the close
        });
        try (raw; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket("ws://127.0.0.1:" + raw.port() + "/",
                    SMALL.withCloseTimeout(Duration.ofSeconds(5))));
            assertThatThrownBy(() -> {
                try (var t = Async.timeout(Duration.ofSeconds(1))) {
                    await(ws.ping(utf8("anyone?")));
                }
            }).isInstanceOf(io.github.asyncio4j.TimeoutError.class);
            assertThat(await(ws.receive()).text()).isEqualTo("still here");   // the connection stays usable
            var closing = Async.createTask(Coroutine.of(() -> await(ws.close(1000, ""))));
            await(Async.sleep(1));
            closing.cancel();   // the closing handshake goes on without its awaiter
            assertThat(ws.isClosed()).isFalse();
            await(ws.waitClosed());   // cut by the close timeout
            assertThat(ws.closeCode()).isEqualTo(WebSocket.ABNORMAL_CLOSURE);
            raw.abortClients();
        }
        await(raw.waitClosed());
    }

    @AsyncioTest
    void theClientChecksTheHandshake() {
        Server wrongExtension = RawWebSocket.server("permessage-deflate; client_max_window_bits=9", (r, w) -> { });
        try (wrongExtension; HttpClient client = HttpClient.create()) {
            assertThatThrownBy(() -> await(client.websocket("ws://127.0.0.1:" + wrongExtension.port() + "/")))
                    .isInstanceOf(WebSocketHandshakeException.class).hasMessageContaining("cannot be accepted");
            assertThatThrownBy(() -> await(client.websocket("ws://127.0.0.1:" + wrongExtension.port() + "/",
                    SMALL.withCompression(false))))
                    .isInstanceOf(WebSocketHandshakeException.class).hasMessageContaining("not offered");
        }
        await(wrongExtension.waitClosed());
        Server wrongAccept = await(io.github.asyncio4j.net.Streams.startServer((r, w) -> Coroutine.of(() -> {
            RawWebSocket.readHead(r);
            w.write(HttpTesting.bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCB2YWx1ZQ==\r\n\r\n"));
            await(r.read(-1));
            w.close();
            return null;
        }), HOST, 0));
        try (wrongAccept; HttpClient client = HttpClient.create()) {
            assertThatThrownBy(() -> await(client.websocket("ws://127.0.0.1:" + wrongAccept.port() + "/")))
                    .isInstanceOf(WebSocketHandshakeException.class)
                    .hasMessageContaining("wrong Sec-WebSocket-Accept");
        }
        await(wrongAccept.waitClosed());
    }

    @AsyncioTest
    void theServerRefusesBadHandshakesWith400Or426() {
        List<Integer> closes = new ArrayList<>();
        HttpServer server = server(SMALL, closes);
        try (server) {
            String noKey = HttpTesting.exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertThat(noKey).startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .endsWith("missing or malformed Sec-WebSocket-Key: null\n");
            String oldVersion = HttpTesting.exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: "
                    + RawWebSocket.KEY + "\r\n\r\n");
            assertThat(oldVersion).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                    .contains("Sec-WebSocket-Version: 13\r\n");
        }
        await(server.waitClosed());
        assertThat(closes).isEmpty();
    }
}
