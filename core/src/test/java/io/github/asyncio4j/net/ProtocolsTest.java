package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.net.NetTesting.HOST;
import static io.github.asyncio4j.net.NetTesting.captureLoopErrors;
import static io.github.asyncio4j.net.NetTesting.fixSendBuffer;
import static io.github.asyncio4j.net.NetTesting.run;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Callback-level connections: {@link EventLoop#createConnection}, {@link EventLoop#createServer}. */
@Timeout(20)
class ProtocolsTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;
    static SSLContext stranger;

    /** The certificates are made by keytool (a JVM of its own): outside the tests' time. */
    @BeforeAll
    static void contexts() throws Exception {
        serverCtx = TestCerts.serverContext();
        clientCtx = TestCerts.clientContext();
        stranger = TestCerts.untrustingClientContext();
    }

    /** Echoes every byte back; closes when the peer sends EOF. */
    static final class EchoProtocol implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /** Records every call, collects the bytes, and completes {@code lost} when the connection ends. */
    static final class Recorder implements Protocol {
        final List<String> calls = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final Future<Throwable> lost = getRunningLoop().createFuture();
        final Future<Void> eof = getRunningLoop().createFuture();
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            calls.add("made");
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (calls.isEmpty() || !calls.get(calls.size() - 1).equals("data")) {
                calls.add("data");
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.writeBytes(b);
        }

        @Override
        public boolean eofReceived() {
            calls.add("eof");
            eof.setResult(null);
            return false;
        }

        @Override
        public void connectionLost(Throwable error) {
            calls.add("lost");
            lost.setResult(error);
        }

        @Override
        public void pauseWriting() {
            calls.add("pause");
        }

        @Override
        public void resumeWriting() {
            calls.add("resume");
        }
    }

    @Test
    void anEchoServerAndAClientInCallOrder() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            try (Server server = await(loop.createServer(EchoProtocol::new, HOST, 0))) {
                ProtocolConnection<Recorder> c = await(loop.createConnection(Recorder::new, HOST, server.port()));
                Recorder r = c.protocol();
                assertThat(r.transport).isSameAs(c.transport());
                assertThat(c.transport().getExtraInfo("peername"))
                        .isEqualTo(new InetSocketAddress(HOST, server.port()));
                assertThat(c.transport().getExtraInfo("sockname")).isEqualTo(c.transport().localAddress());
                assertThat(c.transport().getExtraInfo("no such thing")).isNull();
                c.transport().write(ByteBuffer.wrap("hello, protocols".getBytes(US_ASCII)));
                c.transport().writeEof();
                assertThat(await(r.lost)).isNull();
                assertThat(r.received.toString(US_ASCII)).isEqualTo("hello, protocols");
                assertThat(r.calls).containsExactly("made", "data", "eof", "lost");
                assertThat(server.activeConnections()).isZero();
            }
            return null;
        });
    }

    @Test
    void writingPausesAboveTheHighWaterMarkAndResumesWhenThePeerReadsAgain() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            List<Transport> accepted = new ArrayList<>();
            Future<Void> drained = loop.createFuture();
            long[] count = {0};
            int total = 4 << 20;
            try (Server server = await(loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    t.pauseReading();   // the client's writes pile up in its buffer
                    accepted.add(t);
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                    count[0] += data.remaining();
                    data.position(data.limit());
                    if (count[0] == total) {
                        drained.setResult(null);
                    }
                }
            }, HOST, 0))) {
                ProtocolConnection<Recorder> c = await(loop.createConnection(Recorder::new, HOST, server.port()));
                fixSendBuffer(c.transport());
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < total; sent += chunk.length) {
                    c.transport().write(ByteBuffer.wrap(chunk));
                }
                assertThat(c.protocol().calls).containsExactly("made", "pause");
                assertThat(c.transport().getWriteBufferSize()).isGreaterThan(c.transport().highWaterMark());
                while (accepted.isEmpty()) {
                    await(io.github.asyncio4j.Async.sleep(0.001));
                }
                assertThat(accepted.get(0).isReading()).isFalse();
                accepted.get(0).resumeReading();
                await(drained);
                assertThat(c.protocol().calls).containsExactly("made", "pause", "resume");
                assertThat(c.transport().getWriteBufferSize()).isZero();
                c.close();
                await(c.protocol().lost);
            }
            return null;
        });
    }

    @Test
    void tlsProtocolsAreConnectedAfterTheHandshake() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            StreamOptions serverOptions = StreamOptions.defaults().withSsl(serverCtx);
            try (Server server = await(loop.createServer(EchoProtocol::new, HOST, 0, serverOptions))) {
                ProtocolConnection<Recorder> c = await(loop.createConnection(Recorder::new, "localhost",
                        server.port(), StreamOptions.defaults().withSsl(clientCtx)));
                assertThat(c.protocol().calls).containsExactly("made");
                assertThat(c.transport().sslSession()).isNotNull();
                assertThat(c.transport().getExtraInfo("ssl_object")).isSameAs(c.transport().sslSession());
                assertThat(c.transport().canWriteEof()).isFalse();
                c.transport().write(ByteBuffer.wrap("secret".getBytes(US_ASCII)));
                while (c.protocol().received.size() < 6) {
                    await(io.github.asyncio4j.Async.sleep(0.001));
                }
                assertThat(c.protocol().received.toString(US_ASCII)).isEqualTo("secret");
                c.close();
                assertThat(await(c.protocol().lost)).isNull();
            }
            return null;
        });
    }

    @Test
    void aFailingHandshakeTellsTheProtocolNothing() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            List<Recorder> made = new ArrayList<>();
            try (Server server = await(loop.createServer(EchoProtocol::new, HOST, 0,
                    StreamOptions.defaults().withSsl(serverCtx)))) {
                assertThatThrownBy(() -> await(loop.createConnection(() -> {
                    Recorder r = new Recorder();
                    made.add(r);
                    return r;
                }, "localhost", server.port(), StreamOptions.defaults().withSsl(stranger))))
                        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
                NetTesting.settle();
                assertThat(made).hasSize(1);
                assertThat(made.get(0).calls).isEmpty();
            }
            return null;
        });
    }

    @Test
    void failingProtocolCodeIsReportedAndClosesTheConnection() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            List<ExceptionContext> errors = captureLoopErrors();
            IllegalStateException boom = new IllegalStateException("boom");
            try (Server server = await(loop.createServer(() -> data -> {
                throw boom;
            }, HOST, 0))) {
                ProtocolConnection<Recorder> c = await(loop.createConnection(Recorder::new, HOST, server.port()));
                c.transport().write(ByteBuffer.wrap(new byte[] {1}));
                await(c.protocol().lost);   // the server aborted the connection
                assertThat(errors).extracting(ExceptionContext::exception).contains(boom);
                errors.clear();
                server.close();
                await(server.waitClosed());
            }
            try (Server server = await(loop.createServer(() -> {
                throw boom;
            }, HOST, 0))) {
                ProtocolConnection<Recorder> c = await(loop.createConnection(Recorder::new, HOST, server.port()));
                await(c.protocol().lost);
                assertThat(errors).extracting(ExceptionContext::message)
                        .contains("Unhandled exception in the protocol factory");
            }
            return null;
        });
    }

    @Test
    void badArgumentsFailAtOnce() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            assertThatThrownBy(() -> loop.createServer(EchoProtocol::new, HOST, 70000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port out of range");
            assertThatThrownBy(() -> loop.createConnection(null, HOST, 1)).isInstanceOf(NullPointerException.class);
            try (Server server = await(loop.createServer(EchoProtocol::new, HOST, 0))) {
                assertThatThrownBy(() -> await(loop.createConnection(() -> null, HOST, server.port())))
                        .isInstanceOf(NullPointerException.class).hasMessageContaining("factory returned null");
            }
            return null;
        });
    }
}
