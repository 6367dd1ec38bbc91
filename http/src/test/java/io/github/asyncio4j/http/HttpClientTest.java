package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against well-formed servers: body framings, keep-alive, the pool's bound, content decoding. */
@Timeout(30)
class HttpClientTest {

    @Test
    void contentLengthBodyAndTheRequestItSends() {
        run(() -> {
            try (RawServer server = RawServer.replying("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1"
                    + "\r\nContent-Length: 5\r\nX-Two: a\r\nx-two: b\r\n\r\nh\u00e9llo");
                 HttpClient client = HttpClient.builder().userAgent("test-agent/1").build()) {
                HttpResponse r = await(client.send(HttpRequest.get(server.url("/a/b?q=1#frag"))
                        .withHeader("X-Mine", "yes")));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.reason()).isEqualTo("OK");
                assertThat(r.version()).isEqualTo("HTTP/1.1");
                assertThat(r.contentType()).isEqualTo("text/html");
                assertThat(r.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
                assertThat(r.text()).isEqualTo("h\u00e9llo");
                assertThat(r.headers().getAll("X-TWO")).containsExactly("a", "b");
                assertThat(r.location()).isNull();
                String sent = server.requests.get(0);
                assertThat(sent).startsWith("GET /a/b?q=1 HTTP/1.1\r\n")
                        .contains("Host: 127.0.0.1:" + server.server.port() + "\r\n")
                        .contains("User-Agent: test-agent/1\r\n")
                        .contains("Accept-Encoding: gzip, deflate, br, zstd\r\n")
                        .contains("X-Mine: yes\r\n")
                        .doesNotContain("frag");
            }
            return null;
        });
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() {
        run(() -> {
            try (RawServer server = RawServer.replying("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n");
                 HttpClient client = HttpClient.create()) {
                HttpResponse r = await(client.get(server.url("/")));
                assertThat(r.text()).isEqualTo("hello, world");
                assertThat(r.trailers().get("x-checksum")).isEqualTo("42");
                await(client.get(server.url("/")));   // the framing left the connection clean: it is reused
                assertThat(server.connections).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void bodyReadToEofAndTheConnectionIsNotReused() {
        run(() -> {
            try (RawServer server = RawServer.replyingOnce("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                    + "until the end");
                 HttpClient client = HttpClient.create()) {
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("until the end");
                assertThat(client.openConnections()).isZero();
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("until the end");
                assertThat(server.connections).isEqualTo(2);
            }
            return null;
        });
    }

    @Test
    void http10PeersCloseUnlessTheyAskForKeepAlive() {
        run(() -> {
            try (RawServer plain = RawServer.replyingOnce("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
                 RawServer keepAlive = RawServer.replying("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
                         + "Content-Length: 2\r\n\r\nka");
                 HttpClient client = HttpClient.create()) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse r = await(client.get(plain.url("/")));
                    assertThat(r.version()).isEqualTo("HTTP/1.0");
                    assertThat(r.text()).isEqualTo("ok");
                    assertThat(await(client.get(keepAlive.url("/"))).text()).isEqualTo("ka");
                }
                assertThat(plain.connections).isEqualTo(3);
                assertThat(keepAlive.connections).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void connectionCloseFromEitherSideIsHonoured() {
        run(() -> {
            try (RawServer closing = RawServer.replying("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                    + "Content-Length: 1\r\n\r\nx");
                 RawServer normal = RawServer.replying("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ny");
                 HttpClient client = HttpClient.create()) {
                await(client.get(closing.url("/")));
                await(client.get(closing.url("/")));
                assertThat(closing.connections).isEqualTo(2);
                assertThat(client.openConnections(closing.url("/"))).isZero();

                await(client.send(HttpRequest.get(normal.url("/")).withHeader("Connection", "close")));
                await(client.get(normal.url("/")));
                assertThat(normal.connections).isEqualTo(2);
                assertThat(normal.requests.get(0)).contains("Connection: close\r\n");
            }
            return null;
        });
    }

    @Test
    void keepAliveReusesOneConnectionForSequentialRequests() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(
                    request -> Coroutine.of(() -> HttpResponse.text(200, "you asked for " + request.path())),
                    HOST, 0));
                 HttpClient client = HttpClient.create()) {
                for (int i = 0; i < 20; i++) {
                    HttpResponse r = await(client.get(server.url("/page/" + i)));
                    assertThat(r.text()).isEqualTo("you asked for /page/" + i);
                    assertThat(client.idleConnections()).isEqualTo(1);
                }
                assertThat(server.connectionsAccepted()).isEqualTo(1);
                assertThat(server.requestsServed()).isEqualTo(20);
            }
            return null;
        });
    }

    @Test
    void thePoolBoundsConnectionsPerHostAndServesWaitersInOrder() {
        run(() -> {
            List<Future<Void>> gates = new ArrayList<>();
            int[] concurrent = {0, 0};
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
                concurrent[0]++;
                concurrent[1] = Math.max(concurrent[1], concurrent[0]);
                Future<Void> gate = Async.getRunningLoop().createFuture();
                gates.add(gate);
                await(gate);
                concurrent[0]--;
                return HttpResponse.text(200, request.path());
            }), HOST, 0));
                 HttpClient client = HttpClient.builder().maxConnectionsPerHost(2).build()) {
                List<String> finished = new ArrayList<>();
                List<Task<HttpResponse>> tasks = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String path = "/" + i;
                    tasks.add(spawn(() -> {
                        HttpResponse r = await(client.get(server.url(path)));
                        finished.add(r.text());
                        return r;
                    }));
                }
                while (gates.size() < 2) {
                    await(Async.sleep(0.001));
                }
                settle();
                assertThat(client.openConnections()).isEqualTo(2);
                assertThat(client.waitingRequests(server.url("/"))).isEqualTo(4);
                // release the requests one at a time: each freed connection goes to the longest waiter
                for (int released = 0; released < 6; released++) {
                    while (gates.size() <= released) {
                        await(Async.sleep(0.001));
                    }
                    gates.get(released).setResult(null);
                    await(Async.sleep(0.005));
                }
                for (Task<HttpResponse> t : tasks) {
                    await(t);
                }
                assertThat(finished).hasSize(6);
                assertThat(finished.subList(2, 6)).containsExactly("/2", "/3", "/4", "/5");
                assertThat(concurrent[1]).isEqualTo(2);
                assertThat(server.connectionsAccepted()).isEqualTo(2);
            }
            return null;
        });
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() {
        byte[] text = "compressible ".repeat(1000).getBytes(StandardCharsets.UTF_8);
        run(() -> {
            try (HttpServer server = encodingServer(text); HttpClient client = HttpClient.create()) {
                for (String path : ENCODED_PATHS) {
                    HttpResponse r = await(client.get(server.url(path)));
                    assertThat(r.body()).as(path).isEqualTo(text);
                }
                assertThat(await(client.get(server.url("/empty"))).body()).isEmpty();
            }
            return null;
        });
    }

