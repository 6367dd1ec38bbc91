package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.net.NetTesting.HOST;
import static io.github.asyncio4j.net.NetTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Happy Eyeballs in {@link Streams#openConnection} and {@link io.github.asyncio4j.EventLoop#getaddrinfo}, on
 * loopback only: a dead address is a listener on 127.0.0.2 whose accept queue is full (the kernel drops further
 * SYNs, so a connect hangs as toward a dead host); the test resolver gives names fixed address orders.
 */
@Timeout(30)
class HappyEyeballsTest {
    private static final InetAddress LIVE = address(127, 0, 0, 1);
    private static final InetAddress DEAD = address(127, 0, 0, 2);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A listener on {@code DEAD:port} that never accepts, its accept queue filled: new SYNs are dropped. */
    void deadListener(int port) throws Exception {
        ServerSocketChannel dead = ServerSocketChannel.open();
        toClose.add(dead);
        dead.bind(new InetSocketAddress(DEAD, port), 1);
        for (int i = 0; i < 4; i++) {   // a backlog of 1 queues two; the rest wait in SYN_SENT
            SocketChannel filler = SocketChannel.open();
            toClose.add(filler);
            filler.configureBlocking(false);
            filler.connect(new InetSocketAddress(DEAD, port));
        }
    }

    @Test
    void aDeadFirstAddressCostsTheDelayNotATcpTimeout() {
        String name = "dead-first.he.asyncio4j.test";
        GatedResolverProvider.FIXED.put(name, List.of(DEAD, LIVE));
        run(() -> {
            try (Server server = await(Streams.startServer(StreamsTest.lineEcho(), HOST, 0))) {
                deadListener(server.port());
                StreamOptions options = StreamOptions.defaults().withHappyEyeballsDelay(Duration.ofMillis(50));
                Connection c = await(Streams.openConnection(name, server.port(), options));
                assertThat(c.writer().peerAddress()).isEqualTo(new InetSocketAddress(LIVE, server.port()));
                c.writer().write("hi\n".getBytes());
                assertThat(await(c.reader().readLine())).isEqualTo("hi\n".getBytes());
                c.close();
            }
            return null;
        });
    }

    @Test
    void aConnectTimeoutBoundsEachAttempt() {
        run(() -> {
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                probe.bind(new InetSocketAddress(DEAD, 0));
                int port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
                probe.close();
                deadListener(port);
                StreamOptions options = StreamOptions.defaults().withConnectTimeout(Duration.ofMillis(200));
                assertThatThrownBy(() -> await(Streams.openConnection("127.0.0.2", port, options)))
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("connecting to /127.0.0.2:" + port + " timed out after 200 ms");
            }
            return null;
        });
    }

    @Test
    void whenEveryAddressFailsTheFirstErrorCarriesTheOthers() {
        String name = "all-refused.he.asyncio4j.test";
        GatedResolverProvider.FIXED.put(name, List.of(DEAD, LIVE));
        run(() -> {
            int port;
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                probe.bind(new InetSocketAddress(LIVE, 0));
                port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            assertThatThrownBy(() -> await(Streams.openConnection(name, port)))
                    .isInstanceOf(ConnectException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1)
                            .allMatch(s -> s instanceof ConnectException));
            return null;
        });
    }

    @Test
    void getaddrinfoKeepsTheResolversOrderAndRunsOffTheLoop() {
        String name = "order.he.asyncio4j.test";
        GatedResolverProvider.FIXED.put(name, List.of(DEAD, LIVE, DEAD));
        run(() -> {
            assertThat(await(getRunningLoop().getaddrinfo(name, 443))).containsExactly(
                    new InetSocketAddress(DEAD, 443), new InetSocketAddress(LIVE, 443));
            assertThat(GatedResolverProvider.lookupThread).isNotSameAs(Thread.currentThread());
            assertThat(await(getRunningLoop().getaddrinfo("127.0.0.1", 80)))
                    .containsExactly(new InetSocketAddress(LIVE, 80));
            assertThatThrownBy(() -> getRunningLoop().getaddrinfo("", 80))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> getRunningLoop().getaddrinfo("x", -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port out of range");
            return null;
        });
    }

    @Test
    void familiesAreInterleavedFirstFamilyFirst() throws Exception {
        InetSocketAddress v6a = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        InetSocketAddress v6b = new InetSocketAddress(InetAddress.getByName("fe80::1"), 1);
        InetSocketAddress v4a = new InetSocketAddress(LIVE, 1);
        InetSocketAddress v4b = new InetSocketAddress(DEAD, 1);
        assertThat(HappyEyeballs.interleave(List.of(v6a, v6b, v4a, v4b))).containsExactly(v6a, v4a, v6b, v4b);
        assertThat(HappyEyeballs.interleave(List.of(v4a, v4b, v6a))).containsExactly(v4a, v6a, v4b);
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> StreamOptions.defaults().withHappyEyeballsDelay(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> StreamOptions.defaults().withConnectTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect timeout");
        assertThat(StreamOptions.defaults().withConnectTimeout(null).connectTimeout()).isNull();
        assertThat(StreamOptions.defaults().happyEyeballsDelay()).isEqualTo(Duration.ofMillis(250));
    }
}
