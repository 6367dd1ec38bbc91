package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Task;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS streams, client and server both asyncio4j, with a self-signed certificate made at test time. */
@Timeout(20)
class TlsTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        serverCtx = TestCerts.serverContext();
        clientCtx = TestCerts.clientContext();
    }

    @Test
    void echoOverTlsWithSessionsAndSni() {
        run(() -> {
            List<Object> seenByServer = new ArrayList<>();
            boolean[] serverSawCleanEof = {false};
            ConnectionHandler echo = (r, w) -> Coroutine.of(() -> {
                ExtendedSSLSession session = (ExtendedSSLSession) w.sslSession();
                seenByServer.addAll(session.getRequestedServerNames());
                byte[] line;
                while ((line = await(r.readLine())).length > 0) {
                    w.write(line);
                    await(w.drain());
                }
                serverSawCleanEof[0] = r.atEof() && r.exception() == null;
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(echo, HOST, 0, serverCtx))) {
                Connection c = await(Streams.openConnection("localhost", server.port(), clientCtx));
                assertThat(c.writer().sslSession()).isNotNull();
                assertThat(c.writer().sslSession().getProtocol()).startsWith("TLS");
                assertThat(c.writer().canWriteEof()).isFalse();
                assertThatThrownBy(() -> c.writer().writeEof()).isInstanceOf(UnsupportedOperationException.class);
                for (int i = 0; i < 10; i++) {
                    c.writer().write(bytes("secret " + i + "\n"));
                    assertThat(text(await(c.reader().readLine()))).isEqualTo("secret " + i + "\n");
                }
                assertThat(seenByServer).containsExactly(new SNIHostName("localhost"));
                c.writer().close();   // close_notify: the server's reader sees EOF, its handler closes too
                await(c.writer().waitClosed());
                server.close();
                await(server.waitClosed());
                assertThat(serverSawCleanEof[0]).as("the client's close_notify is a clean EOF for the server").isTrue();
            }
            return null;
        });
    }

    @Test
    void alpnPicksTheServersFirstProtocolTheClientOffers() {
        run(() -> {
            List<String> seenByServer = new ArrayList<>();
            ConnectionHandler handler = (r, w) -> Coroutine.of(() -> {
                seenByServer.add(w.applicationProtocol());
                w.close();
                return null;
            });
            StreamOptions server = StreamOptions.defaults().withSsl(serverCtx)
                    .withApplicationProtocols("h2", "http/1.1");
            try (Server s = await(Streams.startServer(handler, HOST, 0, server))) {
                StreamOptions client = StreamOptions.defaults().withSsl(clientCtx).withServerHostname("localhost");
                Connection h2 = await(Streams.openConnection(HOST, s.port(),
                        client.withApplicationProtocols("http/1.1", "h2")));
                assertThat(h2.writer().applicationProtocol()).isEqualTo("h2");
                Connection h1 = await(Streams.openConnection(HOST, s.port(),
                        client.withApplicationProtocols("http/1.1")));
                assertThat(h1.writer().applicationProtocol()).isEqualTo("http/1.1");
                Connection none = await(Streams.openConnection(HOST, s.port(), client));
                assertThat(none.writer().applicationProtocol()).isNull();
                Connection plain = await(Streams.openConnection(HOST, s.port()));
                assertThat(plain.writer().applicationProtocol()).isNull();
                for (Connection c : List.of(h2, h1, none, plain)) {
                    c.writer().abort();
                }
                s.close();
                await(s.waitClosed());
                assertThat(seenByServer).containsExactly("h2", "http/1.1", null);
            }
            assertThatThrownBy(() -> StreamOptions.defaults().withApplicationProtocols(""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ALPN");
            return null;
        });
    }

    @Test
    void closeNotifyFromTheServerIsEofForTheClient() {
        run(() -> {
            ConnectionHandler bye = (r, w) -> Coroutine.of(() -> {
                w.write(bytes("bye"));
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(bye, HOST, 0, serverCtx))) {
                Connection c = await(Streams.openConnection(HOST, server.port(), clientCtx));
                assertThat(text(await(c.reader().read(-1)))).isEqualTo("bye");
                assertThat(c.reader().atEof()).isTrue();
                assertThat(c.reader().exception()).isNull();
                await(c.writer().waitClosed());   // TLS does not stay half-open: our side closed too
            }
            return null;
        });
    }

    @Test
    void aLargeTransferBothWaysWithBackPressure() {
        int total = 4 << 20;
        run(() -> {
            ConnectionHandler echo = (r, w) -> Coroutine.of(() -> {
                byte[] block;
                while ((block = await(r.read(32 * 1024))).length > 0) {
                    w.write(block);
                    await(w.drain());
                }
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(echo, HOST, 0, serverCtx))) {
                Connection c = await(Streams.openConnection(HOST, server.port(), clientCtx));
                byte[] data = new byte[total];
                new Random(3).nextBytes(data);
                Task<byte[]> reading = spawn(() -> await(c.reader().readExactly(total)));
                long maxBuffered = 0;
                int chunk = 64 * 1024;
                for (int off = 0; off < total; off += chunk) {
                    c.writer().write(data, off, chunk);
                    maxBuffered = Math.max(maxBuffered, c.writer().writeBufferSize());
                    await(c.writer().drain());
                }
                assertThat(await(reading)).isEqualTo(data);
                // TLS adds a record header and tag per 16 KiB: allow that on top of high-water mark + one write
                assertThat(maxBuffered).isLessThanOrEqualTo(c.writer().highWaterMark() + chunk + chunk / 8);
                c.close();
            }
            return null;
        });
    }

    @Test
    void aHostnameMismatchFailsTheHandshake() {
        run(() -> {
            List<ExceptionContext> errors = captureLoopErrors();
            int[] handlers = {0};
            ConnectionHandler counting = (r, w) -> Coroutine.of(() -> {
                handlers[0]++;
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(counting, HOST, 0, serverCtx))) {
                assertThatThrownBy(() -> await(Streams.openConnection(HOST, server.port(), clientCtx,
                        "www.example.com")))
                        .isInstanceOf(SSLHandshakeException.class)
                        .hasStackTraceContaining("www.example.com");
                // the same certificate is fine when the name matches, or when checking is off
                Connection ok = await(Streams.openConnection(HOST, server.port(), clientCtx, "localhost"));
                ok.close();
                Connection unchecked = await(Streams.openConnection(HOST, server.port(),
                        StreamOptions.defaults().withSsl(clientCtx).withServerHostname("www.example.com")
                                .withCheckHostname(false)));
                unchecked.close();
                server.close();
                await(server.waitClosed());
                assertThat(handlers[0]).isEqualTo(2);   // the failed handshake never reached the handler
            }
            assertThat(errors).isEmpty();   // a failed handshake is the client's business, not a loop error
            return null;
        });
    }

    @Test
    void anUntrustedCertificateFailsTheHandshake() throws Exception {
        SSLContext stranger = TestCerts.untrustingClientContext();
        run(() -> {
            try (Server server = await(Streams.startServer(StreamsTest.lineEcho(), HOST, 0, serverCtx))) {
                assertThatThrownBy(() -> await(Streams.openConnection(HOST, server.port(), stranger)))
                        .isInstanceOf(SSLHandshakeException.class);
            }
            return null;
        });
    }

    @Test
    void aTlsClientTalkingToAPlainServerGetsAnSslException() {
        run(() -> {
            ConnectionHandler plain = (r, w) -> Coroutine.of(() -> {
                w.write(bytes("HTTP/1.0 400 not tls\r\n\r\n"));
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(plain, HOST, 0))) {
                assertThatThrownBy(() -> await(Streams.openConnection(HOST, server.port(), clientCtx)))
                        .isInstanceOf(SSLException.class);
            }
            return null;
        });
    }

    @Test
    void aClientThatNeverHandshakesIsDroppedAfterTheTimeout() {
        run(() -> {
            int[] handlers = {0};
            ConnectionHandler counting = (r, w) -> Coroutine.of(() -> {
                handlers[0]++;
                return null;
            });
            StreamOptions options = StreamOptions.defaults().withSsl(serverCtx)
                    .withSslHandshakeTimeout(Duration.ofMillis(100));
            try (Server server = await(Streams.startServer(counting, HOST, 0, options));
                 SocketChannel silent = SocketChannel.open()) {
                await(Sockets.sockConnect(silent, new InetSocketAddress(HOST, server.port())));
                ByteBuffer buf = ByteBuffer.allocate(1024);
                int n;
                try {
                    while ((n = await(Sockets.sockRecv(silent, buf))) > 0) {
                        buf.clear();
                    }
                } catch (Exception e) {   // I/O errors are thrown undeclared: catch Exception, check the type
                    assertThat(e).isInstanceOf(java.io.IOException.class);
                    n = -1;   // an abort may reach us as a reset
                }
                assertThat(n).isEqualTo(-1);
                assertThat(handlers[0]).isZero();
                while (server.activeConnections() > 0) {
                    await(sleep(0.001));
                }
            }
            return null;
        });
    }

    @Test
    void cancellingOpenConnectionDuringTheHandshakeClosesTheSocket() {
        run(() -> {
            try (ServerSocketChannel mute = ServerSocketChannel.open()) {   // accepts, never answers
                mute.bind(new InetSocketAddress(HOST, 0));
                int port = ((InetSocketAddress) mute.getLocalAddress()).getPort();
                Task<SocketChannel> accepting = spawn(() -> await(Sockets.sockAccept(mute)));
                long socketsBefore = openSockets();
                Task<Connection> connecting = spawn(() -> await(Streams.openConnection(HOST, port, clientCtx)));
                try (SocketChannel peer = await(accepting)) {
                    ByteBuffer hello = ByteBuffer.allocate(4096);
                    assertThat(await(Sockets.sockRecv(peer, hello))).isPositive();   // the ClientHello came
                    assertThat(connecting.isDone()).isFalse();
                    connecting.cancel();
                    assertThatThrownBy(() -> await(connecting)).isInstanceOf(CancelledError.class);
                    hello.clear();
                    int n;
                    try {
                        while ((n = await(Sockets.sockRecv(peer, hello))) > 0) {
                            hello.clear();
                        }
                    } catch (Exception e) {
                        assertThat(e).isInstanceOf(java.io.IOException.class);
                        n = -1;
                    }
                    assertThat(n).as("the client's socket was closed").isEqualTo(-1);
                    assertThat(awaitOpenSockets(socketsBefore + 1))
                            .as("only the accepted peer is left").isEqualTo(socketsBefore + 1);
                }
            }
            return null;
        });
    }
}
