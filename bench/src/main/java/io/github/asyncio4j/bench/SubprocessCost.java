package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.process.Subprocess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The cost of {@link Subprocess}: N short processes at once ({@code /bin/echo}, whose output is read to its end),
 * the wall time of the batch, and the threads it needs, against the same batch with the JDK alone
 * ({@code ProcessBuilder.start()}, then each child's stdout read and its exit waited for, one after another on
 * the main thread). Rounds alternate between the two, so a burst of load from elsewhere hits both. Besides the
 * wall time, each batch reports the CPU time this JVM spent per process (all its threads; the children's own
 * CPU is not in it), which depends much less on what else the machine runs.
 *
 * <p>Two thread figures per process: <i>started</i>, the threads the JVM started during the batch divided by N
 * (asyncio4j's pipe threads plus the JDK's process reaper, whose idle threads are reused for 60 s: so a warm
 * reaper pool shows as less than one); and <i>peak</i>, the most live threads above the baseline, divided by N.
 *
 * <pre>
 *   java --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        io.github.asyncio4j.bench.SubprocessCost [processes] [rounds] [both|asyncio4j|plain]
 * </pre>
 */
public final class SubprocessCost {
    private SubprocessCost() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String which = args.length > 2 ? args[2] : "both";
        if (!List.of("both", "asyncio4j", "plain").contains(which)) {
            System.err.println("SubprocessCost: the third argument is both, asyncio4j or plain, not '" + which + "'");
            System.exit(2);
        }
        for (int round = 1; round <= rounds; round++) {
            if (!which.equals("plain")) {
                measure("asyncio4j", round, n, () -> asyncio4j(n));
            }
            if (!which.equals("asyncio4j")) {
                measure("plain JDK", round, n, () -> plain(n));
            }
        }
    }

    private static void measure(String what, int round, int n, IntSupplier batch) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        int baseline = threads.getThreadCount();
        long startedBefore = threads.getTotalStartedThreadCount();
        threads.resetPeakThreadCount();
        long start = System.nanoTime();
        int ok = batch.getAsInt();
        double ms = (System.nanoTime() - start) / 1e6;
        double cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        long started = threads.getTotalStartedThreadCount() - startedBefore;
        int peak = threads.getPeakThreadCount() - baseline;
        System.out.printf("round %d %-9s: %d processes (%d exited 0) in %.0f ms (%.2f ms each, this JVM's CPU %.2f ms"
                + " each); threads per process: %.2f started, %.2f peak (baseline %d)%n", round, what, n, ok, ms,
                ms / n, cpuMs / n, started / (double) n, peak / (double) n, baseline);
    }

    /** The batch with asyncio4j: a task per process, {@code communicate()}. */
    private static int asyncio4j(int n) {
        return Async.run(Coroutine.of(() -> {
            List<Task<Subprocess.Output>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int k = i;
                all.add(Async.createTask(Coroutine.of(() -> {
                    Subprocess p = await(Subprocess.exec("/bin/echo", "process " + k));
                    return await(p.communicate());
                })));
            }
            int good = 0;
            for (Task<Subprocess.Output> t : all) {
                if (await(t).exitCode() == 0) {
                    good++;
                }
            }
            return good;
        }));
    }

    /** The batch with the JDK alone: start all, then read each one's output and wait for it, in turn. */
    private static int plain(int n) {
        try {
            List<Process> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                all.add(new ProcessBuilder("/bin/echo", "process " + i).start());
            }
            int good = 0;
            for (Process p : all) {
                p.getOutputStream().close();
                p.getInputStream().readAllBytes();
                p.getErrorStream().readAllBytes();
                if (p.waitFor() == 0) {
                    good++;
                }
            }
            return good;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
