package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Server}'s lifecycle: close, waitClosed, serveForever, closeClients. */
@Timeout(20)
class ServerTest {

    /** Echoes lines until EOF, then closes. */
    static ConnectionHandler echo() {
        return StreamsTest.lineEcho();
    }

    @Test
    void anEphemeralPortAndItsAddresses() {
        run(() -> {
            try (Server server = await(Streams.startServer(echo(), HOST, 0))) {
                assertThat(server.port()).isBetween(1, 65535);
                assertThat(server.addresses()).containsExactly(new InetSocketAddress(HOST, server.port()));
                assertThat(server.isServing()).isTrue();
            }
            return null;
        });
    }

    @Test
    void aPortInUseIsBindException() {
        assertThatThrownBy(() -> run(() -> {
            try (Server first = await(Streams.startServer(echo(), HOST, 0))) {
                try (ServerSocketChannel second = ServerSocketChannel.open()) {
                    second.bind(new InetSocketAddress(HOST, first.port()));
                }
            }
            return null;
        })).isInstanceOf(BindException.class);
        assertThatThrownBy(() -> run(() -> {
            try (ServerSocketChannel taken = ServerSocketChannel.open()) {
                taken.bind(new InetSocketAddress(HOST, 0));
                int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
                return await(Streams.startServer(echo(), HOST, port));
            }
        })).isInstanceOf(BindException.class);
    }

