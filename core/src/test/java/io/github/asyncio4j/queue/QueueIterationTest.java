package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.sync.SyncTesting.endsCancelled;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.settle;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.AsyncIterator;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Queues as async iterables: consumers iterate until the queue is shut down and drained. */
// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueIterationTest {

    @Test
    void forEachOverEachEndsWhenTheQueueIsShutDownAndDrained() {
        List<String> got = new ArrayList<>();
        run(() -> {
            Queue<String> q = new Queue<>(2);
            Task<Void> consumer = spawn("consumer", () -> {
                for (String s : q.each()) {
                    got.add(s);
                    q.taskDone();
                }
                got.add("end");
                return null;
            });
            for (String s : List.of("a", "b", "c", "d")) {
                await(q.put(s));
            }
            await(q.join());
            assertThat(consumer.isDone()).as("an open queue keeps the consumer waiting").isFalse();
            await(q.put("e"));
            q.shutdown();
            await(consumer);
            return null;
        });
        assertThat(got).containsExactly("a", "b", "c", "d", "e", "end");
    }

    @Test
    void theAsyncIteratorProtocol() {
        run(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            q.putNowait(2);
            q.shutdown();
            AsyncIterator<Integer> it = q.asyncIterator();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("hasNext");
            assertThat(await(it.hasNext())).isTrue();
            assertThat(await(it.hasNext())).as("idempotent until next()").isTrue();
            assertThat(q.qsize()).isEqualTo(1);
            assertThat(it.next()).isEqualTo(1);
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
            assertThat(await(it.hasNext())).isTrue();
            assertThat(it.next()).isEqualTo(2);
            assertThat(await(it.hasNext())).isFalse();
            assertThat(await(it.hasNext())).isFalse();
            return null;
        });
    }

    @Test
    void theForEachIteratorsNextWorksWithoutHasNextAndFailsAtTheEnd() {
        run(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(7);
            q.shutdown();
            Iterator<Integer> it = q.each().iterator();
            assertThat(it.next()).isEqualTo(7);
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
            return null;
        });
    }

    @Test
    void severalConsumersShareTheItemsAndACancelledOneTakesNothing() {
        List<String> got = new ArrayList<>();
        run(() -> {
            Queue<Integer> q = new Queue<>();
            List<Task<Void>> consumers = new ArrayList<>();
            for (String name : List.of("c1", "c2", "c3")) {
                consumers.add(spawn(name, () -> {
                    for (Integer i : q.each()) {
                        got.add(name + ":" + i);
                    }
                    return null;
                }));
            }
            settle();
            consumers.get(0).cancel();
            assertThat(endsCancelled(consumers.get(0))).isTrue();
            for (int i = 0; i < 4; i++) {
                q.putNowait(i);     // one at a time: each wakes the consumer first in line
                settle();
            }
            q.shutdown();
            await(consumers.get(1));
            await(consumers.get(2));
            return null;
        });
        assertThat(got).containsExactly("c2:0", "c3:1", "c2:2", "c3:3");
    }

    @Test
    void iteratingOutsideATaskIsAnError() {
        Queue<Integer> q = new Queue<>();
        assertThatThrownBy(() -> q.each().iterator().hasNext()).isInstanceOf(IllegalStateException.class);
    }
}
