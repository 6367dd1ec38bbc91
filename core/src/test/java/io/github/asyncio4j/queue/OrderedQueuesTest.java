package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.sync.SyncTesting.run;
import static io.github.asyncio4j.sync.SyncTesting.settle;
import static io.github.asyncio4j.sync.SyncTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PriorityQueue and LifoQueue: the order items come out in; the rest is Queue's. */
// SEPARATE_THREAD: a loop that never finishes fails the test instead of hanging the build
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OrderedQueuesTest {

    static <T> List<T> drain(Queue<T> q) {
        List<T> out = new ArrayList<>();
        while (!q.empty()) {
            out.add(q.getNowait());
        }
        return out;
    }

    @Test
    void aPriorityQueueReturnsTheLeastItemInNaturalOrder() {
        PriorityQueue<Integer> q = new PriorityQueue<>();
        for (int i : List.of(5, 1, 4, 2, 3)) {
            q.putNowait(i);
        }
        assertThat(drain(q)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aPriorityQueueFollowsItsComparator() {
        PriorityQueue<String> q = new PriorityQueue<>(Comparator.comparing(String::length).reversed());
        for (String s : List.of("bb", "a", "dddd", "ccc")) {
            q.putNowait(s);
        }
        assertThat(drain(q)).containsExactly("dddd", "ccc", "bb", "a");
        assertThatThrownBy(() -> new PriorityQueue<String>(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aNaturalOrderPriorityQueueRejectsItemsThatAreNotComparableAndStaysConsistent() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        assertThatThrownBy(() -> q.putNowait(new Object())).isInstanceOf(ClassCastException.class);
        assertThat(q.qsize()).isZero();
        q.putNowait("fine");
        assertThat(q.getNowait()).isEqualTo("fine");
        q.taskDone();
        assertThatThrownBy(q::taskDone).as("the refused item was not counted").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBoundedPriorityQueueBlocksPuttersAndServesTheLeastFirst() {
        List<Integer> got = new ArrayList<>();
        run(() -> {
            PriorityQueue<Integer> q = new PriorityQueue<>(2);
            q.putNowait(9);
            q.putNowait(3);
            Task<Void> p = spawn("p", () -> {
                await(q.put(1));
                return null;
            });
            settle();
            assertThat(p.isDone()).isFalse();
            got.add(await(q.get()));
            await(p);
            got.add(await(q.get()));
            got.add(await(q.get()));
            return null;
        });
        assertThat(got).containsExactly(3, 1, 9);
    }

    @Test
    void aLifoQueueReturnsTheNewestItemFirst() {
        LifoQueue<String> q = new LifoQueue<>(3);
        for (String s : List.of("a", "b", "c")) {
            q.putNowait(s);
        }
        assertThat(q.full()).isTrue();
        assertThatThrownBy(() -> q.putNowait("d")).isInstanceOf(QueueFull.class);
        assertThat(drain(q)).containsExactly("c", "b", "a");
        assertThat(new LifoQueue<String>().maxsize()).isZero();
    }

    @Test
    void aLifoQueueIteratesAndShutsDownLikeAQueue() {
        List<String> got = new ArrayList<>();
        run(() -> {
            LifoQueue<String> q = new LifoQueue<>();
            q.putNowait("x");
            q.putNowait("y");
            q.shutdown();
            for (String s : q.each()) {
                got.add(s);
            }
            return null;
        });
        assertThat(got).containsExactly("y", "x");
    }
}
