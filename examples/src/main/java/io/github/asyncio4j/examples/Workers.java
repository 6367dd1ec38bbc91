package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.queue.Queue;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The closing program, part 2: a producer and three workers share a bounded {@link Queue}. The producer waits
 * while the queue is full, the workers wait while it is empty; {@code join()} waits until every job is done and
 * {@code shutdown()} ends the workers' loops.
 */
public final class Workers {
    private Workers() {
    }

    /** Counts the jobs in progress, to show that the workers overlap. */
    static final class Stats {
        int inProgress;
        int mostAtOnce;
        final Map<Integer, Integer> results = new TreeMap<>();
    }

    static Coroutine<Integer> worker(Queue<Integer> jobs, Stats stats) {
        return Coroutine.of(() -> {
            int done = 0;
            for (int job : jobs.each()) {             // async for job in queue: ends at shutdown, once drained
                stats.mostAtOnce = Math.max(stats.mostAtOnce, ++stats.inProgress);
                await(sleep(job * 0.01));                // the work: job n takes n hundredths of a second
                stats.results.put(job, job * job);
                stats.inProgress--;
                jobs.taskDone();
                done++;
            }
            return done;
        });
    }

    static void run(PrintStream out) {
        Stats stats = new Stats();
        Async.run(Coroutine.of(() -> {
            Queue<Integer> jobs = new Queue<>(3);
            List<Task<Integer>> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                workers.add(createTask(worker(jobs, stats), "worker-" + i));
            }
            out.println("main: 3 workers, a queue of at most 3 jobs, 9 jobs to do");
            for (int job = 1; job <= 9; job++) {
                await(jobs.put(job));                    // waits while 3 jobs are queued
            }
            out.println("main: all 9 jobs are queued; join() waits until they are done");
            await(jobs.join());
            out.println("main: every job is done; shutdown() ends the workers' loops");
            jobs.shutdown();
            int total = 0;
            for (Task<Integer> w : workers) {
                total += await(w);
            }
            out.println("main: the workers did " + total + " jobs in all");
            return null;
        }));
        out.println("results: " + stats.results);
        out.println("most jobs in progress at once: " + stats.mostAtOnce);
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
