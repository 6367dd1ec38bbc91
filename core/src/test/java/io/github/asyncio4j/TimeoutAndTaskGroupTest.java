package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.currentTask;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.timeout;
import static io.github.asyncio4j.Async.timeoutAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeout scopes and TaskGroup: structured cancellation. */
@org.junit.jupiter.api.Timeout(30)
class TimeoutAndTaskGroupTest {
    private static final Duration SHORT = Duration.ofMillis(20);

    static Coroutine<String> after(int yields, String value) {
        return CombinatorsTest.after(yields, value);
    }

    // --- timeout scopes ----------------------------------------------------------------------------------------

    @Test
    void aBlockThatFinishesInTimeIsLeftAlone() {
        boolean expired = VirtualTime.run(Coroutine.of(() -> {
            Timeout t;
            try (var scope = timeout(Duration.ofSeconds(30))) {
                t = scope;
                await(sleep(0));
            }
            assertThat(currentTask().cancelling()).isZero();
            return t.expired();
        }));
        assertThat(expired).isFalse();
    }

    @Test
    void theDeadlineRaisesTimeoutErrorAtTheAwaitAndRunsFinally() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            Timeout[] scope = new Timeout[1];
            assertThatThrownBy(() -> {
                try (var t = timeout(SHORT)) {
                    scope[0] = t;
                    try {
                        await(sleep(3600));
                    } finally {
                        log.add("finally");
                    }
                    log.add("not reached");
                }
            }).isInstanceOf(TimeoutError.class).hasMessageContaining("expired");
            assertThat(scope[0].expired()).isTrue();
            assertThat(currentTask().cancelling()).as("the expiry's cancel request is withdrawn").isZero();
            await(sleep(0));   // the task goes on normally afterwards
            return null;
        }));
        assertThat(log).containsExactly("finally");
    }

    @Test
    void theDeadlineCancelsTheAwaitedTask() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<String> slow = createTask(Coroutine.of(() -> {   // waits: a busy task would not let virtual time pass
                await(sleep(3600));
                return "never";
            }));
            assertThatThrownBy(() -> {
                try (var t = timeout(SHORT)) {
                    await(slow);
                }
            }).isInstanceOf(TimeoutError.class);
            assertThat(slow.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void theInnerOfNestedScopesFiresFirstAndTheOuterStaysActive() {
        VirtualTime.run(Coroutine.of(() -> {
            try (var outer = timeout(Duration.ofSeconds(30))) {
                try (var inner = timeout(SHORT)) {
                    await(sleep(3600));
                } catch (TimeoutError e) {
                    assertThat(outer.expired()).isFalse();
                }
                await(sleep(0));
            }
            return null;
        }));
    }

    @Test
    void rescheduleMovesTheDeadline() {
        VirtualTime.run(Coroutine.of(() -> {
            try (var t = timeout(null)) {
                assertThat(t.when()).isEqualTo(Double.POSITIVE_INFINITY);
                t.reschedule(getRunningLoop().time() + 0.02);
                assertThatThrownBy(() -> await(sleep(3600))).isInstanceOf(TimeoutError.class);
                assertThatThrownBy(() -> t.reschedule(0)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("expired");
            }
            return null;
        }));
    }

    @Test
    void aPastDeadlineRaisesAtTheNextAwait() {
        VirtualTime.run(Coroutine.of(() -> {
            try (var t = timeoutAt(getRunningLoop().time() - 1)) {
                assertThatThrownBy(() -> await(sleep(0))).isInstanceOf(TimeoutError.class);
            }
            return null;
        }));
    }

    @Test
    void aRealCancellationWinsOverTheTimeout() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                try (var scope = timeout(Duration.ofSeconds(30))) {
                    await(sleep(3600));
                }
                return null;
            }));
            await(sleep(0));
            t.cancel();
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            return null;
        }));
    }

    @Test
    void aTimeoutScopeOutsideATaskIsAClearError() {
        assertThatThrownBy(() -> timeout(SHORT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
    }

    // --- TaskGroup ---------------------------------------------------------------------------------------------

    @Test
    void leavingTheBlockWaitsForEveryChild() {
        List<String> results = VirtualTime.run(Coroutine.of(() -> {
            Task<String> a;
            Task<String> b;
            try (var tg = new TaskGroup()) {
                a = tg.createTask(after(3, "a"));
                b = tg.createTask(after(1, "b"));
            }
            assertThat(a.isDone()).isTrue();
            assertThat(b.isDone()).isTrue();
            return List.of(a.result(), b.result());
        }));
        assertThat(results).containsExactly("a", "b");
    }

    @Test
    void childrenMayAddSiblingsWhileTheGroupRuns() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(Coroutine.of(() -> {
                    await(sleep(0));
                    tg.createTask(Coroutine.of(() -> {
                        await(sleep(0));
                        log.add("grandchild");
                        return null;
                    }));
                    return null;
                }));
            }
            log.add("block left");
            return null;
        }));
        assertThat(log).containsExactly("grandchild", "block left");
    }

    @Test
    void theFirstFailureCancelsTheSiblingsAndSurfacesAsAnExceptionGroup() {
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        VirtualTime.run(Coroutine.of(() -> {
            assertThatThrownBy(() -> {
                try (var tg = new TaskGroup()) {
                    tg.createTask(CombinatorsTest.forever(log, "sibling"));
                    tg.createTask(CombinatorsTest.failAfter(1, boom));
                }
            }).isInstanceOfSatisfying(ExceptionGroup.class, g -> assertThat(g.exceptions()).containsExactly(boom));
            return null;
        }));
        assertThat(log).containsExactly("sibling finally");
    }

    @Test
    void aFailureWhileTheBlockStillRunsInterruptsItWithTheGroup() {
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        VirtualTime.run(Coroutine.of(() -> {
            assertThatThrownBy(() -> {
                try (var tg = new TaskGroup()) {
                    tg.createTask(CombinatorsTest.failAfter(1, boom));
                    try {
                        await(sleep(3600));    // the block is busy when the child fails
                    } finally {
                        log.add("block finally");
                    }
                }
            }).isInstanceOfSatisfying(ExceptionGroup.class, g -> assertThat(g.exceptions()).containsExactly(boom));
            return null;
        }));
        assertThat(log).containsExactly("block finally");
    }

    @Test
    void everyFailureIsCollectedInOrder() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        VirtualTime.run(Coroutine.of(() -> {
            assertThatThrownBy(() -> {
                try (var tg = new TaskGroup()) {
                    tg.createTask(CombinatorsTest.failAfter(1, first));
                    tg.createTask(Coroutine.of(() -> {
                        try {
                            await(sleep(3600));
                        } finally {
                            throw second;     // fails while being cancelled
                        }
                    }));
                }
            }).isInstanceOfSatisfying(ExceptionGroup.class,
                    g -> assertThat(g.exceptions()).containsExactly(first, second));
            return null;
        }));
    }

    @Test
    void noTaskCanBeAddedAfterAFailureOrAfterTheBlock() {
        VirtualTime.run(Coroutine.of(() -> {
            TaskGroup[] group = new TaskGroup[1];
            assertThatThrownBy(() -> {
                try (var tg = new TaskGroup()) {
                    group[0] = tg;
                    tg.createTask(CombinatorsTest.failAfter(0, new IllegalStateException("x")));
                    await(sleep(0));
                    await(sleep(0));
                    tg.createTask(after(0, "late"));
                }
            }).isInstanceOf(ExceptionGroup.class);
            assertThatThrownBy(() -> group[0].createTask(after(0, "after"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("finished");
            return null;
        }));
    }

    @Test
    void cancellingTheOwnerCancelsTheChildrenAndTheCancellationGoesOn() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            Task<Void> owner = createTask(Coroutine.of(() -> {
                try (var tg = new TaskGroup()) {
                    tg.createTask(CombinatorsTest.forever(log, "a"));
                    tg.createTask(CombinatorsTest.forever(log, "b"));
                }
                log.add("not reached");
                return null;
            }));
            await(sleep(0));
            await(sleep(0));
            owner.cancel();
            assertThatThrownBy(() -> await(owner)).isInstanceOf(CancelledError.class);
            return null;
        }));
        assertThat(log).containsExactlyInAnyOrder("a finally", "b finally");
    }

    @Test
    void aTimeoutAroundTheGroupCancelsTheChildren() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            assertThatThrownBy(() -> {
                try (var t = timeout(SHORT); var tg = new TaskGroup()) {
                    tg.createTask(CombinatorsTest.forever(log, "child"));
                    await(sleep(3600));
                }
            }).isInstanceOf(TimeoutError.class);
            return null;
        }));
        assertThat(log).containsExactly("child finally");
    }

    @Test
    void aTimeoutWhileLeavingTheGroupCancelsTheChildren() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            assertThatThrownBy(() -> {
                try (var t = timeout(SHORT); var tg = new TaskGroup()) {
                    tg.createTask(CombinatorsTest.forever(log, "child"));
                }   // the deadline passes while close() waits for the child
            }).isInstanceOf(TimeoutError.class);
            assertThat(Async.allTasks()).containsOnly(currentTask());
            return null;
        }));
        assertThat(log).containsExactly("child finally");
    }

    @Test
    void explicitCancelStopsTheChildrenWithoutAnError() {
        List<String> log = new ArrayList<>();
        VirtualTime.run(Coroutine.of(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(CombinatorsTest.forever(log, "child"));
                await(sleep(0));
                tg.cancel();
            }
            return null;
        }));
        assertThat(log).containsExactly("child finally");
    }

    @Test
    void aTaskGroupOutsideATaskOrClosedByAnotherTaskIsAClearError() {
        assertThatThrownBy(TaskGroup::new).isInstanceOf(IllegalStateException.class);
        VirtualTime.run(Coroutine.of(() -> {
            TaskGroup tg = new TaskGroup();
            Task<Void> other = createTask(Coroutine.of(() -> {
                tg.close();
                return null;
            }));
            assertThatThrownBy(() -> await(other)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed by the task that created it");
            tg.close();
            return null;
        }));
    }
}
