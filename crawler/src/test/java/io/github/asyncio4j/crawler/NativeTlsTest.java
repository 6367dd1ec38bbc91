package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import io.github.asyncio4j.net.TestCerts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NativeTls}: the crawler's https goes through BoringSSL's engine where its library loads (this build's
 * platform, linux-x86_64, ships it), with the JDK's trust, host-name check and ALPN choice, and falls back to the
 * JDK's engine with one line when the library does not load.
 */
class NativeTlsTest {
    private static final List<String> H2 = List.of("h2", "http/1.1");

    @TempDir
    Path dir;

    private TrustManagerFactory trustTheTestCertificate() throws Exception {
        return CaCertificates.trust(Files.writeString(dir.resolve("ca.pem"), TestCerts.serverCertificatePem()));
    }

    private static SSLContext nativeContext(TrustManagerFactory trust, List<String> alpn, PrintStream err) {
        return NativeTls.choose("native", NativeTls::unavailability, () -> trust, alpn, () -> null, err);
    }

    /** GETs {@code path} from a TLS server with the localhost certificate on {@code host}, through {@code client}. */
    private static HttpResponse get(SSLContext client, String host, String urlHost) throws Exception {
        SSLContext server = TestCerts.serverContext();
        return Async.run(Coroutine.of(() -> {
            HttpServer s = await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.text(200, "over TLS")),
                    host, 0, HttpServer.Options.defaults().withSsl(server)));
            try (s; HttpClient c = HttpClient.builder().sslContext(client).build()) {
                return await(c.get("https://" + urlHost + ":" + s.port() + "/"));
            }
        }));
    }

    @Test
    void theNativeLibraryLoadsOnThisPlatform() {
        assertThat(NativeTls.unavailability()).isNull();
    }

    @Test
    void engineAndAlpnAreBoringSslsAndChoseHttp2OrHttp11AsOffered() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        SSLContext h2 = nativeContext(trustTheTestCertificate(), H2, errStream);
        assertThat(h2.createSSLEngine("localhost", 443).getClass().getName()).startsWith("io.netty.handler.ssl.");
        HttpResponse r = get(h2, "127.0.0.1", "localhost");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("over TLS");
        assertThat(r.version()).isEqualTo("HTTP/2");
        SSLContext http1 = nativeContext(trustTheTestCertificate(), List.of("http/1.1"), errStream);
        assertThat(get(http1, "127.0.0.1", "localhost").version()).isEqualTo("HTTP/1.1");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    /**
     * The launcher's ChaCha20-first preference ({@link HttpFetcher#PREFER_CHACHA20}, for the JDK's AES-GCM under C1)
     * is left out of BoringSSL's ClientHello: its AES-GCM is native code, the faster. The JDK's engine takes it.
     */
    @Test
    void chaCha20IsPreferredForTheJdksEngineOnly() throws Exception {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(null, trustTheTestCertificate().getTrustManagers(), null);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(firstOfferedSuite(nativeContext(trustTheTestCertificate(), H2, quiet)))
                .isEqualTo(0x1301);                                     // TLS_AES_128_GCM_SHA256, BoringSSL's first
        assertThat(firstOfferedSuite(jdk)).isEqualTo(0x1303);           // TLS_CHACHA20_POLY1305_SHA256
    }

    /** The first cipher suite a client preferring ChaCha20 over {@code context} offers in its ClientHello. */
    private static int firstOfferedSuite(SSLContext context) {
        return Async.run(Coroutine.of(() -> {
            AtomicInteger first = new AtomicInteger(-1);
            Server server = await(Streams.startServer((r, w) -> Coroutine.of(() -> {   // plain TCP: reads the hello
                byte[] hello = await(r.readExactly(5 + 4 + 2 + 32 + 1));   // record, handshake, version, random
                await(r.readExactly((hello[hello.length - 1] & 0xff) + 2)); // session id, cipher suites' length
                byte[] suite = await(r.readExactly(2));
                first.set((suite[0] & 0xff) << 8 | (suite[1] & 0xff));
                w.close();
                return null;
            }), "127.0.0.1", 0));
            try (server; HttpClient client = HttpClient.builder().sslContext(context)
                    .preferredCipherSuites(HttpFetcher.CHACHA20_SUITES).build()) {
                assertThatThrownBy(() -> await(client.get("https://localhost:" + server.port() + "/")))
                        .isInstanceOf(Exception.class);
            }
            return first.get();
        }));
    }

    /** The reason is the JDK trust manager's; Netty's message alone says "General OpenSslEngine problem". */
    @Test
    void anUntrustedCertificateOrAnotherHostsNameIsRefusedWithTheReason() throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SSLContext defaultTrust = nativeContext(CaCertificates.defaultTrust(), H2, quiet);
        assertThatThrownBy(() -> get(defaultTrust, "127.0.0.1", "localhost"))
                .isInstanceOf(SSLHandshakeException.class)
                .satisfies(e -> assertThat(ErrorText.of(e)).startsWith("SSLHandshakeException: ValidatorException:"
                        + " PKIX path building failed"));
        SSLContext trusting = nativeContext(trustTheTestCertificate(), H2, quiet);
        // trusted, but made for localhost and 127.0.0.1: not for 127.0.0.2 (a loopback address too)
        assertThatThrownBy(() -> get(trusting, "127.0.0.2", "127.0.0.2"))
                .isInstanceOf(SSLHandshakeException.class)
                .satisfies(e -> assertThat(ErrorText.of(e)).startsWith("SSLHandshakeException: CertificateException:"
                        + " No subject alternative names matching IP address 127.0.0.2 found"));
    }

    @Test
    void withoutTheNativeLibraryTheJdksEngineServesAfterOneLine() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger asked = new AtomicInteger();
        TrustManagerFactory trust = trustTheTestCertificate();
        SSLContext jdk = CaCertificates.sslContext(dir.resolve("ca.pem"), trust);
        SSLContext fallback = NativeTls.choose("native", () -> {
            asked.incrementAndGet();
            return new UnsatisfiedLinkError("no netty_tcnative_linux_x86_64 in java.library.path");
        }, () -> trust, H2, () -> jdk, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(asked).hasValue(0);    // nothing is loaded before the first https connection
        assertThat(fallback.createSSLEngine("localhost", 443).getClass().getName()).startsWith("sun.security.ssl.");
        assertThat(get(fallback, "127.0.0.1", "localhost").version()).isEqualTo("HTTP/2");
        assertThat(asked).hasValue(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("crawl: native TLS unavailable"
                + " (UnsatisfiedLinkError: no netty_tcnative_linux_x86_64 in java.library.path);"
                + " using the JDK's TLS engine" + System.lineSeparator());
    }

    @Test
    void preparedInTheBackgroundTheContextIsDecidedOnceAndTheFirstEngineWaitsForIt() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        TrustManagerFactory trust = trustTheTestCertificate();
        SSLContext context = NativeTls.choose("native", () -> {
            asked.incrementAndGet();
            return NativeTls.unavailability();
        }, () -> trust, H2, () -> null, System.err);
        assertThat(context).isInstanceOf(NativeTls.LazyContext.class);
        ((NativeTls.LazyContext) context).prepareInBackground();
        ((NativeTls.LazyContext) context).prepareInBackground();
        assertThat(context.createSSLEngine("localhost", 443).getClass().getName()).startsWith("io.netty.handler.ssl.");
        assertThat(get(context, "127.0.0.1", "localhost").version()).isEqualTo("HTTP/2");
        assertThat(asked).hasValue(1);
    }

    @Test
    void theJdkEngineIsChosenByName() throws Exception {
        SSLContext jdk = CaCertificates.sslContext(dir.resolve("ca.pem"), trustTheTestCertificate());
        assertThat(NativeTls.choose("jdk", () -> {
            throw new AssertionError("the native library is not looked at");
        }, () -> null, H2, () -> jdk, System.err)).isSameAs(jdk);
        assertThatThrownBy(() -> NativeTls.choose("openssl", () -> null, () -> null, H2, () -> jdk, System.err))
                .isInstanceOf(CrawlSetupException.class)
                .hasMessage("-Dasyncio4j.crawler.tls=openssl: expected native or jdk");
    }
}
