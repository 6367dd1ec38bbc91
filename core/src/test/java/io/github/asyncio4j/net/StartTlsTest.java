package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.HOST;
import static io.github.asyncio4j.net.NetTesting.run;
import static io.github.asyncio4j.net.NetTesting.spawn;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** STARTTLS: {@link StreamWriter#startTls} and {@link StreamWriter#startTlsServer} on an SMTP-like exchange. */
@Timeout(20)
class StartTlsTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void contexts() throws Exception {
        serverCtx = TestCerts.serverContext();
        clientCtx = TestCerts.clientContext();
    }

    static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    static String line(StreamReader r) {
        return new String(await(r.readLine()), US_ASCII).strip();
    }

    /**
     * A tiny SMTP-like server: a plaintext greeting, STARTTLS, then an encrypted EHLO answered with the TLS
     * protocol in use. With {@code lateRead}, it reads only after a pause and sends no go-ahead, for a client that
     * pipelines: its STARTTLS line and its ClientHello arrive in one read, and the hello sits in the reader's
     * buffer at the upgrade.
     */
    static ConnectionHandler smtp(boolean lateRead, Future<Integer> bufferedAtUpgrade, Future<Throwable> failed) {
        return (r, w) -> Coroutine.of(() -> {
            try {
                w.write(ascii("220 ready\r\n"));
                if (lateRead) {
                    await(sleep(0.2));
                }
                assertThat(line(r)).isEqualTo("STARTTLS");
                bufferedAtUpgrade.setResult(r.buffered());
                if (!lateRead) {
                    w.write(ascii("220 go ahead\r\n"));   // a pipelining client (lateRead) does not wait for it
                }
                await(w.startTlsServer(serverCtx));
                assertThat(line(r)).isEqualTo("EHLO client");
                w.write(ascii("250 hello over " + w.sslSession().getProtocol() + "\r\n"));
                await(w.drain());
            } catch (Exception e) {
                failed.setResult(e);
            } finally {
                w.close();
            }
            return null;
        });
    }

    @Test
    void plaintextGreetingThenUpgradeThenEncryptedExchange() {
        run(() -> {
            Future<Integer> buffered = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            Future<Throwable> failed = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            try (Server server = await(Streams.startServer(smtp(false, buffered, failed), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(line(c.reader())).isEqualTo("220 ready");
                c.writer().write(ascii("STARTTLS\r\n"));
                assertThat(line(c.reader())).isEqualTo("220 go ahead");
                assertThat(c.writer().sslSession()).isNull();
                await(c.writer().startTls(clientCtx, "localhost"));
                assertThat(c.writer().sslSession()).isNotNull();
                assertThat(c.writer().canWriteEof()).isFalse();
                c.writer().write(ascii("EHLO client\r\n"));
                assertThat(line(c.reader())).startsWith("250 hello over TLS");
                assertThat(await(c.reader().read(100))).isEmpty();   // the server closed (close_notify)
                assertThat(failed.isDone()).isFalse();
                assertThatThrownBy(() -> await(c.writer().startTls(clientCtx, "localhost")))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already uses TLS");
                c.close();
            }
            return null;
        });
    }

    @Test
    void bytesBufferedBeforeTheUpgradeStartTheHandshake() {
        run(() -> {
            Future<Integer> buffered = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            Future<Throwable> failed = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            try (Server server = await(Streams.startServer(smtp(true, buffered, failed), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(line(c.reader())).isEqualTo("220 ready");
                c.writer().write(ascii("STARTTLS\r\n"));   // and at once the ClientHello, without waiting
                await(c.writer().startTls(clientCtx, "localhost"));
                assertThat(await(buffered)).isPositive();   // the hello was in the server's reader at the upgrade
                c.writer().write(ascii("EHLO client\r\n"));
                assertThat(line(c.reader())).startsWith("250 hello over TLS");
                c.close();
            }
            return null;
        });
    }

    @Test
    void aHostnameMismatchClosesTheConnectionWithAnSslException() {
        run(() -> {
            Future<Integer> buffered = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            Future<Throwable> failed = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            try (Server server = await(Streams.startServer(smtp(false, buffered, failed), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(line(c.reader())).isEqualTo("220 ready");
                c.writer().write(ascii("STARTTLS\r\n"));
                assertThat(line(c.reader())).isEqualTo("220 go ahead");
                assertThatThrownBy(() -> await(c.writer().startTls(clientCtx, "mail.example.org")))
                        .isInstanceOf(SSLHandshakeException.class);
                assertThat(c.writer().isClosing()).isTrue();
                assertThatThrownBy(() -> await(c.writer().waitClosed())).isInstanceOf(SSLHandshakeException.class);
                assertThat(await(failed)).isInstanceOf(javax.net.ssl.SSLException.class);
            }
            return null;
        });
    }

    @Test
    void upgradingWhileAnotherTaskReadsIsRefused() {
        run(() -> {
            Future<Integer> buffered = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            Future<Throwable> failed = io.github.asyncio4j.Async.getRunningLoop().createFuture();
            try (Server server = await(Streams.startServer(smtp(true, buffered, failed), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(line(c.reader())).isEqualTo("220 ready");
                Task<byte[]> reading = spawn(() -> await(c.reader().readLine()));
                await(sleep(0));
                assertThatThrownBy(() -> await(c.writer().startTls(clientCtx, "localhost")))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("waiting to read");
                reading.cancel();
                c.close();
            }
            return null;
        });
    }
}
