package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AsyncGenerator}: awaits and yields in one body, async for, aclose, cancellation, shutdown. */
@Timeout(20)
class AsyncGeneratorTest {

    /** Yields 0..n-1, sleeping (for zero seconds) before each; records its steps in {@code log}. */
    static AsyncGenerator<Integer> counter(int n, List<String> log) {
        return AsyncGenerator.of(y -> {
            log.add("start");
            try {
                for (int i = 0; i < n; i++) {
                    await(sleep(0));
                    y.yield(i);
                }
                log.add("end");
            } finally {
                await(sleep(0));   // a finally block that awaits
                log.add("finally");
            }
        });
    }

    static <T> T run(java.util.concurrent.Callable<T> body) {
        return Async.run(Coroutine.of(body));
    }

    @Test
    void asyncForSeesEveryValueAndAwaitsSuspendTheConsumer() {
        List<String> log = new ArrayList<>();
        List<Integer> seen = run(() -> {
            AsyncGenerator<Integer> g = counter(4, log);
            assertThat(log).isEmpty();   // nothing runs before the first element is asked for
            List<Integer> out = new ArrayList<>();
            Task<Void> other = createTask(Coroutine.of(() -> {
                log.add("other task ran");
                return null;
            }));
            for (int x : g.each()) {
                out.add(x);
            }
            assertThat(other.isDone()).isTrue();   // the generator's awaits let other tasks run
            assertThat(g.isClosed()).isTrue();
            assertThat(g.each()).isEmpty();       // exhausted: iterating again yields nothing
            assertThatThrownBy(() -> await(g.anext())).isInstanceOf(NoSuchElementException.class);
            return out;
        });
        assertThat(seen).containsExactly(0, 1, 2, 3);
        assertThat(log).containsExactly("start", "other task ran", "end", "finally");
    }

    @Test
    void anextAndTheIteratorByHand() {
        run(() -> {
            AsyncGenerator<Integer> g = counter(2, new ArrayList<>());
            AsyncIterator<Integer> it = g.asyncIterator();
            assertThat(g.asyncIterator()).isSameAs(it);
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
            assertThat(await(it.hasNext())).isTrue();
            assertThat(await(it.hasNext())).isTrue();   // asking again keeps the same element
            assertThat(it.next()).isZero();
            assertThat(await(g.anext())).isEqualTo(1);
            assertThat(await(it.hasNext())).isFalse();
            return null;
        });
    }

    @Test
    void acloseRunsFinallyBlocksThatAwait() {
        List<String> log = new ArrayList<>();
        run(() -> {
            AsyncGenerator<Integer> g = counter(10, log);
            assertThat(await(g.anext())).isZero();
            await(g.aclose());
            assertThat(g.isClosed()).isTrue();
            assertThat(await(g.asyncIterator().hasNext())).isFalse();
            await(g.aclose());   // idempotent
            AsyncGenerator<Integer> unstarted = counter(1, log);
            await(unstarted.aclose());
            assertThat(unstarted.each()).isEmpty();
            return null;
        });
        assertThat(log).containsExactly("start", "finally");
    }

    @Test
    void theBodysExceptionReachesTheConsumer() {
        IllegalStateException boom = new IllegalStateException("boom");
        run(() -> {
            AsyncGenerator<String> g = AsyncGenerator.of(y -> {
                y.yield("one");
                await(sleep(0));
                throw boom;
            });
            List<String> got = new ArrayList<>();
            assertThatThrownBy(() -> {
                for (String s : g.each()) {
                    got.add(s);
                }
            }).isSameAs(boom);
            assertThat(got).containsExactly("one");
            assertThat(g.isClosed()).isTrue();
            return null;
        });
    }

    @Test
    void cancellingTheConsumerCancelsTheBodysAwait() {
        List<String> log = new ArrayList<>();
        run(() -> {
            AsyncGenerator<Integer> g = AsyncGenerator.of(y -> {
                try {
                    y.yield(1);
                    await(sleep(3600));
                    y.yield(2);
                } catch (CancelledError e) {
                    log.add("cancelled inside");
                    throw e;
                } finally {
                    log.add("finally");
                }
            });
            Task<Integer> consumer = createTask(Coroutine.of(() -> {
                int sum = 0;
                for (int x : g.each()) {
                    sum += x;
                }
                return sum;
            }));
            await(sleep(0.01));
            consumer.cancel();
            assertThatThrownBy(() -> await(consumer)).isInstanceOf(CancelledError.class);
            assertThat(g.isClosed()).isTrue();
            return null;
        });
        assertThat(log).containsExactly("cancelled inside", "finally");
    }

    @Test
    void anAbandonedGeneratorIsClosedWhenAsyncRunEnds() {
        List<String> log = new ArrayList<>();
        AsyncGenerator<Integer> kept = run(() -> {
            AsyncGenerator<Integer> g = counter(100, log);
            for (int x : g.each()) {
                if (x == 2) {
                    break;   // abandoned mid-iteration
                }
            }
            assertThat(log).containsExactly("start");
            return g;
        });
        assertThat(log).containsExactly("start", "finally");
        assertThat(kept.isClosed()).isTrue();
    }

    @Test
    void misuseIsAClearError() {
        AsyncGenerator<Integer> outside = counter(1, new ArrayList<>());
        assertThatThrownBy(() -> outside.anext().await()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a running task");
        run(() -> {
            AsyncGenerator<Integer> stubborn = AsyncGenerator.of(y -> {
                try {
                    y.yield(1);
                } finally {
                    y.yield(2);   // yields again while being closed
                }
            });
            await(stubborn.anext());
            assertThatThrownBy(() -> await(stubborn.aclose())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ignored GeneratorExit");

            AsyncGenerator<Integer> slow = AsyncGenerator.of(y -> {
                await(sleep(0.01));
                y.yield(1);
            });
            Task<Integer> first = createTask(Coroutine.of(() -> await(slow.anext())));
            await(sleep(0));
            assertThatThrownBy(() -> await(slow.anext())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            assertThat(await(first)).isEqualTo(1);
            return null;
        });
    }
}
