package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.TestCerts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 against peers nobody here wrote, on loopback: our client against nginx (h2 over TLS with a test CA, and
 * h2c), our server against curl ({@code --http2} over TLS, {@code --http2-prior-knowledge}) and Python's httpx
 * with h2. Bodies are compared byte for byte (by SHA-256 for the Python peer), multi-MiB ones included. The
 * peers are Debian's {@code nginx-light} (or any nginx with the http_v2 module), {@code curl},
 * {@code python3-httpx} and {@code python3-h2}: a missing one fails the test, it is never skipped.
 */
@Timeout(120)
class Http2PeersTest {
    private static final int BIG = (5 << 20) + 7;
    /** Below nginx's default http2_max_concurrent_streams (128): all on one connection. */
    private static final int SMALL_FILES = 100;
    @TempDir
    static Path dir;
    private static Process nginx;
    private static int nginxTls;
    private static int nginxH2c;
    private static SSLContext trustsTestCa;
    private static SSLContext serverCtx;

    @BeforeAll
    static void startNginx() throws Exception {
        serverCtx = TestCerts.serverContext();
        String nginxBin = executable("nginx", "nginx-light");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("tmp"));
        for (int i = 0; i < SMALL_FILES; i++) {
            Files.write(www.resolve("f" + i), BodySizesTest.body(1000 + i));
        }
        Files.write(www.resolve("big"), BodySizesTest.body(BIG));
        makeTestCa();
        nginxTls = freePort();
        nginxH2c = freePort();
        String conf = """
                master_process off;
                daemon off;
                worker_processes 1;
                error_log DIR/error.log;
                pid DIR/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path DIR/tmp;
                    proxy_temp_path DIR/tmp;
                    fastcgi_temp_path DIR/tmp;
                    uwsgi_temp_path DIR/tmp;
                    scgi_temp_path DIR/tmp;
                    server {
                        listen 127.0.0.1:TLS ssl http2;
                        ssl_certificate DIR/server.pem;
                        ssl_certificate_key DIR/server.key;
                        root DIR/www;
                    }
                    server {
                        listen 127.0.0.1:H2C http2;
                        root DIR/www;
                    }
                }
                """.replace("DIR", dir.toString()).replace("TLS", Integer.toString(nginxTls))
                .replace("H2C", Integer.toString(nginxH2c));
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = new ProcessBuilder(nginxBin, "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int port : new int[] {nginxTls, nginxH2c}) {
            while (true) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    break;
                } catch (IOException e) {
                    if (!nginx.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
                                + readIfExists(dir.resolve("error.log")), e);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor();
            }
        }
    }

    private static String readIfExists(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    static String executable(String name, String debianPackage) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        throw new AssertionError(name + " is not installed (apt-get install " + debianPackage + "): the HTTP/2 "
                + "peer tests need a real one");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A test CA and a localhost certificate it signed, with openssl; a client context that trusts the CA. */
    private static void makeTestCa() throws Exception {
        String openssl = executable("openssl", "openssl");
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=asyncio4j test CA");
        run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        run(openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.pem")))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustsTestCa = SSLContext.getInstance("TLS");
        trustsTestCa.init(null, tmf.getTrustManagers(), null);
    }

    /** Runs a command in {@link #dir} to its end (blocking: for set-up only); returns its output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs a peer off the loop (a thread waits for it), at most 60 s; returns its standard output. */
    private static String peer(String... command) {
        return await(Async.toThread(() -> run(command)));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ---------------------------------------------------------------------------------------------------------

    @AsyncioTest
    void clientAgainstNginxOverTlsOneConnectionManyStreams() {
        try (HttpClient client = HttpClient.builder().sslContext(trustsTestCa).build()) {
            String base = "https://localhost:" + nginxTls + "/";
            List<Task<HttpResponse>> tasks = new ArrayList<>();
            for (int i = 0; i < SMALL_FILES; i++) {
                tasks.add(Async.createTask(client.get(base + "f" + i)));
            }
            Task<HttpResponse> big = Async.createTask(client.get(base + "big"));
            for (int i = 0; i < SMALL_FILES; i++) {
                HttpResponse r = await(tasks.get(i));
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(BodySizesTest.body(1000 + i));
            }
            assertThat(await(big).body()).isEqualTo(BodySizesTest.body(BIG));
            assertThat(client.openConnections()).as("one connection for the origin").isEqualTo(1);
            assertThat(await(client.get(base + "missing")).status()).isEqualTo(404);
        }
    }

    @AsyncioTest
    void clientAgainstNginxWithPriorKnowledge() {
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            HttpResponse r = await(client.get("http://127.0.0.1:" + nginxH2c + "/big"));
            assertThat(r.version()).isEqualTo("HTTP/2");
            assertThat(r.body()).isEqualTo(BodySizesTest.body(BIG));
            assertThat(await(client.get("http://127.0.0.1:" + nginxH2c + "/f7")).body())
                    .isEqualTo(BodySizesTest.body(1007));
        }
    }

    static HttpServer server(HttpServer.Options options) {
        return await(HttpServer.start(request -> Coroutine.of(() -> {
            if (request.path().equals("/echo")) {
                return HttpResponse.of(200, "application/octet-stream", request.body());
            }
            return HttpResponse.of(200, "application/octet-stream",
                    BodySizesTest.body(Integer.parseInt(request.path().substring(1))));
        }), HOST, 0, options));
    }

    @AsyncioTest
    void serverAgainstCurlOverTlsAndWithPriorKnowledge() throws Exception {
        String curl = executable("curl", "curl");
        Path up = dir.resolve("upload");
        byte[] upload = BodySizesTest.body(3 << 20);
        Files.write(up, upload);
        HttpServer tls = server(HttpServer.Options.defaults().withSsl(serverCtx));
        HttpServer h2c = server(HttpServer.Options.defaults().withHttp2PriorKnowledge(true));
        try (tls; h2c) {
            String[][] modes = {
                {"--http2", "-k", "https://localhost:" + tls.port()},
                {"--http2-prior-knowledge", "http://127.0.0.1:" + h2c.port()}};
            for (String[] mode : modes) {
                Path got = dir.resolve("got");
                List<String> get = new ArrayList<>(List.of(curl, "-sS", "-o", got.toString(), "-w",
                        "%{http_version} %{http_code}"));
                get.addAll(List.of(mode).subList(0, mode.length - 1));
                get.add(mode[mode.length - 1] + "/" + BIG);
                assertThat(peer(get.toArray(new String[0]))).isEqualTo("2 200");
                assertThat(Files.readAllBytes(got)).isEqualTo(BodySizesTest.body(BIG));
                List<String> post = new ArrayList<>(List.of(curl, "-sS", "-o", got.toString(), "-w",
                        "%{http_version} %{http_code}", "--data-binary", "@" + up));
                post.addAll(List.of(mode).subList(0, mode.length - 1));
                post.add(mode[mode.length - 1] + "/echo");
                assertThat(peer(post.toArray(new String[0]))).isEqualTo("2 200");
                assertThat(Files.readAllBytes(got)).isEqualTo(upload);
            }
        }
        await(tls.waitClosed());
        await(h2c.waitClosed());
    }

    @AsyncioTest
    void serverAgainstPythonHttpxWithH2() throws Exception {
        Path script = dir.resolve("client.py");
        Files.writeString(script, """
                import hashlib, sys, httpx
                base = sys.argv[1]
                upload = open(sys.argv[2], 'rb').read()
                with httpx.Client(http2=True, verify=False) as c:
                    for size in (0, 1, 70000, %d):
                        r = c.get(base + '/' + str(size))
                        print(r.http_version, r.status_code, hashlib.sha256(r.content).hexdigest())
                    r = c.post(base + '/echo', content=upload)
                    print(r.http_version, r.status_code, hashlib.sha256(r.content).hexdigest())
                """.formatted(BIG));
        Path up = dir.resolve("upload-py");
        byte[] upload = BodySizesTest.body((2 << 20) + 1);
        Files.write(up, upload);
        HttpServer tls = server(HttpServer.Options.defaults().withSsl(serverCtx));
        try (tls) {
            String out = peer("/usr/bin/python3", script.toString(), "https://localhost:" + tls.port(),
                    up.toString());
            StringBuilder expected = new StringBuilder();
            for (int size : new int[] {0, 1, 70000, BIG}) {
                expected.append("HTTP/2 200 ").append(sha256(BodySizesTest.body(size))).append('\n');
            }
            expected.append("HTTP/2 200 ").append(sha256(upload)).append('\n');
            assertThat(out).isEqualTo(expected.toString());
            assertThat(tls.connectionsAccepted()).isEqualTo(1);
        }
        await(tls.waitClosed());
    }
}
