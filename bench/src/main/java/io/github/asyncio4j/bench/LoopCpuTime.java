package io.github.asyncio4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link LoopBench}'s and {@link KotlinCoroutinesBench}'s workloads timed by the measuring thread's CPU time, for
 * A/B comparisons on a shared machine (see {@link GeneratorCpuTime}: time spent descheduled is not counted; take
 * the best round). Not a replacement for the JMH figures.
 *
 * <pre>
 * java [--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED] [-Dasyncio4j.coroutines=compiled] \
 *     -cp bench/target/benchmarks.jar io.github.asyncio4j.bench.LoopCpuTime WORKLOAD [ROUNDS]
 * </pre>
 *
 * WORKLOAD is {@code taskSwitch} or {@code spawn} (asyncio4j, {@link LoopBench}) or {@code kotlinTaskSwitch} or
 * {@code kotlinSpawn} ({@link KotlinPeer}). Each round is 100 invocations of {@value LoopBench#N} operations; the
 * first third of the rounds (default 15) are warm-up. Prints the best and the median round in CPU ns per
 * operation, one line.
 */
public final class LoopCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int INVOCATIONS = 100;

    private LoopCpuTime() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LoopCpuTime taskSwitch|spawn|kotlinTaskSwitch|kotlinSpawn [ROUNDS]");
            System.exit(2);
        }
        String workload = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        LoopBench bench = new LoopBench();
        boolean asyncio4j = !workload.startsWith("kotlin");
        if (asyncio4j) {
            bench.setUp();
        }
        int opsPerInvocation = workload.toLowerCase(Locale.ROOT).endsWith("taskswitch") ? 2 * LoopBench.N
                : LoopBench.N;
        Runnable invocation = switch (workload) {
            case "taskSwitch" -> bench::taskSwitch;
            case "spawn" -> bench::spawn;
            case "kotlinTaskSwitch" -> () -> KotlinPeer.taskSwitch(LoopBench.N);
            case "kotlinSpawn" -> () -> KotlinPeer.spawn(LoopBench.N);
            default -> throw new IllegalArgumentException("unknown workload '" + workload
                    + "' (taskSwitch, spawn, kotlinTaskSwitch, kotlinSpawn)");
        };
        int warmUp = rounds / 3;
        double[] measured = new double[rounds - warmUp];
        for (int r = 0; r < rounds; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < INVOCATIONS; i++) {
                invocation.run();
            }
            long t = THREADS.getCurrentThreadCpuTime() - t0;
            if (r >= warmUp) {
                measured[r - warmUp] = (double) t / ((long) INVOCATIONS * opsPerInvocation);
            }
        }
        if (asyncio4j) {
            bench.tearDown();
        }
        Arrays.sort(measured);
        System.out.printf(Locale.ROOT, "%s best %.2f median %.2f cpu-ns/op (%d rounds of %d)%n", workload,
                measured[0], measured[measured.length / 2], measured.length, INVOCATIONS * opsPerInvocation);
    }
}
