package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP streams end to end over loopback: {@link Streams}, {@link StreamReader}, {@link StreamWriter}. */
@Timeout(20)
class StreamsTest {

    /** Echoes lines until EOF, then closes. */
    static ConnectionHandler lineEcho() {
        return (r, w) -> Coroutine.of(() -> {
            byte[] line;
            while ((line = await(r.readLine())).length > 0) {
                w.write(line);
                await(w.drain());
            }
            w.close();
            return null;
        });
    }

    @Test
    void echoesLinesAndReportsAddresses() {
        run(() -> {
            try (Server server = await(Streams.startServer(lineEcho(), HOST, 0))) {
                assertThat(server.port()).isPositive();
                Connection c = await(Streams.openConnection(HOST, server.port()));
                for (int i = 0; i < 20; i++) {
                    c.writer().write(bytes("line " + i + "\n"));
                    await(c.writer().drain());
                    assertThat(text(await(c.reader().readLine()))).isEqualTo("line " + i + "\n");
                }
                assertThat(c.writer().peerAddress()).isEqualTo(new InetSocketAddress(HOST, server.port()));
                assertThat(((InetSocketAddress) c.writer().localAddress()).getPort()).isPositive();
                assertThat(c.writer().sslSession()).isNull();
                SocketChannel channel = ((SocketTransport) c.writer().transport()).channel();
                assertThat(channel.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
                c.writer().writeEof();
                assertThat(await(c.reader().read(100))).isEmpty();   // the server closed after our EOF
                assertThat(c.reader().atEof()).isTrue();
                c.close();
                await(c.writer().waitClosed());
                assertThat(channel.isOpen()).isFalse();
            }
            return null;
        });
    }

    @Test
    void connectsToOneOfResolvedAddressesTheFirstThatAccepts() throws Exception {
        int refused;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            refused = closed.getLocalPort();
        }
        int port = refused;
        run(() -> {
            try (Server server = await(Streams.startServer(lineEcho(), "127.0.0.2", 0))) {
                List<InetSocketAddress> addresses = List.of(new InetSocketAddress(HOST, port),
                        new InetSocketAddress("127.0.0.2", server.port()));
                Connection c = await(Streams.openConnection(addresses, StreamOptions.defaults()));
                c.writer().write(bytes("hi\n"));
                assertThat(text(await(c.reader().readLine()))).isEqualTo("hi\n");
                assertThat(c.writer().peerAddress()).isEqualTo(addresses.get(1));
                c.close();
                await(c.writer().waitClosed());
            }
            assertThatThrownBy(() -> Streams.openConnection(List.of(), StreamOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("no address to connect to");
            assertThatThrownBy(() -> Streams.openConnection(List.of(InetSocketAddress.createUnresolved("x", 1)),
                    StreamOptions.defaults())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("an unresolved address");
            return null;
        });
    }

    @Test
    void aLineProtocolWithPipelinedCommands() {
        List<String> replies = run(() -> {
            ConnectionHandler calculator = (r, w) -> Coroutine.of(() -> {
                try {
                    while (true) {
                        String line = text(await(r.readLine())).strip();
                        String[] words = line.split(" ");
                        switch (words[0]) {
                            case "ADD" -> w.write(bytes((Integer.parseInt(words[1]) + Integer.parseInt(words[2]))
                                    + "\n"));
                            case "UPPER" -> w.write(bytes(words[1].toUpperCase() + "\n"));
                            case "QUIT" -> {
                                w.write(bytes("BYE\n"));
                                return null;
                            }
                            default -> w.write(bytes("ERR " + line + "\n"));
                        }
                        await(w.drain());
                    }
                } finally {
                    w.close();
                }
            });
            try (Server server = await(Streams.startServer(calculator, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                c.writer().write(bytes("ADD 2 40\nUPPER asyncio\nNOPE\nQUIT\n"));   // one write, four commands
                List<String> got = new ArrayList<>();
                byte[] line;
                while ((line = await(c.reader().readLine())).length > 0) {
                    got.add(text(line));
                }
                c.close();
                return got;
            }
        });
        assertThat(replies).containsExactly("42\n", "ASYNCIO\n", "ERR NOPE\n", "BYE\n");
    }

    @Test
    void readExactlyAndReadUntilOverTheNetworkWithDataInPieces() {
        run(() -> {
            ConnectionHandler trickle = (r, w) -> Coroutine.of(() -> {
                for (String piece : List.of("HEL", "LO", "--", "-payload-", "-", "-", "tail")) {
                    w.write(bytes(piece));
                    await(w.drain());
                    await(io.github.asyncio4j.Async.sleep(0.005));
                }
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(trickle, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(text(await(c.reader().readExactly(5)))).isEqualTo("HELLO");
                assertThat(text(await(c.reader().readUntil(bytes("---"))))).isEqualTo("---");
                assertThat(text(await(c.reader().readUntil(bytes("---"))))).isEqualTo("payload---");
                assertThatThrownBy(() -> await(c.reader().readExactly(10)))
                        .isInstanceOfSatisfying(IncompleteReadError.class, e -> {
                            assertThat(text(e.partial())).isEqualTo("tail");
                            assertThat(e.expected()).isEqualTo(10);
                        });
                c.close();
            }
            return null;
        });
    }

    @Test
    void theReaderLimitIsAnOption() {
        run(() -> {
            ConnectionHandler longLine = (r, w) -> Coroutine.of(() -> {
                w.write(new byte[5000]);
                w.write(bytes("\nok\n"));
                await(w.drain());
                return null;
            });
            try (Server server = await(Streams.startServer(longLine, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port(),
                        StreamOptions.defaults().withLimit(1024)));
                assertThat(c.reader().limit()).isEqualTo(1024);
                assertThatThrownBy(() -> await(c.reader().readLine())).isInstanceOf(LimitOverrunError.class);
                // readLine discarded the long line; keep going until it has all arrived
                String next = text(await(c.reader().readLine()));
                while (!next.equals("ok\n")) {
                    next = text(await(c.reader().readLine()));
                }
                c.close();
                server.closeClients();
            }
            return null;
        });
    }

    @Test
    void halfCloseIsEofForThePeerWhichCanStillAnswer() {
        String reply = run(() -> {
            ConnectionHandler counter = (r, w) -> Coroutine.of(() -> {
                byte[] all = await(r.read(-1));   // until the client's EOF
                assertThat(r.atEof()).isTrue();
                w.write(bytes("got " + all.length));
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(counter, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(c.writer().canWriteEof()).isTrue();
                c.writer().write(new byte[12345]);
                c.writer().writeEof();
                assertThatThrownBy(() -> c.writer().write(bytes("more")))
                        .isInstanceOf(IllegalStateException.class);
                String got = text(await(c.reader().read(-1)));
                c.close();
                return got;
            }
        });
        assertThat(reply).isEqualTo("got 12345");
    }

    @Test
    void aRefusedConnectionIsConnectException() {
        assertThatThrownBy(() -> run(() -> {
            int port;
            try (ServerSocketChannel s = ServerSocketChannel.open()) {
                s.bind(new InetSocketAddress(HOST, 0));
                port = ((InetSocketAddress) s.getLocalAddress()).getPort();
            }
            return await(Streams.openConnection(HOST, port));
        })).isInstanceOf(ConnectException.class);
    }

    @Test
    void aHostNameIsResolvedAndConnected() {
        run(() -> {
            try (Server server = await(Streams.startServer(lineEcho(), HOST, 0))) {
                Connection c = await(Streams.openConnection("localhost", server.port()));
                c.writer().write(bytes("by name\n"));
                assertThat(text(await(c.reader().readLine()))).isEqualTo("by name\n");
                c.close();
            }
            return null;
        });
    }

    /** A connection whose other end is a raw channel the test controls. */
    record RawPeer(Connection connection, SocketChannel peer, ServerSocketChannel listener) {
        void closeAll() throws IOException {
            connection.close();
            peer.close();
            listener.close();
        }
    }

    static RawPeer rawPeer() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(HOST, 0));
        Task<SocketChannel> accepting = spawn(() -> await(Sockets.sockAccept(listener)));
        Connection c = await(Streams.openConnection(HOST,
                ((InetSocketAddress) listener.getLocalAddress()).getPort()));
        return new RawPeer(c, await(accepting), listener);
    }

    static void reset(SocketChannel peer) throws IOException {
        peer.setOption(StandardSocketOptions.SO_LINGER, 0);   // close with RST instead of FIN
        peer.close();
    }

    @Test
    void aPeerResetIsASocketExceptionFromReadDrainAndWaitClosed() {
        run(() -> {
            RawPeer p = rawPeer();
            StreamReader reader = p.connection().reader();
            StreamWriter writer = p.connection().writer();
            Task<byte[]> reading = spawn(() -> await(reader.read(10)));
            settle();
            reset(p.peer());
            assertThatThrownBy(() -> await(reading))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            Throwable error = reader.exception();
            assertThatThrownBy(() -> await(writer.drain())).isSameAs(error);
            assertThatThrownBy(() -> await(writer.waitClosed())).isSameAs(error);
            assertThat(writer.isClosing()).isTrue();
            p.closeAll();
            return null;
        });
    }

    @Test
    void writingToAResetPeerFailsDrain() {
        run(() -> {
            RawPeer p = rawPeer();
            StreamWriter writer = p.connection().writer();
            reset(p.peer());
            Throwable failure = null;
            for (int i = 0; i < 1000 && failure == null; i++) {   // keep writing until the error surfaces
                writer.write(new byte[64 * 1024]);
                try {
                    await(writer.drain());
                } catch (Exception e) {
                    failure = e;
                }
            }
            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(writer.isClosing()).isTrue();
            p.closeAll();
            return null;
        });
    }

    @Test
    void aReadTimeoutLeavesTheConnectionUsable() {
        run(() -> {
            RawPeer p = rawPeer();
            StreamReader reader = p.connection().reader();
            assertThatThrownBy(() -> withTimeout(0.05, reader.read(10))).isInstanceOf(TimeoutError.class);
            assertThat(reader.toString()).doesNotContain("waiter");
            await(Sockets.sockSendAll(p.peer(), ByteBuffer.wrap(bytes("late"))));
            assertThat(text(await(reader.readExactly(4)))).isEqualTo("late");
            p.closeAll();
            return null;
        });
    }

    @Test
    void aCancelledReadLosesNoData() {
        run(() -> {
            RawPeer p = rawPeer();
            StreamReader reader = p.connection().reader();
            await(Sockets.sockSendAll(p.peer(), ByteBuffer.wrap(bytes("ab"))));
            Task<byte[]> reading = spawn(() -> await(reader.readExactly(4)));
            settle();
            reading.cancel();
            assertThatThrownBy(() -> await(reading)).isInstanceOf(CancelledError.class);
            await(Sockets.sockSendAll(p.peer(), ByteBuffer.wrap(bytes("cd"))));
            assertThat(text(await(reader.readExactly(4)))).isEqualTo("abcd");
            p.closeAll();
            return null;
        });
    }

    @Test
    void drainAfterAnOrderlyCloseRaisesConnectionLost() {
        run(() -> {
            RawPeer p = rawPeer();
            StreamWriter writer = p.connection().writer();
            writer.write(bytes("bye"));
            writer.close();
            assertThat(writer.isClosing()).isTrue();
            await(writer.waitClosed());
            writer.write(bytes("dropped"));   // writes to a closed connection are dropped, as in asyncio
            assertThatThrownBy(() -> await(writer.drain()))
                    .isInstanceOf(SocketException.class)
                    .hasMessage("Connection lost");
            ByteBuffer buf = ByteBuffer.allocate(16);
            int n;
            StringBuilder got = new StringBuilder();
            while ((n = await(Sockets.sockRecv(p.peer(), buf))) > 0) {
                got.append(text(java.util.Arrays.copyOf(buf.array(), n)));
                buf.clear();
            }
            assertThat(got.toString()).isEqualTo("bye");
            p.closeAll();
            return null;
        });
    }

    @Test
    void cancellingOpenConnectionWhileConnectingClosesItsSocket() {
        run(() -> {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(HOST, 0), 1);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {   // fill the accept queue: later connects stay pending
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    fillers.add(c);
                    if (!c.connect(listener.getLocalAddress())) {
                        await(io.github.asyncio4j.Async.sleep(0.05));
                        full = !c.finishConnect();
                    }
                }
                assertThat(full).isTrue();
                long fdsBefore = openFileDescriptors();
                Task<Connection> connecting = spawn(() -> await(Streams.openConnection(HOST, port)));
                settle();
                assertThat(connecting.isDone()).isFalse();
                connecting.cancel();
                assertThatThrownBy(() -> await(connecting)).isInstanceOf(CancelledError.class);
                // the JDK releases a registered channel's descriptor when the selector next flushes its
                // cancelled keys: a short sleep makes the loop select
                await(io.github.asyncio4j.Async.sleep(0.01));
                assertThat(openFileDescriptors()).isEqualTo(fdsBefore);
            } finally {
                for (SocketChannel c : fillers) {
                    c.close();
                }
                listener.close();
            }
            return null;
        });
    }

    @Test
    void aFailingHandlerIsReportedAndItsConnectionClosed() {
        run(() -> {
            List<ExceptionContext> errors = captureLoopErrors();
            ConnectionHandler failing = (r, w) -> Coroutine.of(() -> {
                await(r.readLine());
                throw new IllegalStateException("boom");
            });
            try (Server server = await(Streams.startServer(failing, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                c.writer().write(bytes("hi\n"));
                assertThat(await(c.reader().read(10))).isEmpty();   // closed by the server
                settle();
                assertThat(errors).hasSize(1);
                assertThat(errors.get(0).exception()).hasMessage("boom");
                assertThat(errors.get(0).message()).contains("connection handler");
                c.close();
            }
            return null;
        });
    }

    @Test
    void aHandlerThatThrowsBeforeMakingItsCoroutineIsReportedToo() {
        run(() -> {
            List<ExceptionContext> errors = captureLoopErrors();
            try (Server server = await(Streams.startServer((r, w) -> {
                throw new IllegalArgumentException("no coroutine");
            }, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(await(c.reader().read(10))).isEmpty();
                assertThat(errors).extracting(ExceptionContext::exception)
                        .singleElement().satisfies(e -> assertThat(e).hasMessage("no coroutine"));
                c.close();
            }
            return null;
        });
    }

    @Test
    void eachConnectionRunsInItsOwnTask() {
        run(() -> {
            List<Task<?>> handlerTasks = new ArrayList<>();
            Future<Void> release = getRunningLoop().createFuture();
            ConnectionHandler h = (r, w) -> Coroutine.of(() -> {
                handlerTasks.add(io.github.asyncio4j.Async.currentTask());
                await(release);   // both handlers are suspended at the same time
                w.write(bytes("done\n"));
                w.close();
                return null;
            });
            try (Server server = await(Streams.startServer(h, HOST, 0))) {
                Connection a = await(Streams.openConnection(HOST, server.port()));
                Connection b = await(Streams.openConnection(HOST, server.port()));
                while (handlerTasks.size() < 2) {
                    await(io.github.asyncio4j.Async.sleep(0.001));
                }
                assertThat(handlerTasks.get(0)).isNotSameAs(handlerTasks.get(1));
                release.setResult(null);
                assertThat(text(await(a.reader().readLine()))).isEqualTo("done\n");
                assertThat(text(await(b.reader().readLine()))).isEqualTo("done\n");
                a.close();
                b.close();
            }
            return null;
        });
    }
}
