package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoroutineTest {

    static Coroutine<String> fetch(String url) {
        return Coroutine.of(() -> {
            await(sleep(0.001));
            return "body of " + url;
        });
    }

    @Test
    void theApiExampleRuns() {
        assertThat(VirtualTime.run(fetch("http://example/"))).isEqualTo("body of http://example/");
    }

    @Test
    void aCoroutineIsLazy() {
        AtomicInteger ran = new AtomicInteger();
        Coroutine<Integer> c = Coroutine.of(ran::incrementAndGet);
        assertThat(ran).hasValue(0);
        assertThat(c.state()).isEqualTo(Generator.State.CREATED);
        assertThat(VirtualTime.run(c)).isEqualTo(1);
        assertThat(c.state()).isEqualTo(Generator.State.CLOSED);
    }

    @Test
    void aCoroutineCanBeAwaitedOnlyOnce() {
        String msg = VirtualTime.run(Coroutine.of(() -> {
            Coroutine<Integer> c = Coroutine.of(() -> 1);
            await(c);
            try {
                await(c);
                return "awaited twice";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }));
        assertThat(msg).contains("cannot reuse already awaited coroutine");
        Coroutine<Integer> used = Coroutine.of(() -> 1);
        VirtualTime.run(used);
        assertThatThrownBy(() -> VirtualTime.run(used)).hasMessageContaining("cannot reuse already awaited coroutine");
    }

    @Test
    void awaitingAFreshCoroutineRunsItInlineOnTheSameTask() {
        VirtualTime.run(Coroutine.of(() -> {
            Task<?> outer = Async.currentTask();
            Task<?> inner = await(Coroutine.of(Async::currentTask));
            assertThat(inner).isSameAs(outer);
            return null;
        }));
    }

    @Test
    void aDeepAwaitChainCostsCallsNotTasks() {
        assertThat(VirtualTime.run(chain(500))).isEqualTo(500);
    }

    static Coroutine<Integer> chain(int n) {
        return Coroutine.of(() -> {
            if (n == 0) {
                await(sleep(0));
                return 0;
            }
            return await(chain(n - 1)) + 1;
        });
    }

    @Test
    void aPlainMethodMayAwait() {
        assertThat(VirtualTime.run(Coroutine.of(() -> helper() + helper()))).isEqualTo("hh");
    }

    private static String helper() {
        await(sleep(0)); // stackful: no coroutine needed in between
        return "h";
    }

    @Test
    void exceptionsKeepTheirType() {
        assertThatThrownBy(() -> VirtualTime.run(Coroutine.of(() -> {
            await(Coroutine.of(() -> {
                throw new IOException("checked");
            }));
            return null;
        }))).isExactlyInstanceOf(IOException.class).hasMessage("checked");
    }

    @Test
    void drivenByHandItYieldsTraps() {
        Coroutine<String> c = Coroutine.of(() -> {
            await(sleep(0));
            await(sleep(5));
            return "end";
        });
        assertThat(c.send(null)).isInstanceOf(Trap.YieldOnce.class);
        Object trap = c.send(null);
        assertThat(trap).isInstanceOfSatisfying(Trap.Sleep.class,
                s -> assertThat(s.deadline()).isGreaterThan(System.nanoTime() * 1e-9));
        assertThatThrownBy(() -> c.send(null)).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isEqualTo("end"));
    }

    @Test
    void drivenByHandThrowIntoAndClose() {
        List<String> log = new ArrayList<>();
        Coroutine<String> c = Coroutine.of(() -> {
            try {
                await(sleep(1));
            } catch (IllegalArgumentException e) {
                log.add("caught " + e.getMessage());
            }
            try {
                await(sleep(1));
            } finally {
                log.add("finally");
            }
            return "unreached";
        });
        c.send(null);
        assertThat(c.throwInto(new IllegalArgumentException("x"))).isInstanceOf(Trap.Sleep.class);
        c.close();
        assertThat(log).containsExactly("caught x", "finally");
        assertThat(c.state()).isEqualTo(Generator.State.CLOSED);
    }

    @Test
    void awaitingAFutureByHandYieldsTheFutureItself() {
        try (EventLoop loop = EventLoop.create()) {
            Future<Integer> f = loop.createFuture();
            Coroutine<Integer> c = Coroutine.of(() -> await(f) + 1);
            Object trap = c.send(null);
            assertThat(trap).isEqualTo(new Trap.WaitFuture(f));
            f.setResult(41);
            assertThatThrownBy(() -> c.send(null)).isInstanceOfSatisfying(StopIteration.class,
                    e -> assertThat(e.value()).isEqualTo(42));
        }
    }

    @Test
    void awaitingInsideAPlainGeneratorBodyIsAClearError() {
        String msg = VirtualTime.run(Coroutine.of(() -> {
            Generator<Integer, Void, Void> g = Generator.of(y -> {
                await(sleep(0));
                return null;
            });
            try {
                g.next();
                return "no error";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }));
        assertThat(msg).contains("plain generator");
    }

    @Test
    void aTaskAndAnAwaitCannotShareACoroutine() {
        String msg = VirtualTime.run(Coroutine.of(() -> {
            Coroutine<Integer> c = Coroutine.of(() -> 1);
            Task<Integer> t = createTask(c);
            try {
                await(c);
                return "shared";
            } catch (IllegalStateException e) {
                return e.getMessage() + " / task result " + await(t);
            }
        }));
        assertThat(msg).contains("cannot reuse already awaited coroutine").endsWith("task result 1");
    }
}
