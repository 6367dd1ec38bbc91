package io.github.asyncio4j.cpython;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.shield;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code Lib/test/test_asyncio/test_waitfor.py} (3.12), case by case. Deadlines are a few
 * milliseconds; the tests assert outcomes and order, never elapsed time.
 *
 * <p>Not expressible in Java, and why: none of the cases is left out. Python's {@code __context__} checks
 * ("chained is CancelledError") become {@code getCause()} checks: our {@code TimeoutError} carries the
 * {@code CancelledError} it replaces as its cause.
 */
@org.junit.jupiter.api.Timeout(60)
class WaitForPortTest {
    private static final Duration EPSILON = Duration.ofMillis(5);
    private static final Duration LONG = Duration.ofSeconds(3600);

    static <T> T run(Callable<T> body) {
        return Async.run(Coroutine.of(body));
    }

    /** CPython's SlowTask: sleeps for TASK_TIMEOUT, records that it exited (normally or not). */
    static final class SlowTask {
        static final double TASK_TIMEOUT = 0.2;
        boolean exited;

        Coroutine<Void> run() {
            return Coroutine.of(() -> {
                try {
                    await(sleep(TASK_TIMEOUT));
                } finally {
                    exited = true;
                }
                return null;
            });
        }
    }

    @Test
    void test_asyncio_wait_for_cancelled() {
        run(() -> {
            SlowTask t = new SlowTask();
            Task<Void> waitForTask = createTask(waitFor(t.run(), Duration.ofMillis(400)));
            await(sleep(0));
            waitForTask.cancel();
            await(Async.wait(List.of(waitForTask)));
            assertThat(t.exited).isTrue();
            return null;
        });
    }

    @Test
    void test_asyncio_wait_for_timeout() {
        run(() -> {
            SlowTask t = new SlowTask();
            try {
                await(waitFor(t.run(), Duration.ofMillis(10)));
            } catch (TimeoutError expected) {
                // expected
            }
            assertThat(t.exited).isTrue();
            return null;
        });
    }

    @Test
    void test_wait_for_timeout_less_then_0_or_0_future_done() {
        run(() -> {
            Future<String> fut = getRunningLoop().createFuture();
            fut.setResult("done");
            assertThat(await(waitFor(fut, Duration.ZERO))).isEqualTo("done");
            assertThat(fut.isDone()).isTrue();
            return null;
        });
    }

    @Test
    void test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started() {
        run(() -> {
            boolean[] started = {false};
            Coroutine<Void> foo = Coroutine.of(() -> {
                started[0] = true;
                return null;
            });
            assertThatThrownBy(() -> await(waitFor(foo, Duration.ZERO))).isInstanceOf(TimeoutError.class);
            assertThat(started[0]).isFalse();
            return null;
        });
    }

