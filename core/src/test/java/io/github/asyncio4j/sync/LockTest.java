package io.github.asyncio4j.sync;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.waitFor;
import static io.github.asyncio4j.sync.SyncTesting.endsCancelled;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.settle;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockTest {

    /** A task that takes the lock, logs its name, and releases it. */
    static Task<Void> taker(Lock lock, String name, List<String> log) {
        return spawn(name, () -> {
            await(lock.acquire());
            try {
                log.add(name);
            } finally {
                lock.release();
            }
            return null;
        });
    }

    @Test
    void acquireAndReleaseFlipLocked() {
        run(() -> {
            Lock lock = new Lock();
            assertThat(lock.locked()).isFalse();
            await(lock.acquire());
            assertThat(lock.locked()).isTrue();
            assertThat(lock.isHeldByCurrentTask()).isTrue();
            assertThat(lock.toString()).contains("locked by");
            lock.release();
            assertThat(lock.locked()).isFalse();
            assertThat(lock.isHeldByCurrentTask()).isFalse();
            return null;
        });
    }

    @Test
    void waitersGetTheLockFirstComeFirstServedAndLatecomersCannotOvertake() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            List<Task<Void>> tasks = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                tasks.add(taker(lock, n, log));
            }
            settle();
            assertThat(log).isEmpty();
            assertThat(lock.toString()).contains("waiters=3");
            lock.release();
            assertThat(lock.locked()).as("handed straight to the first waiter").isTrue();
            tasks.add(taker(lock, "late", log));    // arrives after the release, before 'a' has run
            for (Task<Void> t : tasks) {
                await(t);
            }
            assertThat(lock.locked()).isFalse();
            return null;
        });
        assertThat(log).containsExactly("a", "b", "c", "late");
    }

    @Test
    void aWaiterCancelledWhileWaitingLeavesNoTrace() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            Task<Void> a = taker(lock, "a", log);
            Task<Void> b = taker(lock, "b", log);
            settle();
            a.cancel();
            settle();
            assertThat(a.isCancelled()).isTrue();
            assertThat(lock.toString()).contains("waiters=1");
            lock.release();
            await(b);
            assertThat(lock.locked()).isFalse();
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void aWaiterCancelledAfterTheLockWasHandedToItPassesItOn() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            Task<Void> a = taker(lock, "a", log);
            Task<Void> b = taker(lock, "b", log);
            settle();
            lock.release();      // 'a' now owns the lock but has not run yet
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            await(b);
            assertThat(lock.locked()).isFalse();
            await(lock.acquire());      // and the lock still works
            lock.release();
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void aLastWaiterCancelledAfterTheHandOffLeavesTheLockFree() {
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            Task<Void> a = taker(lock, "a", new ArrayList<>());
            settle();
            lock.release();
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            assertThat(lock.locked()).isFalse();
            return null;
        });
    }

    @Test
    void releasingAnUnlockedLockIsAnError() {
        run(() -> {
            Lock lock = new Lock();
            assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not acquired");
            return null;
        });
    }

    @Test
    void releaseByATaskThatDoesNotHoldTheLockIsAnErrorAndChangesNothing() {
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            Task<Void> intruder = spawn("intruder", () -> {
                lock.release();
                return null;
            });
            assertThatThrownBy(() -> await(intruder)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("task 'intruder'").hasMessageContaining("held by task");
            assertThat(lock.isHeldByCurrentTask()).isTrue();
            AtomicReference<Throwable> fromCallback = new AtomicReference<>();
            Async.getRunningLoop().callSoon(() -> {
                try {
                    lock.release();
                } catch (Throwable t) {
                    fromCallback.set(t);
                }
            });
            settle();
            assertThat(fromCallback.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside any task");
            lock.release();
            return null;
        });
    }

    @Test
    void reacquiringFromTheHoldingTaskIsAnErrorNotADeadlock() {
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            assertThatThrownBy(() -> await(lock.acquire())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not reentrant");
            assertThat(lock.isHeldByCurrentTask()).isTrue();
            lock.release();
            return null;
        });
    }

    @Test
    void acquireOutsideATaskIsAnError() {
        Lock lock = new Lock();
        assertThatThrownBy(() -> lock.acquire().await()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a running task");
        assertThatThrownBy(lock::hold).isInstanceOf(IllegalStateException.class);
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void holdReleasesOnNormalExitAndOnException() {
        run(() -> {
            Lock lock = new Lock();
            try (var held = lock.hold()) {
                assertThat(lock.isHeldByCurrentTask()).isTrue();
            }
            assertThat(lock.locked()).isFalse();
            assertThatThrownBy(() -> {
                try (var held = lock.hold()) {
                    throw new IllegalArgumentException("boom");
                }
            }).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
            assertThat(lock.locked()).isFalse();
            return null;
        });
    }

    @Test
    void holdSerialisesCriticalSectionsAcrossAwaits() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Lock lock = new Lock();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String n : List.of("a", "b")) {
                tasks.add(spawn(n, () -> {
                    try (var held = lock.hold()) {
                        log.add(n + " in");
                        SyncTesting.yieldTimes(3);
                        log.add(n + " out");
                    }
                    return null;
                }));
            }
            for (Task<Void> t : tasks) {
                await(t);
            }
            return null;
        });
        assertThat(log).containsExactly("a in", "a out", "b in", "b out");
    }

    @Test
    void aTaskCancelledWhileWaitingInHoldNeverEntersAndReleasesNothing() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Lock lock = new Lock();
            await(lock.acquire());
            Task<Void> waiter = spawn("waiter", () -> {
                try (var held = lock.hold()) {
                    log.add("entered");
                }
                return null;
            });
            settle();
            waiter.cancel();
            assertThat(endsCancelled(waiter)).isTrue();
            assertThat(lock.isHeldByCurrentTask()).as("the main task still holds it").isTrue();
            lock.release();
            return null;
        });
        assertThat(log).isEmpty();
    }

    @Test
    void aLockWithWaitersIsBoundToItsLoop() {
        Lock lock = new Lock();
        run(() -> {
            await(lock.acquire());
            Task<Void> w = taker(lock, "w", new ArrayList<>());
            settle();
            lock.release();
            await(w);
            return null;
        });
        run(() -> {
            await(lock.acquire());    // uncontended: no waiter, no loop needed
            Task<Void> w = taker(lock, "w", new ArrayList<>());
            assertThatThrownBy(() -> await(w)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("different event loop");
            lock.release();
            return null;
        });
    }

    @Test
    void anAcquireThatTimesOutLeavesNoTraceAndOneThatSucceedsMakesTheCallerTheOwner() {
        run(() -> {
            Lock lock = new Lock();
            Event done = new Event();
            Task<Void> holder = spawn("holder", () -> {
                try (var held = lock.hold()) {
                    await(done.untilSet());
                }
                return null;
            });
            SyncTesting.settle();
            assertThatThrownBy(() -> await(waitFor(lock.acquire(), Duration.ofMillis(20))))
                    .isInstanceOf(TimeoutError.class);
            assertThat(lock.toString()).contains("waiters=0");
            done.set();
            await(holder);
            assertThat(lock.locked()).isFalse();
            await(waitFor(lock.acquire(), Duration.ofSeconds(10)));
            assertThat(lock.isHeldByCurrentTask()).isTrue();
            lock.release();
            return null;
        });
    }
}
