package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.engine.Engine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Heap per suspended task: starts N tasks that all stay suspended, and divides the growth of the used heap
 * (measured after full collections, before and after) by N. Not a JMH benchmark: one measurement per JVM.
 *
 * <pre>
 * java [--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED] -cp bench/target/benchmarks.jar \
 *     io.github.asyncio4j.bench.TaskMemory KIND TASKS
 * </pre>
 *
 * KIND is {@code future} (asyncio4j tasks each at {@code await(gate)} on one shared future), {@code sleep}
 * (asyncio4j tasks each at {@code await(sleep(3600))}) or {@code virtual-thread} (JDK virtual threads each
 * parked in {@code CountDownLatch.await()} on one shared latch) or {@code kotlin} (Kotlin coroutines each at
 * {@code gate.await()} on one shared {@code CompletableDeferred}, {@link KotlinPeer}). Prints one JSON object. The asyncio4j kinds
 * honour {@code -Dasyncio4j.bench.engine}, as the JMH benchmarks do. Every task is checked to be suspended
 * when the heap is measured, and to finish afterwards. The workload is first run a few times on fewer tasks (a
 * warm-up, see {@link #WARM_UP_ROUNDS}). With {@code -Dtaskmemory.histogram=true} it also prints the
 * live heap's class histogram (top 40) on stderr: where the bytes of a task go.
 */
public final class TaskMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    /**
     * Before measuring, the same workload runs (and finishes) this many times with {@link #WARM_UP_TASKS} tasks, so
     * the frames frozen into each suspended task are those of compiled code, as in a program that has been running
     * for a while: interpreted frames are larger, and without the warm-up they dominate a 100,000-task figure.
     */
    private static final int WARM_UP_ROUNDS = 5;
    private static final int WARM_UP_TASKS = 20_000;

    private TaskMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TaskMemory future|sleep|virtual-thread|kotlin TASKS");
            System.exit(2);
        }
        String kind = args[0];
        int n = Integer.parseInt(args[1].replace("_", ""));
        if (n <= 0) {
            throw new IllegalArgumentException("TASKS must be positive, got " + n);
        }
        long[] heap = switch (kind) {
            case "future", "sleep" -> {
                GeneratorBench.checkEngine();
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    asyncio4jTasks(WARM_UP_TASKS, kind.equals("sleep"));
                }
                settle();
                yield asyncio4jTasks(n, kind.equals("sleep"));
            }
            case "virtual-thread" -> {
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    virtualThreads(WARM_UP_TASKS);
                }
                settle();
                yield virtualThreads(n);
            }
            case "kotlin" -> {
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    KotlinPeer.suspendedHeap(WARM_UP_TASKS, () -> 0);
                }
                settle();
                yield KotlinPeer.suspendedHeap(n, TaskMemory::usedHeapAfterGc);
            }
            default -> throw new IllegalArgumentException(
                    "KIND must be future, sleep, virtual-thread or kotlin, got '" + kind + "'");
        };
        String engine = kind.equals("virtual-thread") ? "jdk" : kind.equals("kotlin") ? "kotlinx"
                : Engine.name() + ("compiled".equals(System.getProperty("asyncio4j.coroutines")) ? "+compiled" : "");
        System.out.printf(Locale.ROOT, "{\"kind\": \"%s\", \"engine\": \"%s\", \"tasks\": %d, \"heapBefore\": %d,"
                        + " \"heapAfter\": %d, \"bytesPerTask\": %.1f, \"warmUpTasks\": %d, \"gc\": \"%s\","
                        + " \"jdk\": \"%s\"}%n",
                kind, engine, n, heap[0], heap[1], (heap[1] - heap[0]) / (double) n, WARM_UP_ROUNDS * WARM_UP_TASKS,
                gcName(), System.getProperty("java.vm.version"));
    }

    /** N asyncio4j tasks suspended on one future (or sleeping); returns the used heap before and after. */
    private static long[] asyncio4jTasks(int n, boolean sleeping) {
        EventLoop loop = EventLoop.create();
        Future<Void> gate = loop.createFuture();
        long before = usedHeapAfterGc();
        loop.runUntilComplete(Coroutine.of(() -> {
            for (int i = 0; i < n; i++) {
                createTask(sleeping ? sleepLong() : waitOn(gate));
            }
            await(sleep(0));   // every task has taken its first step and is suspended
            return null;
        }));
        long after = usedHeapAfterGc();
        histogram();
        int suspended = loop.allTasks().size();
        if (suspended != n) {
            throw new IllegalStateException("expected " + n + " suspended tasks, found " + suspended);
        }
        if (sleeping) {
            for (Task<?> t : loop.allTasks()) {
                t.cancel();
            }
        } else {
            gate.setResult(null);
        }
        loop.runUntilComplete(Coroutine.of(() -> {
            await(sleep(0));
            await(sleep(0));
            return null;
        }));
        if (!loop.allTasks().isEmpty()) {
            throw new IllegalStateException(loop.allTasks().size() + " tasks did not finish");
        }
        loop.close();
        return new long[] {before, after};
    }

    private static Coroutine<Void> waitOn(Future<Void> gate) {
        return Coroutine.of(() -> await(gate));
    }

    private static Coroutine<Void> sleepLong() {
        return Coroutine.of(() -> await(sleep(3600)));
    }

    /** N virtual threads parked on one latch; returns the used heap before and after. */
    private static long[] virtualThreads(int n) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(n);
        Runnable body = () -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            finished.countDown();
        };
        long before = usedHeapAfterGc();
        Thread.Builder builder = Thread.ofVirtual();
        for (int i = 0; i < n; i++) {
            builder.start(body);
        }
        started.await();
        Thread.sleep(200);   // the last few to count down have parked too
        long after = usedHeapAfterGc();
        histogram();
        gate.countDown();
        finished.await();
        return new long[] {before, after};
    }

    /** With {@code -Dtaskmemory.histogram=true}: the live heap's class histogram, top entries, on stderr. */
    private static void histogram() {
        if (!Boolean.getBoolean("taskmemory.histogram")) {
            return;
        }
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
            String[] lines = out.toString().split("\n");
            for (int i = 0; i < Math.min(lines.length, 40); i++) {
                System.err.println(lines[i]);
            }
        } catch (Exception e) {
            System.err.println("no histogram: " + e);
        }
    }

    /**
     * Lets the warm-up's threads finish exiting (on the fallback engine, a finished task's virtual thread may still
     * be unwinding when the loop returns), so its leftovers are not in the "before" figure and gone by "after".
     */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    /** The used heap after full collections, once it has stopped shrinking. */
    private static long usedHeapAfterGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (used >= best && i >= 2) {
                return Math.min(best, used);
            }
            best = Math.min(best, used);
        }
        return best;
    }

    private static String gcName() {
        StringBuilder b = new StringBuilder();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            b.append(b.isEmpty() ? "" : "+").append(gc.getName());
        }
        return b.toString();
    }
}
