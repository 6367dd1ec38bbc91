package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.crawler.CrawlCommandTest.Run;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.net.TestCerts;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broad-crawl options on the command line against servers on loopback: {@code --seeds} (a file, standard
 * input, bad lines), {@code --scope}, {@code --max-pages-per-host}, {@code --max-connections} and {@code --ca-cert};
 * each mistake one line and exit code 2, before any request.
 */
@Timeout(120)
class BroadCommandTest {
    @TempDir
    Path dir;

    /** One line on stderr, exit 2, nothing on stdout, no stack trace. */
    private static void oneLineUsageError(Run r, String line) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("crawl: " + line + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void seedsFromAFileAreCrawledAndABadLineIsReportedWithItsNumber() throws Exception {
        try (CountingServer a = new CountingServer(30)) {
            Path seeds = Files.writeString(dir.resolve("seeds.txt"), "# my sites\n" + a.root() + "\n\nbogus line\n");
            Path json = dir.resolve("r.json");
            Run r = run("-q", "--ignore-robots", "--seeds", seeds.toString(), "--max-pages-per-host", "10",
                    "--max-connections", "4", "--json", json.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("crawl: --seeds " + seeds + " line 4: 'bogus line' is not a URL (skipped)");
            JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            assertThat(report.getAsJsonObject("summary").getAsJsonObject("excluded").get("max-pages-per-host")
                    .getAsInt()).isPositive();
            assertThat(report.getAsJsonArray("pages")).as("the cap: 10 URLs of the host").hasSize(10);
        }
    }

    @Test
    void seedsFromStandardInputInAProcessOfTheirOwn() throws Exception {
        try (CountingServer a = new CountingServer(5)) {
            Process p = new ProcessBuilder(ChildCrawl.command(List.of("-q", "--seeds", "-", "--max-depth", "0")))
                    .redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((a.root() + "page/1\n# done\n").getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(a.count(a.root() + "page/1")).isEqualTo(1);
            assertThat(a.count(a.root())).as("only the seed, at depth 0").isZero();
        }
    }

    @Test
    void aSeedsFileThatCannotBeReadStopsTheCommandBeforeAnyRequest() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String root = "http://127.0.0.1:" + server.getLocalPort() + "/";
            Path missing = dir.resolve("missing.txt");
            oneLineUsageError(run("-q", "--seeds", missing.toString(), root), "--seeds " + missing + ": no such file");
            oneLineUsageError(run("-q", "--seeds", dir.toString(), root), "--seeds " + dir + ": it is a directory");
            server.setSoTimeout(50);
            org.assertj.core.api.Assertions.assertThatThrownBy(server::accept).as("no request was made")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aMisspeltScopeOrANumberBelowOneIsOneLineAndExitCodeTwo() {
        oneLineUsageError(run("-q", "--scope", "hots", "http://example.invalid/"),
                "--scope must be host, domain or any, not 'hots'");
        oneLineUsageError(run("-q", "--max-pages-per-host", "-3", "http://example.invalid/"),
                "--max-pages-per-host must be at least 1, not -3");
        oneLineUsageError(run("-q", "--max-pages-per-host", "0", "http://example.invalid/"),
                "--max-pages-per-host must be at least 1, not 0");
        oneLineUsageError(run("-q", "--max-connections", "0", "http://example.invalid/"),
                "--max-connections must be at least 1, not 0");
        Run notANumber = run("-q", "--max-pages-per-host", "many", "http://example.invalid/");
        assertThat(notANumber.code()).isEqualTo(2);
        assertThat(notANumber.err())
                .startsWith("Invalid value for option '--max-pages-per-host': 'many' is not a long");
        Run none = run("-q");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("give at least one ROOT URL, --seeds FILE, or --demo");
    }

    /** An HTTPS server with the test CA's localhost certificate, on a loop thread of its own. */
    private static final class TlsServer implements AutoCloseable {
        private final LoopThreadServer server;

        TlsServer() throws Exception {
            server = new LoopThreadServer("tls-server", (request, connection) -> Coroutine.of(() ->
                    HttpResponse.html(200, "<p>over TLS</p>")),
                    HttpServer.Options.defaults().withSsl(TestCerts.serverContext()));
        }

        String url() {
            return "https://localhost:" + server.port() + "/";
        }

        @Override
        public void close() throws InterruptedException {
            server.close();
        }
    }

    @Test
    void caCertTrustsAPrivateCaBesideTheDefaultOnes() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), TestCerts.serverCertificatePem());
        try (TlsServer server = new TlsServer()) {
            Path untrusted = dir.resolve("untrusted.json");
            Run without = run("-q", "--ignore-robots", "--max-tries", "1", "--json", untrusted.toString(),
                    server.url());
            assertThat(without.code()).as(without.err()).isZero();
            assertThat(Files.readString(untrusted)).contains("SSLHandshakeException");
            Path trusted = dir.resolve("trusted.json");
            Run with = run("-q", "--ignore-robots", "--ca-cert", pem.toString(), "--json", trusted.toString(),
                    server.url());
            assertThat(with.code()).as(with.err()).isZero();
            JsonObject summary = JsonParser.parseString(Files.readString(trusted)).getAsJsonObject()
                    .getAsJsonObject("summary");
            assertThat(summary.getAsJsonObject("statuses").get("200").getAsInt()).isEqualTo(1);
            assertThat(summary.get("errors").getAsInt()).isZero();
        }
    }

    @Test
    void aCaCertFileThatIsMissingOrNotPemIsOneLineAndExitCodeTwo() throws Exception {
        Path missing = dir.resolve("none.pem");
        oneLineUsageError(run("-q", "--ca-cert", missing.toString(), "https://example.invalid/"),
                "--ca-cert " + missing + ": no such file");
        Path text = Files.writeString(dir.resolve("text.pem"), "just some text\n");
        oneLineUsageError(run("-q", "--ca-cert", text.toString(), "https://example.invalid/"),
                "--ca-cert " + text + ": not a PEM certificate file (CertificateException: No certificate data found)");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        oneLineUsageError(run("-q", "--ca-cert", empty.toString(), "https://example.invalid/"),
                "--ca-cert " + empty + ": holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        Run r = run("-q", "--ca-cert", broken.toString(), "https://example.invalid/");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("crawl: --ca-cert " + broken + ": not a PEM certificate file (")
                .doesNotContain("\tat ");
        assertThat(r.err().strip()).doesNotContain("\n");
    }
}
