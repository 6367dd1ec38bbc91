package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManyTasksTest {

    /**
     * A million tasks sleeping at once, all completing. The fallback engine runs each task body on its own
     * virtual thread, where a million take minutes and gigabytes; there it runs the same code at 100,000.
     */
    @Test
    void aMillionConcurrentSleepingTasksComplete() {
        int n = Engine.FAST ? 1_000_000 : 100_000;
        long sum = VirtualTime.run(Coroutine.of(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                tasks.add(createTask(Coroutine.of(() -> {
                    await(sleep(0.05));
                    return id & 1;
                })));
            }
            assertThat(Async.allTasks()).hasSize(n + 1);
            long s = 0;
            for (Task<Integer> t : tasks) {
                s += await(t);
            }
            return s;
        }));
        assertThat(sum).isEqualTo(n / 2);
    }
}
