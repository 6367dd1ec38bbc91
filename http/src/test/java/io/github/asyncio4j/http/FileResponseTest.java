package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Streams;
import io.github.asyncio4j.net.TestCerts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HttpResponse#file}: sent with sendfile (copied through TLS), HEAD, 404/403, the file closed on a reset. */
@Timeout(60)
class FileResponseTest {
    @TempDir
    static Path root;

    /** Serves the file named by the request path under {@link #root}. */
    private static final HttpHandler FILES = request -> Coroutine.of(() ->
            HttpResponse.file(root.resolve(request.path().substring(1))));

    private static byte[] randomFile(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Files.write(root.resolve(name), data);
        return data;
    }

    @Test
    void largeAndSmallFilesArriveIdenticalWithLengthAndTypeOnOneConnection() throws Exception {
        byte[] big = randomFile("big.bin", 3 << 20);
        Files.writeString(root.resolve("index.html"), "<a href=/big.bin>big</a>");
        Files.write(root.resolve("empty.txt"), new byte[0]);
        run(() -> {
            try (HttpServer server = await(HttpServer.start(FILES, HOST, 0));
                 HttpClient client = HttpClient.create()) {
                HttpResponse r = await(client.get(server.url("/big.bin")));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(big);
                assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(3 << 20));
                assertThat(r.contentType()).isEqualTo("application/octet-stream");
                HttpResponse html = await(client.get(server.url("/index.html")));
                assertThat(html.text()).isEqualTo("<a href=/big.bin>big</a>");
                assertThat(html.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
                assertThat(await(client.get(server.url("/empty.txt"))).body()).isEmpty();
                assertThat(await(client.get(server.url("/big.bin"))).body()).isEqualTo(big);
                assertThat(server.connectionsAccepted()).isEqualTo(1);   // keep-alive across file responses
            }
            return null;
        });
    }

    @Test
    void overTlsTheFileIsCopiedThroughTheEncryption() throws Exception {
        byte[] big = randomFile("tls.bin", (1 << 20) + 12345);
        SSLContext serverCtx = TestCerts.serverContext();
        SSLContext clientCtx = TestCerts.clientContext();
        run(() -> {
            try (HttpServer server = await(HttpServer.start(FILES, HOST, 0,
                    HttpServer.Options.defaults().withSsl(serverCtx)));
                 HttpClient client = HttpClient.builder().sslContext(clientCtx).build()) {
                HttpResponse r = await(client.get("https://localhost:" + server.port() + "/tls.bin"));
                assertThat(r.body()).isEqualTo(big);
            }
            return null;
        });
    }

    @Test
    void headGetsTheLengthWithoutTheBodyAndMissingOrOddFilesGet404Or403() throws Exception {
        Files.writeString(root.resolve("head.css"), "p { color: red }");
        Files.createDirectories(root.resolve("dir"));
        run(() -> {
            try (HttpServer server = await(HttpServer.start(FILES, HOST, 0))) {
                String all = exchange(server, "HEAD /head.css HTTP/1.1\r\n\r\n"
                        + "GET /no-such-file HTTP/1.1\r\n\r\n"
                        + "GET /dir HTTP/1.1\r\n\r\n"
                        + "GET /head.css HTTP/1.1\r\nConnection: close\r\n\r\n");
                assertThat(all).isEqualTo(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: 16\r\n\r\n"
                        + "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: 10\r\n\r\nnot found\n"
                        + "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: 11\r\n\r\nnot a file\n"
                        + "HTTP/1.1 200 OK\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: 16\r\n"
                        + "Connection: close\r\n\r\np { color: red }");
            }
            return null;
        });
    }

    @Test
    void aClientResettingMidTransferClosesTheFileAndTheConnection() throws Exception {
        assumeThat(Path.of("/proc/self/fd")).isDirectory();   // how the test sees the server's open files
        Path huge = root.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(64L << 20);   // sparse: more than loopback's socket buffers can take
        }
        run(() -> {
            try (HttpServer server = await(HttpServer.start(FILES, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                c.writer().write(bytes("GET /huge.bin HTTP/1.1\r\n\r\n"));
                assertThat(new String(await(c.reader().readExactly(17)), StandardCharsets.ISO_8859_1))
                        .isEqualTo("HTTP/1.1 200 OK\r\n");
                await(c.reader().read(64 * 1024));
                assertThat(openDescriptorsOf(huge)).isEqualTo(1);   // the server is stuck in the transfer
                c.writer().abort();   // RST: the server's next sendfile fails
                for (int i = 0; i < 1000 && (openDescriptorsOf(huge) > 0 || server.activeConnections() > 0); i++) {
                    await(sleep(0.01));
                }
                assertThat(openDescriptorsOf(huge)).isZero();
                assertThat(server.activeConnections()).isZero();
            }
            return null;
        });
    }

    /** How many of this process's file descriptors are open on {@code file} (Linux's /proc). */
    private static long openDescriptorsOf(Path file) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            Path real = file.toRealPath();
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException gone) {
                    return false;   // closed while listing
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mediaTypesByExtensionAndBadInput() {
        assertThat(MediaTypes.forFileName("a.HTML")).isEqualTo("text/html; charset=utf-8");
        assertThat(MediaTypes.forFileName("app.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(MediaTypes.forFileName("x.tar.gz")).isEqualTo("application/gzip");
        assertThat(MediaTypes.forFileName("photo.jpeg")).isEqualTo("image/jpeg");
        assertThat(MediaTypes.forFileName("README")).isEqualTo("application/octet-stream");
        assertThat(MediaTypes.forFileName("trailing.")).isEqualTo("application/octet-stream");
        assertThat(MediaTypes.forFileName("odd.xyz")).isEqualTo("application/octet-stream");
        assertThat(HttpResponse.file(Path.of("/srv/report.pdf"), "application/x-custom").contentType())
                .isEqualTo("application/x-custom");
        assertThat(HttpResponse.file(Path.of("/srv/report.pdf")).toString()).contains("file /srv/report.pdf");
        assertThatThrownBy(() -> HttpResponse.file(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("file");
        assertThatThrownBy(() -> new HttpResponse(200, "OK", Headers.empty(), new byte[] {1}, "HTTP/1.1",
                Headers.empty(), Path.of("/x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("either a body or a file");
    }
}