    @Test
    void test_wait_for_timeout_less_then_0_or_0() {
        run(() -> {
            for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
                boolean[] running = {false};
                Future<Void> started = getRunningLoop().createFuture();
                Task<String> fut = createTask(Coroutine.of(() -> {
                    running[0] = true;
                    started.setResult(null);
                    try {
                        await(sleep(10));
                    } finally {
                        running[0] = false;
                    }
                    return "done";
                }));
                await(started);
                assertThatThrownBy(() -> await(waitFor(fut, timeout))).isInstanceOf(TimeoutError.class);
                assertThat(fut.isDone()).isTrue();
                assertThat(fut.isCancelled()).as("cancelled due to the timeout").isTrue();
                assertThat(running[0]).isFalse();
            }
            return null;
        });
    }

    @Test
    void test_wait_for() {
        run(() -> {
            boolean[] running = {false};
            Task<String> fut = createTask(Coroutine.of(() -> {
                running[0] = true;
                try {
                    await(sleep(LONG));
                } finally {
                    running[0] = false;
                }
                return "done";
            }));
            assertThatThrownBy(() -> await(waitFor(fut, Duration.ofMillis(10)))).isInstanceOf(TimeoutError.class);
            assertThat(fut.isDone()).isTrue();
            assertThat(fut.isCancelled()).isTrue();
            assertThat(running[0]).isFalse();
            return null;
        });
    }

    @Test
    void test_wait_for_blocking() {
        run(() -> {
            assertThat(await(waitFor(Coroutine.of(() -> "done"), null))).isEqualTo("done");
            return null;
        });
    }

    @Test
    void test_wait_for_race_condition() {
        run(() -> {
            Future<String> fut = getRunningLoop().createFuture();
            Coroutine<String> task = waitFor(fut, Duration.ofMillis(200));
            getRunningLoop().callSoon(() -> fut.setResult("ok"));
            assertThat(await(task)).isEqualTo("ok");
            return null;
        });
    }

    @Test
    void test_wait_for_cancellation_race_condition() {
        run(() -> {
            Coroutine<Integer> inner = Coroutine.of(() -> {
                assertThatThrownBy(() -> await(sleep(1))).isInstanceOf(CancelledError.class);
                return 1;
            });
            assertThat(await(waitFor(inner, Duration.ofMillis(10)))).isEqualTo(1);
            return null;
        });
    }

    @Test
    void test_wait_for_waits_for_task_cancellation() {
        run(() -> {
            boolean[] done = {false};
            Task<Void> innerTask = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(10));
                } catch (CancelledError e) {
                    await(sleep(EPSILON));   // a task of its own: its cleanup may wait
                    throw e;
                } finally {
                    done[0] = true;
                }
                return null;
            }));
            assertThatThrownBy(() -> await(waitFor(innerTask, EPSILON))).isInstanceOf(TimeoutError.class)
                    .hasCauseInstanceOf(CancelledError.class);
            assertThat(done[0]).isTrue();
            return null;
        });
    }

    @Test
    void test_wait_for_waits_for_task_cancellation_w_timeout_0() {
        run(() -> {
            boolean[] done = {false};
            Task<Void> innerTask = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(10));
                } catch (CancelledError e) {
                    await(sleep(EPSILON));
                    throw e;
                } finally {
                    done[0] = true;
                }
                return null;
            }));
            await(sleep(EPSILON));
            assertThatThrownBy(() -> await(waitFor(innerTask, Duration.ZERO))).isInstanceOf(TimeoutError.class)
                    .hasCauseInstanceOf(CancelledError.class);
            assertThat(done[0]).isTrue();
            return null;
        });
    }

    static final class FooException extends RuntimeException {
        FooException() {
            super("foo");
        }
    }

    @Test
    void test_wait_for_reraises_exception_during_cancellation() {
        run(() -> {
            Task<Void> innerTask = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(0.2));
                } finally {
                    throw new FooException();
                }
            }));
            assertThatThrownBy(() -> await(waitFor(innerTask, EPSILON))).isInstanceOf(FooException.class);
            return null;
        });
    }

    /** The same with the coroutine awaited inline (no task of its own). */
    @Test
    void test_wait_for_reraises_exception_during_cancellation_inline() {
        run(() -> {
            Coroutine<Void> inner = Coroutine.of(() -> {
                try {
                    await(sleep(0.2));
                } finally {
                    throw new FooException();
                }
            });
            assertThatThrownBy(() -> await(waitFor(inner, EPSILON))).isInstanceOf(FooException.class);
            return null;
        });
    }

    private static void cancelWaitFor(Duration timeout) {
        Task<Void> task = createTask(Coroutine.of(() -> {
            Future<Void> fut = getRunningLoop().createFuture();
            await(fut);   // never set
            return null;
        }));
        Task<Void> wait = createTask(waitFor(task, timeout));
        getRunningLoop().callSoon(() -> wait.cancel());
        assertThatThrownBy(() -> await(wait)).isInstanceOf(CancelledError.class);
        assertThat(task.isCancelled()).as("cancelling the wait cancels the task (bpo-23219)").isTrue();
    }

    @Test
    void test_cancel_blocking_wait_for() {
        run(() -> {
            cancelWaitFor(null);
            return null;
        });
    }

    @Test
    void test_cancel_wait_for() {
        run(() -> {
            cancelWaitFor(Duration.ofSeconds(60));
            return null;
        });
    }

    @Test
    void test_wait_for_cancel_suppressed() {
        run(() -> {
            Coroutine<Integer> return42 = Coroutine.of(() -> {
                try {
                    await(sleep(10));
                } catch (CancelledError e) {
                    return 42;
                }
                return 0;
            });
            assertThat(await(waitFor(return42, Duration.ofMillis(10)))).isEqualTo(42);
            return null;
        });
    }

    @Test
    void test_wait_for_issue86296() {
        run(() -> {
            Task<String> innerTask = createTask(Coroutine.of(() -> "done"));
            boolean[] reachedEnd = {false};
            Task<Void> task = createTask(Coroutine.of(() -> {
                await(waitFor(innerTask, Duration.ofSeconds(100)));
                await(sleep(1));
                reachedEnd[0] = true;
                return null;
            }));
            assertThat(task.isDone()).isFalse();
            await(sleep(0));
            task.cancel();
            assertThatThrownBy(() -> await(task)).isInstanceOf(CancelledError.class);
            assertThat(innerTask.isDone()).isTrue();
            assertThat(await(innerTask)).isEqualTo("done");
            assertThat(reachedEnd[0]).isFalse();
            return null;
        });
    }

    // WaitForShieldTests

    @Test
    void test_zero_timeout() {
        run(() -> {
            Task<String> task = createTask(Coroutine.of(() -> {
                await(sleep(0.01));
                return "done";
            }));
            Future<String> shielded = shield(task);
            assertThatThrownBy(() -> await(waitFor(shielded, Duration.ZERO))).isInstanceOf(TimeoutError.class);
            assertThat(task.isDone()).isFalse();
            assertThat(task.isCancelled()).isFalse();
            assertThat(shielded.isCancelled()).isTrue();
            assertThat(await(task)).isEqualTo("done");
            return null;
        });
    }

    @Test
    void test_none_timeout() {
        run(() -> {
            Task<String> task = createTask(Coroutine.of(() -> {
                await(sleep(0.01));
                return "done";
            }));
            await(waitFor(shield(task), null));
            assertThat(task.isDone()).isTrue();
            assertThat(await(task)).isEqualTo("done");
            return null;
        });
    }

    @Test
    void test_shielded_timeout() {
        run(() -> {
            Task<String> task = createTask(Coroutine.of(() -> {
                await(sleep(0.1));
                return "done";
            }));
            assertThatThrownBy(() -> await(waitFor(shield(task), Duration.ofMillis(10))))
                    .isInstanceOf(TimeoutError.class);
            assertThat(task.isDone()).isFalse();
            assertThat(task.isCancelled()).isFalse();
            assertThat(await(task)).isEqualTo("done");
            return null;
        });
    }
}
