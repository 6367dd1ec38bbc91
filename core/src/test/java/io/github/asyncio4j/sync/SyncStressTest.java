package io.github.asyncio4j.sync;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many tasks contending for a Lock and for semaphores while random tasks are cancelled (while waiting, just after
 * being granted, or inside the critical section). Checks mutual exclusion (never more holders than permits) and
 * that every permit is back at the end. Deterministic per seed.
 */
// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncStressTest {
    static final int TASKS = 20;
    static final int ROUNDS = 40;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void lockExclusionSurvivesRandomCancellation(long seed) {
        Lock lock = new Lock();
        int most = contend(seed, 1, lock::hold);
        assertThat(most).isEqualTo(1);
        assertThat(lock.locked()).isFalse();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24})
    void semaphorePermitsSurviveRandomCancellation(long seed) {
        Semaphore sem = new BoundedSemaphore(3);     // over-release would throw
        int most = contend(seed, 3, sem::hold);
        assertThat(most).isBetween(2, 3);
        assertThat(sem.availablePermits()).isEqualTo(3);
    }

    /** Runs the contention; returns the most holders seen at once (and fails if it ever exceeds permits). */
    static int contend(long seed, int permits, Supplier<Held> hold) {
        Random rnd = new Random(seed);
        int[] inside = {0};
        int[] most = {0};
        int[] cancelled = {0};
        int[] entered = {0};
        run(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                tasks.add(spawn("t" + t, () -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        try (var held = hold.get()) {
                            inside[0]++;
                            entered[0]++;
                            most[0] = Math.max(most[0], inside[0]);
                            assertThat(inside[0]).isLessThanOrEqualTo(permits);
                            try {
                                for (int i = rnd.nextInt(3); i > 0; i--) {
                                    await(sleep(0));
                                }
                            } finally {
                                inside[0]--;
                            }
                        }
                        if (rnd.nextBoolean()) {
                            await(sleep(0));
                        }
                    }
                    return null;
                }));
            }
            while (!tasks.stream().allMatch(Task::isDone)) {
                await(sleep(0));
                if (rnd.nextInt(10) == 0 && tasks.get(rnd.nextInt(TASKS)).cancel()) {
                    cancelled[0]++;
                }
            }
            for (Task<Void> t : tasks) {
                try {
                    await(t);
                } catch (CancelledError expected) {
                    // cancelled somewhere: what it held must be back
                }
            }
            return null;
        });
        assertThat(cancelled[0]).isPositive();
        assertThat(entered[0]).isPositive();
        assertThat(inside[0]).isZero();
        return most[0];
    }
}
