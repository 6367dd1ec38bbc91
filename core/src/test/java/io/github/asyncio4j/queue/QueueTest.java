package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.timeout;
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
class QueueTest {

    static Task<String> getter(Queue<String> q, String name) {
        return spawn(name, () -> await(q.get()));
    }

    static Task<Void> putter(Queue<String> q, String item) {
        return spawn("put " + item, () -> {
            await(q.put(item));
            return null;
        });
    }

    @Test
    void nowaitOperationsAreFirstInFirstOutAndReportFullAndEmpty() {
        Queue<String> q = new Queue<>(2);     // no loop needed for the nowait forms
        assertThat(q.maxsize()).isEqualTo(2);
        assertThat(q.empty()).isTrue();
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class);
        q.putNowait("a");
        q.putNowait("b");
        assertThat(q.full()).isTrue();
        assertThat(q.qsize()).isEqualTo(2);
        assertThatThrownBy(() -> q.putNowait("c")).isInstanceOf(QueueFull.class).hasMessageContaining("maxsize 2");
        assertThat(q.getNowait()).isEqualTo("a");
        assertThat(q.getNowait()).isEqualTo("b");
        assertThat(q.empty()).isTrue();
        assertThat(q.toString()).contains("maxsize=2").contains("unfinished=2");
    }

    @Test
    void anUnboundedQueueIsNeverFullAndBadArgumentsAreRejected() {
        Queue<Integer> q = new Queue<>();
        for (int i = 0; i < 1000; i++) {
            q.putNowait(i);
        }
        assertThat(q.full()).isFalse();
        assertThat(q.maxsize()).isZero();
        assertThatThrownBy(() -> new Queue<>(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> q.putNowait(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void putWaitsWhileFullAndGetWaitsWhileEmpty() {
        List<String> got = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>(1);
            Task<Void> producer = spawn("producer", () -> {
                for (String s : List.of("a", "b", "c")) {
                    await(q.put(s));
                }
                return null;
            });
            settle();
            assertThat(q.full()).isTrue();
            assertThat(producer.isDone()).as("blocked on a full queue").isFalse();
            for (int i = 0; i < 3; i++) {
                got.add(await(q.get()));
            }
            await(producer);
            Task<String> g = getter(q, "g");
            settle();
            assertThat(g.isDone()).as("blocked on an empty queue").isFalse();
            assertThat(q.toString()).contains("getters=1");
            await(q.put("d"));
            got.add(await(g));
            return null;
        });
        assertThat(got).containsExactly("a", "b", "c", "d");
    }

    @Test
    void blockedGettersAndPuttersAreServedInArrivalOrder() {
        List<String> got = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>(1);
            List<Task<String>> gs = List.of(getter(q, "g1"), getter(q, "g2"), getter(q, "g3"));
            settle();
            for (String s : List.of("x", "y", "z")) {
                q.putNowait(s);
                settle();
            }
            for (Task<String> g : gs) {
                got.add(await(g));
            }
            q.putNowait("full");
            List<Task<Void>> ps = List.of(putter(q, "p1"), putter(q, "p2"), putter(q, "p3"));
            settle();
            assertThat(q.toString()).contains("putters=3");
            for (int i = 0; i < 4; i++) {
                got.add(await(q.get()));
            }
            for (Task<Void> p : ps) {
                await(p);
            }
            return null;
        });
        assertThat(got).containsExactly("x", "y", "z", "full", "p1", "p2", "p3");
    }

    @Test
    void aGetterCancelledWhileWaitingTakesNothing() {
        run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> g1 = getter(q, "g1");
            Task<String> g2 = getter(q, "g2");
            settle();
            g1.cancel();
            assertThat(endsCancelled(g1)).isTrue();
            assertThat(q.toString()).contains("getters=1");
            q.putNowait("x");
            assertThat(await(g2)).isEqualTo("x");
            assertThat(q.empty()).isTrue();
            return null;
        });
    }

    @Test
    void aGetterWokenForAnItemButCancelledBeforeItRunsPassesTheWakeUpOn() {
        run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> g1 = getter(q, "g1");
            Task<String> g2 = getter(q, "g2");
            settle();
            q.putNowait("x");   // wakes g1
            g1.cancel();        // before g1 runs
            assertThat(endsCancelled(g1)).isTrue();
            assertThat(await(g2)).isEqualTo("x");
            return null;
        });
    }

    @Test
    void aWokenGetterThatLostItsItemWaitsAgainAtTheHeadOfTheLine() {
        run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> g1 = getter(q, "g1");
            Task<String> g2 = getter(q, "g2");
            settle();
            q.putNowait("x");                         // wakes g1 ...
            assertThat(q.getNowait()).isEqualTo("x");  // ... but the main task takes x first
            settle();
            assertThat(g1.isDone()).isFalse();
            q.putNowait("y");
            assertThat(await(g1)).as("g1 is still first in line").isEqualTo("y");
            q.putNowait("z");
            assertThat(await(g2)).isEqualTo("z");
            return null;
        });
    }

    @Test
    void aPutterCancelledWhileWaitingPutsNothing() {
        List<String> got = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>(1);
            q.putNowait("first");
            Task<Void> p1 = putter(q, "p1");
            Task<Void> p2 = putter(q, "p2");
            settle();
            p1.cancel();
            assertThat(endsCancelled(p1)).isTrue();
            got.add(await(q.get()));
            await(p2);
            got.add(await(q.get()));
            assertThat(q.empty()).isTrue();
            return null;
        });
        assertThat(got).containsExactly("first", "p2");
    }

    @Test
    void aPutterWokenForASlotButCancelledBeforeItRunsPassesTheSlotOn() {
        List<String> got = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>(1);
            q.putNowait("first");
            Task<Void> p1 = putter(q, "p1");
            Task<Void> p2 = putter(q, "p2");
            settle();
            got.add(q.getNowait());   // wakes p1
            p1.cancel();              // before p1 runs
            assertThat(endsCancelled(p1)).isTrue();
            await(p2);
            got.add(q.getNowait());
            assertThat(q.empty()).isTrue();
            return null;
        });
        assertThat(got).containsExactly("first", "p2");
    }

    @Test
    void joinWaitsUntilEveryItemIsDoneAndExtraTaskDoneIsAnError() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>();
            await(q.join());     // nothing put: returns at once
            q.putNowait("a");
            q.putNowait("b");
            Task<Void> joiner = spawn("joiner", () -> {
                await(q.join());
                log.add("joined");
                return null;
            });
            settle();
            q.getNowait();
            q.taskDone();
            settle();
            assertThat(log).isEmpty();
            q.getNowait();
            q.taskDone();
            await(joiner);
            assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("too many times");
            return null;
        });
        assertThat(log).containsExactly("joined");
    }

    @Test
    void shutdownStopsPutsLetsGetsDrainAndWakesBlockedTasks() {
        run(() -> {
            Queue<String> full = new Queue<>(1);
            full.putNowait("left");
            Task<Void> blockedPutter = putter(full, "p");
            Queue<String> empty = new Queue<>();
            Task<String> blockedGetter = getter(empty, "g");
            settle();
            full.shutdown();
            empty.shutdown();
            assertThat(full.isShutdown()).isTrue();
            assertThatThrownBy(() -> await(blockedPutter)).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(() -> await(blockedGetter)).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(() -> full.putNowait("x")).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(() -> await(empty.put("x"))).isInstanceOf(QueueShutDown.class);
            assertThat(await(full.get())).as("what was in stays gettable").isEqualTo("left");
            assertThatThrownBy(() -> await(full.get())).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(full::getNowait).isInstanceOf(QueueShutDown.class);
            full.taskDone();
            await(full.join());
            assertThat(full.toString()).contains("shut down");
            return null;
        });
    }

    @Test
    void immediateShutdownDiscardsItemsAndCountsThemDone() {
        List<String> log = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>();
            for (String s : List.of("a", "b", "c")) {
                q.putNowait(s);
            }
            String taken = q.getNowait();    // taken but not done: join still waits for it
            Task<Void> joiner = spawn("joiner", () -> {
                await(q.join());
                log.add("joined");
                return null;
            });
            settle();
            q.shutdown(true);
            assertThat(q.empty()).isTrue();
            settle();
            assertThat(log).isEmpty();
            assertThat(taken).isEqualTo("a");
            q.taskDone();
            await(joiner);
            assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> await(q.get())).isInstanceOf(QueueShutDown.class);
            return null;
        });
        assertThat(log).containsExactly("joined");
    }

    @Test
    void immediateShutdownUnblocksJoinWhenNothingIsInHand() {
        run(() -> {
            Queue<String> q = new Queue<>(2);
            q.putNowait("a");
            q.putNowait("b");
            Task<Void> joiner = spawn("joiner", () -> {
                await(q.join());
                return null;
            });
            Task<Void> p = putter(q, "c");
            settle();
            q.shutdown(true);
            await(joiner);
            assertThatThrownBy(() -> await(p)).isInstanceOf(QueueShutDown.class);
            return null;
        });
    }

    @Test
    void aQueueWithWaitersIsBoundToItsLoop() {
        Queue<String> q = new Queue<>();
        run(() -> {
            Task<String> g = getter(q, "g");
            settle();
            q.putNowait("x");
            return await(g);
        });
        run(() -> {
            q.putNowait("y");
            assertThat(await(q.get())).isEqualTo("y");   // no waiting: fine on any loop
            assertThatThrownBy(() -> await(q.get())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("different event loop");
            return null;
        });
    }

    @Test
    void getAndPutThatTimeOutTakeAndAddNothing() {
        run(() -> {
            Queue<String> q = new Queue<>(1);
            assertThatThrownBy(() -> await(waitFor(q.get(), Duration.ofMillis(20))))
                    .isInstanceOf(TimeoutError.class);
            q.putNowait("a");
            assertThatThrownBy(() -> {
                try (var t = timeout(Duration.ofMillis(20))) {
                    await(q.put("b"));
                }
            }).isInstanceOf(TimeoutError.class);
            assertThat(q.qsize()).isEqualTo(1);
            assertThat(q.toString()).doesNotContain("getters").doesNotContain("putters");
            assertThat(q.getNowait()).isEqualTo("a");
            assertThat(q.empty()).isTrue();
            return null;
        });
    }
}
