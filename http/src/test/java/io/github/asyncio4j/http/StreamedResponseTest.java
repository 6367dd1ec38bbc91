package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpClient#stream}: the body read piece by piece in every framing and coding gives the bytes
 * {@link HttpClient#send} gives; the connection goes back to the pool only at the body's end and is closed when the
 * response is abandoned, fails or is cancelled mid-body; the client's limits and timeouts hold for each read.
 */
@Timeout(30)
class StreamedResponseTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void contentLengthChunkedAndUntilEofBodiesStreamWholeAndTheConnectionIsReusedAfterTheEnd() {
        byte[] body = random(300_000);
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
                case "/chunked" -> HttpResponse.of(200, "application/octet-stream", body)
                        .withHeader("Transfer-Encoding", "chunked");
                default -> HttpResponse.of(200, "application/octet-stream", body);
            }), HOST, 0));
                 RawServer eof = RawServer.replyingOnce("HTTP/1.1 200 OK\r\n\r\n" + "e".repeat(70_000));
                 HttpClient client = HttpClient.create()) {
                for (String path : List.of("/length", "/chunked")) {
                    for (int step : new int[] {1000, 65_536}) {
                        try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url(path))))) {
                            assertThat(r.status()).isEqualTo(200);
                            assertThat(r.isEnded()).isFalse();
                            assertThat(client.idleConnections()).isZero();   // the response holds it
                            assertThat(readAll(r, step)).as(path).isEqualTo(body);
                            assertThat(r.isEnded()).isTrue();
                            assertThat(client.idleConnections()).isEqualTo(1);   // back before close()
                            assertThat(await(r.readInto(new byte[1], 0, 1))).isEqualTo(-1);
                        }
                    }
                }
                assertThat(server.connectionsAccepted()).isEqualTo(1);
                try (StreamedResponse r = await(client.stream(HttpRequest.get(eof.url("/"))))) {
                    assertThat(new String(await(r.readAll()), StandardCharsets.ISO_8859_1))
                            .isEqualTo("e".repeat(70_000));
                }
                assertThat(client.openConnections(eof.url("/"))).isZero();   // ended by EOF: not reusable
            }
            return null;
        });
    }

    @Test
    void chunkedTrailersAreThereAtTheEnd() {
        run(() -> {
            try (RawServer server = RawServer.replying("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nChecksum: abc\r\n\r\n");
                 HttpClient client = HttpClient.create()) {
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/"))))) {
                    assertThat(r.trailers().size()).isZero();
                    assertThat(new String(readAll(r, 3), StandardCharsets.US_ASCII)).isEqualTo("hello world");
                    assertThat(r.trailers().get("checksum")).isEqualTo("abc");
                }
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("hello world");
                assertThat(server.connections).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void gzipAndDeflateBodiesAreDecodedAsTheyStream() {
        byte[] text = ("compressible and <a href=x>linked</a> " + new String(random(2000),
                StandardCharsets.ISO_8859_1)).repeat(200).getBytes(StandardCharsets.ISO_8859_1);
        run(() -> {
            try (HttpServer server = encodingServer(text); HttpClient client = HttpClient.create()) {
                for (String path : ENCODED_PATHS) {
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url(path))))) {
                        assertThat(readAll(r, 4096)).as(path).isEqualTo(text);
                        assertThat(r.headers().get("Content-Encoding")).isNotNull();   // as received
                    }
                }
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/empty"))))) {
                    assertThat(await(r.readAll())).isEmpty();
                }
                assertThat(server.connectionsAccepted()).isEqualTo(1);   // each decoder drained its body
            }
            return null;
        });
    }

    @Test
    void aBadEncodingIsAProtocolErrorAndTheConnectionsOwnErrorsPassThroughTheDecoderUnchanged() throws Exception {
        byte[] gzip = gzip(random(100_000));
        String head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gzip.length + "\r\n\r\n";
        CountDownLatch firstReadDone = new CountDownLatch(1);
        try (ServerSocket resetting = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            Thread peer = new Thread(() -> {   // a peer that resets the connection mid-body (SO_LINGER 0)
                try (Socket s = resetting.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write(bytes(head));
                    s.getOutputStream().write(gzip, 0, 1000);
                    firstReadDone.await();
                    s.setSoLinger(true, 0);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            peer.start();
            run(() -> {
                try (RawServer bad = RawServer.replying("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                        + "Content-Length: 4\r\n\r\nnope");
                     RawServer early = RawServer.replyingOnce(head + new String(gzip, 0, 1000,
                             StandardCharsets.ISO_8859_1));
                     HttpClient client = HttpClient.create()) {
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(bad.url("/"))))) {
                        assertThatThrownBy(() -> await(r.readAll())).isInstanceOf(HttpProtocolException.class)
                                .hasMessageStartingWith("bad gzip body");
                        assertThatThrownBy(() -> await(r.readInto(new byte[1], 0, 1)))
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("the streamed response failed: ");
                    }
                    assertThat(client.openConnections()).isZero();
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(early.url("/"))))) {
                        assertThatThrownBy(() -> await(r.readAll())).isInstanceOf(HttpProtocolException.class)
                                .hasMessage("connection closed early: body shorter than its Content-Length (1000 of "
                                        + gzip.length + " bytes)");
                    }
                    String url = "http://" + HOST + ":" + resetting.getLocalPort() + "/";
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(url)))) {
                        assertThat(await(r.readInto(new byte[100], 0, 100))).isPositive();
                        firstReadDone.countDown();
                        assertThatThrownBy(() -> await(r.readAll())).isInstanceOf(SocketException.class)
                                .hasMessageContaining("reset");
                    }
                    assertThat(client.openConnections()).isZero();
                } finally {
                    firstReadDone.countDown();
                }
                return null;
            });
            peer.join();
        }
    }

    @Test
    void aBodyOverTheMaximumFailsAtTheReadThatPassesItInEveryFramingAndAfterDecoding() throws Exception {
        byte[] big = new byte[5000];
        byte[] bomb = gzip(new byte[1 << 20]);
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
                assertThatThrownBy(() -> await(client.stream(HttpRequest.get(server.url("/length")))))
                        .isInstanceOf(BodyTooLargeException.class)
                        .hasMessage("body of 5000 bytes (Content-Length) exceeds the maximum of 4096 bytes");
                for (String url : List.of(server.url("/chunked"), server.url("/bomb"), eof.url("/"))) {
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(url)))) {
                        if (!url.endsWith("/chunked")) {   // a chunk declared over the maximum fails at once
                            byte[] buffer = new byte[1000];
                            assertThat(await(r.readInto(buffer, 0, 1000))).as(url).isPositive();
                        }
                        assertThatThrownBy(() -> readAll(r, 1000)).as(url)
                                .isInstanceOf(BodyTooLargeException.class)
                                .hasMessageContaining("exceeds the maximum of 4096 bytes");
                    }
                    assertThat(client.openConnections()).isZero();
                }
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/small"))))) {
                    assertThat(new String(await(r.readAll()), StandardCharsets.UTF_8)).isEqualTo("small");
                }
            }
            return null;
        });
    }

    @Test
    void cancellationMidBodyClosesTheConnectionAndThePoolStaysUsable() {
        run(() -> {
            Future<Void> never = Async.getRunningLoop().createFuture();
            try (RawServer half = RawServer.start((h, w, n) -> {
                if (n == 1) {
                    w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "a".repeat(40)));
                    await(w.drain());
                    await(never);
                    return false;
                }
                w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                return true;
            });
                 HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build()) {
                StreamedResponse[] response = new StreamedResponse[1];
                Task<Integer> reader = spawn(() -> {
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(half.url("/"))))) {
                        response[0] = r;
                        byte[] buffer = new byte[100];
                        int got = 0;
                        for (int n; (n = await(r.readInto(buffer, 0, 100))) >= 0; ) {
                            got += n;
                        }
                        return got;
                    }
                });
                while (response[0] == null) {
                    settle();
                }
                settle();
                assertThat(reader.isDone()).isFalse();     // it waits in the middle of the body
                reader.cancel();
                assertThatThrownBy(() -> await(reader)).isInstanceOf(CancelledError.class);
                assertThat(client.openConnections()).isZero();
                assertThatThrownBy(() -> await(response[0].readInto(new byte[1], 0, 1)))
                        .isInstanceOf(IllegalStateException.class);
                assertThat(await(client.get(half.url("/"))).text()).isEqualTo("ok");   // a new connection
                assertThat(half.connections).isEqualTo(2);
                never.setResult(null);
            }
            return null;
        });
    }

    @Test
    void closingBeforeTheEndClosesTheConnectionAndANoBodyResponseHasEndedAtOnce() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
                case "/204" -> HttpResponse.status(204);
                default -> HttpResponse.text(200, "x".repeat(100_000));
            }), HOST, 0));
                 HttpClient client = HttpClient.create()) {
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/204"))))) {
                    assertThat(r.isEnded()).isTrue();
                    assertThat(client.idleConnections()).isEqualTo(1);
                }
                try (StreamedResponse r = await(client.stream(HttpRequest.head(server.url("/"))))) {
                    assertThat(r.isEnded()).isTrue();
                    assertThat(r.head().contentType()).isEqualTo("text/plain");
                }
                StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/"))));
                assertThat(await(r.readInto(new byte[10], 0, 10))).isPositive();
                r.close();
                r.close();   // idempotent
                assertThat(client.openConnections()).isZero();
                assertThatThrownBy(() -> await(r.readInto(new byte[1], 0, 1)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("the streamed response was closed before its end");
                assertThat(server.connectionsAccepted()).isEqualTo(1);
                assertThatThrownBy(() -> r.readInto(new byte[1], 1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            }
            return null;
        });
    }

    @Test
    void theReadTimeoutHoldsForEachReadAndTheTotalTimeoutUpToTheLastByte() {
        run(() -> {
            Future<Void> never = Async.getRunningLoop().createFuture();
            try (RawServer stalls = RawServer.start((h, w, n) -> {
                w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
                await(w.drain());
                await(never);
                return false;
            });
                 HttpClient client = HttpClient.builder().readTimeout(SHORT).build();
                 HttpClient total = HttpClient.builder().totalTimeout(SHORT).build()) {
                try (StreamedResponse r = await(client.stream(HttpRequest.get(stalls.url("/"))))) {
                    assertThat(await(r.readInto(new byte[10], 0, 10))).isEqualTo(3);
                    assertThatThrownBy(() -> await(r.readInto(new byte[10], 0, 10)))
                            .isInstanceOfSatisfying(HttpTimeoutException.class,
                                    e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.READ))
                            .hasMessage("read timeout (200 ms) expired while reading the body");
                }
                assertThat(client.openConnections()).isZero();
                try (StreamedResponse r = await(total.stream(HttpRequest.get(stalls.url("/"))))) {
                    assertThatThrownBy(() -> await(r.readAll()))
                            .isInstanceOfSatisfying(HttpTimeoutException.class,
                                    e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.TOTAL))
                            .hasMessage("total timeout (200 ms) expired for GET " + stalls.url("/"));
                }
                assertThat(total.openConnections()).isZero();
                never.setResult(null);
            }
            return null;
        });
    }
}
