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
class BarrierTest {

    static Task<Integer> arrive(Barrier b, String name) {
        return spawn(name, () -> await(b.arriveAndWait()));
    }

    static List<Integer> results(List<Task<Integer>> tasks) {
        List<Integer> r = new ArrayList<>();
        for (Task<Integer> t : tasks) {
            r.add(await(t));
        }
        return r;
    }

    @Test
    void partiesWaitForTheLastArrivalAndGetTheirArrivalIndex() {
        run(() -> {
            Barrier b = new Barrier(3);
            assertThat(b.parties()).isEqualTo(3);
            List<Task<Integer>> ts = new ArrayList<>(List.of(arrive(b, "a"), arrive(b, "b")));
            settle();
            assertThat(b.nWaiting()).isEqualTo(2);
            assertThat(ts).noneMatch(Task::isDone);
            ts.add(arrive(b, "c"));
            assertThat(results(ts)).containsExactly(0, 1, 2);
            assertThat(b.nWaiting()).isZero();
            assertThat(b.toString()).contains("filling");
            return null;
        });
    }

    @Test
    void theBarrierCanBeUsedForManyRounds() {
        run(() -> {
            Barrier b = new Barrier(2);
            for (int round = 0; round < 3; round++) {
                Task<Integer> other = arrive(b, "other");
                int mine = await(b.arriveAndWait());
                assertThat(List.of(mine, await(other))).containsExactlyInAnyOrder(0, 1);
            }
            Barrier single = new Barrier(1);
            assertThat(await(single.arriveAndWait())).isZero();
            assertThat(await(single.arriveAndWait())).isZero();
            return null;
        });
    }

    @Test
    void arrivalsWhileTheBarrierDrainsWaitForTheNextRound() {
        run(() -> {
            Barrier b = new Barrier(3);
            List<Task<Integer>> first = List.of(arrive(b, "a"), arrive(b, "b"));
            settle();
            assertThat(await(b.arriveAndWait())).isEqualTo(2);     // releases a and b, which have not left yet
            assertThat(b.nWaiting()).as("draining").isZero();
            Task<Integer> c = arrive(b, "c");
            Task<Integer> d = arrive(b, "d");
            int second = await(b.arriveAndWait());     // blocked until the drain ends, then fills round two
            assertThat(results(first)).containsExactly(0, 1);
            List<Integer> round2 = new ArrayList<>(results(List.of(c, d)));
            round2.add(second);
            assertThat(round2).containsExactlyInAnyOrder(0, 1, 2);
            return null;
        });
    }

    @Test
    void aWaiterCancelledWhileWaitingLeavesTheBarrier() {
        run(() -> {
            Barrier b = new Barrier(2);
            Task<Integer> a = arrive(b, "a");
            settle();
            assertThat(b.nWaiting()).isEqualTo(1);
            a.cancel();
            assertThat(endsCancelled(a)).isTrue();
            assertThat(b.nWaiting()).isZero();
            Task<Integer> c = arrive(b, "c");
            settle();
            assertThat(await(b.arriveAndWait())).isEqualTo(1);
            assertThat(await(c)).isZero();
            return null;
        });
    }

    @Test
    void aTaskWokenFromTheDrainQueueButCancelledBeforeItRunsLeavesNoTrace() {
        run(() -> {
            Barrier b = new Barrier(2);
            Task<Integer> a = arrive(b, "a");
            settle();
            Task<Integer> late = arrive(b, "late");    // will start while 'a' is still draining
            assertThat(await(b.arriveAndWait())).isEqualTo(1);
            SyncTesting.yieldTimes(1);     // 'late' blocks on the drain, 'a' leaves and wakes it
            assertThat(late.isDone()).isFalse();
            late.cancel();
            assertThat(endsCancelled(late)).isTrue();
            assertThat(await(a)).isZero();
            assertThat(b.nWaiting()).isZero();
            Task<Integer> x = arrive(b, "x");
            settle();
            assertThat(b.nWaiting()).isEqualTo(1);
            assertThat(await(b.arriveAndWait())).isEqualTo(1);
            assertThat(await(x)).isZero();
            return null;
        });
    }

    @Test
    void resetBreaksTheCurrentWaitersAndRefills() {
        run(() -> {
            Barrier b = new Barrier(3);
            List<Task<Integer>> ts = List.of(arrive(b, "a"), arrive(b, "b"));
            settle();
            b.reset();
            assertThat(b.isBroken()).isFalse();
            for (Task<Integer> t : ts) {
                assertThatThrownBy(() -> await(t)).isInstanceOf(BrokenBarrierError.class)
                        .hasMessageContaining("reset");
            }
            assertThat(b.toString()).contains("filling");
            List<Task<Integer>> again = new ArrayList<>(List.of(arrive(b, "c"), arrive(b, "d")));
            again.add(arrive(b, "e"));
            assertThat(results(again)).containsExactly(0, 1, 2);
            b.reset();      // empty: straight back to filling
            assertThat(b.toString()).contains("filling");
            return null;
        });
    }

    @Test
    void abortBreaksWaitersAndLaterArrivalsUntilReset() {
        run(() -> {
            Barrier b = new Barrier(2);
            Task<Integer> a = arrive(b, "a");
            settle();
            b.abort();
            assertThat(b.isBroken()).isTrue();
            assertThatThrownBy(() -> await(a)).isInstanceOf(BrokenBarrierError.class).hasMessageContaining("aborted");
            assertThatThrownBy(() -> await(b.arriveAndWait())).isInstanceOf(BrokenBarrierError.class);
            assertThat(b.toString()).contains("broken");
            b.reset();
            assertThat(b.isBroken()).isFalse();
            Task<Integer> c = arrive(b, "c");
            settle();
            assertThat(await(b.arriveAndWait())).isEqualTo(1);
            assertThat(await(c)).isZero();
            return null;
        });
    }

    @Test
    void aBarrierNeedsAtLeastOneParty() {
        assertThatThrownBy(() -> new Barrier(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
