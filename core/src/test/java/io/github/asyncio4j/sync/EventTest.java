package io.github.asyncio4j.sync;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.sync.SyncTesting.endsCancelled;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.settle;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventTest {

    static Task<Void> waiter(Event e, String name, List<String> log) {
        return spawn(name, () -> {
            await(e.untilSet());
            log.add(name);
            return null;
        });
    }

    @Test
    void setWakesEveryWaiterInArrivalOrder() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Event e = new Event();
            assertThat(e.isSet()).isFalse();
            List<Task<Void>> ws = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                ws.add(waiter(e, n, log));
            }
            settle();
            assertThat(log).isEmpty();
            assertThat(e.toString()).contains("waiters=3");
            e.set();
            assertThat(e.isSet()).isTrue();
            for (Task<Void> t : ws) {
                await(t);
            }
            return null;
        });
        assertThat(log).containsExactly("a", "b", "c");
    }

    @Test
    void untilSetReturnsAtOnceWhenSetAndWaitsAgainAfterClear() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Event e = new Event();
            e.set();
            e.set();    // idempotent
            await(e.untilSet());
            e.clear();
            assertThat(e.isSet()).isFalse();
            Task<Void> w = waiter(e, "w", log);
            settle();
            assertThat(log).isEmpty();
            e.set();
            await(w);
            return null;
        });
        assertThat(log).containsExactly("w");
    }

    @Test
    void aWaiterWokenBySetStillReturnsIfTheEventIsClearedBeforeItRuns() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Event e = new Event();
            Task<Void> w = waiter(e, "w", log);
            settle();
            e.set();
            e.clear();
            await(w);
            return null;
        });
        assertThat(log).containsExactly("w");
    }

    @Test
    void aCancelledWaiterLeavesNoTrace() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Event e = new Event();
            Task<Void> a = waiter(e, "a", log);
            Task<Void> b = waiter(e, "b", log);
            settle();
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            assertThat(e.toString()).contains("waiters=1");
            e.set();
            await(b);
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void setAndClearWorkWithoutALoopButWaitingNeedsATask() {
        Event e = new Event();
        e.set();
        e.clear();
        assertThatThrownBy(() -> e.untilSet().await()).isInstanceOf(IllegalStateException.class);
        e.set();
        e.untilSet().await();   // already set: returns without suspending
    }
}
