package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the always-on diagnostics cost, in nanoseconds per operation: creating (and awaiting) a coroutine, which
 * now always goes through the never-awaited tracking, and task spawn and switch with the loop's JFR events
 * ({@code io.github.asyncio4j.Task}, {@code io.github.asyncio4j.SlowCallback}) disabled (the default: {@code
 * jfr=off}) and enabled in a running recording ({@code jfr=on}). The cost of the disabled events is the
 * difference between {@code jfr=off} here and {@link LoopBench} on a commit before them; the two benchmarks run
 * the same workloads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ObservabilityBench {
    /** Operations per invocation. */
    public static final int N = 10_000;

    /** Whether a JFR recording with the loop's events enabled runs during the trial. */
    @Param({"off", "on"})
    public String jfr;

    private EventLoop loop;
    private Recording recording;

    @Setup(Level.Trial)
    public void setUp() {
        GeneratorBench.checkEngine();
        loop = EventLoop.create();
        if (jfr.equals("on")) {
            recording = new Recording();
            recording.enable("io.github.asyncio4j.Task");
            recording.enable("io.github.asyncio4j.SlowCallback");
            recording.setToDisk(false);
            recording.setMaxSize(64 << 20);
            recording.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) {
            recording.close();
        }
        loop.close();
    }

    /** A coroutine made and awaited inline, {@value #N} times in one task: creation plus its tracking. */
    @Benchmark
    @OperationsPerInvocation(N)
    public Object createAndAwait() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            int sum = 0;
            for (int i = 0; i < N; i++) {
                int v = i;
                sum += await(Coroutine.of(() -> v));
            }
            return sum;
        }));
    }

    /** {@link LoopBench#spawn()}'s workload: {@value #N} trivial tasks, await the last. */
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

    /** {@link LoopBench#taskSwitch()}'s workload: two tasks alternating {@code await(sleep(0))}. */
    @Benchmark
    @OperationsPerInvocation(2 * N)
    public Object taskSwitch() {
        return loop.runUntilComplete(Coroutine.of(() -> {
            Task<Void> a = createTask(spin());
            Task<Void> b = createTask(spin());
            await(a);
            return await(b);
        }));
    }

    private static Coroutine<Void> spin() {
        return Coroutine.of(() -> {
            for (int i = 0; i < N; i++) {
                await(sleep(0));
            }
            return null;
        });
    }
}
