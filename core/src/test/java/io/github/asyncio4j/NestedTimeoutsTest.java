package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.currentTask;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The nested-timeout rule of {@link Timeout}'s class comment, case by case: an outer deadline that passes while an
 * inner scope is open raises the outer's {@code TimeoutError} at the await in progress; the inner handler tells
 * whose it is by {@link Timeout#expired()}; whatever that handler does, the outer scope's own {@code catch} sees
 * the outer's error, unless the block leaves the outer scope without awaiting again. Virtual time throughout.
 */
@org.junit.jupiter.api.Timeout(60)
class NestedTimeoutsTest {
    private static final Duration OUTER = Duration.ofMillis(10);
    private static final Duration INNER = Duration.ofSeconds(100);

    private static <T> T run(Callable<T> body) {
        return Async.run(Coroutine.of(body), VirtualClock.autojumping());
    }

    @Test
    void theInnerHandlerSeesTheOutersErrorAndTellsItIsNotItsOwn() {
        run(() -> {
            List<String> seen = new ArrayList<>();
            TimeoutError[] outerError = new TimeoutError[1];
            try (var outer = timeout(OUTER)) {
                Timeout inner = timeout(INNER);
                try (inner) {
                    await(sleep(3600));
                } catch (TimeoutError e) {
                    seen.add("inner: expired " + inner.expired() + ", outer expired " + outer.expired());
                    outerError[0] = e;
                    if (!inner.expired()) {
                        throw e;
                    }
                }
                seen.add("not reached");
            } catch (TimeoutError e) {
                seen.add("outer");
                assertThat(e).isSameAs(outerError[0]);
                assertThat(e.getSuppressed()).isEmpty();
            }
            assertThat(seen).containsExactly("inner: expired false, outer expired true", "outer");
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void withoutAnInnerHandlerTheOuterCatchSeesItOnce() {
        run(() -> {
            Throwable[] caught = new Throwable[1];
            try (var outer = timeout(OUTER)) {
                try (var inner = timeout(INNER)) {
                    await(sleep(3600));
                }
            } catch (TimeoutError e) {
                caught[0] = e;
            }
            assertThat(caught[0]).isInstanceOf(TimeoutError.class);
            assertThat(caught[0].getSuppressed()).isEmpty();
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void anInnerHandlerThatSwallowsItCannotHideItFromTheOuterBlocksNextAwait() {
        run(() -> {
            List<String> seen = new ArrayList<>();
            Throwable[] first = new Throwable[1];
            try (var outer = timeout(OUTER)) {
                try (var inner = timeout(INNER)) {
                    await(sleep(3600));
                } catch (TimeoutError e) {
                    first[0] = e;
                    seen.add("inner handler believed it");
                }
                await(sleep(1));   // back in the outer block: its own deadline is raised here
                seen.add("not reached");
            } catch (TimeoutError e) {
                assertThat(e).isSameAs(first[0]);
                seen.add("outer");
            }
            assertThat(seen).containsExactly("inner handler believed it", "outer");
            await(sleep(0));       // out of both scopes: awaits work
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void anInnerHandlerThatSwallowsItAndAwaitsInTheInnerScopeGetsCancelledError() {
        run(() -> {
            List<String> seen = new ArrayList<>();
            Throwable[] out = new Throwable[1];
            try (var outer = timeout(OUTER)) {
                try (var inner = timeout(INNER)) {
                    try {
                        await(sleep(3600));
                    } catch (Exception e) {
                        seen.add("swallowed " + e.getClass().getSimpleName());
                    }
                    try {
                        await(sleep(1));   // inside the expired outer scope: level-triggered
                    } catch (Exception e) {
                        seen.add("not caught by catch (Exception)");
                    }
                } catch (TimeoutError e) {
                    seen.add("not caught by the inner catch (TimeoutError)");
                }
            } catch (CancelledError e) {
                out[0] = e;
            }
            assertThat(seen).containsExactly("swallowed TimeoutError");
            assertThat(out[0]).hasCauseInstanceOf(TimeoutError.class);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void aTaskEndingWithTheLevelTriggeredCancellationEndsWithTheOutersTimeoutError() {
        run(() -> {
            Task<Void> t = Async.createTask(Coroutine.of(() -> {
                try (var outer = timeout(OUTER)) {
                    try (var inner = timeout(INNER)) {
                        try {
                            await(sleep(3600));
                        } catch (TimeoutError e) {
                            // believed to be the inner's
                        }
                        await(sleep(1));
                    }
                }
                return null;
            }));
            assertThatThrownBy(() -> await(t)).isInstanceOf(TimeoutError.class);
            assertThat(t.isCancelled()).isFalse();
            return null;
        });
    }

    @Test
    void aBlockThatLeavesTheOuterScopeWithoutAwaitingAgainGoesOnAndSaysItExpired() {
        run(() -> {
            Timeout[] scope = new Timeout[1];
            try (var outer = timeout(OUTER)) {
                scope[0] = outer;
                try (var inner = timeout(INNER)) {
                    await(sleep(3600));
                } catch (TimeoutError e) {
                    // swallowed, and nothing awaited after it
                }
            }
            assertThat(scope[0].expired()).isTrue();
            await(sleep(0));
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
    }

    @Test
    void theInnerDeadlineIsTheInnersOwnAndTheOuterGoesOn() {
        run(() -> {
            List<String> seen = new ArrayList<>();
            try (var outer = timeout(INNER)) {
                Timeout inner = timeout(OUTER);   // the shorter deadline is the inner one
                try (inner) {
                    await(sleep(3600));
                } catch (TimeoutError e) {
                    seen.add("inner: expired " + inner.expired() + ", outer expired " + outer.expired());
                }
                await(sleep(1));
                seen.add("outer block went on");
            }
            assertThat(seen).containsExactly("inner: expired true, outer expired false", "outer block went on");
            return null;
        });
    }
}
