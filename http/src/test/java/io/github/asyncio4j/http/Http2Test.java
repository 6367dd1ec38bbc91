package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.TestCerts;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** HTTP/2 between our client and our server: h2c with prior knowledge, and h2 by ALPN over TLS. */
@Timeout(60)
class Http2Test {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        serverCtx = TestCerts.serverContext();
        clientCtx = TestCerts.clientContext();
    }

    static HttpServer.Options h2c() {
        return HttpServer.Options.defaults().withHttp2PriorKnowledge(true);
    }

    static HttpServer echo(HttpServer.Options options) {
        return await(HttpServer.start(request -> Coroutine.of(() -> {
            if (request.path().startsWith("/size/")) {
                return HttpResponse.of(200, "application/octet-stream",
                        BodySizesTest.body(Integer.parseInt(request.path().substring(6))));
            }
            return HttpResponse.text(200, request.method() + " " + request.uri() + " host=" + request.headers()
                    .get("Host") + " body=" + request.body().length);
        }), HOST, 0, options));
    }

    @AsyncioTest
    void priorKnowledgeRequestsShareOneConnection() {
        HttpServer server = echo(h2c());
        try (server; HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            List<Task<HttpResponse>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(Async.createTask(client.get(server.url("/a?i=" + i))));
            }
            for (int i = 0; i < 20; i++) {
                HttpResponse r = await(tasks.get(i));
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.text()).isEqualTo("GET /a?i=" + i + " host=127.0.0.1:" + server.port() + " body=0");
            }
            assertThat(server.connectionsAccepted()).isEqualTo(1);
            assertThat(client.openConnections()).isEqualTo(1);
            byte[] up = BodySizesTest.body(3 << 20);
            HttpResponse post = await(client.send(HttpRequest.of("POST", URI.create(server.url("/p")), up)));
            assertThat(post.text()).endsWith("body=" + up.length);
            assertThat(await(client.get(server.url("/size/" + (5 << 20)))).body())
                    .isEqualTo(BodySizesTest.body(5 << 20));
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void alpnChoosesHttp2OverTlsAndHttp1WhenTheServerHasNoHttp2() {
        HttpServer h2 = echo(HttpServer.Options.defaults().withSsl(serverCtx));
        HttpServer h1 = echo(HttpServer.Options.defaults().withSsl(serverCtx).withHttp2(false));
        try (h2; h1; HttpClient client = HttpClient.builder().sslContext(clientCtx).build()) {
            HttpResponse r = await(client.get("https://localhost:" + h2.port() + "/x"));
            assertThat(r.version()).isEqualTo("HTTP/2");
            assertThat(r.text()).isEqualTo("GET /x host=localhost:" + h2.port() + " body=0");
            HttpResponse r1 = await(client.get("https://localhost:" + h1.port() + "/y"));
            assertThat(r1.version()).isEqualTo("HTTP/1.1");
            assertThat(await(client.get("https://localhost:" + h1.port() + "/y")).version()).isEqualTo("HTTP/1.1");
            assertThat(h1.connectionsAccepted()).isEqualTo(1);
        }
        try (HttpClient http1 = HttpClient.builder().sslContext(clientCtx).version(HttpVersion.HTTP_1_1).build();
             HttpServer again = echo(HttpServer.Options.defaults().withSsl(serverCtx))) {
            assertThat(await(http1.get("https://localhost:" + again.port() + "/z")).version()).isEqualTo("HTTP/1.1");
            again.close();
            await(again.waitClosed());
        }
        await(h1.waitClosed());
        await(h2.waitClosed());
    }

    @AsyncioTest
    void plainHttpStaysHttp1UnderAuto() {
        HttpServer server = echo(h2c());
        try (server; HttpClient client = HttpClient.create()) {
            assertThat(await(client.get(server.url("/"))).version()).isEqualTo("HTTP/1.1");
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void aCancelledRequestResetsItsStreamAndTheConnectionLivesOn() {
        Future<Void> never = Async.getRunningLoop().createFuture();
        int[] handlerCancelled = {0};
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            if (request.path().equals("/slow")) {
                try {
                    await(never);
                } catch (io.github.asyncio4j.CancelledError e) {
                    handlerCancelled[0]++;
                    throw e;
                }
            }
            return HttpResponse.text(200, "ok");
        }), HOST, 0, h2c()));
        try (server; HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2)
                .totalTimeout(Duration.ofMillis(200)).build()) {
            assertThatThrownBy(() -> await(client.get(server.url("/slow"))))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(await(client.get(server.url("/fast"))).text()).isEqualTo("ok");
            assertThat(server.connectionsAccepted()).isEqualTo(1);
            for (int i = 0; i < 50 && handlerCancelled[0] == 0; i++) {
                await(Async.sleep(0.01));
            }
            assertThat(handlerCancelled[0]).as("the server cancelled the handler of the reset stream").isEqualTo(1);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void pastMaxConcurrentStreamsASecondConnectionOpens() {
        Future<Void> gate = Async.getRunningLoop().createFuture();
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            if (request.path().equals("/wait")) {
                await(Async.shield(gate));
            }
            return HttpResponse.text(200, "ok");
        }), HOST, 0, h2c().withMaxConcurrentStreams(2)));
        try (server; HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            List<Task<HttpResponse>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(Async.createTask(client.get(server.url("/wait"))));
            }
            for (int i = 0; i < 100 && server.connectionsAccepted() < 3; i++) {
                await(Async.sleep(0.01));
            }
            assertThat(client.openConnections()).isEqualTo(3);
            gate.setResult(null);
            for (Task<HttpResponse> t : tasks) {
                assertThat(await(t).text()).isEqualTo("ok");
            }
            assertThat(server.connectionsAccepted()).isEqualTo(3);
        }
        await(server.waitClosed());
    }

    /** Decoding, the body limit and the read timeout apply per stream; a stream that fails leaves the others. */
    @AsyncioTest
    void decodingAndLimitsApplyPerStream() throws Exception {
        byte[] text = "hello ".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(text);
        }
        Future<Void> never = Async.getRunningLoop().createFuture();
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
            case "/gz" -> HttpResponse.of(200, "text/plain", gz.toByteArray()).withHeader("Content-Encoding", "gzip");
            case "/big" -> HttpResponse.of(200, "application/octet-stream", BodySizesTest.body(200_000));
            case "/silent" -> {
                await(Async.shield(never));
                yield HttpResponse.text(200, "late");
            }
            default -> HttpResponse.text(200, "ok");
        }), HOST, 0, h2c()));
        try (server; HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).maxBodySize(100_000)
                .readTimeout(Duration.ofMillis(300)).build()) {
            HttpResponse gzipped = await(client.get(server.url("/gz")));
            assertThat(gzipped.body()).isEqualTo(text);
            assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(gzipped.version()).isEqualTo("HTTP/2");
            Task<HttpResponse> big = Async.createTask(client.get(server.url("/big")));
            Task<HttpResponse> silent = Async.createTask(client.get(server.url("/silent")));
            assertThat(await(client.get(server.url("/ok"))).text()).isEqualTo("ok");
            assertThatThrownBy(() -> await(big)).isInstanceOf(BodyTooLargeException.class);
            assertThatThrownBy(() -> await(silent)).isInstanceOf(HttpTimeoutException.class)
                    .hasMessageContaining("read");
            assertThat(await(client.get(server.url("/ok"))).text()).isEqualTo("ok");
            assertThat(server.connectionsAccepted()).as("one connection throughout").isEqualTo(1);
        }
        never.cancel();
        await(server.waitClosed());
    }
}
