package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.currentTask;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.timeout;
import static io.github.asyncio4j.Async.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import io.github.asyncio4j.queue.Queue;
import io.github.asyncio4j.sync.Condition;
import io.github.asyncio4j.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Timeouts are level-triggered (API section 9, Trio's cancel scopes): after a scope's deadline no await inside it
 * completes normally until the block leaves the scope, so a swallowing {@code catch (Exception)} costs at most one
 * more await. One test per kind of await point; every loop below would run for an hour (or forever) otherwise.
 */
@org.junit.jupiter.api.Timeout(60)
class LevelTriggeredTimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(20);
    /** A bound on every retry loop: a test fails, it never hangs. */
    private static final int MAX_ATTEMPTS = 100_000;

    /** What left a timeout scope whose block retried {@code op} and swallowed every {@code Exception}. */
    record Outcome(Throwable error, int swallowed, boolean expired, int cancellingAfter) {
    }

    /** Awaits {@code op} in a loop that swallows every {@code Exception}, inside a {@code timeout(SHORT)} scope. */
    static Outcome retrySwallowing(Supplier<? extends Awaitable<?>> op) {
        int swallowed = 0;
        Timeout scope = null;
        Throwable error = null;
        try (var t = timeout(SHORT)) {
            scope = t;
            for (int i = 0; i < MAX_ATTEMPTS; i++) {
                try {
                    await(op.get());
                } catch (Exception e) {
                    swallowed++;        // the mistake under test: a retry loop that catches everything
                }
            }
        } catch (Throwable e) {
            error = e;
        }
        return new Outcome(error, swallowed, scope.expired(), currentTask().cancelling());
    }

    /** The block got its TimeoutError once, swallowed it, and the next await ended the block. */
    static void assertLeftAtTheSecondAwait(Outcome o) {
        assertThat(o.error()).isInstanceOf(CancelledError.class).hasCauseInstanceOf(TimeoutError.class)
                .hasMessageContaining("expired scope");
        assertThat(o.swallowed()).as("TimeoutErrors swallowed").isEqualTo(1);
        assertThat(o.expired()).isTrue();
        assertThat(o.cancellingAfter()).as("the expiry's cancel request is withdrawn on leaving").isZero();
    }

    @Test
    void aFutureAwait() {
        Async.run(Coroutine.of(() -> {
            assertLeftAtTheSecondAwait(retrySwallowing(() -> getRunningLoop().createFuture()));
            await(sleep(0));   // the task goes on normally after the scope
            return null;
        }));
    }

    @Test
    void aSleep() {
        Async.run(Coroutine.of(() -> {
            assertLeftAtTheSecondAwait(retrySwallowing(() -> sleep(3600)));
            return null;
        }));
    }

    @Test
    void aYieldInABusyLoop() {
        Async.run(Coroutine.of(() -> {
            assertLeftAtTheSecondAwait(retrySwallowing(() -> sleep(0)));
            return null;
        }));
    }

    @Test
    void aSocketRead() {
        Async.run(Coroutine.of(() -> {
            ConnectionHandlerHolder silent = new ConnectionHandlerHolder();
            try (Server server = await(Streams.startServer((r, w) -> Coroutine.of(() -> {
                await(silent.closed);   // never writes
                return null;
            }), "127.0.0.1", 0)); Connection c = await(Streams.openConnection("127.0.0.1", server.port()))) {
                assertLeftAtTheSecondAwait(retrySwallowing(() -> c.reader().read(10)));
                silent.closed.setResult(null);
            }
            return null;
        }));
    }

    /** Lets the silent server's handler end when the test is done. */
    static final class ConnectionHandlerHolder {
        final Future<Void> closed = getRunningLoop().createFuture();
    }

    @Test
    void aLock() {
        Async.run(Coroutine.of(() -> {
            Lock lock = new Lock();
            Future<Void> release = getRunningLoop().createFuture();
            Task<Void> holder = createTask(Coroutine.of(() -> {
                await(lock.acquire());   // held by another task: every acquire below waits
                await(release);
                lock.release();
                return null;
            }));
            await(sleep(0));
            assertLeftAtTheSecondAwait(retrySwallowing(lock::acquire));
            release.setResult(null);
            await(holder);
            assertThat(lock.locked()).as("no cancelled waiter was left holding a claim").isFalse();
            return null;
        }));
    }

    @Test
    void aQueueGet() {
        Async.run(Coroutine.of(() -> {
            Queue<String> q = new Queue<>();
            assertLeftAtTheSecondAwait(retrySwallowing(q::get));
            q.putNowait("x");
            assertThat(q.getNowait()).as("no cancelled getter took the item").isEqualTo("x");
            return null;
        }));
    }

    @Test
    void aCondition() {
        Async.run(Coroutine.of(() -> {
            Condition c = new Condition();
            await(c.acquire());
            Outcome o = retrySwallowing(c::untilNotified);
            assertLeftAtTheSecondAwait(o);
            return null;
        }));
    }

    @Test
    void aTaskGroupInsideATimeout() {
        List<String> log = new ArrayList<>();
        Async.run(Coroutine.of(() -> {
            Outcome o = retrySwallowingInGroup(log);
            assertLeftAtTheSecondAwait(o);
            assertThat(Async.allTasks()).as("no child outlived its group").containsOnly(currentTask());
            return null;
        }));
        assertThat(log).containsExactly("child finally");
    }

    private static Outcome retrySwallowingInGroup(List<String> log) {
        int swallowed = 0;
        Timeout scope = null;
        Throwable error = null;
        try (var t = timeout(SHORT); var tg = new TaskGroup()) {
            scope = t;
            tg.createTask(CombinatorsTest.forever(log, "child"));
            for (int i = 0; i < MAX_ATTEMPTS; i++) {
                try {
                    await(sleep(3600));
                } catch (Exception e) {
                    swallowed++;
                }
            }
        } catch (Throwable e) {
            error = e;
        }
        return new Outcome(error, swallowed, scope.expired(), currentTask().cancelling());
    }

    @Test
    void aTimeoutInsideATaskGroup() {
        List<String> log = new ArrayList<>();
        Async.run(Coroutine.of(() -> {
            Outcome[] o = new Outcome[1];
            Task<String> sibling;
            try (var tg = new TaskGroup()) {
                sibling = tg.createTask(CombinatorsTest.after(3, "sibling done"));
                o[0] = retrySwallowing(() -> sleep(3600));
                log.add("after the scope");
            }
            assertLeftAtTheSecondAwait(o[0]);
            assertThat(sibling.result()).isEqualTo("sibling done");
            return null;
        }));
        assertThat(log).as("the group's block went on; its child was not cancelled").containsExactly("after the scope");
    }

    @Test
    void aTaskEndingWithTheLevelErrorEndsWithTheTimeoutErrorNotCancelled() {
        Async.run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                try (var scope = timeout(SHORT)) {
                    while (true) {
                        try {
                            await(sleep(3600));
                        } catch (Exception swallowed) {
                            // the mistake under test
                        }
                    }
                }
            }));
            assertThatThrownBy(() -> await(t)).isInstanceOf(TimeoutError.class);
            assertThat(t.isCancelled()).isFalse();
            return null;
        }));
    }

    @Test
    void aRealCancellationDuringAnExpiredScopeStaysACancellation() {
        Async.run(Coroutine.of(() -> {
            Future<Void> started = getRunningLoop().createFuture();
            Task<Void> t = createTask(Coroutine.of(() -> {
                try (var scope = timeout(Duration.ofSeconds(3600))) {
                    started.setResult(null);
                    while (true) {
                        try {
                            await(sleep(3600));
                        } catch (Exception swallowed) {
                            // never reached: a cancellation is not an Exception
                        }
                    }
                }
            }));
            await(started);
            t.cancel("stop");
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class).hasMessage("stop");
            assertThat(t.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void nestedScopesTheOneWhoseDeadlinePassedReportsAndTheOuterIsNotExpired() {
        Async.run(Coroutine.of(() -> {
            Timeout[] inner = new Timeout[1];
            try (var outer = timeout(Duration.ofSeconds(3600))) {
                Throwable out = null;
                try (var t = timeout(SHORT)) {
                    inner[0] = t;
                    for (int i = 0; i < MAX_ATTEMPTS; i++) {
                        try {
                            await(sleep(3600));
                        } catch (Exception e) {
                            // swallowed once
                        }
                    }
                } catch (CancelledError e) {
                    out = e;
                }
                assertThat(out).hasCauseInstanceOf(TimeoutError.class);
                assertThat(inner[0].expired()).isTrue();
                assertThat(outer.expired()).isFalse();
                await(sleep(0));   // the outer scope's awaits work again
            }
            assertThat(currentTask().cancelling()).isZero();
            return null;
        }));
    }

    @Test
    void anOuterDeadlineFailsTheAwaitsOfAnInnerScopeWithALaterDeadline() {
        Async.run(Coroutine.of(() -> {
            Timeout[] inner = new Timeout[1];
            Throwable out = null;
            try (var outer = timeout(SHORT)) {
                try (var t = timeout(Duration.ofSeconds(3600))) {
                    inner[0] = t;
                    for (int i = 0; i < MAX_ATTEMPTS; i++) {
                        try {
                            await(sleep(3600));
                        } catch (Exception e) {
                            // swallowed once
                        }
                    }
                }
            } catch (CancelledError e) {
                out = e;
            }
            assertThat(out).hasCauseInstanceOf(TimeoutError.class);
            assertThat(inner[0].expired()).as("the inner deadline did not pass").isFalse();
            assertThat(currentTask().cancelling()).isZero();
            return null;
        }));
    }

    @Test
    void theUsualFormStillCatchesTimeoutError() {
        Async.run(Coroutine.of(() -> {
            boolean caught = false;
            try (var t = timeout(SHORT)) {
                await(sleep(3600));
            } catch (TimeoutError e) {
                caught = true;
            }
            assertThat(caught).isTrue();
            return null;
        }));
    }

    // --- waitFor ---------------------------------------------------------------------------------------------

    @Test
    void waitForRaisesCancelledErrorInsideSoCleanupRunsAndTimeoutErrorToTheCaller() {
        List<String> log = new ArrayList<>();
        Async.run(Coroutine.of(() -> {
            Coroutine<String> work = Coroutine.of(() -> {
                try {
                    await(sleep(3600));
                    return "never";
                } catch (CancelledError e) {
                    log.add("cleanup saw " + e.getClass().getSimpleName());
                    throw e;
                }
            });
            assertThatThrownBy(() -> await(waitFor(work, SHORT))).isInstanceOf(TimeoutError.class)
                    .hasCauseInstanceOf(CancelledError.class);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        }));
        assertThat(log).containsExactly("cleanup saw CancelledError");
    }

    @Test
    void waitForAroundASwallowingRetryLoopEndsAtTheDeadline() {
        Async.run(Coroutine.of(() -> {
            int[] swallowed = {0};
            Coroutine<Void> work = Coroutine.of(() -> {
                for (int i = 0; i < MAX_ATTEMPTS; i++) {
                    try {
                        await(sleep(3600));
                    } catch (Exception e) {
                        swallowed[0]++;
                    }
                }
                return null;
            });
            assertThatThrownBy(() -> await(waitFor(work, SHORT))).isInstanceOf(TimeoutError.class);
            assertThat(swallowed[0]).as("a CancelledError is not an Exception").isZero();
            return null;
        }));
    }

    @Test
    void waitForAroundACatchThrowableRetryLoopCostsOneMoreAwait() {
        Async.run(Coroutine.of(() -> {
            int[] swallowed = {0};
            Coroutine<Void> work = Coroutine.of(() -> {
                for (int i = 0; i < MAX_ATTEMPTS; i++) {
                    try {
                        await(sleep(3600));
                    } catch (Throwable e) {
                        if (swallowed[0]++ > 0) {
                            throw e;   // the second one is the level-triggered one: give up
                        }
                    }
                }
                return null;
            });
            assertThatThrownBy(() -> await(waitFor(work, SHORT))).isInstanceOf(TimeoutError.class);
            assertThat(swallowed[0]).isEqualTo(2);
            return null;
        }));
    }
}
