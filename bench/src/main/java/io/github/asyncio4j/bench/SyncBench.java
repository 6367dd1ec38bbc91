package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.engine.Engine;
import io.github.asyncio4j.queue.Queue;
import io.github.asyncio4j.sync.Lock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the synchronisation primitives and queues, in nanoseconds per operation, inside a running task.
 * Each invocation runs one coroutine of {@value #N} operations on a long-lived event loop
 * ({@code loop.runUntilComplete(...)}, {@code @OperationsPerInvocation(N)}): the task's creation and the loop's
 * iteration are spread over the operations. The CPython twins are in {@code bench/python/sync_bench.py};
 * {@code bench/run sync} runs both and compares.
 *
 * <p>As for {@link GeneratorBench}, the engine is fixed when the JVM starts: run it once with
 * {@code --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED} (fast) and once with {@code -Dasyncio4j.engine=thread}
 * (fallback); {@code -Dasyncio4j.bench.engine=continuation|thread} makes a mislabelled run fail.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SyncBench {
    /** Operations per invocation (one coroutine run). */
    public static final int N = 1000;
    private static final Integer ITEM = 42;

    private EventLoop loop;
    private Lock lock;
    private Queue<Integer> queue;

    @Setup(Level.Trial)
    public void setUp() {
        String expected = System.getProperty("asyncio4j.bench.engine");
        if (expected != null && !expected.equals(Engine.name())) {
            throw new IllegalStateException("asked to measure the '" + expected + "' engine, but '" + Engine.name()
                    + "' is in use" + (Engine.FAST ? "" : " (" + Engine.whyNotFast() + ")"));
        }
        loop = EventLoop.create();
        lock = new Lock();
        queue = new Queue<>();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    /** {@code await lock.acquire(); lock.release()} on an uncontended lock. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int lockAcquireRelease() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Lock l = lock;
            for (int i = 0; i < N; i++) {
                await(l.acquire());
                l.release();
            }
            return N;
        }));
    }

    /** {@code async with lock: pass} on an uncontended lock: {@code try (var held = lock.hold()) {}}. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int lockHold() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Lock l = lock;
            int n = 0;
            for (int i = 0; i < N; i++) {
                try (var held = l.hold()) {
                    n++;
                }
            }
            return n;
        }));
    }

    /** {@code await q.put(x); await q.get()} on an unbounded queue (neither waits). */
    @Benchmark
    @OperationsPerInvocation(N)
    public int queuePutGet() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Queue<Integer> q = queue;
            int sum = 0;
            for (int i = 0; i < N; i++) {
                await(q.put(ITEM));
                sum += await(q.get());
            }
            return sum;
        }));
    }

    /**
     * Ping-pong between two tasks through two queues: each round trip is two puts, two gets, and two task
     * switches (each get waits and is woken by the other task's put).
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public int queuePingPong() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Queue<Integer> ping = new Queue<>();
            Queue<Integer> pong = new Queue<>();
            Task<Void> echo = loop.createTask(Coroutine.of(() -> {
                for (int i = 0; i < N; i++) {
                    await(pong.put(await(ping.get())));
                }
                return null;
            }));
            int sum = 0;
            for (int i = 0; i < N; i++) {
                await(ping.put(ITEM));
                sum += await(pong.get());
            }
            await(echo);
            return sum;
        }));
    }
}
