package io.github.asyncio4j.bench;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.engine.Engine;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of a generator's basic moves, in nanoseconds per yielded value. The twins of these workloads on
 * CPython are in {@code bench/python/generators.py}; {@code bench/run generators} runs both and compares.
 *
 * <p>The engine is chosen once, when the JVM starts, so this class is run twice: with
 * {@code -jvmArgsAppend "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"} (the fast, Continuation engine)
 * and with {@code -Dasyncio4j.engine=thread} (the fallback, a virtual thread per generator). Pass
 * {@code -Dasyncio4j.bench.engine=continuation|thread} as well and the run fails if the other engine is in use,
 * so a result can never carry the wrong label. A third run, with {@code -Dasyncio4j.generators=compiled} and
 * {@code -Dasyncio4j.bench.engine=compiled}, measures the compiled engine (bodies turned into state machines).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GeneratorBench {
    /** Values yielded by each generator that {@link #forEachDrain} drains. */
    public static final int N = 1000;

    private Generator<Integer, Object, Void> forever;
    private Generator<Integer, Integer, Void> echo;
    private Integer last;

    /**
     * Fails if {@code -Dasyncio4j.bench.engine} names an engine other than the one in use, so a result can never
     * carry the wrong label.
     */
    static void checkEngine() {
        String expected = System.getProperty("asyncio4j.bench.engine");
        if ("compiled".equals(expected)) {
            if (!Generator.of(y -> y.yield(1)).isCompiled()) {
                throw new IllegalStateException("asked to measure the compiled engine, but generators do not compile"
                        + " (it needs JDK 24+ and -Dasyncio4j.generators=compiled)");
            }
            return;
        }
        if (expected != null && !expected.equals(Engine.name())) {
            throw new IllegalStateException("asked to measure the '" + expected + "' engine, but '" + Engine.name()
                    + "' is in use" + (Engine.FAST ? "" : " (" + Engine.whyNotFast() + ")"));
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        checkEngine();
        forever = forever();
        echo = echo();
        last = echo.next();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        forever.close();
        echo.close();
    }

    /** One yield plus one resume: {@code next(g)} on a generator that yields forever. */
    @Benchmark
    public Integer yieldResume() {
        return forever.next();
    }

    /** One {@code send(v)} into a generator that sends back {@code v + 1}: {@code v = g.send(v)}. */
    @Benchmark
    public Integer send() {
        Integer v = echo.send(last);
        last = v;
        return v;
    }

    /**
     * {@code for x in gen(): pass} over a fresh generator of {@value #N} values, per value: the generator's
     * creation and end are spread over its values.
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public void forEachDrain(Blackhole bh) {
        for (Integer x : range()) {
            bh.consume(x);
        }
    }

    /** The benchmarks' bodies, shared with {@link GeneratorCpuTime}. Python: {@code def forever(): i = 0; while True: yield i; i += 1}. */
    static Generator<Integer, Object, Void> forever() {
        return Generator.of(y -> {
            int i = 0;
            while (true) {
                y.yield(i++);
            }
        });
    }

    /** Python: {@code def echo(): x = yield 0; while True: x = yield x + 1}. */
    static Generator<Integer, Integer, Void> echo() {
        return Generator.of(y -> {
            Integer x = y.yield(0);
            while (true) {
                x = y.yield(x + 1);
            }
        });
    }

    /** Python: {@code def gen(): for i in range(N): yield i}. */
    static Generator<Integer, Object, Void> range() {
        return Generator.of(y -> {
            for (int i = 0; i < N; i++) {
                y.yield(i);
            }
            return null;
        });
    }
}
