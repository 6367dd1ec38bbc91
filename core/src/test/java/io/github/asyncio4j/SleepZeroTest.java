package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code await(sleep(0))}, the task switch: its checks and its one-iteration yield (its fast path). */
class SleepZeroTest {
    final EventLoop loop = EventLoop.create();

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void twoTasksAlternateAtEachSleepZero() {
        List<String> order = new ArrayList<>();
        loop.runUntilComplete(Coroutine.of(() -> {
            Task<Void> a = createTask(steps("a", order));
            Task<Void> b = createTask(steps("b", order));
            await(a);
            return await(b);
        }));
        assertThat(order).containsExactly("a0", "b0", "a1", "b1", "a2", "b2");
    }

    private static Coroutine<Void> steps(String name, List<String> order) {
        return Coroutine.of(() -> {
            for (int i = 0; i < 3; i++) {
                order.add(name + i);
                await(sleep(0));
            }
            return null;
        });
    }

    @Test
    void sleepZeroOutsideATaskIsAClearError() {
        assertThatThrownBy(() -> await(sleep(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("await of sleep() outside a running task");
    }

    @Test
    void awaitAfterAYieldNamesWhereTheGeneratorIsDriven() {
        // Each resume decides, not the first: inside a task the await is the generator's error, outside any task
        // it is the outside-a-task error (as on a strand, where the generator runs on its own stack).
        Generator<Integer, Void, Void> inTask = Generator.of(y -> {
            y.yield(1);
            await(sleep(0));
            return null;
        });
        inTask.next();
        loop.runUntilComplete(Coroutine.of(() -> {
            assertThatThrownBy(inTask::next).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("await of sleep() inside a plain generator's body");
            return null;
        }));
        Generator<Integer, Void, Void> outside = Generator.of(y -> {
            y.yield(1);
            await(sleep(0));
            return null;
        });
        loop.runUntilComplete(Coroutine.of(() -> outside.next()));
        assertThatThrownBy(outside::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("await of sleep() outside a running task");
    }

    @Test
    void sleepZeroInsideAPlainGeneratorsBodyIsAClearError() {
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            await(sleep(0));
            return null;
        });
        loop.runUntilComplete(Coroutine.of(() -> {
            assertThatThrownBy(g::next).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("await of sleep() inside a plain generator's body");
            return null;
        }));
    }

    @Test
    void cancellingATaskAtSleepZeroRaisesCancelledErrorThere() {
        List<String> seen = new ArrayList<>();
        Task<Void> t = loop.createTask(Coroutine.of(() -> {
            try {
                while (true) {
                    await(sleep(0));
                    seen.add("resumed");
                }
            } catch (CancelledError e) {
                seen.add("cancelled");
                throw e;
            }
        }));
        loop.runUntilComplete(Coroutine.of(() -> {
            await(sleep(0));   // t runs first in each iteration: it has resumed once and waits at sleep(0) again
            t.cancel();
            await(sleep(0));
            return null;
        }));
        assertThat(t.isCancelled()).isTrue();
        assertThat(seen).containsExactly("resumed", "cancelled");
    }
}
