package io.github.asyncio4j.bench;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floor under {@link GeneratorBench}: the same workloads written by hand as {@link Iterator}s, the state
 * machine a programmer would write (and what the compiled engine writes for them). Same names as
 * GeneratorBench's benchmarks, so the report lines them up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class IteratorBaseline {
    /** {@code forever} by hand: counts up from 0. */
    static final class Counter implements Iterator<Integer> {
        private int i;

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Integer next() {
            return i++;
        }
    }

    /** The drained generator by hand: 0 to {@code n - 1}. */
    static final class Range implements Iterator<Integer> {
        private final int n;
        private int i;

        Range(int n) {
            this.n = n;
        }

        @Override
        public boolean hasNext() {
            return i < n;
        }

        @Override
        public Integer next() {
            return i++;
        }
    }

    private Iterator<Integer> forever;

    @Setup
    public void setUp() {
        forever = new Counter();
    }

    /** {@link GeneratorBench#yieldResume}'s twin: one {@code next()}. */
    @Benchmark
    public Integer yieldResume() {
        return forever.next();
    }

    /** {@link GeneratorBench#forEachDrain}'s twin: a fresh iterator of {@value GeneratorBench#N} values, per value. */
    @Benchmark
    @OperationsPerInvocation(GeneratorBench.N)
    public void forEachDrain(Blackhole bh) {
        Iterable<Integer> range = () -> new Range(GeneratorBench.N);
        for (Integer x : range) {
            bh.consume(x);
        }
    }
}
