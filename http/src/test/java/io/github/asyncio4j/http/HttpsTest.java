package io.github.asyncio4j.http;

import io.github.asyncio4j.net.TestCerts;
import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** https against the embedded server with self-signed certificates made at test time. */
@Timeout(30)
class HttpsTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        serverCtx = TestCerts.serverContext();
        clientCtx = TestCerts.clientContext();
    }

    private static HttpServer echoPath(SSLContext ctx) {
        return await(HttpServer.start(request -> Coroutine.of(() ->
                        HttpResponse.text(200, "secret " + request.path() + " for " + request.headers().get("Host"))),
                HOST, 0, HttpServer.Options.defaults().withSsl(ctx)));
    }

    @AsyncioTest
    void httpsWithATrustedCertificateAndKeepAlive() {
        HttpServer server = echoPath(serverCtx);
        try (server; HttpClient client = HttpClient.builder().sslContext(clientCtx).build()) {
            for (String host : new String[] {"localhost", "127.0.0.1"}) {   // SNI name and IP address SAN
                String url = "https://" + host + ":" + server.port() + "/x";
                HttpResponse r = await(client.get(url));
                assertThat(r.text()).isEqualTo("secret /x for " + host + ":" + server.port());
                assertThat(await(client.get(url)).status()).isEqualTo(200);
            }
            assertThat(server.url("/")).startsWith("https://");
            assertThat(server.connectionsAccepted()).isEqualTo(2);   // one per origin, each reused
        }
        await(server.waitClosed());   // the two connections' tasks end too
    }

    @AsyncioTest
    void largeBodiesCrossTlsExactlyBothWays() {
        byte[] big = BodySizesTest.body((1 << 20) + 3);   // read with readInto from the TLS layer's plaintext
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.of(200,
                "application/octet-stream", request.body().length == 0 ? big : request.body())),
                HOST, 0, HttpServer.Options.defaults().withSsl(serverCtx)));
        try (server; HttpClient client = HttpClient.builder().sslContext(clientCtx).build()) {
            String url = "https://localhost:" + server.port() + "/big";
            assertThat(await(client.get(url)).body()).isEqualTo(big);
            byte[] up = BodySizesTest.body(300_000);
            assertThat(await(client.send(HttpRequest.of("POST", java.net.URI.create(url), up))).body())
                    .isEqualTo(up);
        }
        await(server.waitClosed());
    }

    @AsyncioTest
    void aCertificateForAnotherHostIsRefused() throws Exception {
        SSLContext otherServer = TestCerts.someoneElseServerContext();
        SSLContext trustsOther = TestCerts.untrustingClientContext();   // trusts the "someone-else" certificate
        try (HttpServer server = echoPath(otherServer);
             HttpClient client = HttpClient.builder().sslContext(trustsOther).build()) {
            assertThatThrownBy(() -> await(client.get("https://localhost:" + server.port() + "/")))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("localhost");
            assertThat(client.openConnections()).isZero();
        }
    }

    @AsyncioTest
    void anUntrustedCertificateIsRefused() throws Exception {
        try (HttpServer server = echoPath(serverCtx);
             HttpClient client = HttpClient.builder().sslContext(TestCerts.untrustingClientContext()).build()) {
            assertThatThrownBy(() -> await(client.get("https://localhost:" + server.port() + "/")))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(client.openConnections()).isZero();
        }
    }

    @AsyncioTest
    void theHostNameIsSentAsSni() {
        List<SNIServerName> seen = new ArrayList<>();
        Server server = await(Streams.startServer((r, w) -> Coroutine.of(() -> {
            seen.addAll(((ExtendedSSLSession) w.sslSession()).getRequestedServerNames());
            await(r.readUntil(bytes("\r\n\r\n")));
            w.write(bytes("HTTP/1.1 204 No Content\r\n\r\n"));
            await(w.drain());
            w.close();
            return null;
        }), HOST, 0, serverCtx));
        try (HttpClient client = HttpClient.builder().sslContext(clientCtx).build()) {
            assertThat(await(client.get("https://LocalHost:" + server.port() + "/")).status()).isEqualTo(204);
            assertThat(seen).containsExactly(new SNIHostName("localhost"));
        } finally {
            server.close();
        }
    }

    @AsyncioTest
    void preferredCipherSuitesAreOfferedFirstInTheClientHello() {
        List<Integer> firstOffered = new ArrayList<>();
        Server server = await(Streams.startServer((r, w) -> Coroutine.of(() -> {   // plain TCP: reads the hello
            byte[] hello = await(r.readExactly(5 + 4 + 2 + 32 + 1));
            int sessionId = hello[hello.length - 1] & 0xff;
            await(r.readExactly(sessionId + 2));                        // session id, cipher suites' length
            byte[] first = await(r.readExactly(2));
            firstOffered.add((first[0] & 0xff) << 8 | (first[1] & 0xff));
            w.close();
            return null;
        }), HOST, 0));
        try (HttpClient plain = HttpClient.builder().sslContext(clientCtx).build();
             HttpClient preferring = HttpClient.builder().sslContext(clientCtx)
                     .preferredCipherSuites("TLS_CHACHA20_POLY1305_SHA256").build()) {
            String url = "https://localhost:" + server.port() + "/";
            assertThatThrownBy(() -> await(plain.get(url))).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> await(preferring.get(url))).isInstanceOf(Exception.class);
            // 0x1302 TLS_AES_256_GCM_SHA384 (the JDK's first), 0x1303 TLS_CHACHA20_POLY1305_SHA256
            assertThat(firstOffered).containsExactly(0x1302, 0x1303);
        } finally {
            server.close();
        }
    }

    @org.junit.jupiter.api.Test
    void preferringSuitesReordersOnlyNeverAddsOrDrops() throws Exception {
        SSLContext wrapped = PreferredCipherSuites.wrap(clientCtx,
                List.of("TLS_CHACHA20_POLY1305_SHA256", "NOT_A_SUITE"));
        String[] before = clientCtx.createSSLEngine("localhost", 443).getEnabledCipherSuites();
        String[] after = wrapped.createSSLEngine("localhost", 443).getEnabledCipherSuites();
        assertThat(after).containsExactlyInAnyOrder(before);
        assertThat(after[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(wrapped.getDefaultSSLParameters().getCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(PreferredCipherSuites.wrap(clientCtx, List.of())).isSameAs(clientCtx);
    }
}
