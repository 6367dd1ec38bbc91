package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.IoWaits;
import io.github.asyncio4j.Task;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The low-level awaitables of {@link Sockets} and {@link IoWaits}, on channels the test owns. */
@Timeout(20)
class SocketsTest {

    static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(HOST, 0));
        return s;
    }

    static int port(ServerSocketChannel s) throws IOException {
        return ((InetSocketAddress) s.getLocalAddress()).getPort();
    }

    @Test
    void connectAcceptSendAndReceiveRoundTrip() {
        String got = run(() -> {
            try (ServerSocketChannel server = listener(); SocketChannel client = SocketChannel.open()) {
                Task<SocketChannel> accepting = spawn(() -> await(Sockets.sockAccept(server)));
                await(Sockets.sockConnect(client, server.getLocalAddress()));
                try (SocketChannel peer = await(accepting)) {
                    assertThat(peer.isBlocking()).isFalse();
                    assertThat(client.isConnected()).isTrue();
                    Task<Integer> receiving = spawn(() -> {
                        ByteBuffer buf = ByteBuffer.allocate(64);
                        int n = await(Sockets.sockRecv(peer, buf));
                        ByteBuffer echo = ByteBuffer.wrap(buf.array(), 0, n);
                        await(Sockets.sockSendAll(peer, echo));
                        return n;
                    });
                    await(Sockets.sockSendAll(client, ByteBuffer.wrap(bytes("ping"))));
                    ByteBuffer reply = ByteBuffer.allocate(64);
                    int n = await(Sockets.sockRecv(client, reply));
                    assertThat(await(receiving)).isEqualTo(4);
                    return text(java.util.Arrays.copyOf(reply.array(), n));
                }
            }
        });
        assertThat(got).isEqualTo("ping");
    }

    @Test
    void recvReturnsMinusOneAtEofAndZeroOnlyForAFullBuffer() {
        run(() -> {
            try (ServerSocketChannel server = listener(); SocketChannel client = SocketChannel.open()) {
                await(Sockets.sockConnect(client, server.getLocalAddress()));
                try (SocketChannel peer = await(Sockets.sockAccept(server))) {
                    await(Sockets.sockSendAll(peer, ByteBuffer.wrap(bytes("ab"))));
                    peer.shutdownOutput();   // half-close: the client sees EOF after the data
                    ByteBuffer full = ByteBuffer.allocate(0);
                    assertThat(await(Sockets.sockRecv(client, full))).isZero();
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    int total = 0;
                    int n;
                    while ((n = await(Sockets.sockRecv(client, buf))) > 0) {
                        total += n;
                    }
                    assertThat(n).isEqualTo(-1);
                    assertThat(total).isEqualTo(2);
                    // the other direction still works after the peer's half-close
                    await(Sockets.sockSendAll(client, ByteBuffer.wrap(bytes("c"))));
                    ByteBuffer one = ByteBuffer.allocate(1);
                    assertThat(await(Sockets.sockRecv(peer, one))).isEqualTo(1);
                }
            }
            return null;
        });
    }

    /** The kernel completes a loopback connect inside the call: the task goes on at once, no pass of the loop. */
    @Test
    void aConnectTheKernelCompletesAtOnceTakesNoPassOfTheLoop() {
        boolean passed = run(() -> {
            try (ServerSocketChannel server = listener(); SocketChannel client = SocketChannel.open()) {
                boolean[] loopRan = {false};
                getRunningLoop().callSoon(() -> loopRan[0] = true);
                await(Sockets.sockConnect(client, server.getLocalAddress()));
                assertThat(client.isConnected()).isTrue();
                return loopRan[0];
            }
        });
        assertThat(passed).isFalse();
    }

    @Test
    void connectingToAClosedPortIsConnectException() {
        assertThatThrownBy(() -> run(() -> {
            int port;
            try (ServerSocketChannel s = listener()) {
                port = port(s);
            }
            try (SocketChannel client = SocketChannel.open()) {
                await(Sockets.sockConnect(client, new InetSocketAddress(HOST, port)));
            }
            return null;
        })).isInstanceOf(ConnectException.class);
    }

    @Test
    void anUnresolvedAddressIsResolvedOffTheLoop() {
        run(() -> {
            try (ServerSocketChannel server = listener(); SocketChannel client = SocketChannel.open()) {
                await(Sockets.sockConnect(client, InetSocketAddress.createUnresolved("localhost", port(server))));
                assertThat(client.isConnected()).isTrue();
            }
            return null;
        });
    }

    @Test
    void cancellingAcceptRemovesTheRegistrationAndKeepsTheChannelOpen() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = listener()) {
                Task<SocketChannel> accepting = spawn(() -> await(Sockets.sockAccept(server)));
                settle();
                assertThat(accepting.isDone()).isFalse();
                accepting.cancel();
                assertThatThrownBy(() -> await(accepting)).isInstanceOf(CancelledError.class);
                assertThat(loop.removeReader(server)).isFalse();
                assertThat(server.isOpen()).isTrue();
                // the channel is still usable
                try (SocketChannel client = SocketChannel.open()) {
                    await(Sockets.sockConnect(client, server.getLocalAddress()));
                    try (SocketChannel peer = await(Sockets.sockAccept(server))) {
                        assertThat(peer.isConnected()).isTrue();
                    }
                }
            }
            return null;
        });
    }

    @Test
    void cancellingRecvRemovesTheRegistrationAndLosesNoData() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = listener(); SocketChannel client = SocketChannel.open()) {
                await(Sockets.sockConnect(client, server.getLocalAddress()));
                try (SocketChannel peer = await(Sockets.sockAccept(server))) {
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    Task<Integer> receiving = spawn(() -> await(Sockets.sockRecv(client, buf)));
                    settle();
                    receiving.cancel();
                    assertThatThrownBy(() -> await(receiving)).isInstanceOf(CancelledError.class);
                    assertThat(loop.removeReader(client)).isFalse();
                    assertThat(client.isOpen()).isTrue();
                    await(Sockets.sockSendAll(peer, ByteBuffer.wrap(bytes("late"))));
                    ByteBuffer again = ByteBuffer.allocate(16);
                    int n = await(Sockets.sockRecv(client, again));
                    assertThat(text(java.util.Arrays.copyOf(again.array(), n))).isEqualTo("late");
                }
            }
            return null;
        });
    }

    @Test
    void cancellingSendAllRemovesTheRegistrationAndTheBufferTellsWhatWasSent() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = listener(); SocketChannel client = SocketChannel.open()) {
                await(Sockets.sockConnect(client, server.getLocalAddress()));
                try (SocketChannel peer = await(Sockets.sockAccept(server))) {
                    // nobody reads on the peer: 64 MiB cannot fit in the kernel buffers
                    ByteBuffer big = ByteBuffer.allocate(64 << 20);
                    Task<Void> sending = spawn(() -> await(Sockets.sockSendAll(client, big)));
                    settle();
                    assertThat(sending.isDone()).isFalse();
                    sending.cancel();
                    assertThatThrownBy(() -> await(sending)).isInstanceOf(CancelledError.class);
                    assertThat(loop.removeWriter(client)).isFalse();
                    assertThat(client.isOpen()).isTrue();
                    assertThat(big.position()).isPositive().isLessThan(big.capacity());
                    // everything the buffer says was sent arrives
                    long sent = big.position();
                    client.shutdownOutput();
                    ByteBuffer sink = ByteBuffer.allocate(1 << 20);
                    long received = 0;
                    int n;
                    while ((n = await(Sockets.sockRecv(peer, sink))) > 0) {
                        received += n;
                        sink.clear();
                    }
                    assertThat(received).isEqualTo(sent);
                }
            }
            return null;
        });
    }

    @Test
    void cancellingConnectRemovesTheRegistrationAndLeavesTheChannelToItsOwner() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(HOST, 0), 1);
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                // nobody accepts: once the accept queue is full, further connection attempts stay pending
                SocketChannel pending = null;
                for (int i = 0; i < 16 && pending == null; i++) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    fillers.add(c);
                    if (!c.connect(server.getLocalAddress())) {
                        await(io.github.asyncio4j.Async.sleep(0.05));
                        if (!c.finishConnect()) {
                            pending = c;
                        }
                    }
                }
                assertThat(pending).as("a connection attempt that stays pending").isNotNull();
                SocketChannel client = SocketChannel.open();
                fillers.add(client);
                Task<Void> connecting = spawn(() -> await(Sockets.sockConnect(client, server.getLocalAddress())));
                settle();
                assertThat(connecting.isDone()).isFalse();
                connecting.cancel();
                assertThatThrownBy(() -> await(connecting)).isInstanceOf(CancelledError.class);
                assertThat(loop.removeWriter(client)).isFalse();
                assertThat(client.isOpen()).isTrue();
                assertThat(client.isConnectionPending()).isTrue();
            } finally {
                for (SocketChannel c : fillers) {
                    c.close();
                }
                server.close();
            }
            return null;
        });
    }

    @Test
    void ioWaitsOnAClosedChannelFailAtOnce() {
        assertThatThrownBy(() -> run(() -> {
            SocketChannel ch = SocketChannel.open();
            ch.close();
            return await(IoWaits.readable(ch));
        })).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void ioWaitsOutsideATaskIsAClearError() {
        try (SocketChannel ch = SocketChannel.open()) {
            assertThatThrownBy(() -> IoWaits.writable(ch).await())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside a running task");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void datagramSendToAndRecvFrom() {
        run(() -> {
            try (DatagramChannel a = DatagramChannel.open(); DatagramChannel b = DatagramChannel.open()) {
                a.bind(new InetSocketAddress(HOST, 0));
                b.bind(new InetSocketAddress(HOST, 0));
                Task<SocketAddress> receiving = spawn(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(100);
                    SocketAddress from = await(Sockets.sockRecvFrom(b, buf));
                    assertThat(text(java.util.Arrays.copyOf(buf.array(), buf.position()))).isEqualTo("datagram");
                    return from;
                });
                settle();
                int sent = await(Sockets.sockSendTo(a, ByteBuffer.wrap(bytes("datagram")), b.getLocalAddress()));
                assertThat(sent).isEqualTo(8);
                assertThat(await(receiving)).isEqualTo(a.getLocalAddress());
                assertThat(getRunningLoop().removeReader(b)).isFalse();
            }
            return null;
        });
    }
}
