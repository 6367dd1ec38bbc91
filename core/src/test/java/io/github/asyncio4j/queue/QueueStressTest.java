package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many producers and consumers over a small bounded queue, with producers and consumers cancelled at random
 * (while blocked in put/get, right after being woken, or between operations). Every item whose {@code put}
 * returned must be received exactly once; no other item may be received; an item never waits while every
 * consumer is parked (nor a free slot while every producer is), and join() returns at the end. Deterministic per
 * seed: the loop is single-threaded and all randomness comes from one seeded {@link Random}.
 */
// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueStressTest {
    static final int ITEMS = 1200;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void noItemIsLostOrDuplicatedUnderRandomCancellation(long seed) {
        Random rnd = new Random(seed);
        int maxsize = 1 + rnd.nextInt(4);
        int producerCount = 2 + rnd.nextInt(7);     // some seeds keep the producers waiting, some the consumers
        int consumerStart = 2 + rnd.nextInt(7);
        int perProducer = ITEMS / producerCount;
        Queue<Integer> q = switch ((int) (seed % 3)) {
            case 0 -> new Queue<>(maxsize);
            case 1 -> new PriorityQueue<>(maxsize);
            default -> new LifoQueue<>(maxsize);
        };
        Set<Integer> accepted = new HashSet<>();
        List<Integer> received = new ArrayList<>();
        int[] cancelled = {0, 0};     // producers, consumers
        int[] cancelledWoken = {0, 0};    // consumers, producers cancelled between their wake-up and their step

        run(() -> {
            List<Task<Void>> producers = new ArrayList<>();
            for (int p = 0; p < producerCount; p++) {
                int base = p * 100_000;
                producers.add(spawn("producer-" + p, () -> {
                    for (int k = 0; k < perProducer; k++) {
                        int item = base + k;
                        randomYields(rnd);
                        if (rnd.nextInt(4) == 0) {
                            try {
                                q.putNowait(item);
                            } catch (QueueFull full) {
                                await(q.put(item));
                            }
                        } else {
                            await(q.put(item));
                        }
                        accepted.add(item);     // no await between a put that returned and this line
                    }
                    return null;
                }));
            }
            List<Task<Void>> consumers = new ArrayList<>();
            for (int c = 0; c < consumerStart; c++) {
                consumers.add(consumer(q, received, rnd, c));
            }
            // Chaos: cancel random producers (they stop) and consumers (replaced by fresh ones), and tasks just
            // woken, before they run (such a consumer is replaced only if it was the last one: a fresh consumer
            // would take a stranded item at once and hide a wake-up that was not passed on).
            int consumerCount = consumerStart;
            while (!producers.stream().allMatch(Task::isDone)) {
                await(sleep(0));
                // No lost wake-up: tasks park only on a full (empty) queue and each get (put) wakes one of them, so
                // a free slot (an item) with every live producer (consumer) parked means a wake-up went missing.
                assertThat(!q.empty() && allParked(consumers)).as("an item waits while every consumer is parked: "
                        + q).isFalse();
                assertThat(!q.full() && allParked(producers)).as("a slot is free while every producer is parked: "
                        + q).isFalse();
                int dice = rnd.nextInt(100);
                Task<Void> woken = justWoken(consumers, cancelled[0] < producerCount / 2 ? producers : List.of());
                if (woken != null && rnd.nextInt(4) == 0) {
                    // cancelled after its wake-up and before it ran: the wake-up must pass on to the next waiter
                    woken.cancel();
                    if (consumers.remove(woken)) {
                        cancelled[1]++;
                        cancelledWoken[0]++;
                        if (consumers.isEmpty()) {
                            consumers.add(consumer(q, received, rnd, consumerCount++));
                        }
                    } else {
                        cancelled[0]++;
                        cancelledWoken[1]++;
                    }
                } else if (dice < 4) {
                    Task<Void> victim = consumers.get(rnd.nextInt(consumers.size()));
                    if (victim.cancel()) {
                        cancelled[1]++;
                        consumers.remove(victim);
                        consumers.add(consumer(q, received, rnd, consumerCount++));
                    }
                } else if (dice < 6 && cancelled[0] < producerCount / 2) {
                    if (producers.get(rnd.nextInt(producerCount)).cancel()) {
                        cancelled[0]++;
                    }
                }
            }
            for (Task<Void> p : producers) {
                try {
                    await(p);
                } catch (CancelledError expected) {
                    // its items so far were counted when their put returned
                }
            }
            // Every accepted item gets received and marked done, and soon: an item stranded in the queue while
            // consumers wait (a lost wake-up) would keep join() waiting, so the wait is bounded.
            Task<Void> joiner = spawn("joiner", () -> await(q.join()));
            for (int i = 0; i < 10_000 && !joiner.isDone(); i++) {
                await(sleep(0));
            }
            assertThat(joiner.isDone()).as("join() returned: no item stranded while consumers wait, " + q).isTrue();
            q.shutdown();
            for (Task<Void> c : consumers) {
                await(c);           // each ends at the shut-down, empty queue
            }
            return null;
        });

        assertThat(received).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(accepted);
        assertThat(accepted.size()).isGreaterThan(ITEMS / 4);
        assertThat(cancelled[0]).as("producers cancelled").isPositive();
        assertThat(cancelled[1]).as("consumers cancelled").isPositive();
        assertThat(cancelledWoken[0]).as("consumers cancelled right after a wake-up").isPositive();
        assertThat(cancelledWoken[1]).as("producers cancelled right after a wake-up").isPositive();
        assertThat(q.empty()).isTrue();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    /** True if some task is live and every live one waits on a future that is not done yet. */
    static boolean allParked(List<Task<Void>> tasks) {
        boolean anyLive = false;
        for (Task<Void> t : tasks) {
            if (t.isDone()) {
                continue;
            }
            anyLive = true;
            if (!(t.awaiting() instanceof Future<?> f) || f.isDone()) {
                return false;
            }
        }
        return anyLive;
    }

    /** A task whose awaited future is done but whose step has not run yet, or null. */
    static Task<Void> justWoken(List<Task<Void>> consumers, List<Task<Void>> producers) {
        for (List<Task<Void>> tasks : List.of(consumers, producers)) {
            for (Task<Void> t : tasks) {
                if (!t.isDone() && t.awaiting() instanceof Future<?> f && f.isDone()) {
                    return t;
                }
            }
        }
        return null;
    }

    /** A consumer that records each item, marks it done, and stops at shut-down; half iterate, half call get(). */
    static Task<Void> consumer(Queue<Integer> q, List<Integer> received, Random rnd, int n) {
        return spawn("consumer-" + n, () -> {
            if (n % 2 == 0) {
                for (Integer item : q.each()) {
                    received.add(item);
                    q.taskDone();
                    randomYields(rnd);
                }
            } else {
                try {
                    while (true) {
                        Integer item = await(q.get());
                        received.add(item);
                        q.taskDone();
                        randomYields(rnd);
                    }
                } catch (QueueShutDown end) {
                    // done
                }
            }
            return null;
        });
    }

    static void randomYields(Random rnd) {
        for (int i = rnd.nextInt(3); i > 0; i--) {
            await(sleep(0));
        }
    }
}
