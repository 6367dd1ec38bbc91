package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.process.Subprocess;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of {@link Subprocess}: N short processes at once ({@code /bin/echo}, whose output is read with
 * {@code communicate()}), the wall time of the batch, and the threads it needs: the peak number of live JVM
 * threads above the baseline, divided by N (the JDK's process reaper plus asyncio4j's pipe threads).
 *
 * <pre>
 *   java --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        io.github.asyncio4j.bench.SubprocessCost [processes] [rounds]
 * </pre>
 */
public final class SubprocessCost {
    private SubprocessCost() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= rounds; round++) {
            int baseline = threads.getThreadCount();
            threads.resetPeakThreadCount();
            long start = System.nanoTime();
            int ok = Async.run(Coroutine.of(() -> {
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
            double ms = (System.nanoTime() - start) / 1e6;
            int peak = threads.getPeakThreadCount() - baseline;
            System.out.printf("round %d: %d processes (%d exited 0) in %.0f ms (%.2f ms each); peak %d threads above "
                    + "the baseline of %d: %.2f per process%n", round, n, ok, ms, ms / n, peak, baseline,
                    peak / (double) n);
        }
    }
}
