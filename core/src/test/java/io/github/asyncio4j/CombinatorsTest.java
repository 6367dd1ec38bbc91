package io.github.asyncio4j;

import static io.github.asyncio4j.Async.asCompleted;
import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.gather;
import static io.github.asyncio4j.Async.gatherReturnExceptions;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.shield;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gather, waitFor, wait, asCompleted and shield, with asyncio's semantics. */
@Timeout(30)
class CombinatorsTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    static Coroutine<String> after(int yields, String value) {
        return Coroutine.of(() -> {
            for (int i = 0; i < yields; i++) {
                await(sleep(0));
            }
            return value;
        });
    }

    static Coroutine<String> failAfter(int yields, RuntimeException e) {
        return Coroutine.of(() -> {
            for (int i = 0; i < yields; i++) {
                await(sleep(0));
            }
            throw e;
        });
    }

    static Coroutine<Void> forever(List<String> log, String name) {
        return Coroutine.of(() -> {
            try {
                await(sleep(3600));
            } finally {
                log.add(name + " finally");
            }
            return null;
        });
    }

    // --- gather ------------------------------------------------------------------------------------------------

    @Test
    void gatherReturnsResultsInArgumentOrderNotCompletionOrder() {
        List<String> r = VirtualTime.run(Coroutine.of(() -> await(gather(after(3, "slow"), after(0, "fast"), after(1, "mid")))));
        assertThat(r).containsExactly("slow", "fast", "mid");
    }

    @Test
    void gatherOfNothingIsAnEmptyList() {
        List<Object> r = VirtualTime.run(Coroutine.of(() -> await(gather(List.<Awaitable<Object>>of()))));
        assertThat(r).isEmpty();
    }

    @Test
    void gatherAcceptsFuturesTasksAndTheSameTaskTwice() {
        List<String> r = VirtualTime.run(Coroutine.of(() -> {
            Future<String> f = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> f.setResult("future"));
            Task<String> t = createTask(after(1, "task"));
            return await(gather(f, t, t));
        }));
        assertThat(r).containsExactly("future", "task", "task");
    }

    @Test
    void gatherRaisesTheFirstFailureAndLeavesTheOthersRunning() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            IllegalStateException boom = new IllegalStateException("boom");
            Task<String> slow = createTask(Coroutine.of(() -> {
                for (int i = 0; i < 10; i++) {
                    await(sleep(0));
                }
                log.add("slow finished");
                return "slow";
            }));
            assertThatThrownBy(() -> await(gather(failAfter(0, boom), slow))).isSameAs(boom);
            assertThat(slow.isDone()).isFalse();
            assertThat(await(slow)).isEqualTo("slow");
            return null;
        }));
        assertThat(log).containsExactly("slow finished");
    }

    @Test
    void gatherReturnExceptionsPutsErrorsInPlace() {
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        List<Object> r = VirtualTime.run(Coroutine.of(() -> {
            Task<String> cancelled = createTask(after(5, "never"));
            getRunningLoop().callSoon(() -> cancelled.cancel());
            return await(gatherReturnExceptions(after(1, "ok"), failAfter(0, bad), cancelled));
        }));
        assertThat(r.get(0)).isEqualTo("ok");
        assertThat(r.get(1)).isSameAs(bad);
        assertThat(r.get(2)).isInstanceOf(CancelledError.class);
    }

    @Test
    void aCancelledChildFailsGatherWithCancelledError() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<String> child = createTask(after(5, "x"));
            Future<List<String>> all = gather(child, after(1, "y"));
            getRunningLoop().callSoon(() -> child.cancel());
            assertThatThrownBy(() -> await(all)).isInstanceOf(CancelledError.class);
            assertThat(all.isCancelled()).as("gather itself was not cancelled").isFalse();
            return null;
        }));
    }

    @Test
    void cancellingGatherCancelsEveryChildAndEndsCancelled() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            Task<Void> a = createTask(forever(log, "a"));
            Task<Void> b = createTask(forever(log, "b"));
            Future<List<Void>> all = gather(a, b);
            await(sleep(0));
            assertThat(all.cancel("stop")).isTrue();
            assertThatThrownBy(() -> await(all)).isInstanceOf(CancelledError.class);
            assertThat(all.isCancelled()).isTrue();
            assertThat(a.isCancelled()).isTrue();
            assertThat(b.isCancelled()).isTrue();
            return null;
        }));
        assertThat(log).containsExactlyInAnyOrder("a finally", "b finally");
    }

    @Test
    void cancellingATaskAwaitingGatherCancelsTheChildren() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            Task<List<Void>> waiter = createTask(Coroutine.of(() -> await(gather(forever(log, "a"), forever(log, "b")))));
            await(sleep(0));
            await(sleep(0));
            waiter.cancel();
            assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancelledError.class);
            return null;
        }));
        assertThat(log).containsExactlyInAnyOrder("a finally", "b finally");
    }

    // --- waitFor -----------------------------------------------------------------------------------------------

    @Test
    void waitForReturnsTheResultInTime() {
        String r = VirtualTime.run(Coroutine.of(() -> await(waitFor(after(2, "done"), LONG))));
        assertThat(r).isEqualTo("done");
    }

    @Test
    void waitForCancelsTheInnerCoroutineOnTimeoutAndRaisesTimeoutError() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            assertThatThrownBy(() -> await(waitFor(forever(log, "inner"), Duration.ofMillis(20))))
                    .isInstanceOf(TimeoutError.class);
            return null;
        }));
        assertThat(log).containsExactly("inner finally");
    }

    @Test
    void waitForCancelsAnInnerTaskAndWaitsForItToFinishCancelling() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            Task<Void> inner = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(3600));
                } finally {
                    await(sleep(0));          // cleanup that itself awaits
                    log.add("inner cleaned up");
                }
                return null;
            }));
            assertThatThrownBy(() -> await(waitFor(inner, Duration.ofMillis(20)))).isInstanceOf(TimeoutError.class);
            assertThat(inner.isCancelled()).isTrue();
            return null;
        }));
        assertThat(log).containsExactly("inner cleaned up");
    }

    @Test
    void waitForWithZeroTimeoutReturnsADoneResultAndCancelsAPendingOne() {
        VirtualTime.run(Coroutine.of(() -> {
            Future<String> done = getRunningLoop().createFuture();
            done.setResult("ready");
            assertThat(await(waitFor(done, Duration.ZERO))).isEqualTo("ready");
            Task<String> pending = createTask(after(3, "late"));
            assertThatThrownBy(() -> await(waitFor(pending, Duration.ZERO))).isInstanceOf(TimeoutError.class);
            assertThat(pending.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void cancellingTheWaiterCancelsTheInnerAwaitableAndIsNotATimeout() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            Task<Void> inner = createTask(forever(log, "inner"));
            Task<Void> waiter = createTask(Coroutine.of(() -> await(waitFor(inner, LONG))));
            await(sleep(0));
            waiter.cancel();
            assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancelledError.class);
            assertThat(inner.isCancelled()).isTrue();
            return null;
        }));
        assertThat(log).containsExactly("inner finally");
    }

    @Test
    void waitForPassesTheInnerFailureThrough() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> VirtualTime.run(Coroutine.of(() -> await(waitFor(failAfter(1, boom), LONG))))).isSameAs(boom);
    }

    // --- wait --------------------------------------------------------------------------------------------------

    @Test
    void waitAllCompletedReturnsEverythingDone() {
        VirtualTime.run(Coroutine.of(() -> {
            List<Task<String>> tasks = List.of(createTask(after(2, "a")), createTask(after(0, "b")));
            WaitResult<Task<String>> r = await(Async.wait(tasks));
            assertThat(r.done()).containsExactlyElementsOf(tasks);
            assertThat(r.pending()).isEmpty();
            return null;
        }));
    }

    @Test
    void waitFirstCompletedReturnsAsSoonAsOneIsDone() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<String> slow = createTask(after(50, "slow"));
            Task<String> fast = createTask(after(1, "fast"));
            WaitResult<Task<String>> r = await(Async.wait(List.of(slow, fast), ReturnWhen.FIRST_COMPLETED));
            assertThat(r.done()).containsExactly(fast);
            assertThat(r.pending()).containsExactly(slow);
            assertThat(slow.isCancelled()).as("wait cancels nothing").isFalse();
            slow.cancel();
            return null;
        }));
    }

    @Test
    void waitFirstExceptionReturnsAtTheFirstFailureOrWhenAllAreDone() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<String> ok = createTask(after(0, "ok"));
            Task<String> bad = createTask(failAfter(2, new IllegalStateException("bad")));
            Task<String> slow = createTask(after(50, "slow"));
            WaitResult<Task<String>> r = await(Async.wait(List.of(ok, bad, slow), ReturnWhen.FIRST_EXCEPTION));
            assertThat(r.done()).containsExactly(ok, bad);
            assertThat(r.pending()).containsExactly(slow);
            WaitResult<Task<String>> all = await(Async.wait(List.of(slow), ReturnWhen.FIRST_EXCEPTION));
            assertThat(all.done()).containsExactly(slow);
            return null;
        }));
    }

    @Test
    void waitWithATimeoutReturnsWhatIsDoneAndRaisesNothing() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<String> fast = createTask(after(0, "fast"));
            Future<String> never = getRunningLoop().createFuture();
            WaitResult<Future<String>> r = await(Async.wait(List.of(fast, never), Duration.ofMillis(20),
                    ReturnWhen.ALL_COMPLETED));
            assertThat(r.done()).containsExactly(fast);
            assertThat(r.pending()).containsExactly(never);
            assertThat(never.isCancelled()).isFalse();
            assertThat(never.callbackCount()).as("wait removed its callbacks").isZero();
            return null;
        }));
    }

    @Test
    void waitRejectsAnEmptySet() {
        assertThatThrownBy(() -> Async.wait(List.<Future<?>>of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    // --- asCompleted -------------------------------------------------------------------------------------------

    @Test
    void asCompletedGivesResultsInTheOrderTheyArrive() {
        List<String> order = VirtualTime.run(Coroutine.of(() -> {
            List<String> got = new ArrayList<>();
            for (Awaitable<String> next : asCompleted(List.of(after(4, "c"), after(0, "a"), after(2, "b")))) {
                got.add(await(next));
            }
            return got;
        }));
        assertThat(order).containsExactly("a", "b", "c");
    }

    @Test
    void asCompletedRaisesEachFailureInItsTurnAndTimesOut() {
        VirtualTime.run(Coroutine.of(() -> {
            Future<String> never = getRunningLoop().createFuture();
            List<Awaitable<String>> nexts = asCompleted(
                    List.of(failAfter(0, new IllegalStateException("first")), never), Duration.ofMillis(300));
            assertThat(nexts).hasSize(2);
            assertThatThrownBy(() -> await(nexts.get(0))).hasMessage("first");
            assertThatThrownBy(() -> await(nexts.get(1))).isInstanceOf(TimeoutError.class);
            return null;
        }));
    }

    // --- shield ------------------------------------------------------------------------------------------------

    @Test
    void shieldProtectsTheInnerTaskFromTheAwaitersCancellation() {
        AtomicBoolean innerFinished = new AtomicBoolean();
        VirtualTime.run(Coroutine.of(() -> {
            Task<String> inner = createTask(Coroutine.of(() -> {
                await(sleep(0));
                await(sleep(0));
                innerFinished.set(true);
                return "saved";
            }));
            Task<String> waiter = createTask(Coroutine.of(() -> await(shield(inner))));
            await(sleep(0));
            waiter.cancel();
            assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancelledError.class);
            assertThat(inner.isCancelled()).isFalse();
            assertThat(await(inner)).isEqualTo("saved");
            return null;
        }));
        assertThat(innerFinished).isTrue();
    }

    @Test
    void shieldPassesResultsFailuresAndInnerCancellationThrough() {
        VirtualTime.run(Coroutine.of(() -> {
            assertThat(await(shield(after(1, "v")))).isEqualTo("v");
            IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> await(shield(failAfter(1, boom)))).isSameAs(boom);
            Task<String> inner = createTask(after(5, "x"));
            Future<String> shielded = shield(inner);
            inner.cancel();
            assertThatThrownBy(() -> await(shielded)).isInstanceOf(CancelledError.class);
            assertThat(shielded.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void combinatorsOutsideARunningLoopAreAClearError() {
        assertThatThrownBy(() -> gather(after(0, "x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
        assertThatThrownBy(() -> shield(after(0, "x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
    }
}
