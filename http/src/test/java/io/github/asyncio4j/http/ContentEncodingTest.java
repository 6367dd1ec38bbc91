package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.HttpTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Coroutine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code br} and {@code zstd} bodies, encoded by the reference command-line tools ({@code brotli} and {@code zstd},
 * Debian packages of the same names) so that the decoders are held to what real servers send, not to their own
 * encoders: decoded, chunked or not, bounded after decoding, truncated or corrupt ones refused.
 */
@Timeout(60)
class ContentEncodingTest {
    private static final byte[] TEXT = ("<p>compressible text, the kind a documentation page holds: "
            + "links, paragraphs and tables.</p>\n").repeat(2000).getBytes(StandardCharsets.UTF_8);
    private static byte[] br;
    private static byte[] zstd;

    @BeforeAll
    static void encode() throws Exception {
        br = tool(TEXT, "brotli", "-c", "-q", "9");
        zstd = tool(TEXT, "zstd", "-c", "-q", "-19");
    }

    /** {@code input} through {@code command} (reading stdin, writing stdout). */
    static byte[] tool(byte[] input, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IllegalStateException("this test needs the '" + command[0] + "' command (Debian package "
                    + command[0] + ")", e);
        }
        Thread feeder = Thread.ofPlatform().start(() -> {
            try (var in = p.getOutputStream()) {
                in.write(input);
            } catch (IOException ignored) {
                // the exit status reports it
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        feeder.join();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return out;
    }

    private static HttpServer serve(Map<String, HttpResponse> responses) {
        return await(HttpServer.start(request -> Coroutine.of(() ->
                responses.getOrDefault(request.path(), HttpResponse.status(404))), HOST, 0));
    }

    private static HttpResponse encoded(byte[] body, String coding) {
        return HttpResponse.of(200, "text/html", body).withHeader("Content-Encoding", coding);
    }

    @Test
    void brotliAndZstdBodiesAreDecodedAndAdvertised() {
        assertThat(br.length).isLessThan(TEXT.length / 20);
        assertThat(zstd.length).isLessThan(TEXT.length / 20);
        run(() -> {
            try (HttpServer server = serve(Map.of("/br", encoded(br, "br"), "/zstd", encoded(zstd, "zstd"),
                    "/BR", encoded(br, " BR "),
                    "/chunked-br", encoded(br, "br").withHeader("Transfer-Encoding", "chunked"),
                    "/chunked-zstd", encoded(zstd, "zstd").withHeader("Transfer-Encoding", "chunked")));
                 HttpClient client = HttpClient.create()) {
                for (String path : List.of("/br", "/zstd", "/BR", "/chunked-br", "/chunked-zstd")) {
                    HttpResponse r = await(client.get(server.url(path)));
                    assertThat(r.body()).as(path).isEqualTo(TEXT);
                    assertThat(r.headers().get("Content-Encoding")).as("headers stay as received").isNotNull();
                }
                assertThat(server.connectionsAccepted()).as("every response read whole: one connection").isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void theClientAsksForBrAndZstd() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
                    HttpResponse.text(200, request.headers().get("Accept-Encoding"))), HOST, 0));
                 HttpClient client = HttpClient.create()) {
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("gzip, deflate, br, zstd");
            }
            return null;
        });
    }

    @Test
    void decodedSizeIsBoundedSoABombCostsAtMostTheMaximum() throws Exception {
        byte[] zeros = new byte[16 << 20];       // 16 MiB of zeros: a few KiB encoded
        byte[] brBomb = tool(zeros, "brotli", "-c", "-q", "5");
        byte[] zstdBomb = tool(zeros, "zstd", "-c", "-q", "-3");
        assertThat(brBomb.length + zstdBomb.length).isLessThan(1 << 20);
        run(() -> {
            try (HttpServer server = serve(Map.of("/br", encoded(brBomb, "br"), "/zstd", encoded(zstdBomb, "zstd"),
                    "/fits", encoded(zstd, "zstd")));
                 HttpClient client = HttpClient.builder().maxBodySize(1 << 20).build()) {
                for (String path : List.of("/br", "/zstd")) {
                    assertThatThrownBy(() -> await(client.get(server.url(path)))).as(path)
                            .isInstanceOf(BodyTooLargeException.class)
                            .hasMessageContaining("after " + path.substring(1) + " decoding")
                            .hasMessageContaining("exceeds the maximum of 1048576 bytes");
                }
                assertThat(await(client.get(server.url("/fits"))).body()).isEqualTo(TEXT);
            }
            return null;
        });
    }

    @Test
    void truncatedOrCorruptBodiesAreProtocolErrorsNamingTheCoding() {
        byte[] brCut = Arrays.copyOf(br, br.length / 2);
        byte[] zstdCut = Arrays.copyOf(zstd, zstd.length / 2);
        byte[] garbage = "this is not compressed at all".getBytes(StandardCharsets.US_ASCII);
        run(() -> {
            try (HttpServer server = serve(Map.of("/br-cut", encoded(brCut, "br"),
                    "/zstd-cut", encoded(zstdCut, "zstd"), "/br-garbage", encoded(garbage, "br"),
                    "/zstd-garbage", encoded(garbage, "zstd")));
                 HttpClient client = HttpClient.create()) {
                for (String path : List.of("/br-cut", "/zstd-cut", "/br-garbage", "/zstd-garbage")) {
                    String coding = path.substring(1, path.indexOf('-'));
                    assertThatThrownBy(() -> await(client.get(server.url(path)))).as(path)
                            .isInstanceOf(HttpProtocolException.class)
                            .hasMessageStartingWith("bad " + coding + " body");
                }
                assertThat(client.openConnections()).as("a bad body discards its connection").isZero();
            }
            return null;
        });
    }
}
