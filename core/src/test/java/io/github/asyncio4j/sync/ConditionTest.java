package io.github.asyncio4j.sync;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.waitFor;
import static io.github.asyncio4j.sync.SyncTesting.endsCancelled;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.settle;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConditionTest {

    /** Waits once for a signal, then logs its name and whether it holds the lock. */
    static Task<Void> waiter(Condition c, String name, List<String> log) {
        return spawn(name, () -> {
            try (var held = c.hold()) {
                await(c.untilNotified());
                log.add(name + (c.locked() ? " holding" : " NOT holding"));
            }
            return null;
        });
    }

    @Test
    void waitingAndSignallingNeedTheLock() {
        run(() -> {
            Condition c = new Condition();
            assertThatThrownBy(() -> await(c.untilNotified())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("lock held by the calling task");
            assertThatThrownBy(c::signal).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(c::signalAll).isInstanceOf(IllegalStateException.class);
            Event done = new Event();
            Task<Void> other = spawn("other", () -> {
                await(c.acquire());
                await(done.untilSet());
                c.release();
                return null;
            });
            settle();
            assertThat(c.locked()).isTrue();
            assertThatThrownBy(c::signal).as("held by another task").isInstanceOf(IllegalStateException.class);
            done.set();
            await(other);
            try (var held = c.hold()) {
                assertThatThrownBy(() -> c.signal(-1)).isInstanceOf(IllegalArgumentException.class);
                c.signal();     // no waiters: nothing happens
            }
            return null;
        });
        assertThatThrownBy(() -> new Condition().signal()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside any task");
    }

    @Test
    void signalWakesWaitersOneAtATimeInArrivalOrderEachHoldingTheLock() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Condition c = new Condition();
            List<Task<Void>> ws = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                ws.add(waiter(c, n, log));
            }
            settle();
            assertThat(c.locked()).as("waiting releases the lock").isFalse();
            try (var held = c.hold()) {
                c.signal();
            }
            settle();
            assertThat(log).containsExactly("a holding");
            try (var held = c.hold()) {
                c.signal(2);
            }
            for (Task<Void> t : ws) {
                await(t);
            }
            return null;
        });
        assertThat(log).containsExactly("a holding", "b holding", "c holding");
    }

    @Test
    void signalAllWakesEveryone() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Condition c = new Condition();
            List<Task<Void>> ws = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                ws.add(waiter(c, n, log));
            }
            settle();
            try (var held = c.hold()) {
                c.signalAll();
                settle();
                assertThat(log).as("woken tasks wait for the lock").isEmpty();
            }
            for (Task<Void> t : ws) {
                await(t);
            }
            return null;
        });
        assertThat(log).containsExactly("a holding", "b holding", "c holding");
    }

    @Test
    void aWaiterCancelledWhileWaitingReacquiresTheLockBeforeTheErrorPropagates() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Condition c = new Condition();
            Task<Void> w = spawn("w", () -> {
                try (var held = c.hold()) {
                    try {
                        await(c.untilNotified());
                    } catch (CancelledError e) {
                        log.add("cancelled, holding=" + c.locked());
                        throw e;
                    }
                }
                return null;
            });
            settle();
            await(c.acquire());
            w.cancel();
            settle();
            assertThat(log).as("it waits for the lock the main task holds").isEmpty();
            w.cancel();     // cancelled again while re-acquiring: it still re-acquires
            settle();
            assertThat(log).isEmpty();
            c.release();
            assertThat(endsCancelled(w)).isTrue();
            assertThat(c.locked()).isFalse();
            assertThat(c.toString()).contains("waiters=0");
            return null;
        });
        assertThat(log).containsExactly("cancelled, holding=true");
    }

    @Test
    void aSignalToATaskCancelledBeforeItRanPassesToTheNextWaiter() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Condition c = new Condition();
            Task<Void> a = waiter(c, "a", log);
            Task<Void> b = waiter(c, "b", log);
            settle();
            try (var held = c.hold()) {
                c.signal();     // to 'a'
                a.cancel();     // before 'a' runs
            }
            assertThat(endsCancelled(a)).isTrue();
            await(b);
            return null;
        });
        assertThat(log).containsExactly("b holding");
    }

    @Test
    void untilWaitsForThePredicateWithTheLockHeld() {
        List<Integer> items = new ArrayList<>();
        List<String> log = new ArrayList<>();
        run(() -> {
            Condition c = new Condition();
            Task<Void> consumer = spawn("consumer", () -> {
                try (var held = c.hold()) {
                    await(c.until(() -> items.size() >= 2));
                    log.add("took " + items + " holding=" + c.locked());
                }
                return null;
            });
            for (int i = 1; i <= 3; i++) {
                settle();
                try (var held = c.hold()) {
                    items.add(i);
                    c.signal();
                }
            }
            await(consumer);
            try (var held = c.hold()) {
                await(c.until(() -> true));     // already true: no wait, no signal needed
            }
            return null;
        });
        assertThat(log).containsExactly("took [1, 2] holding=true");
    }

    @Test
    void conditionsCanShareALock() {
        run(() -> {
            Lock lock = new Lock();
            Condition notEmpty = new Condition(lock);
            Condition notFull = new Condition(lock);
            await(lock.acquire());
            assertThat(notEmpty.locked()).isTrue();
            notEmpty.signal();
            notFull.signalAll();
            notFull.release();
            assertThat(lock.locked()).isFalse();
            return null;
        });
    }

    @Test
    void aWaitThatTimesOutReturnsWithTheLockHeld() {
        run(() -> {
            Condition c = new Condition();
            try (var held = c.hold()) {
                assertThatThrownBy(() -> await(waitFor(c.untilNotified(), Duration.ofMillis(20))))
                        .isInstanceOf(TimeoutError.class);
                assertThat(c.locked()).isTrue();
                c.signal();     // still ours: no error
            }
            assertThat(c.locked()).isFalse();
            assertThat(c.toString()).contains("waiters=0");
            return null;
        });
    }
}
