package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Task;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Host names are looked up off the loop thread: a lookup that blocks ({@link GatedResolverProvider}) until the
 * loop itself opens the gate would deadlock if it ran on the loop thread, and the test would see the lookup fail.
 */
@Timeout(30)
class ResolverTest {

    @AfterEach
    void openTheGate() {
        GatedResolverProvider.gate.countDown();
    }

    /** Lets {@code ticks} loop iterations (timer wake-ups) pass, then opens the gate. */
    static Task<Integer> tickThenOpen(CountDownLatch gate, int ticks) {
        return spawn(() -> {
            for (int i = 0; i < ticks; i++) {
                await(sleep(0.001));
            }
            gate.countDown();
            return ticks;
        });
    }

    static Thread loopThread() {
        Thread[] t = {null};
        getRunningLoop().callSoon(() -> t[0] = Thread.currentThread());
        settle();
        return t[0];
    }

    @Test
    void openConnectionLooksUpTheHostOffTheLoopWhileTheLoopRuns() {
        run(() -> {
            Thread loop = loopThread();
            CountDownLatch gate = new CountDownLatch(1);
            GatedResolverProvider.gate = gate;
            try (Server server = await(Streams.startServer(StreamsTest.lineEcho(), HOST, 0))) {
                Task<Integer> ticker = tickThenOpen(gate, 20);
                Connection c = await(Streams.openConnection("streams" + GatedResolverProvider.GATED_DOMAIN, server.port()));
                assertThat(ticker.isDone()).as("the loop ran other tasks during the lookup").isTrue();
                assertThat(GatedResolverProvider.lookupThread).isNotNull().isNotSameAs(loop);
                c.writer().write(bytes("resolved\n"));
                assertThat(text(await(c.reader().readLine()))).isEqualTo("resolved\n");
                c.close();
                await(c.writer().waitClosed());
            }
            return null;
        });
    }

    @Test
    void sockConnectLooksUpAnUnresolvedAddressOffTheLoop() {
        run(() -> {
            Thread loop = loopThread();
            CountDownLatch gate = new CountDownLatch(1);
            GatedResolverProvider.gate = gate;
            try (ServerSocketChannel listener = ServerSocketChannel.open(); SocketChannel client = SocketChannel.open()) {
                listener.bind(new InetSocketAddress(HOST, 0));
                int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                Task<Integer> ticker = tickThenOpen(gate, 20);
                await(Sockets.sockConnect(client,
                        InetSocketAddress.createUnresolved("sockets" + GatedResolverProvider.GATED_DOMAIN, port)));
                assertThat(ticker.isDone()).isTrue();
                assertThat(GatedResolverProvider.lookupThread).isNotSameAs(loop);
                assertThat(client.isConnected()).isTrue();
            }
            return null;
        });
    }

    @Test
    void aLiteralAddressIsNeverLookedUp() {
        assertThat(Resolver.isLiteral("127.0.0.1")).isTrue();
        assertThat(Resolver.isLiteral("::1")).isTrue();
        assertThat(Resolver.isLiteral("[::1]")).isTrue();
        assertThat(Resolver.isLiteral("localhost")).isFalse();
        assertThat(Resolver.isLiteral("literal" + GatedResolverProvider.GATED_DOMAIN)).isFalse();
    }
}
