package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.engine.CarrierLocal;
import io.github.asyncio4j.net.GroupServer;
import io.github.asyncio4j.net.StreamOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EventLoopGroup}: loops on their own threads, tasks that stay put, a close that loses nothing. */
@Timeout(60)
class EventLoopGroupTest {

    @Test
    void eachLoopHasItsOwnNamedThreadAndNextIsRoundRobin() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(3)) {
            assertThat(group.size()).isEqualTo(3);
            assertThat(group.loops()).doesNotHaveDuplicates();
            assertThat(List.of(group.next(), group.next(), group.next(), group.next()))
                    .containsExactly(group.loop(0), group.loop(1), group.loop(2), group.loop(0));
            Set<String> threads = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                threads.add(group.submit(Coroutine.of(() -> CarrierLocal.carrierThread().getName())).get(30,
                        TimeUnit.SECONDS));
            }
            assertThat(threads).hasSize(3).allSatisfy(n -> assertThat(n).matches("asyncio4j-group-\\d+-loop-\\d"));
            assertThat(group.loops()).allSatisfy(l -> assertThat(l.isRunning()).isTrue());
        }
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThatThrownBy(() -> EventLoopGroup.create(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one loop");
        EventLoopGroup group = EventLoopGroup.create(1);
        assertThatThrownBy(() -> group.loop(1)).isInstanceOf(IndexOutOfBoundsException.class);
        group.close();
        group.close();   // idempotent
        assertThatThrownBy(() -> group.submit(Coroutine.of(() -> 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aTaskNeverMigratesAndEachLoopStaysSingleThreaded() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2)) {
            ConcurrentHashMap<Integer, Set<Thread>> threadsPerTask = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                int id = t;
                all.add(group.submit(Coroutine.of(() -> {
                    for (int i = 0; i < 20; i++) {
                        threadsPerTask.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())
                                .add(CarrierLocal.carrierThread());
                        await(Async.sleep(0.001 * (i % 3)));
                    }
                    return null;
                })));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(threadsPerTask).hasSize(20);
            assertThat(threadsPerTask.values()).allSatisfy(s -> assertThat(s).hasSize(1));
            Set<Thread> used = new HashSet<>();
            threadsPerTask.values().forEach(used::addAll);
            assertThat(used).hasSize(2);
        }
    }

    @Test
    void closeRunsEveryCallbackScheduledBeforeItAndCancelsWhatIsLeft() throws Exception {
        EventLoopGroup group = EventLoopGroup.create(2);
        AtomicInteger ran = new AtomicInteger();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            group.loop(i % 2).callSoonThreadsafe(ran::incrementAndGet);
        }
        CompletableFuture<String> cleanup = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> forever = group.submit(Coroutine.of(() -> {
            try {
                waiting.countDown();
                return Async.getRunningLoop().<Void>createFuture().await();
            } finally {
                cleanup.complete("finally ran");
            }
        }));
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        group.close();
        assertThat(ran).hasValue(n);
        assertThat(forever).isCancelled();
        assertThat(cleanup).isCompletedWithValue("finally ran");
        assertThat(group.loops()).allSatisfy(l -> assertThat(l.isClosed()).isTrue());
        assertThatThrownBy(forever::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void closingFromOneOfItsOwnLoopsIsRefused() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            CompletableFuture<Object> r = group.submit(Coroutine.of(() -> {
                try {
                    group.close();
                    return "closed";
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            }));
            assertThat(r.get(30, TimeUnit.SECONDS)).asString().contains("own loops");
        }
    }

    @Test
    void theServerSpreadsConnectionsOverTheLoops() throws Exception {
        spreadsConnections(StreamOptions.defaults(), true);
    }

    @Test
    void withReusePortEveryLoopListensOnTheSamePort() throws Exception {
        spreadsConnections(StreamOptions.defaults().withReusePort(true), false);
    }

    private static void spreadsConnections(StreamOptions options, boolean exactRoundRobin) throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2)) {
            ConcurrentHashMap<String, AtomicInteger> perThread = new ConcurrentHashMap<>();
            GroupServer server = group.startServer((reader, writer) -> Coroutine.of(() -> {
                String thread = CarrierLocal.carrierThread().getName();
                perThread.computeIfAbsent(thread, k -> new AtomicInteger()).incrementAndGet();
                byte[] line = await(reader.readLine());
                writer.write((thread + " " + new String(line, StandardCharsets.UTF_8)).getBytes(
                        StandardCharsets.UTF_8));
                await(writer.drain());
                writer.close();
                return null;
            }), "127.0.0.1", 0, options).get(30, TimeUnit.SECONDS);
            int connections = 32;
            for (int i = 0; i < connections; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("hello " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    InputStream in = s.getInputStream();
                    String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(reply).endsWith("hello " + i + "\n");
                }
            }
            server.close();
            server.waitClosed().get(30, TimeUnit.SECONDS);
            assertThat(perThread.keySet()).hasSize(2);
            if (exactRoundRobin) {
                assertThat(perThread.values()).allSatisfy(c -> assertThat(c).hasValue(connections / 2));
            }
            int total = perThread.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(total).isEqualTo(connections);
        }
    }
}
