package io.github.asyncio4j.bench;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.GeneratorBody;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the compiled engine pays once per generator body: reading the body's class file, analysing the method,
 * writing the state machine class and defining it as a hidden class (the engine caches the result per body, so
 * this is paid at a body's first {@code Generator.of} only). Each operation compiles {@code jumping_range} afresh
 * through the compiler itself ({@code io.github.asyncio4j.engine.GeneratorCompiler}, loaded reflectively: it is
 * built for JDK 24+). Run on a JDK 24+ with {@code -Dasyncio4j.generators=compiled}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GeneratorCompileBench {
    private Function<Object, ?> compiler;
    private GeneratorBody<Integer, Integer, String> body;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() throws ReflectiveOperationException {
        compiler = (Function<Object, ?>) Class.forName("io.github.asyncio4j.engine.GeneratorCompiler")
                .getConstructor().newInstance();
        // Python: def jumping_range(up_to): index = 0; while index < up_to: jump = yield index; ...
        int upTo = 5;
        body = y -> {
            int index = 0;
            while (index < upTo) {
                Integer jump = y.yield(index);
                index += jump == null ? 1 : jump;
            }
            return "done";
        };
        if (!Generator.of(body).isCompiled()) {
            throw new IllegalStateException("the body did not compile; run with -Dasyncio4j.generators=compiled");
        }
    }

    /** One compilation of a body: class file read, analysis, generation, hidden class definition. */
    @Benchmark
    public Object compileBody() {
        return compiler.apply(body);
    }
}
