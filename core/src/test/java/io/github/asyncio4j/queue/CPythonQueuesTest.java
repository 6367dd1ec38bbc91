package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.waitFor;
import static io.github.asyncio4j.sync.SyncTesting.endsCancelled;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TaskGroup;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code Lib/test/test_asyncio/test_queues.py}, case by case, in our own words: each test is named after
 * the CPython case it ports ({@code await asyncio.sleep(0)} is one loop iteration, {@code sleep0()} here). They run
 * on virtual time ({@link io.github.asyncio4j.sync.SyncTesting#run}).
 *
 * <p>Cases that cannot be expressed in Java, or that assert a deliberate difference:
 * <ul>
 *   <li>{@code test_repr}, {@code test_str}, {@code test_format}, {@code test_shutdown_repr},
 *       {@code test_generic_alias}: Python's repr and typing; our {@code toString()} is held by QueueTest.</li>
 *   <li>{@code test_get_with_putters}: it appends a future to the private {@code _putters} deque.</li>
 *   <li>{@code test_float_maxsize}: a Java maxsize is an {@code int}.</li>
 *   <li>{@code test_shutdown_allowed_transitions}: it reads the private {@code _shutdown_state}; ours is
 *       {@link Queue#isShutdown()}.</li>
 *   <li>Asserts on the private {@code _getters}/{@code _putters} lengths are made through {@code toString()}.</li>
 *   <li>After {@code shutdown(immediate=True)}, versions of CPython differ on {@code task_done()} (ValueError or
 *       QueueShutDown); ours counts the discarded items as done, so a further {@code taskDone()} is the
 *       {@link IllegalStateException} of {@code test_task_done_underflow}.</li>
 * </ul>
 */
class CPythonQueuesTest {
    static void sleep0() {
        await(sleep(0));
    }

    static <T> Task<T> task(Supplier<T> body) {
        return createTask(Coroutine.of(body::get));
    }

    @Nested
    class QueueBasicTests {
        @Test
        void test_empty() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                assertThat(q.empty()).isTrue();
                await(q.put(1));
                assertThat(q.empty()).isFalse();
                assertThat(await(q.get())).isEqualTo(1);
                assertThat(q.empty()).isTrue();
                return null;
            });
        }

        @Test
        void test_full() {
            run(() -> {
                assertThat(new Queue<Integer>().full()).isFalse();
                Queue<Integer> q = new Queue<>(1);
                await(q.put(1));
                assertThat(q.full()).isTrue();
                return null;
            });
        }

        @Test
        void test_order() {
            assertThat(putThenGet(Queue::new)).containsExactly(1, 3, 2);
        }

        @Test
        void test_maxsize() {
            run(() -> {
                Queue<Integer> q = new Queue<>(2);
                assertThat(q.maxsize()).isEqualTo(2);
                List<Integer> haveBeenPut = new ArrayList<>();
                Task<Boolean> t = task(() -> {
                    for (int i = 0; i < 3; i++) {
                        await(q.put(i));
                        haveBeenPut.add(i);
                    }
                    return true;
                });
                sleep0();
                sleep0();
                assertThat(haveBeenPut).containsExactly(0, 1);   // blocked after two items
                assertThat(await(q.get())).isEqualTo(0);
                sleep0();
                assertThat(haveBeenPut).containsExactly(0, 1, 2);
                assertThat(await(q.get())).isEqualTo(1);
                assertThat(await(q.get())).isEqualTo(2);
                assertThat(t.isDone()).isTrue();
                assertThat(t.result()).isTrue();
                return null;
            });
        }
    }

    static List<Integer> putThenGet(IntFunction<Queue<Integer>> make) {
        return run(() -> {
            Queue<Integer> q = make.apply(0);
            for (int i : new int[] {1, 3, 2}) {
                await(q.put(i));
            }
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                items.add(await(q.get()));
            }
            return items;
        });
    }

    @Nested
    class QueueGetTests {
        @Test
        void test_blocking_get() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                q.putNowait(1);
                assertThat(await(q.get())).isEqualTo(1);
                return null;
            });
        }

        @Test
        void test_blocking_get_wait() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                Event started = new Event();
                boolean[] finished = {false};
                Task<Integer> getter = task(() -> {
                    started.set();
                    Integer res = await(q.get());
                    finished[0] = true;
                    return res;
                });
                await(started.untilSet());
                assertThat(finished[0]).isFalse();
                Async.getRunningLoop().callLater(0.01, () -> q.putNowait(1));
                assertThat(await(getter)).isEqualTo(1);
                assertThat(finished[0]).isTrue();
                return null;
            });
        }

        @Test
        void test_nonblocking_get() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                q.putNowait(1);
                assertThat(q.getNowait()).isEqualTo(1);
                return null;
            });
        }

        @Test
        void test_nonblocking_get_exception() {
            assertThatThrownBy(new Queue<Integer>()::getNowait).isInstanceOf(QueueEmpty.class);
        }

        @Test
        void test_get_cancelled_race() {
            run(() -> {
                Queue<String> q = new Queue<>();
                Task<String> t1 = task(() -> await(q.get()));
                Task<String> t2 = task(() -> await(q.get()));
                sleep0();
                t1.cancel();
                sleep0();
                assertThat(t1.isDone()).isTrue();
                await(q.put("a"));
                sleep0();
                assertThat(await(t2)).isEqualTo("a");
                return null;
            });
        }

        @Test
        void test_get_with_waiting_putters() {
            run(() -> {
                Queue<String> q = new Queue<>(1);
                task(() -> await(q.put("a")));
                task(() -> await(q.put("b")));
                assertThat(await(q.get())).isEqualTo("a");
                assertThat(await(q.get())).isEqualTo("b");
                return null;
            });
        }

        @Test
        void test_why_are_getters_waiting() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                try (var tg = new TaskGroup()) {
                    tg.createTask(Coroutine.of(() -> {
                        for (int i = 0; i < 5; i++) {
                            await(q.put(i));
                        }
                        return null;
                    }));
                    tg.createTask(Coroutine.of(() -> {
                        for (int i = 0; i < 5; i++) {
                            await(q.get());
                        }
                        return null;
                    }));
                }
                return null;
            });
        }

        @Test
        void test_cancelled_getters_not_being_held_in_self_getters() {
            run(() -> {
                Queue<Integer> q = new Queue<>(5);
                assertThatThrownBy(() -> await(waitFor(q.get(), Duration.ofMillis(100))))
                        .isInstanceOf(TimeoutError.class);
                assertThat(q.toString()).doesNotContain("getters");
                return null;
            });
        }
    }

    @Nested
    class QueuePutTests {
        @Test
        void test_blocking_put() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                await(q.put(1));
                assertThat(await(q.get())).isEqualTo(1);
                return null;
            });
        }

        @Test
        void test_blocking_put_wait() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                Event started = new Event();
                boolean[] finished = {false};
                Async.getRunningLoop().callLater(0.01, q::getNowait);
                Task<Void> putter = task(() -> {
                    started.set();
                    await(q.put(1));
                    await(q.put(2));
                    finished[0] = true;
                    return null;
                });
                await(started.untilSet());
                assertThat(finished[0]).isFalse();
                await(putter);
                assertThat(finished[0]).isTrue();
                return null;
            });
        }

        @Test
        void test_get_cancel_drop_one_pending_reader() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                Task<Integer> reader = task(() -> await(q.get()));
                sleep0();
                q.putNowait(1);
                q.putNowait(2);
                reader.cancel();
                if (endsCancelled(reader)) {
                    reader = task(() -> await(q.get()));
                }
                assertThat(await(reader)).isEqualTo(1);   // 2 would mean 1 was dropped
                return null;
            });
        }

        @Test
        void test_get_cancel_drop_many_pending_readers() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                List<Task<Integer>> readers = new ArrayList<>();
                try (var tg = new TaskGroup()) {
                    for (int i = 0; i < 3; i++) {
                        readers.add(tg.createTask(Coroutine.of(() -> await(q.get()))));
                    }
                    sleep0();
                    q.putNowait(1);
                    q.putNowait(2);
                    readers.get(0).cancel();
                    assertThat(endsCancelled(readers.get(0))).isTrue();
                    await(readers.get(2));
                }
                assertThat(Set.of(readers.get(1).result(), readers.get(2).result())).isEqualTo(Set.of(1, 2));
                return null;
            });
        }

        @Test
        void test_put_cancel_drop() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.putNowait(1);
                Task<Void> writer = task(() -> await(q.put(2)));
                sleep0();
                assertThat(q.getNowait()).isEqualTo(1);
                writer.cancel();
                if (endsCancelled(writer)) {
                    writer = task(() -> await(q.put(2)));
                    await(writer);
                }
                assertThat(q.getNowait()).isEqualTo(2);
                assertThat(q.qsize()).isZero();
                return null;
            });
        }

        @Test
        void test_nonblocking_put_exception() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.putNowait(1);
                assertThatThrownBy(() -> q.putNowait(2)).isInstanceOf(QueueFull.class);
                return null;
            });
        }

        @Test
        void test_put_cancelled() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                Task<Boolean> t = task(() -> {
                    await(q.put(1));
                    return true;
                });
                assertThat(await(q.get())).isEqualTo(1);
                assertThat(t.isDone()).isTrue();
                assertThat(t.result()).isTrue();
                return null;
            });
        }

        @Test
        void test_put_cancelled_race() {
            run(() -> {
                Queue<String> q = new Queue<>(1);
                Task<Void> putA = task(() -> await(q.put("a")));
                Task<Void> putB = task(() -> await(q.put("b")));
                Task<Void> putC = task(() -> await(q.put("X")));
                sleep0();
                assertThat(putA.isDone()).isTrue();
                assertThat(putB.isDone()).isFalse();
                putC.cancel();
                sleep0();
                assertThat(putC.isDone()).isTrue();
                assertThat(q.getNowait()).isEqualTo("a");
                sleep0();
                assertThat(q.getNowait()).isEqualTo("b");
                await(putB);
                return null;
            });
        }

        @Test
        void test_put_with_waiting_getters() {
            run(() -> {
                Queue<String> q = new Queue<>();
                Task<String> t = task(() -> await(q.get()));
                sleep0();
                await(q.put("a"));
                assertThat(await(t)).isEqualTo("a");
                return null;
            });
        }

        @Test
        void test_why_are_putters_waiting() {
            run(() -> {
                Queue<Integer> q = new Queue<>(2);
                try (var tg = new TaskGroup()) {
                    tg.createTask(Coroutine.of(() -> {
                        sleep0();
                        for (int n = q.qsize(); n > 0; n--) {
                            q.getNowait();
                        }
                        return null;
                    }));
                    for (int i = 0; i < 4; i++) {
                        int item = i;
                        tg.createTask(Coroutine.of(() -> await(q.put(item))));
                    }
                }
                return null;
            });
        }

        @Test
        void test_cancelled_puts_not_being_held_in_self_putters() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.putNowait(1);
                Task<Void> put = task(() -> await(q.put(1)));
                sleep0();
                assertThat(q.toString()).contains("putters=1");
                put.cancel();
                assertThat(endsCancelled(put)).isTrue();
                assertThat(q.toString()).doesNotContain("putters");
                return null;
            });
        }

        @Test
        void test_cancelled_put_silence_value_error_exception() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.putNowait(1);
                Task<Void> put = task(() -> await(q.put(1)));
                sleep0();
                q.getNowait();      // wakes the putter, which is then cancelled before it runs
                put.cancel();
                assertThat(endsCancelled(put)).isTrue();
                return null;
            });
        }
    }

    @Nested
    class LifoQueueTests {
        @Test
        void test_order() {
            assertThat(putThenGet(LifoQueue::new)).containsExactly(2, 3, 1);
        }
    }

    @Nested
    class PriorityQueueTests {
        @Test
        void test_order() {
            assertThat(putThenGet(PriorityQueue::new)).containsExactly(1, 2, 3);
        }
    }

    /** _QueueJoinTestMixin, for each of the three kinds of queue. */
    @Nested
    class QueueJoinTests {
        final List<IntFunction<Queue<Integer>>> kinds = List.of(Queue::new, LifoQueue::new, PriorityQueue::new);

        @Test
        void test_task_done_underflow() {
            for (IntFunction<Queue<Integer>> make : kinds) {
                assertThatThrownBy(make.apply(0)::taskDone).isInstanceOf(IllegalStateException.class);
            }
        }

        @Test
        void test_task_done() {
            for (IntFunction<Queue<Integer>> make : kinds) {
                run(() -> {
                    Queue<Integer> q = make.apply(0);
                    for (int i = 0; i < 100; i++) {
                        q.putNowait(i);
                    }
                    int[] accumulator = {0};
                    boolean[] running = {true};
                    try (var tg = new TaskGroup()) {
                        for (int w = 0; w < 2; w++) {
                            tg.createTask(Coroutine.of(() -> {
                                while (running[0]) {
                                    accumulator[0] += await(q.get());
                                    q.taskDone();
                                }
                                return null;
                            }));
                        }
                        await(q.join());
                        assertThat(accumulator[0]).isEqualTo(4950);
                        running[0] = false;
                        q.putNowait(0);
                        q.putNowait(0);
                    }
                    return null;
                });
            }
        }

        @Test
        void test_join_empty_queue() {
            for (IntFunction<Queue<Integer>> make : kinds) {
                run(() -> {
                    Queue<Integer> q = make.apply(0);
                    await(q.join());
                    await(q.join());
                    return null;
                });
            }
        }
    }

    /** _QueueShutdownTestMixin, for each of the three kinds of queue. */
    @Nested
    class QueueShutdownTests {
        final List<IntFunction<Queue<String>>> kinds = List.of(Queue::new, LifoQueue::new, PriorityQueue::new);

        @Test
        void test_shutdown_empty() {
            for (IntFunction<Queue<String>> make : kinds) {
                run(() -> {
                    Queue<String> q = make.apply(0);
                    q.shutdown();
                    assertThatThrownBy(() -> await(q.put("data"))).isInstanceOf(QueueShutDown.class);
                    assertThatThrownBy(() -> await(q.get())).isInstanceOf(QueueShutDown.class);
                    return null;
                });
            }
        }

        @Test
        void test_shutdown_nonempty() {
            for (IntFunction<Queue<String>> make : kinds) {
                run(() -> {
                    Queue<String> q = make.apply(0);
                    q.putNowait("data");
                    q.shutdown();
                    await(q.get());
                    assertThatThrownBy(() -> await(q.get())).isInstanceOf(QueueShutDown.class);
                    return null;
                });
            }
        }

        @Test
        void test_shutdown_immediate() {
            for (IntFunction<Queue<String>> make : kinds) {
                run(() -> {
                    Queue<String> q = make.apply(0);
                    q.putNowait("data");
                    q.shutdown(true);
                    assertThatThrownBy(() -> await(q.get())).isInstanceOf(QueueShutDown.class);
                    return null;
                });
            }
        }

        @Test
        void test_shutdown_all_methods_in_one_task() {
            allMethodsInOneTask(false);
        }

        @Test
        void test_shutdown_immediate_all_methods_in_one_task() {
            allMethodsInOneTask(true);
        }

        private void allMethodsInOneTask(boolean immediate) {
            run(() -> {
                Queue<String> q = new Queue<>();
                await(q.put("L"));
                q.putNowait("O");
                q.shutdown(immediate);
                assertThatThrownBy(() -> await(q.put("E"))).isInstanceOf(QueueShutDown.class);
                assertThatThrownBy(() -> q.putNowait("W")).isInstanceOf(QueueShutDown.class);
                if (immediate) {
                    assertThatThrownBy(() -> await(q.get())).isInstanceOf(QueueShutDown.class);
                    assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDown.class);
                    await(q.join());    // the discarded items count as done (see the class comment)
                } else {
                    assertThat(await(q.get())).isIn("L", "O");
                    q.taskDone();
                    assertThat(q.getNowait()).isIn("L", "O");
                    q.taskDone();
                    await(q.join());
                    assertThatThrownBy(() -> await(q.get())).isInstanceOf(QueueShutDown.class);
                    assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDown.class);
                }
                return null;
            });
        }

        @Test
        void test_shutdown_putters_deque() {
            shutdownPutters(false);
        }

        @Test
        void test_shutdown_immediate_putters_deque() {
            shutdownPutters(true);
        }

        private void shutdownPutters(boolean immediate) {
            for (IntFunction<Queue<String>> make : kinds) {
                run(() -> {
                    Queue<String> q = make.apply(2);
                    await(q.put("E"));
                    await(q.put("W"));
                    Task<Void> t = task(() -> await(q.put("Y")));
                    await(sleep(0.001));
                    assertThat(q.toString()).contains("putters=1");
                    q.shutdown(immediate);
                    assertThatThrownBy(() -> await(t)).isInstanceOf(QueueShutDown.class);
                    assertThat(q.toString()).doesNotContain("putters");
                    return null;
                });
            }
        }

        @Test
        void test_shutdown_getters_deque() {
            shutdownGetters(false);
        }

        @Test
        void test_shutdown_immediate_getters_deque() {
            shutdownGetters(true);
        }

        private void shutdownGetters(boolean immediate) {
            for (IntFunction<Queue<String>> make : kinds) {
                run(() -> {
                    Queue<String> q = make.apply(1);
                    await(q.put("Y"));
                    task(() -> await(q.get()));
                    await(sleep(0.001));
                    Task<String> t = task(() -> await(q.get()));
                    await(sleep(0.001));
                    assertThat(q.toString()).contains("getters=1");
                    q.shutdown(immediate);
                    // an empty shut-down queue fails its waiting getters, whether or not the shutdown is immediate
                    // (CPython 3.13's final semantics; an early draft kept them waiting)
                    assertThatThrownBy(() -> await(t)).isInstanceOf(QueueShutDown.class);
                    assertThat(q.toString()).doesNotContain("getters");
                    return null;
                });
            }
        }

        @Test
        void test_shutdown_get_task_done_join() {
            for (IntFunction<Queue<String>> make : kinds) {
                run(() -> {
                    Queue<String> q = make.apply(2);
                    Event go = new Event();
                    List<Boolean> results = new ArrayList<>();
                    await(q.put("Y"));
                    await(q.put("D"));
                    List<Task<String>> t = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        t.add(task(() -> {
                            await(go.untilSet());
                            try {
                                String msg = await(q.get());
                                q.taskDone();
                                results.add(true);
                                return msg;
                            } catch (QueueShutDown e) {
                                results.add(false);
                                return null;
                            }
                        }));
                    }
                    for (int i = 0; i < 2; i++) {
                        t.add(task(() -> {
                            await(q.join());
                            results.add(true);
                            return null;
                        }));
                    }
                    q.shutdown(false);
                    await(sleep(0.001));
                    go.set();
                    for (Task<String> each : t) {
                        await(each);
                    }
                    assertThat(results).containsExactly(true, true, true, true);
                    assertThat(List.of(t.get(0).result(), t.get(1).result())).containsExactlyInAnyOrder("Y", "D");
                    return null;
                });
            }
        }
    }
}
