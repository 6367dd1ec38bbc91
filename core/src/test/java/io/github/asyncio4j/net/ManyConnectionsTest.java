package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many connections open at the same time on one server, all served by one loop thread. The issue asks for
 * 10,000; each connection costs two file descriptors here (client and server end in one process), so the count
 * is capped by the process's open-files limit (20,000 here: about 9,800 connections). Both engines run the
 * same count: the fallback engine takes a few seconds for it.
 */
@Timeout(60)
class ManyConnectionsTest {
    static final int WANTED = 10_000;
    /** Descriptors kept free for the JVM itself (jars, selectors, pipes). */
    static final int SPARE_FDS = 300;
    static final int WAVE = 500;

    static int connectionCount() {
        int wanted = WANTED;
        long max = maxFileDescriptors();
        if (max < 0) {
            return Math.min(wanted, 1_000);
        }
        long byFds = (max - openFileDescriptors() - SPARE_FDS) / 2;
        int n = (int) Math.min(wanted, byFds);
        if (n < wanted) {
            System.out.printf("ManyConnectionsTest: open-files limit %d allows %d concurrent connections, not %d%n",
                    max, n, wanted);
        }
        return n;
    }

    @Test
    void thousandsOfConcurrentConnectionsToOneServer() {
        int n = connectionCount();
        assertThat(n).as("the open-files limit allows a meaningful test").isGreaterThan(500);
        run(() -> {
            Future<Void> allConnected = getRunningLoop().createFuture();
            int[] handlers = {0};
            int[] peak = {0};
            ConnectionHandler echoOnceAllAreIn = (r, w) -> Coroutine.of(() -> {
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
            try (Server server = await(Streams.startServer(echoOnceAllAreIn, HOST, 0,
                    StreamOptions.defaults().withBacklog(1024)))) {
                int[] connected = {0};
                List<Task<String>> clients = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int id = i;
                    clients.add(spawn(() -> {
                        Connection c = await(Streams.openConnection(HOST, server.port()));
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
                    if ((i + 1) % WAVE == 0) {   // connect in waves, so the listen backlog never overflows
                        while (connected[0] < i + 1) {
                            await(sleep(0.001));
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    assertThat(await(clients.get(i))).isEqualTo("client " + i + "\n");
                }
                assertThat(peak[0]).isEqualTo(n);
                server.close();
                await(server.waitClosed());
                assertThat(server.activeConnections()).isZero();
            }
            return null;
        });
    }
}