    @Test
    void headAnd204And304HaveNoBodyAndKeepTheConnection() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
                case "/204" -> HttpResponse.status(204);
                case "/304" -> HttpResponse.status(304);
                default -> HttpResponse.text(200, "a body for GET");
            }), HOST, 0));
                 HttpClient client = HttpClient.create()) {
                HttpResponse head = await(client.send(HttpRequest.head(server.url("/"))));
                assertThat(head.body()).isEmpty();
                assertThat(head.headers().get("Content-Length")).isEqualTo("14");
                assertThat(await(client.get(server.url("/204"))).status()).isEqualTo(204);
                assertThat(await(client.get(server.url("/304"))).status()).isEqualTo(304);
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("a body for GET");
                assertThat(server.connectionsAccepted()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void redirectsAreReportedNotFollowed() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(
                    request -> Coroutine.of(() -> HttpResponse.redirect(302, "/elsewhere")), HOST, 0));
                 HttpClient client = HttpClient.create()) {
                HttpResponse r = await(client.get(server.url("/")));
                assertThat(r.status()).isEqualTo(302);
                assertThat(r.isRedirect()).isTrue();
                assertThat(r.location()).isEqualTo("/elsewhere");
                assertThat(server.requestsServed()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void postSendsItsBodyWithContentLength() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
                    HttpResponse.text(200, request.method() + " " + request.text() + " "
                            + request.headers().get("content-length"))), HOST, 0));
                 HttpClient client = HttpClient.create()) {
                HttpResponse r = await(client.send(HttpRequest.of("post", java.net.URI.create(server.url("/form")),
                        "a=1&b=2".getBytes(StandardCharsets.UTF_8))));
                assertThat(r.text()).isEqualTo("POST a=1&b=2 7");
            }
            return null;
        });
    }

    @Test
    void maxBodySizeIsEnforcedForEveryFramingAndAfterDecoding() throws Exception {
        byte[] big = new byte[5000];
        byte[] bomb = gzip(new byte[1 << 20]);   // 1 MiB of zeros in about 1 KiB
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
                case "/length" -> HttpResponse.of(200, "application/octet-stream", big);
                case "/chunked" -> HttpResponse.of(200, "application/octet-stream", big)
                        .withHeader("Transfer-Encoding", "chunked");
                case "/bomb" -> HttpResponse.of(200, "text/plain", bomb).withHeader("Content-Encoding", "gzip");
                default -> HttpResponse.text(200, "small");
            }), HOST, 0));
                 RawServer eof = RawServer.replyingOnce("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(5000));
                 HttpClient client = HttpClient.builder().maxBodySize(4096).build()) {
                for (String url : List.of(server.url("/length"), server.url("/chunked"), server.url("/bomb"),
                        eof.url("/"))) {
                    assertThatThrownBy(() -> await(client.get(url))).as(url)
                            .isInstanceOf(BodyTooLargeException.class)
                            .hasMessageContaining("exceeds the maximum of 4096 bytes");
                }
                assertThat(await(client.get(server.url("/small"))).text()).isEqualTo("small");
            }
            return null;
        });
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsSent() {
        HttpClient client = HttpClient.create();
        assertThatThrownBy(() -> client.get("ftp://example.org/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported URL scheme \"ftp\"");
        assertThatThrownBy(() -> client.get("/relative")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an absolute URL");
        assertThatThrownBy(() -> HttpRequest.get("http://h/").withHeader("X", "a\r\nInjected: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR, LF or NUL");
        assertThatThrownBy(() -> HttpRequest.get("http://h/").withHeader("Bad Name", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid character in header name");
    }

    @Test
    void closingTheClientFailsWaitersAndClosesConnectionsAsTheyComeBack() {
        run(() -> {
            Future<Void> gate = Async.getRunningLoop().createFuture();
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
                await(gate);
                return HttpResponse.text(200, "done");
            }), HOST, 0))) {
                HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build();
                Task<HttpResponse> busy = spawn(() -> await(client.get(server.url("/a"))));
                await(Async.sleep(0.02));
                Task<HttpResponse> waiting = spawn(() -> await(client.get(server.url("/b"))));
                settle();
                client.close();
                assertThatThrownBy(() -> await(waiting)).isInstanceOf(IllegalStateException.class)
                        .hasMessage("the HttpClient was closed");
                gate.setResult(null);
                assertThat(await(busy).text()).isEqualTo("done");   // the request in flight completes
                assertThat(client.openConnections()).isZero();      // and its connection is closed after it
                assertThatThrownBy(() -> await(client.get(server.url("/c")))).isInstanceOf(IllegalStateException.class)
                        .hasMessage("the HttpClient is closed");
            }
            return null;
        });
    }

    @Test
    void idleConnectionsExpireAfterTheIdleTimeout() {
        run(() -> {
            try (RawServer server = RawServer.replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                 HttpClient client = HttpClient.builder().idleTimeout(java.time.Duration.ofMillis(50)).build()) {
                await(client.get(server.url("/")));
                await(client.get(server.url("/")));
                assertThat(server.connections).isEqualTo(1);
                await(Async.sleep(0.1));
                await(client.get(server.url("/")));
                assertThat(server.connections).isEqualTo(2);
                assertThat(client.openConnections()).isEqualTo(1);   // the expired one was closed, not kept
            }
            return null;
        });
    }

    @Test
    void anEndlessChunkedBodyStopsAtTheMaximumSize() {
        run(() -> {
            try (RawServer endless = RawServer.start((head, w, n) -> {
                w.write(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                byte[] chunk = bytes("400\r\n" + "z".repeat(1024) + "\r\n");
                while (true) {
                    w.write(chunk);
                    await(w.drain());
                }
            });
                 HttpClient client = HttpClient.builder().maxBodySize(1 << 20).build()) {
                assertThatThrownBy(() -> await(client.get(endless.url("/"))))
                        .isInstanceOf(BodyTooLargeException.class)
                        .hasMessage("chunked body exceeds the maximum of 1048576 bytes");
                assertThat(client.openConnections()).isZero();
            }
            return null;
        });
    }

    @Test
    void invalidUtf8DecodesWithReplacementCharacters() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
                    HttpResponse.of(200, "text/html; charset=utf-8", new byte[] {'o', 'k', (byte) 0xff, (byte) 0xc3})),
                    HOST, 0));
                 HttpClient client = HttpClient.create()) {
                HttpResponse r = await(client.get(server.url("/")));
                assertThat(r.body()).hasSize(4);
                assertThat(r.text()).isEqualTo("ok\ufffd\ufffd");
            }
            return null;
        });
    }

    @Test
    void aClientBelongsToOneEventLoopAndIsClosedOnIt() {
        HttpClient client = HttpClient.create();
        String url = run(() -> {
            HttpServer server = await(HttpServer.start(r -> Coroutine.of(() -> HttpResponse.status(204)), HOST, 0));
            assertThat(await(client.get(server.url("/"))).status()).isEqualTo(204);
            server.close();
            return server.url("/");
        });
        assertThatThrownBy(client::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close the client before its loop ends");
        assertThatThrownBy(() -> run(() -> await(client.get(url))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to the event loop that first used it");
    }
}
