package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.AsyncIterator;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.TestCerts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;

/** The WebSocket client and server against each other: messages, fragmentation, compression, close, ping. */
@Timeout(60)
class WebSocketTest {
    static final WebSocket.Options BIG = WebSocket.Options.defaults().withMaxMessageSize(16 << 20);

    /** A server whose WebSocket handler echoes every message until the client closes. */
    static HttpServer echoServer(WebSocket.Options options) {
        return await(HttpServer.start(request -> Coroutine.of(() -> {
            if (!request.isWebSocketUpgrade()) {
                return HttpResponse.text(400, "WebSocket only\n");
            }
            WebSocket ws = await(WebSocket.accept(request, options));
            for (WebSocket.Message m : ws.each()) {
                await(ws.send(m));
            }
            return null;
        }), HOST, 0));
    }

    static String wsUrl(HttpServer server, String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void echoes(WebSocket.Options serverOptions, WebSocket.Options clientOptions,
                               boolean compressed, int largest) {
        HttpServer server = echoServer(serverOptions);
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/echo"), clientOptions));
            assertThat(ws.isCompressed()).isEqualTo(compressed);
            for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 300_000, largest}) {
                String chars = "é€😀x".repeat(size / 16 + 1);   // 2.5 bytes of UTF-8 per code point
                String text = chars.substring(0, chars.offsetByCodePoints(0, size / 4));
                await(ws.send(text));
                WebSocket.Message m = await(ws.receive());
                assertThat(m.isText()).isTrue();
                assertThat(m.text()).isEqualTo(text);
                byte[] data = randomBytes(size, size);
                await(ws.send(data));
                WebSocket.Message b = await(ws.receive());
                assertThat(b.isText()).isFalse();
                assertThat(b.bytes()).isEqualTo(data);
            }
            await(ws.close(WebSocket.NORMAL_CLOSURE, "done"));
            assertThat(ws.closeCode()).isEqualTo(WebSocket.NORMAL_CLOSURE);
            assertThat(ws.closeReason()).isEqualTo("done");   // the server's echo
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void textAndBinaryMessagesUpTo16MiBEchoUncompressed() {
        echoes(BIG.withCompression(false), BIG, false, 16 << 20);
    }

    @AsyncioTest
    void textAndBinaryMessagesUpTo16MiBEchoCompressed() {
        echoes(BIG, BIG, true, 16 << 20);
    }

    @AsyncioTest
    void fragmentedMessagesEchoBothWaysWithAndWithoutCompression() {
        echoes(BIG.withFragmentSize(1000), BIG.withFragmentSize(777).withCompression(false), false, 1 << 20);
        echoes(BIG.withFragmentSize(1000), BIG.withFragmentSize(777), true, 1 << 20);
    }

