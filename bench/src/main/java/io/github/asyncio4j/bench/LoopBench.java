package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
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
 * The event loop's hot paths, in nanoseconds per operation. The twins of these workloads are in
 * {@link VirtualThreadBench} (JDK virtual threads) and {@code bench/python/loop_bench.py} (CPython asyncio);
 * {@code bench/run loop} runs all of them and compares.
 *
 * <p>One event loop lives for the whole trial; each invocation is one {@code runUntilComplete} of a coroutine
 * that does {@value #N} operations, so the loop's start and stop are spread over them. As in
 * {@link GeneratorBench}, {@code -Dasyncio4j.bench.engine=continuation|thread} makes the run fail if the other
 * engine is in use.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LoopBench {
    /** Operations per invocation: switches per task pair, tasks per spawn batch. */
    public static final int N = 10_000;

    private EventLoop loop;

    @Setup(Level.Trial)
    public void setUp() {
        GeneratorBench.checkEngine();
        checkCompiled(spin(1));
        loop = EventLoop.create();
    }

    /**
     * With {@code -Dasyncio4j.coroutines=compiled}, fails unless {@code c} got compiled: a result labelled compiled
     * must be one. (Closes {@code c}, which never ran.)
     */
    static void checkCompiled(Coroutine<?> c) {
        boolean asked = "compiled".equals(System.getProperty("asyncio4j.coroutines"));
        c.close();
        if (asked && !c.isCompiled()) {
            throw new IllegalStateException("-Dasyncio4j.coroutines=compiled, but the benchmark's coroutine is not "
                    + "compiled (run with -Dasyncio4j.debug=true to see why)");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    /**
     * Task switch: two tasks alternating {@code await(sleep(0))}, {@value #N} times each. Each
     * {@code sleep(0)} yields a {@code YieldOnce} trap, so every operation is one task step: resume the
     * coroutine, take its trap, put the task back in the ready queue. Python:
     * {@code async def spin(n): for _ in range(n): await asyncio.sleep(0)}, two tasks.
     */
    @Benchmark
    @OperationsPerInvocation(2 * N)
    public Object taskSwitch() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Task<Void> a = createTask(spin(N));
            Task<Void> b = createTask(spin(N));
            await(a);
            return await(b);
        }));
    }

    private static Coroutine<Void> spin(int n) {
        return Coroutine.of(() -> {
            for (int i = 0; i < n; i++) {
                await(sleep(0));
            }
            return null;
        });
    }

    /**
     * Spawn and complete: a coroutine creates {@value #N} tasks of a trivial coroutine and awaits the last; the
     * ready queue is FIFO, so when the last is done all are. Per task: the coroutine, the task, its first (and
     * only) step, its result. Python: {@code create_task(noop())} N times, {@code await} the last.
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public Object spawn() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Task<Integer> last = null;
            for (int i = 0; i < N; i++) {
                last = createTask(Coroutine.of(() -> 1));
            }
            return await(last);
        }));
    }
}
