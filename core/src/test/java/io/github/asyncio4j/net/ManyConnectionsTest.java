package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 connections open at the same time on one server, all served by one loop thread. Each connection costs
 * a descriptor per end: with both ends in this JVM that is 20,000, which a 20,000 open-files limit (this
 * machine's) does not leave room for. So the clients run in a child JVM ({@link Clients}, plain blocking
 * sockets) whenever this process cannot hold both ends; the server side is always this JVM's loop. The handler
 * answers nobody before all 10,000 connections are open, so they are provably concurrent.
 */
@Timeout(120)
class ManyConnectionsTest {
    static final int WANTED = 10_000;
    /** Descriptors kept free for the JVM itself (jars, selectors, pipes). */
    static final int SPARE_FDS = 300;
    static final int WAVE = 500;

    /** True when this process can hold both ends of every connection. */
    static boolean bothEndsFit() {
        long max = maxFileDescriptors();
        return max >= 0 && (max - openFileDescriptors() - SPARE_FDS) / 2 >= WANTED;
    }

    /** Echoes one line per connection once all {@code n} connections are in, then closes (server first). */
    static ConnectionHandler echoOnceAllAreIn(int n, Future<Void> allConnected, int[] peak) {
        int[] handlers = {0};
        return (r, w) -> Coroutine.of(() -> {
            handlers[0]++;
            peak[0] = Math.max(peak[0], handlers[0]);
            if (handlers[0] == n) {
                allConnected.setResult(null);
            }
            try {
                await(allConnected);   // nobody answers before every connection is open
                w.write(await(r.readLine()));
                await(w.drain());
            } finally {
                handlers[0]--;
                w.close();   // the server closes first: TIME_WAIT stays on its side, not on client ports
            }
            return null;
        });
    }

    @Test
    void tenThousandConcurrentConnectionsToOneServer() throws Exception {
        int n = WANTED;
        boolean inProcess = bothEndsFit();
        Path clientOutput = Files.createTempFile("many-connections", ".txt");
        try {
            run(() -> {
                Future<Void> allConnected = getRunningLoop().createFuture();
                int[] peak = {0};
                try (Server server = await(Streams.startServer(echoOnceAllAreIn(n, allConnected, peak), HOST, 0,
                        StreamOptions.defaults().withBacklog(1024)))) {
                    if (inProcess) {
                        clientsOnThisLoop(n, server.port());
                    } else {
                        int exit = await(Async.toThread(() -> clientsInAChildJvm(n, server.port(), clientOutput)));
                        assertThat(exit).as("the client JVM's exit status; its output: %s",
                                Files.readString(clientOutput)).isZero();
                        assertThat(Files.readString(clientOutput)).contains("replies " + n + " of " + n);
                    }
                    assertThat(peak[0]).as("connections open at once").isEqualTo(n);
                    server.close();
                    await(server.waitClosed());
                    assertThat(server.activeConnections()).isZero();
                }
                return null;
            });
        } finally {
            Files.deleteIfExists(clientOutput);
        }
    }

    /** n clients as tasks on the running loop, connecting in waves so the listen backlog never overflows. */
    static void clientsOnThisLoop(int n, int port) {
        int[] connected = {0};
        List<Task<String>> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = i;
            clients.add(spawn(() -> {
                Connection c = await(Streams.openConnection(HOST, port));
                connected[0]++;
                try {
                    c.writer().write(bytes("client " + id + "\n"));
                    String reply = text(await(c.reader().readLine()));
                    assertThat(await(c.reader().read(1))).isEmpty();
                    return reply;
                } finally {
                    c.close();
                }
            }));
            if ((i + 1) % WAVE == 0) {
                while (connected[0] < i + 1) {
                    await(sleep(0.001));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(await(clients.get(i))).isEqualTo("client " + i + "\n");
        }
    }

    /** Runs {@link Clients} in a child JVM (blocking: call it off the loop) and returns its exit status. */
    static int clientsInAChildJvm(int n, int port, Path output) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Clients.class.getName(), HOST, Integer.toString(port), Integer.toString(n))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!child.waitFor(100, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the client JVM did not finish in 100 s");
        }
        return child.exitValue();
    }

    /**
     * The child JVM's clients: opens n blocking connections, each sending one line, then reads every reply and
     * the server's EOF. Prints "replies K of N"; exits 1 on any mismatch.
     */
    public static final class Clients {
        public static void main(String[] args) throws IOException {
            String host = args[0];
            int port = Integer.parseInt(args[1]);
            int n = Integer.parseInt(args[2]);
            List<SocketChannel> channels = new ArrayList<>(n);
            int ok = 0;
            try {
                for (int i = 0; i < n; i++) {
                    SocketChannel c = SocketChannel.open(new InetSocketAddress(host, port));
                    channels.add(c);
                    c.write(ByteBuffer.wrap(("client " + i + "\n").getBytes(StandardCharsets.US_ASCII)));
                }
                ByteBuffer buf = ByteBuffer.allocate(64);
                for (int i = 0; i < n; i++) {
                    SocketChannel c = channels.get(i);
                    buf.clear();
                    while (c.read(buf) >= 0) {   // the reply, then the server's EOF
                        if (!buf.hasRemaining()) {
                            break;
                        }
                    }
                    String reply = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
                    if (reply.equals("client " + i + "\n")) {
                        ok++;
                    } else {
                        System.out.println("connection " + i + " got " + reply);
                    }
                }
            } finally {
                for (SocketChannel c : channels) {
                    c.close();
                }
            }
            System.out.println("replies " + ok + " of " + n);
            System.exit(ok == n ? 0 : 1);
        }
    }
}
