package io.github.asyncio4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDK virtual-thread twins of {@link LoopBench}'s workloads. The fork pins the virtual-thread scheduler to
 * one carrier ({@code -Djdk.virtualThreadScheduler.parallelism=1}, {@code maxPoolSize=1}), as an event loop is
 * one thread: so a {@code Thread.yield()} really hands the carrier to the other virtual thread. ({@code bench/run
 * loop} passes the same flags on the command line, which replaces the annotation's.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Djdk.virtualThreadScheduler.parallelism=1",
        "-Djdk.virtualThreadScheduler.maxPoolSize=1"})
@State(Scope.Thread)
public class VirtualThreadBench {
    static final int N = LoopBench.N;

    /**
     * Task switch: two virtual threads alternating {@code Thread.yield()}, {@value #N} times each, on one carrier;
     * the benchmark thread starts both and joins both. One operation is one yield (one unmount and one mount).
     */
    @Benchmark
    @OperationsPerInvocation(2 * N)
    public void taskSwitch() throws InterruptedException {
        Runnable spin = () -> {
            for (int i = 0; i < N; i++) {
                Thread.yield();
            }
        };
        Thread a = Thread.ofVirtual().start(spin);
        Thread b = Thread.ofVirtual().start(spin);
        a.join();
        b.join();
    }

    /**
     * Spawn and complete: {@value #N} virtual threads that return at once, started from a virtual thread (as
     * the asyncio4j tasks are created by a coroutine on the loop), which then joins every one of them.
     * One operation is one virtual thread's start, run, end and join.
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public void spawn() throws InterruptedException {
        Thread parent = Thread.ofVirtual().start(() -> {
            Thread[] threads = new Thread[N];
            Runnable noop = () -> { };
            Thread.Builder builder = Thread.ofVirtual();
            for (int i = 0; i < N; i++) {
                threads[i] = builder.start(noop);
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        parent.join();
    }
}
