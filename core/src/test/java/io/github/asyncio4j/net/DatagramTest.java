package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP endpoints: {@link Datagrams}, {@link DatagramEndpoint}. */
@Timeout(20)
class DatagramTest {

    @Test
    void aRoundTripBetweenTwoEndpoints() {
        run(() -> {
            try (DatagramEndpoint server = await(Datagrams.createEndpoint(HOST, 0));
                 DatagramEndpoint client = await(Datagrams.createEndpoint(HOST, 0))) {
                assertThat(((InetSocketAddress) server.localAddress()).getPort()).isPositive();
                Task<Void> echo = spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        Datagram d = await(server.receiveFrom());
                        await(server.sendTo(("echo " + text(d.data())).getBytes(), d.from()));
                    }
                    return null;
                });
                for (int i = 0; i < 3; i++) {
                    await(client.sendTo(bytes("ping " + i), server.localAddress()));
                    Datagram reply = await(client.receiveFrom());
                    assertThat(text(reply.data())).isEqualTo("echo ping " + i);
                    assertThat(reply.from()).isEqualTo(server.localAddress());
                }
                await(echo);
            }
            return null;
        });
    }

    @Test
    void datagramsKeepTheirBoundariesAndAnUnresolvedTargetIsResolved() {
        run(() -> {
            try (DatagramEndpoint a = await(Datagrams.createEndpoint(HOST, 0));
                 DatagramEndpoint b = await(Datagrams.createEndpoint(HOST, 0))) {
                int port = ((InetSocketAddress) b.localAddress()).getPort();
                await(a.sendTo(new byte[0], b.localAddress()));
                await(a.sendTo(new byte[60_000], InetSocketAddress.createUnresolved("localhost", port)));
                await(a.sendTo(bytes("x"), b.localAddress()));
                assertThat(await(b.receiveFrom()).data()).isEmpty();
                assertThat(await(b.receiveFrom()).data()).hasSize(60_000);
                assertThat(await(b.receiveFrom()).data()).containsExactly('x');
            }
            return null;
        });
    }

    @Test
    void cancellingReceiveRemovesTheRegistrationAndLosesNothing() {
        run(() -> {
            try (DatagramEndpoint a = await(Datagrams.createEndpoint(HOST, 0));
                 DatagramEndpoint b = await(Datagrams.createEndpoint(HOST, 0))) {
                Task<Datagram> receiving = spawn(() -> await(b.receiveFrom()));
                settle();
                receiving.cancel();
                assertThatThrownBy(() -> await(receiving)).isInstanceOf(CancelledError.class);
                assertThat(getRunningLoop().removeReader(b.channel())).isFalse();
                await(a.sendTo(bytes("after"), b.localAddress()));
                assertThat(text(await(b.receiveFrom()).data())).isEqualTo("after");
            }
            return null;
        });
    }

    @Test
    void closeWakesAWaitingReceiverAndLaterCallsFail() {
        run(() -> {
            DatagramEndpoint ep = await(Datagrams.createEndpoint(HOST, 0));
            Task<Datagram> receiving = spawn(() -> await(ep.receiveFrom()));
            settle();
            assertThatThrownBy(() -> await(ep.receiveFrom()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already waiting");
            ep.close();
            ep.close();   // idempotent
            assertThat(ep.isClosed()).isTrue();
            assertThatThrownBy(() -> await(receiving)).isInstanceOf(AsynchronousCloseException.class);
            assertThatThrownBy(() -> await(ep.receiveFrom())).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> await(ep.sendTo(bytes("x"), ep.localAddress())))
                    .isInstanceOf(ClosedChannelException.class);
            assertThat(ep.channel().isOpen()).isFalse();
            return null;
        });
    }
}
