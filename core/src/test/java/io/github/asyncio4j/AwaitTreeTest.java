package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.gather;
import static io.github.asyncio4j.Async.shield;
import static io.github.asyncio4j.Async.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The await tree follows gather, shield, TaskGroup and waitFor links, and can be taken from any thread. */
@Timeout(60)
class AwaitTreeTest {

    private static Coroutine<Void> parked(Future<Void> until) {
        return Coroutine.of(() -> {
            await(until);
            return null;
        });
    }

    /** Index of the first line containing {@code text}, and its indentation. */
    private static int[] line(String dump, String text) {
        String[] lines = dump.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return new int[] {i, lines[i].length() - lines[i].stripLeading().length()};
            }
        }
        throw new AssertionError("no line with " + text + " in\n" + dump);
    }

    private static void assertUnder(String dump, String child, String parent) {
        int[] c = line(dump, child);
        int[] p = line(dump, parent);
        assertThat(c[0]).as(dump).isGreaterThan(p[0]);
        assertThat(c[1]).as(dump).isGreaterThan(p[1]);
    }

    @Test
    void theTreeFollowsGatherShieldTaskGroupAndWaitForAndIsTakenFromAnotherThread() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            CountDownLatch built = new CountDownLatch(1);
            CompletableFuture<Void> release = new CompletableFuture<>();
            CompletableFuture<Object> main = Async.runCoroutineThreadsafe(Coroutine.of(() -> {
                Future<Void> stop = loop.createFuture();
                release.thenRun(() -> loop.callSoonThreadsafe(() -> stop.setResult(null)));
                Task<Void> gathering = createTask(Coroutine.of(() -> {
                    await(gather(createTask(parked(stop), "g-child-1"),
                            gather(createTask(parked(stop), "g-nested"))));
                    return null;
                }), "gatherer");
                Task<Void> shielding = createTask(Coroutine.of(() -> {
                    await(shield(createTask(parked(stop), "shielded")));
                    return null;
                }), "shielder");
                Task<Void> grouping = createTask(Coroutine.of(() -> {
                    try (TaskGroup tg = new TaskGroup()) {
                        tg.createTask(parked(stop), "group-child");
                        await(stop);
                    }
                    return null;
                }), "grouper");
                Task<Void> waiting = createTask(Coroutine.of(() -> {
                    await(waitFor(createTask(parked(stop), "waited-for"), Duration.ofSeconds(60)));
                    return null;
                }), "waiter");
                await(Async.sleep(0.01));
                built.countDown();
                await(gather(gathering, shielding, grouping, waiting));
                return null;
            }), loop);
            assertThat(built.await(30, TimeUnit.SECONDS)).isTrue();
            String dump = loop.dumpTasks();   // from the test's thread, not the loop's
            assertUnder(dump, "name='g-child-1'", "name='gatherer'");
            assertUnder(dump, "name='g-nested'", "name='gatherer'");
            assertThat(dump).contains("[gather] <Task pending name='g-child-1'");
            assertUnder(dump, "name='shielded'", "name='shielder'");
            assertThat(dump).contains("[shield] <Task pending name='shielded'");
            assertUnder(dump, "name='group-child'", "name='grouper'");
            assertThat(dump).contains("[task group] <Task pending name='group-child'");
            assertUnder(dump, "name='waited-for'", "name='waiter'");
            assertUnder(dump, "name='gatherer'", "name='Task-");   // the main task gathers the four
            release.complete(null);
            main.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBlockedLoopIsReportedInsteadOfHanging() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch unblock = new CountDownLatch(1);
            loop.callSoonThreadsafe(() -> {
                blocking.countDown();
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();
            String dump = loop.dumpTasks(Duration.ofMillis(100));
            unblock.countDown();
            assertThat(dump).contains("did not answer within PT0.1S").contains("CountDownLatch.await");
        }
        EventLoop notRunning = EventLoop.create();
        notRunning.close();
        assertThat(notRunning.dumpTasks()).contains("closed");
    }

    @Test
    void eachRunningLoopHasAnMBeanUntilItCloses() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        String before = System.getProperty("asyncio4j.jmx");
        System.setProperty("asyncio4j.jmx", "true");   // the build turns it off for the other tests
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            CompletableFuture<Void> release = new CompletableFuture<>();
            group.submit(Coroutine.of(() -> {
                Future<Void> stop = Async.getRunningLoop().createFuture();
                release.thenRun(() -> loop.callSoonThreadsafe(() -> stop.setResult(null)));
                createTask(parked(stop), "first");
                createTask(parked(stop), "second");
                await(stop);
                return null;
            }));
            name = new ObjectName("io.github.asyncio4j:type=EventLoop,name=" + loop.name());
            for (int i = 0; i < 300 && !mbs.isRegistered(name); i++) {
                Thread.sleep(50);   // registered at the registrar's second look (1 s apart): a server exists
            }
            assertThat(mbs.isRegistered(name)).isTrue();
            assertThat(mbs.getAttribute(name, "TaskCount")).isEqualTo(3);
            assertThat(mbs.getAttribute(name, "Running")).isEqualTo(true);
            assertThat(mbs.getAttribute(name, "ThreadName")).asString().contains("loop-0");
            assertThat(mbs.getAttribute(name, "ReadyQueueLength")).isInstanceOf(Integer.class);
            assertThat(mbs.getAttribute(name, "SlowCallbackCount")).isEqualTo(0L);
            assertThat((String) mbs.invoke(name, "dumpTasks", new Object[0], new String[0]))
                    .contains("name='first'").contains("name='second'");
            release.complete(null);
        } finally {
            if (before == null) {
                System.clearProperty("asyncio4j.jmx");
            } else {
                System.setProperty("asyncio4j.jmx", before);
            }
        }
        for (int i = 0; i < 300 && mbs.isRegistered(name); i++) {
            Thread.sleep(10);   // unregistered by the JMX thread right after the close
        }
        assertThat(mbs.isRegistered(name)).isFalse();
    }

    @Test
    void aLoopDoesNotCreateTheMBeanServer() throws Exception {
        // The child's loop runs past two looks of the registrar (1 s apart) with JMX on; nothing created a server.
        try (ChildJvm child = ChildJvm.start(LoopWithoutJmxReader.class)) {
            assertThat(child.awaitLine("mbean servers: ")).isEqualTo("mbean servers: 0");
        }
    }

    /** The child JVM of {@link #aLoopDoesNotCreateTheMBeanServer}. */
    public static final class LoopWithoutJmxReader {
        public static void main(String[] args) {
            Async.run(Coroutine.of(() -> {
                await(Async.sleep(Duration.ofMillis(2 * LoopMBeans.POLL_MS + 500)));
                return null;
            }));
            System.out.println("mbean servers: " + javax.management.MBeanServerFactory.findMBeanServer(null).size());
        }
    }
}
