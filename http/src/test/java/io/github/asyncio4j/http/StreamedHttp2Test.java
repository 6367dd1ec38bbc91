package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpClient#stream} over HTTP/2: the body comes piece by piece from the stream (as {@link HttpClient#send}
 * gives it, decoded alike), the response owns its stream and not the connection, so closing, failing or
 * cancelling it mid-body resets that stream alone and the connection serves the next request.
 */
@Timeout(30)
class StreamedHttp2Test {
    private static final byte[] BODY = new byte[1 << 20];
    /** Four times the client's stream window ({@code HttpClient.STREAM_WINDOW}, 1 MiB). */
    private static final byte[] BIG = new byte[4 << 20];

    static {
        new Random(7).nextBytes(BODY);
        new Random(8).nextBytes(BIG);
    }

    private static HttpServer h2Server(byte[] text) {
        byte[] gzip = gzip(text);
        byte[] bomb = gzip(new byte[1 << 20]);
        return await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
            case "/gzip" -> HttpResponse.of(200, "text/plain", gzip).withHeader("Content-Encoding", "gzip");
            case "/bomb" -> HttpResponse.of(200, "text/plain", bomb).withHeader("Content-Encoding", "gzip");
            case "/204" -> HttpResponse.status(204);
            case "/small" -> HttpResponse.text(200, "small");
            case "/big" -> HttpResponse.of(200, "application/octet-stream", BIG);
            default -> HttpResponse.of(200, "application/octet-stream", BODY);
        }), HOST, 0, HttpServer.Options.defaults().withHttp2PriorKnowledge(true)));
    }

    private static HttpClient h2Client(long maxBody) {
        return HttpClient.builder().version(HttpVersion.HTTP_2).maxBodySize(maxBody).build();
    }

    @Test
    void aBodyStreamsPieceByPieceAndDecodedOnOneSharedConnection() {
        byte[] text = "compressible <a href=x>linked</a> text ".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        run(() -> {
            try (HttpServer server = h2Server(text); HttpClient client = h2Client(8 << 20)) {
                for (int step : new int[] {1000, 16_384, 65_536}) {
                    try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/body"))))) {
                        assertThat(r.version()).isEqualTo("HTTP/2");
                        assertThat(r.head().version()).isEqualTo("HTTP/2");
                        assertThat(r.isEnded()).isFalse();
                        assertThat(readAll(r, step)).isEqualTo(BODY);
                        assertThat(r.isEnded()).isTrue();
                        assertThat(await(r.readInto(new byte[1], 0, 1))).isEqualTo(-1);
                    }
                }
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/gzip"))))) {
                    assertThat(readAll(r, 4096)).isEqualTo(text);
                    assertThat(r.headers().get("content-encoding")).isEqualTo("gzip");   // as received
                }
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/204"))))) {
                    assertThat(r.isEnded()).isTrue();   // no body: ended when returned
                    assertThat(r.status()).isEqualTo(204);
                }
                assertThat(await(client.get(server.url("/body"))).body()).isEqualTo(BODY);   // send agrees
                assertThat(server.connectionsAccepted()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void closingOrCancellingMidBodyResetsTheStreamAloneAndTheConnectionServesTheNext() {
        run(() -> {
            try (HttpServer server = h2Server(new byte[0]); HttpClient client = h2Client(8 << 20)) {
                StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/body"))));
                assertThat(await(r.readInto(new byte[10], 0, 10))).isPositive();
                r.close();
                r.close();   // idempotent
                assertThatThrownBy(() -> await(r.readInto(new byte[1], 0, 1)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("the streamed response was closed before its end");

                StreamedResponse[] response = new StreamedResponse[1];
                Task<Integer> reader = spawn(() -> {
                    try (StreamedResponse s = await(client.stream(HttpRequest.get(server.url("/body"))))) {
                        response[0] = s;
                        await(s.readInto(new byte[100], 0, 100));
                        await(io.github.asyncio4j.Async.sleep(3600));   // a reader that stopped reading
                        return readAll(s, 100).length;
                    }
                });
                while (response[0] == null) {
                    settle();
                }
                settle();
                reader.cancel();
                assertThatThrownBy(() -> await(reader)).isInstanceOf(CancelledError.class);

                assertThat(await(client.get(server.url("/small"))).text()).isEqualTo("small");
                assertThat(client.openConnections()).isEqualTo(1);
                assertThat(server.connectionsAccepted()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void aBodyOverTheMaximumFailsAtOnceByItsLengthOrAtTheReadThatPassesItAfterDecoding() {
        run(() -> {
            try (HttpServer server = h2Server(new byte[0]); HttpClient client = h2Client(4096)) {
                assertThatThrownBy(() -> await(client.stream(HttpRequest.get(server.url("/body")))))
                        .isInstanceOf(BodyTooLargeException.class)
                        .hasMessage("body of " + BODY.length + " bytes (content-length) exceeds the maximum of 4096"
                                + " bytes");
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/bomb"))))) {
                    assertThatThrownBy(() -> readAll(r, 1000))
                            .isInstanceOf(BodyTooLargeException.class)
                            .hasMessageContaining("exceeds the maximum of 4096 bytes");
                }
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/small"))))) {
                    assertThat(new String(await(r.readAll()), StandardCharsets.UTF_8)).isEqualTo("small");
                }
                assertThat(server.connectionsAccepted()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void aBodyGrowingPastTheMaximumWithoutALengthFailsAtTheReadThatPassesIt() {
        Http2Stream s = new Http2Stream(null, 1, 65_535, 65_535);
        s.received(new byte[3000]);
        s.received(new byte[3000]);
        s.endReceived = true;
        Http2Body body = new Http2Body(s, java.time.Duration.ZERO, 4096);
        assertThat(body.read(new byte[10_000], 0, 10_000)).isEqualTo(3000);
        assertThatThrownBy(() -> body.read(new byte[10_000], 0, 10_000))
                .isInstanceOf(BodyTooLargeException.class)
                .hasMessage("HTTP/2 response body exceeds the maximum of 4096 bytes");
    }

    @Test
    void aReaderThatStopsHoldsAtMostTheStreamsWindowAndTheRestComesAsItReads() {
        run(() -> {
            try (HttpServer server = h2Server(new byte[0]); HttpClient client = h2Client(8 << 20)) {
                try (StreamedResponse r = await(client.stream(HttpRequest.get(server.url("/big"))))) {
                    byte[] first = new byte[10];
                    assertThat(await(r.readInto(first, 0, 10))).isEqualTo(10);
                    Http2Body body = (Http2Body) r.source();
                    long window = 1 << 20;
                    for (int i = 0; i < 2000 && body.unread() < window - 10; i++) {   // at most 10 s
                        await(io.github.asyncio4j.Async.sleep(0.005));
                    }
                    assertThat(body.unread()).as("the server filled the window").isEqualTo(window - 10);
                    settle();
                    await(io.github.asyncio4j.Async.sleep(0.05));
                    assertThat(body.unread()).as("and sent nothing past it").isEqualTo(window - 10);
                    byte[] rest = readAll(r, 65_536);
                    byte[] all = new byte[10 + rest.length];
                    System.arraycopy(first, 0, all, 0, 10);
                    System.arraycopy(rest, 0, all, 10, rest.length);
                    assertThat(all).isEqualTo(BIG);
                }
            }
            return null;
        });
    }
}