    @AsyncioTest
    void theServerClosingEndsTheClientsIterationNormally() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request));
            await(ws.send("one"));
            await(ws.send("two"));
            await(ws.close(4000, "bye now"));
            assertThat(ws.closeCode()).isEqualTo(4000);
            return null;
        }), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            List<String> got = new ArrayList<>();
            assertThatThrownBy(() -> {
                for (WebSocket.Message m : ws.each()) {
                    got.add(m.text());
                }
            }).isInstanceOfSatisfying(WebSocketClosedException.class, e -> {
                assertThat(e.code()).isEqualTo(4000);   // not a normal close: the iteration says so
                assertThat(e.reason()).isEqualTo("bye now");
            });
            assertThat(got).containsExactly("one", "two");
            await(ws.waitClosed());
            assertThat(ws.closeCode()).isEqualTo(4000);
            assertThat(ws.closeReason()).isEqualTo("bye now");
            assertThatThrownBy(() -> await(ws.send("late"))).isInstanceOf(WebSocketClosedException.class);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void aHandlerThatReturnsClosesNormallyAndOneThatThrowsWith1011() {
        List<Throwable> reported = new ArrayList<>();
        Async.getRunningLoop().setExceptionHandler((loop, context) -> reported.add(context.exception()));
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request));
            await(ws.send("hi"));
            if (request.path().equals("/fail")) {
                throw new IllegalStateException("handler bug");
            }
            return null;
        }), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ok = await(client.websocket(wsUrl(server, "/ok")));
            assertThat(await(ok.receive()).text()).isEqualTo("hi");
            assertThat(ok.each()).isEmpty();   // a normal close ends the iteration
            assertThat(ok.closeCode()).isEqualTo(WebSocket.NORMAL_CLOSURE);

            WebSocket bad = await(client.websocket(wsUrl(server, "/fail")));
            assertThat(await(bad.receive()).text()).isEqualTo("hi");
            assertThatThrownBy(() -> await(bad.receive())).isInstanceOfSatisfying(WebSocketClosedException.class,
                    e -> assertThat(e.code()).isEqualTo(WebSocket.INTERNAL_ERROR));
        }
        await(server.waitClosed());
        assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasMessage("handler bug"));
    }

    @AsyncioTest
    void aReceiveThatTimesOutTakesNothingAndTheConnectionStaysUsable() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request));
            WebSocket.Message m = await(ws.receive());   // "go": then send one message
            await(ws.send("after " + m.text()));
            for (WebSocket.Message x : ws.each()) {
                await(ws.send(x));
            }
            return null;
        }), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            assertThatThrownBy(() -> {
                try (var t = Async.timeout(Duration.ofMillis(50))) {
                    await(ws.receive());
                }
            }).isInstanceOf(TimeoutError.class);
            Task<WebSocket.Message> waiting = Async.createTask(Coroutine.of(() -> await(ws.receive())));
            HttpTesting.settle();
            waiting.cancel();
            HttpTesting.settle();
            assertThat(waiting.isCancelled()).isTrue();
            await(ws.send("go"));
            assertThat(await(ws.receive()).text()).isEqualTo("after go");
            await(ws.send("echo"));
            assertThat(await(ws.receive()).text()).isEqualTo("echo");
            await(ws.close(WebSocket.NORMAL_CLOSURE, ""));
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void twoTasksCannotReceiveAtOnce() {
        HttpServer server = echoServer(WebSocket.Options.defaults());
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            Task<WebSocket.Message> first = Async.createTask(Coroutine.of(() -> await(ws.receive())));
            HttpTesting.settle();
            assertThatThrownBy(() -> await(ws.receive())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another task is already waiting in receive()");
            await(ws.send("x"));
            assertThat(await(first).text()).isEqualTo("x");
            await(ws.close(WebSocket.NORMAL_CLOSURE, ""));
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void pingWaitsForItsPong() {
        HttpServer server = echoServer(WebSocket.Options.defaults());
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            await(ws.ping("are you there".getBytes(StandardCharsets.UTF_8)));
            await(ws.ping(new byte[0]));
            assertThatThrownBy(() -> ws.ping(new byte[126])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a ping's payload is at most 125 bytes: 126");
            await(ws.close(WebSocket.NORMAL_CLOSURE, ""));
            assertThatThrownBy(() -> await(ws.ping(new byte[1]))).isInstanceOf(WebSocketClosedException.class);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void theAsyncIteratorEndsAtANormalClose() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request));
            await(ws.send(new byte[] {1, 2, 3}));
            await(ws.close(WebSocket.GOING_AWAY, ""));
            return null;
        }), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            AsyncIterator<WebSocket.Message> it = ws.each().asyncIterator();
            assertThat(await(it.hasNext())).isTrue();
            assertThat(it.next().bytes()).containsExactly(1, 2, 3);
            assertThat(await(it.hasNext())).isFalse();
            assertThat(ws.closeCode()).isEqualTo(WebSocket.GOING_AWAY);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void closeArgumentsAreCheckedAtOnce() {
        HttpServer server = echoServer(WebSocket.Options.defaults());
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            assertThatThrownBy(() -> ws.close(1005, "")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid WebSocket close code 1005 (1000-1003, 1007-1014 or 3000-4999)");
            assertThatThrownBy(() -> ws.close(1000, "é".repeat(62))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a close reason is at most 123 bytes of UTF-8, not 124");
            await(ws.close(3001, "é".repeat(61)));
            assertThat(ws.closeCode()).isEqualTo(3001);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void subprotocolsAreNegotiatedByTheServersPreference() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request, WebSocket.Options.defaults()
                    .withSubprotocols("chat.v2", "chat.v1")));
            await(ws.send(String.valueOf(ws.subprotocol())));
            return null;
        }), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket a = await(client.websocket(wsUrl(server, "/"), WebSocket.Options.defaults()
                    .withSubprotocols("chat.v1", "chat.v2")));
            assertThat(a.subprotocol()).isEqualTo("chat.v2");
            assertThat(await(a.receive()).text()).isEqualTo("chat.v2");
            WebSocket b = await(client.websocket(wsUrl(server, "/"), WebSocket.Options.defaults()
                    .withSubprotocols("other")));
            assertThat(b.subprotocol()).isNull();
            assertThat(await(b.receive()).text()).isEqualTo("null");
            await(a.waitClosed());
            await(b.waitClosed());
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void aRefusedUpgradeIsAHandshakeExceptionWithTheStatus() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
                HttpResponse.text(403, "no\n")), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            assertThatThrownBy(() -> await(client.websocket(wsUrl(server, "/x"))))
                    .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.status()).isEqualTo(403))
                    .hasMessageContaining("the server answered 403 Forbidden instead of 101 Switching Protocols");
            assertThatThrownBy(() -> client.websocket("http://127.0.0.1/")).isInstanceOf(
                    IllegalArgumentException.class).hasMessage("a WebSocket URL starts with ws:// or wss://: "
                    + "http://127.0.0.1/");
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void acceptOutsideAHandlerOrOnAPlainRequestIsRefused() {
        HttpRequest plain = HttpRequest.get("http://127.0.0.1/");
        assertThatThrownBy(() -> await(WebSocket.accept(plain))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a WebSocket upgrade request");
        HttpRequest upgrade = plain.withHeader("Upgrade", "websocket").withHeader("Connection", "Upgrade");
        assertThat(upgrade.isWebSocketUpgrade()).isTrue();
        assertThatThrownBy(() -> await(WebSocket.accept(upgrade))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("WebSocket.accept takes the request an HttpServer handler received");
    }

    @AsyncioTest
    void closingTheServerSendsGoingAway() {
        HttpServer server = echoServer(WebSocket.Options.defaults());
        HttpClient client = HttpClient.create();
        try (client) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/")));
            await(ws.send("x"));
            assertThat(await(ws.receive()).text()).isEqualTo("x");
            server.close();
            assertThat(ws.each()).isEmpty();
            assertThat(ws.closeCode()).isEqualTo(WebSocket.GOING_AWAY);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void wssWorksOverTls() throws Exception {
        var serverCtx = TestCerts.serverContext();
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request, BIG));
            for (WebSocket.Message m : ws.each()) {
                await(ws.send(m));
            }
            return null;
        }), HOST, 0, HttpServer.Options.defaults().withSsl(serverCtx)));
        try (server; HttpClient client = HttpClient.builder().sslContext(TestCerts.clientContext()).build()) {
            WebSocket ws = await(client.websocket("wss://localhost:" + server.port() + "/", BIG));
            byte[] data = randomBytes(1 << 20, 7);
            await(ws.send(data));
            assertThat(await(ws.receive()).bytes()).isEqualTo(data);
            await(ws.close(WebSocket.NORMAL_CLOSURE, ""));
            assertThat(ws.closeCode()).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void aSlowReceiverSlowsTheSenderInsteadOfBufferingWithoutBound() {
        int[] sent = {0};
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request, WebSocket.Options.defaults().withMaxQueue(2)));
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 200; i++) {
                await(ws.send(chunk));   // 12.5 MiB in all: more than the buffers can hold
                sent[0]++;
            }
            await(ws.close(WebSocket.NORMAL_CLOSURE, ""));
            return null;
        }), HOST, 0));
        try (server; HttpClient client = HttpClient.create()) {
            WebSocket ws = await(client.websocket(wsUrl(server, "/"),
                    WebSocket.Options.defaults().withMaxQueue(2).withCompression(false)));
            await(Async.sleep(0.5));
            assertThat(sent[0]).isLessThan(200);   // the sender waits for the receiver
            int n = 0;
            for (WebSocket.Message m : ws.each()) {
                n++;
            }
            assertThat(n).isEqualTo(200);
        }
        await(server.waitClosed());
    }
}
