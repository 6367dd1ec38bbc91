package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.queue.QueueTesting.run;
import static io.github.asyncio4j.queue.QueueTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
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
 * returned must be received exactly once; no other item may be received. Deterministic per seed: the loop is
 * single-threaded and all randomness comes from one seeded {@link Random}.
 */
// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueStressTest {
    static final int PRODUCERS = 8;
    static final int ITEMS_PER_PRODUCER = 150;
    static final int CONSUMERS = 5;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void noItemIsLostOrDuplicatedUnderRandomCancellation(long seed) {
        Random rnd = new Random(seed);
        int maxsize = 1 + rnd.nextInt(4);
        Queue<Integer> q = switch ((int) (seed % 3)) {
            case 0 -> new Queue<>(maxsize);
            case 1 -> new PriorityQueue<>(maxsize);
            default -> new LifoQueue<>(maxsize);
        };
        Set<Integer> accepted = new HashSet<>();
        List<Integer> received = new ArrayList<>();
        int[] cancelled = {0, 0};     // producers, consumers

        run(() -> {
            List<Task<Void>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int base = p * 100_000;
                producers.add(spawn("producer-" + p, () -> {
                    for (int k = 0; k < ITEMS_PER_PRODUCER; k++) {
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
            for (int c = 0; c < CONSUMERS; c++) {
                consumers.add(consumer(q, received, rnd, c));
            }
            // Chaos: cancel random producers (they stop) and consumers (replaced by fresh ones).
            int consumerCount = CONSUMERS;
            while (!producers.stream().allMatch(Task::isDone)) {
                await(sleep(0));
                int dice = rnd.nextInt(100);
                if (dice < 4) {
                    Task<Void> victim = consumers.get(rnd.nextInt(consumers.size()));
                    if (victim.cancel()) {
                        cancelled[1]++;
                        consumers.remove(victim);
                        consumers.add(consumer(q, received, rnd, consumerCount++));
                    }
                } else if (dice < 6 && cancelled[0] < PRODUCERS / 2) {
                    if (producers.get(rnd.nextInt(PRODUCERS)).cancel()) {
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
        assertThat(accepted.size()).isGreaterThan(PRODUCERS * ITEMS_PER_PRODUCER / 4);
        assertThat(cancelled[0]).as("producers cancelled").isPositive();
        assertThat(cancelled[1]).as("consumers cancelled").isPositive();
        assertThat(q.empty()).isTrue();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
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
