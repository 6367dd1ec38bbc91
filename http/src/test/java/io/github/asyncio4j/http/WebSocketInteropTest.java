package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.process.Subprocess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * The WebSocket client and server against peers nobody here wrote, both ways, on loopback: Python's
 * {@code websockets} (Debian's python3-websockets, run with /usr/bin/python3) and Node's {@code ws} (installed by
 * {@code npm ci --prefix http/src/test/node}). Echoes of text and binary messages up to 16 MiB, fragmented
 * messages, compression on and off, close codes. A missing peer fails the test, naming what to install.
 */
@Timeout(180)
class WebSocketInteropTest {
    static final WebSocket.Options BIG = WebSocket.Options.defaults().withMaxMessageSize(32 << 20);
    static final int[] SIZES = {0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20};

    static List<String> python(String... args) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "src/test/python/ws_peer.py"));
        argv.addAll(List.of(args));
        return argv;
    }

    static List<String> node(String... args) {
        if (!Files.isDirectory(Path.of("src/test/node/node_modules/ws"))) {
            throw new AssertionError("Node's ws is not installed: run npm ci --prefix http/src/test/node");
        }
        List<String> argv = new ArrayList<>(List.of("node", "src/test/node/ws-peer.js"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Starts a peer server and returns it with its port. */
    private record PeerServer(Subprocess process, int port) {
    }

    private static PeerServer startPeerServer(List<String> argv) {
        Subprocess p = await(Subprocess.exec(argv.toArray(String[]::new)));
        String line;
        try (var t = Async.timeout(Duration.ofSeconds(60))) {
            line = new String(await(p.stdout().readLine()), StandardCharsets.UTF_8).strip();
        }
        if (!line.startsWith("port ")) {
            p.stdin().close();
            Subprocess.Output out = await(p.communicate());
            throw new AssertionError("the peer server " + argv + " did not start (is python3-websockets installed? "
                    + "apt-get install python3-websockets; for Node: npm ci --prefix http/src/test/node): "
                    + new String(out.stderr(), StandardCharsets.UTF_8));
        }
        return new PeerServer(p, Integer.parseInt(line.substring(5)));
    }

    private static void stop(PeerServer server) {
        server.process().stdin().close();
        try (var t = Async.timeout(Duration.ofSeconds(30))) {
            await(server.process().waitFor());
        } catch (io.github.asyncio4j.TimeoutError e) {
            server.process().kill();
            await(server.process().waitFor());
        }
    }

    static String textOf(int size) {
        String chars = "é€😀x".repeat(size / 16 + 1);
        return chars.substring(0, chars.offsetByCodePoints(0, size / 4));
    }

    /** The client under test against a peer's echo server. */
    private static void javaClientAgainst(List<String> serverArgv, boolean compress) {
        PeerServer peer = startPeerServer(serverArgv);
        try (HttpClient client = HttpClient.create()) {
            String url = "ws://127.0.0.1:" + peer.port() + "/";
            WebSocket ws = await(client.websocket(url, BIG.withCompression(compress)));
            assertThat(ws.isCompressed()).isEqualTo(compress);
            for (int size : SIZES) {
                String text = textOf(size);
                await(ws.send(text));
                assertThat(await(ws.receive()).text()).isEqualTo(text);
                byte[] data = WebSocketTest.randomBytes(size, size);
                await(ws.send(data));
                WebSocket.Message m = await(ws.receive());
                assertThat(m.isText()).isFalse();
                assertThat(m.bytes()).isEqualTo(data);
            }
            await(ws.send("fragments"));   // the peer sends a fragmented text and a fragmented binary message
            assertThat(await(ws.receive()).text()).isEqualTo("fragmented");
            assertThat(await(ws.receive()).bytes()).containsExactly(1, 2, 3);
            await(ws.send("close:4001:done"));
            assertThatThrownBy(() -> await(ws.receive())).isInstanceOf(WebSocketClosedException.class);
            assertThat(ws.closeCode()).isEqualTo(4001);
            assertThat(ws.closeReason()).isEqualTo("done");

            // our fragmented sends, and a normal close of ours
            WebSocket frag = await(client.websocket(url, BIG.withCompression(compress).withFragmentSize(1000)));
            String text = textOf(200_000);
            await(frag.send(text));
            assertThat(await(frag.receive()).text()).isEqualTo(text);
            byte[] data = WebSocketTest.randomBytes(100_000, 3);
            await(frag.send(data));
            assertThat(await(frag.receive()).bytes()).isEqualTo(data);
            await(frag.close(WebSocket.NORMAL_CLOSURE, "thanks"));
            assertThat(frag.closeCode()).isEqualTo(WebSocket.NORMAL_CLOSURE);
        } finally {
            stop(peer);
        }
    }

    /** A peer's client against the server under test (which fragments its large echoes). */
    private static void peerClientAgainstJavaServer(List<String> clientArgvWithoutUrl, boolean compress) {
        List<String> closes = new ArrayList<>();
        WebSocket.Options options = BIG.withCompression(compress).withFragmentSize(64 * 1024);
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            WebSocket ws = await(WebSocket.accept(request, options));
            assertThat(ws.isCompressed()).isEqualTo(compress);
            try {
                for (WebSocket.Message m : ws.each()) {
                    await(ws.send(m));
                }
            } catch (WebSocketClosedException e) {
                assertThat(e.isNormal()).isFalse();   // 4000 is no normal closure: the iteration says so
            }
            closes.add(ws.closeCode() + " " + ws.closeReason());
            return null;
        }), HOST, 0));
        try (server) {
            List<String> argv = new ArrayList<>(clientArgvWithoutUrl);
            argv.add("ws://127.0.0.1:" + server.port() + "/echo");
            Subprocess p = await(Subprocess.exec(argv.toArray(String[]::new)));
            p.stdin().close();
            Subprocess.Output out;
            try (var t = Async.timeout(Duration.ofSeconds(150))) {
                out = await(p.communicate());
            }
            assertThat(out.exitCode()).as("the peer client's exit code; its stderr: %s",
                    new String(out.stderr(), StandardCharsets.UTF_8)).isZero();
            assertThat(new String(out.stdout(), StandardCharsets.UTF_8).strip()).isEqualTo("closed 4000 bye");
        }
        await(server.waitClosed());
        assertThat(closes).containsExactly("4000 bye");
    }

    @AsyncioTest
    void javaClientAgainstPythonWebsocketsCompressed() {
        javaClientAgainst(python("server", "on"), true);
    }

    @AsyncioTest
    void javaClientAgainstPythonWebsocketsUncompressed() {
        javaClientAgainst(python("server", "off"), false);
    }

    @AsyncioTest
    void pythonWebsocketsClientAgainstJavaServerCompressed() {
        peerClientAgainstJavaServer(python("client", "on"), true);
    }

    @AsyncioTest
    void pythonWebsocketsClientAgainstJavaServerUncompressed() {
        peerClientAgainstJavaServer(python("client", "off"), false);
    }

    @AsyncioTest
    void javaClientAgainstNodeWsCompressed() {
        javaClientAgainst(node("server", "on"), true);
    }

    @AsyncioTest
    void javaClientAgainstNodeWsUncompressed() {
        javaClientAgainst(node("server", "off"), false);
    }

    @AsyncioTest
    void nodeWsClientAgainstJavaServerCompressed() {
        peerClientAgainstJavaServer(node("client", "on"), true);
    }

    @AsyncioTest
    void nodeWsClientAgainstJavaServerUncompressed() {
        peerClientAgainstJavaServer(node("client", "off"), false);
    }
}
