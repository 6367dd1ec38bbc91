package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ByteBudget}: waiters go on only once the bytes kept are under the limit; a cancelled waiter is forgotten. */
class ByteBudgetTest {
    @Test
    void aFetchWaitsWhileTheKeptBytesReachTheLimitAndGoesOnWhenTheyAreGivenBack() {
        List<String> events = Async.run(Coroutine.of(() -> {
            List<String> log = new ArrayList<>();
            ByteBudget budget = new ByteBudget(100);
            budget.awaitRoom();     // empty: no wait
            budget.add(60);
            budget.awaitRoom();     // under the limit: no wait
            budget.add(60);         // a fetch under way passes the limit
            Task<Void> waiter = Async.createTask(Coroutine.of(() -> {
                budget.awaitRoom();
                log.add("room at " + budget.used());
                return null;
            }));
            Task<Void> cancelled = Async.createTask(Coroutine.of(() -> {
                budget.awaitRoom();
                log.add("the cancelled one went on");
                return null;
            }));
            await(Async.sleep(0));
            cancelled.cancel();
            await(Async.sleep(0));
            log.add("waiting at " + budget.used());
            budget.release(10);     // 110: still at the limit
            await(Async.sleep(0));
            budget.release(50);     // 60: room
            await(waiter);
            return log;
        }));
        assertThat(events).containsExactly("waiting at 120", "room at 60");
    }

    @Test
    void aBudgetMustBePositive() {
        assertThatThrownBy(() -> new ByteBudget(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
