package io.github.asyncio4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LoopBench}'s workloads in Kotlin coroutines (kotlinx.coroutines, {@link KotlinPeer}): a
 * {@code runBlocking} event loop per invocation, as LoopBench runs one {@code runUntilComplete} per invocation, and
 * the same {@value LoopBench#N} operations in it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KotlinCoroutinesBench {
    /** Two coroutines ping-ponging through {@code yield()}: LoopBench's taskSwitch. */
    @Benchmark
    @OperationsPerInvocation(2 * LoopBench.N)
    public void taskSwitch() {
        KotlinPeer.taskSwitch(LoopBench.N);
    }

    /** {@code launch} of a coroutine that returns, {@code join} of the last: LoopBench's spawn. */
    @Benchmark
    @OperationsPerInvocation(LoopBench.N)
    public void spawn() {
        KotlinPeer.spawn(LoopBench.N);
    }
}
