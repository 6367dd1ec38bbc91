package io.github.asyncio4j.sync;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.waitFor;
import static io.github.asyncio4j.sync.SyncTesting.endsCancelled;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.settle;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SemaphoreTest {

    /** Takes a permit, logs, and keeps it (the test releases). */
    static Task<Void> taker(Semaphore s, String name, List<String> log) {
        return spawn(name, () -> {
            await(s.acquire());
            log.add(name);
            return null;
        });
    }

    @Test
    void permitsCountDownAndUp() {
        run(() -> {
            Semaphore s = new Semaphore(2);
            assertThat(s.availablePermits()).isEqualTo(2);
            await(s.acquire());
            await(s.acquire());
            assertThat(s.locked()).isTrue();
            s.release();
            assertThat(s.locked()).isFalse();
            assertThat(s.availablePermits()).isEqualTo(1);
            s.release();
            s.release();    // a plain semaphore may go above its initial value
            assertThat(s.availablePermits()).isEqualTo(3);
            return null;
        });
    }

    @Test
    void aDefaultSemaphoreHasOnePermitAndANegativeValueIsRejected() {
        assertThat(new Semaphore().availablePermits()).isEqualTo(1);
        assertThat(new BoundedSemaphore().availablePermits()).isEqualTo(1);
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void waitersGetPermitsFirstComeFirstServedAndLatecomersQueueBehind() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Semaphore s = new Semaphore(0);
            List<Task<Void>> ts = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                ts.add(taker(s, n, log));
            }
            settle();
            assertThat(log).isEmpty();
            s.release();
            assertThat(s.availablePermits()).as("handed to 'a', not counted").isZero();
            ts.add(taker(s, "late", log));   // arrives after the release, queues behind b and c
            SyncTesting.settle();
            assertThat(log).containsExactly("a");
            s.release();
            s.release();
            s.release();
            for (Task<Void> t : ts) {
                await(t);
            }
            assertThat(s.availablePermits()).isZero();
            return null;
        });
        assertThat(log).containsExactly("a", "b", "c", "late");
    }

    @Test
    void aWaiterCancelledWhileWaitingTakesNoPermit() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Semaphore s = new Semaphore(0);
            Task<Void> a = taker(s, "a", log);
            Task<Void> b = taker(s, "b", log);
            settle();
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            s.release();
            await(b);
            s.release();
            assertThat(s.availablePermits()).isEqualTo(1);
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void aWaiterCancelledAfterAPermitWasHandedToItPassesItOn() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Semaphore s = new Semaphore(0);
            Task<Void> a = taker(s, "a", log);
            Task<Void> b = taker(s, "b", log);
            settle();
            s.release();    // granted to 'a', which has not run yet
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            await(b);
            assertThat(s.availablePermits()).isZero();
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void aPermitHandedToALastWaiterThatIsCancelledReturnsToTheCounter() {
        run(() -> {
            Semaphore s = new Semaphore(0);
            Task<Void> a = taker(s, "a", new ArrayList<>());
            settle();
            s.release();
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            assertThat(s.availablePermits()).isEqualTo(1);
            return null;
        });
    }

    @Test
    void holdLimitsConcurrency() {
        int[] inside = {0};
        int[] most = {0};
        run(() -> {
            Semaphore s = new Semaphore(2);
            List<Task<Void>> ts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ts.add(spawn("w" + i, () -> {
                    try (var held = s.hold()) {
                        inside[0]++;
                        most[0] = Math.max(most[0], inside[0]);
                        SyncTesting.yieldTimes(2);
                        inside[0]--;
                    }
                    return null;
                }));
            }
            for (Task<Void> t : ts) {
                await(t);
            }
            assertThat(s.availablePermits()).isEqualTo(2);
            return null;
        });
        assertThat(most[0]).isEqualTo(2);
    }

    @Test
    void aBoundedSemaphoreRefusesOverRelease() {
        run(() -> {
            BoundedSemaphore s = new BoundedSemaphore(2);
            assertThatThrownBy(s::release).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("released too many times");
            await(s.acquire());
            s.release();
            assertThatThrownBy(s::release).isInstanceOf(IllegalStateException.class);
            assertThat(s.availablePermits()).isEqualTo(2);
            try (var held = s.hold()) {
                assertThat(s.availablePermits()).isEqualTo(1);
            }
            assertThat(s.availablePermits()).isEqualTo(2);
            return null;
        });
    }

    @Test
    void aBoundedSemaphoreHandsOffToWaitersAndPassesOnACancelledGrant() {
        List<String> log = new ArrayList<>();
        run(() -> {
            BoundedSemaphore s = new BoundedSemaphore(1);
            await(s.acquire());
            Task<Void> a = taker(s, "a", log);
            Task<Void> b = taker(s, "b", log);
            settle();
            s.release();    // to 'a'
            a.cancel();     // 'a' passes it to 'b'
            assertThat(endsCancelled(a)).isTrue();
            await(b);
            s.release();    // b's permit back
            assertThat(s.availablePermits()).isEqualTo(1);
            assertThatThrownBy(s::release).isInstanceOf(IllegalStateException.class);
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void anAcquireThatTimesOutTakesNoPermit() {
        run(() -> {
            Semaphore s = new BoundedSemaphore(1);
            await(s.acquire());
            assertThatThrownBy(() -> await(waitFor(s.acquire(), Duration.ofMillis(20))))
                    .isInstanceOf(TimeoutError.class);
            s.release();
            assertThat(s.availablePermits()).isEqualTo(1);
            assertThat(s.toString()).contains("waiters=0");
            return null;
        });
    }
}
