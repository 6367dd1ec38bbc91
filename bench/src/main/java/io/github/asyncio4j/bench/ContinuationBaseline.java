package io.github.asyncio4j.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
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
 * The floor under {@link GeneratorBench#yieldResume}: one {@code Continuation.run()} plus one
 * {@code Continuation.yield(scope)} on the bare JDK class, without asyncio4j (bound through method handles, as
 * the fast engine binds it). The difference between the two is what asyncio4j adds per hop. Needs
 * {@code --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED}, which the fork is given.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Thread)
public class ContinuationBaseline {
    private static final Object SCOPE;
    private static final MethodHandle NEW;    // (Object scope, Runnable)Object
    private static final MethodHandle RUN;    // (Object)void
    private static final MethodHandle YIELD;  // (Object scope)boolean

    static {
        try {
            Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SCOPE = lookup.findConstructor(scopeClass, MethodType.methodType(void.class, String.class))
                    .invoke("asyncio4j-bench");
            NEW = lookup.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            RUN = lookup.findVirtual(contClass, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            YIELD = lookup.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (Throwable t) {
            throw new ExceptionInInitializerError("jdk.internal.vm is not exported to this code; run with "
                    + "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED (" + t + ")");
        }
    }

    private Object continuation;
    private int yielded;

    @Setup
    public void setUp() throws Throwable {
        Runnable body = () -> {
            int i = 0;
            while (true) {
                yielded = i++;
                try {
                    boolean ignored = (boolean) YIELD.invokeExact(SCOPE);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }
        };
        continuation = (Object) NEW.invokeExact(SCOPE, body);
    }

    /** Resume a continuation that yields forever, and read what it left behind. */
    @Benchmark
    public int runYield() throws Throwable {
        RUN.invokeExact(continuation);
        return yielded;
    }
}