    @Test
    void closeStopsAcceptingButLeavesOpenConnectionsAlone() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = await(Streams.startServer(echo(), HOST, 0));
            Connection c = await(Streams.openConnection(HOST, server.port()));
            c.writer().write(bytes("before\n"));
            assertThat(text(await(c.reader().readLine()))).isEqualTo("before\n");
            ServerSocketChannel listener = server.channels().get(0);
            server.close();
            server.close();   // idempotent
            assertThat(server.isServing()).isFalse();
            assertThat(listener.isOpen()).isFalse();
            assertThat(loop.removeReader(listener)).isFalse();
            assertThat(awaitRefused(server.port())).isInstanceOf(ConnectException.class);
            // the open connection still works
            c.writer().write(bytes("after\n"));
            assertThat(text(await(c.reader().readLine()))).isEqualTo("after\n");
            // waitClosed waits for the connection's handler to finish and its socket to close
            Task<Void> waiting = spawn(() -> await(server.waitClosed()));
            await(sleep(0.02));
            assertThat(waiting.isDone()).isFalse();
            assertThat(server.activeConnections()).isEqualTo(1);
            c.writer().writeEof();   // the echo handler sees EOF, returns and closes its side
            await(waiting);
            assertThat(server.activeConnections()).isZero();
            c.close();
            await(server.waitClosed());   // already closed: returns at once
            return null;
        });
    }

    @Test
    void waitClosedWaitsForHandlersThatOutliveTheirConnection() {
        run(() -> {
            Future<Void> release = getRunningLoop().createFuture();
            ConnectionHandler lingering = (r, w) -> Coroutine.of(() -> {
                w.close();
                await(release);   // keeps running after its connection is closed
                return null;
            });
            Server server = await(Streams.startServer(lingering, HOST, 0));
            Connection c = await(Streams.openConnection(HOST, server.port()));
            assertThat(await(c.reader().read(1))).isEmpty();
            c.close();
            server.close();
            Task<Void> waiting = spawn(() -> await(server.waitClosed()));
            await(sleep(0.02));
            assertThat(waiting.isDone()).isFalse();
            release.setResult(null);
            await(waiting);
            return null;
        });
    }

    @Test
    void aHandlerThatReturnsLeavesItsConnectionOpenUntilCloseClients() {
        run(() -> {
            ConnectionHandler greeter = (r, w) -> Coroutine.of(() -> {
                w.write(bytes("hello\n"));
                return null;   // no close: as in asyncio, the connection stays open
            });
            Server server = await(Streams.startServer(greeter, HOST, 0));
            Connection c = await(Streams.openConnection(HOST, server.port()));
            assertThat(text(await(c.reader().readLine()))).isEqualTo("hello\n");
            assertThatThrownBy(() -> withTimeout(0.05, c.reader().read(1))).isInstanceOf(TimeoutError.class);
            server.close();
            server.closeClients();
            assertThat(await(c.reader().read(1))).isEmpty();
            await(server.waitClosed());
            c.close();
            return null;
        });
    }

    @Test
    void abortClientsClosesConnectionsAtOnce() {
        run(() -> {
            Future<Void> never = getRunningLoop().createFuture();
            Server server = await(Streams.startServer((r, w) -> Coroutine.of(() -> await(never)), HOST, 0));
            Connection a = await(Streams.openConnection(HOST, server.port()));
            Connection b = await(Streams.openConnection(HOST, server.port()));
            while (server.activeConnections() < 2) {
                await(sleep(0.001));
            }
            server.abortClients();
            assertThat(await(a.reader().read(1))).isEmpty();
            assertThat(await(b.reader().read(1))).isEmpty();
            a.close();
            b.close();
            never.cancel();
            server.close();
            await(server.waitClosed());
            return null;
        });
    }

    @Test
    void serveForeverReturnsWhenTheServerIsClosed() {
        run(() -> {
            Server server = await(Streams.startServer(echo(), HOST, 0));
            Task<Void> serving = spawn(() -> await(server.serveForever()));
            settle();
            assertThat(serving.isDone()).isFalse();
            assertThatThrownBy(() -> await(server.serveForever()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already being awaited");
            Connection c = await(Streams.openConnection(HOST, server.port()));
            c.writer().write(bytes("served\n"));
            assertThat(text(await(c.reader().readLine()))).isEqualTo("served\n");
            c.close();
            server.close();
            await(serving);
            assertThat(serving.isCancelled()).isFalse();
            assertThatThrownBy(() -> await(server.serveForever()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            return null;
        });
    }

    @Test
    void cancellingServeForeverClosesTheServer() {
        run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = await(Streams.startServer(echo(), HOST, 0));
            ServerSocketChannel listener = server.channels().get(0);
            Task<Void> serving = spawn(() -> await(server.serveForever()));
            settle();
            serving.cancel();
            assertThatThrownBy(() -> await(serving)).isInstanceOf(CancelledError.class);
            assertThat(serving.isCancelled()).isTrue();
            assertThat(server.isServing()).isFalse();
            assertThat(listener.isOpen()).isFalse();
            assertThat(loop.removeReader(listener)).isFalse();
            assertThat(awaitRefused(server.port())).isInstanceOf(ConnectException.class);
            return null;
        });
    }

    @Test
    void cancellingWaitClosedLeavesTheServerAsItWas() {
        run(() -> {
            Server server = await(Streams.startServer(echo(), HOST, 0));
            Task<Void> waiting = spawn(() -> await(server.waitClosed()));
            settle();
            waiting.cancel();
            assertThatThrownBy(() -> await(waiting)).isInstanceOf(CancelledError.class);
            assertThat(server.isServing()).isTrue();
            Connection c = await(Streams.openConnection(HOST, server.port()));
            c.close();
            server.close();
            await(server.waitClosed());
            return null;
        });
    }

    @Test
    void closingFreesThePortForANewServer() {
        run(() -> {
            Server first = await(Streams.startServer(echo(), HOST, 0));
            int port = first.port();
            first.close();
            Server rebound = null;
            for (int attempt = 0; rebound == null; attempt++) {
                await(sleep(0.01));    // the loop polls: the JDK frees the listening socket when its key goes
                try {
                    rebound = await(Streams.startServer(echo(), HOST, port));
                } catch (Exception e) {    // BindException, undeclared: await rethrows it unchanged
                    if (!(e instanceof java.net.BindException) || attempt == 100) {
                        throw e;       // a second is far more than the JDK needs: the port was not freed
                    }
                }
            }
            try (Server second = rebound) {
                assertThat(second.port()).isEqualTo(port);
                Connection c = await(Streams.openConnection(HOST, port));
                c.writer().write(bytes("again\n"));
                assertThat(text(await(c.reader().readLine()))).isEqualTo("again\n");
                c.close();
            }
            return null;
        });
    }

    @Test
    void aCancelledHandlerClosesItsConnectionWithoutAnErrorReport() {
        run(() -> {
            List<ExceptionContext> errors = captureLoopErrors();
            List<Task<?>> handlerTasks = new ArrayList<>();
            Future<Void> never = getRunningLoop().createFuture();
            ConnectionHandler waiting = (r, w) -> Coroutine.of(() -> {
                handlerTasks.add(io.github.asyncio4j.Async.currentTask());
                return await(never);
            });
            try (Server server = await(Streams.startServer(waiting, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                while (handlerTasks.isEmpty()) {
                    await(sleep(0.001));
                }
                handlerTasks.get(0).cancel();
                assertThat(await(c.reader().read(1))).isEmpty();
                c.close();
                server.close();
                await(server.waitClosed());
            }
            assertThat(errors).isEmpty();
            return null;
        });
    }
}
