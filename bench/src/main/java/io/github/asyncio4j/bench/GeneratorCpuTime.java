package io.github.asyncio4j.bench;

import io.github.asyncio4j.Generator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link GeneratorBench}'s workloads timed by the measuring thread's CPU time instead of the wall clock, for A/B
 * comparisons on a shared machine: time spent descheduled while other processes run is not counted, so two jars
 * run back to back compare fairly even under load (cache and core sharing still add noise; take the best round).
 * Not a replacement for the JMH figures, which are the ones reported.
 *
 * <pre>
 * java -XX:+UnlockExperimentalVMOptions -XX:CompileCommand=quiet \
 *     -XX:CompileCommand=blackhole,org/openjdk/jmh/infra/Blackhole.consumeCompiler -DcompilerBlackholesEnabled=true \
 *     -XX:CompileCommand=inline,org/openjdk/jmh/infra/Blackhole.consume \
 *     --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -Dasyncio4j.generators=compiled \
 *     -cp bench/target/benchmarks.jar io.github.asyncio4j.bench.GeneratorCpuTime WORKLOAD [ROUNDS [VALUES]]
 * </pre>
 *
 * (the blackhole options are those JMH gives its forks: {@code Blackhole.consume} becomes a compiler blackhole,
 * as in the benchmark). For an A/B, put the other build's jar first on the class path: {@code -cp OLD.jar:NEW.jar}
 * runs the old core with this class.
 *
 * WORKLOAD is {@code forEachDrain}, {@code yieldResume}, {@code send} (the bodies of {@link GeneratorBench}) or
 * {@code iteratorDrain} ({@link IteratorBaseline#forEachDrain}'s hand-written Iterator). Each round runs VALUES
 * values (default 10,000,000); the first third of the rounds (default 15) are warm-up. Prints the best and the
 * median round in CPU ns per value, one line. Every value goes into a JMH {@link Blackhole}, as in the benchmark.
 */
public final class GeneratorCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Blackhole bh = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    private Generator<Integer, Object, Void> forever;
    private Generator<Integer, Integer, Void> echo;
    private Integer last;

    private GeneratorCpuTime() {
        forever = GeneratorBench.forever();
        echo = GeneratorBench.echo();
        last = echo.next();
    }

    /** Runs {@code values} values of {@code workload}. */
    private void run(String workload, long values) {
        switch (workload) {
            case "forEachDrain" -> {
                for (long v = 0; v < values; v += GeneratorBench.N) {
                    forEachDrain();
                }
            }
            case "iteratorDrain" -> {
                for (long v = 0; v < values; v += GeneratorBench.N) {
                    iteratorDrain();
                }
            }
            case "yieldResume" -> {
                for (long v = 0; v < values; v++) {
                    bh.consume(forever.next());
                }
            }
            case "send" -> {
                for (long v = 0; v < values; v++) {
                    Integer x = echo.send(last);
                    last = x;
                    bh.consume(x);
                }
            }
            default -> throw new IllegalArgumentException("unknown workload '" + workload
                    + "' (forEachDrain, iteratorDrain, yieldResume, send)");
        }
    }

    private void forEachDrain() {
        for (Integer x : GeneratorBench.range()) {
            bh.consume(x);
        }
    }

    private void iteratorDrain() {
        Iterable<Integer> range = () -> new IteratorBaseline.Range(GeneratorBench.N);
        for (Integer x : range) {
            bh.consume(x);
        }
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: GeneratorCpuTime forEachDrain|iteratorDrain|yieldResume|send [ROUNDS [VALUES]]");
            System.exit(2);
        }
        String workload = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        long values = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
        GeneratorBench.checkEngine();
        GeneratorCpuTime driver = new GeneratorCpuTime();
        int warmUp = rounds / 3;
        double[] measured = new double[rounds - warmUp];
        for (int r = 0; r < rounds; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            driver.run(workload, values);
            long t = THREADS.getCurrentThreadCpuTime() - t0;
            if (r >= warmUp) {
                measured[r - warmUp] = (double) t / values;
            }
        }
        java.util.Arrays.sort(measured);
        System.out.printf(Locale.ROOT, "%s best %.2f median %.2f cpu-ns/value (%d rounds of %d)%n", workload,
                measured[0], measured[measured.length / 2], measured.length, values);
    }
}
