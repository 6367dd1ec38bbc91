package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ContextVarTest {
    static final ContextVar<String> REQUEST = new ContextVar<>("request", "none");
    static final ContextVar<Integer> NO_DEFAULT = new ContextVar<>("no-default");

    @Test
    void aChildTaskSeesACopyOfItsParentsValues() {
        String r = Async.run(Coroutine.of(() -> {
            REQUEST.set("parent-1");
            Task<String> child = createTask(Coroutine.of(() -> {
                String seen = REQUEST.get();
                REQUEST.set("child's own");
                await(sleep(0));
                return seen + " then " + REQUEST.get();
            }));
            REQUEST.set("parent-2"); // after the copy: the child does not see it
            String childSaw = await(child);
            return childSaw + " / parent " + REQUEST.get();
        }));
        assertThat(r).isEqualTo("parent-1 then child's own / parent parent-2");
    }

    @Test
    void valuesFollowTheirTaskAcrossSwitches() {
        String r = Async.run(Coroutine.of(() -> {
            Task<String> a = createTask(Coroutine.of(() -> {
                REQUEST.set("a");
                await(sleep(0));
                await(sleep(0));
                return REQUEST.get();
            }));
            Task<String> b = createTask(Coroutine.of(() -> {
                REQUEST.set("b");
                await(sleep(0));
                return REQUEST.get();
            }));
            return await(a) + await(b) + REQUEST.get();
        }));
        assertThat(r).isEqualTo("abnone");
    }

    /**
     * A task keeps its context in the field that also holds its rarer state (a name, cancellation requests, timeout
     * scopes): the values survive that state being made after the context (a copied context, then a scope and a
     * withdrawn cancellation) and before it (a named task, given a copy at creation and setting more).
     */
    @Test
    void valuesSurviveTheTasksRarerStateMadeBeforeOrAfterThem() {
        String r = Async.run(Coroutine.of(() -> {
            REQUEST.set("copied");
            Task<String> plain = createTask(Coroutine.of(() -> {
                String seen = REQUEST.get();
                try (Timeout t = Async.timeout(Duration.ofHours(1))) {
                    await(sleep(0));
                    seen += "," + REQUEST.get();
                }
                Task<?> self = Async.currentTask();
                self.cancel();
                self.uncancel();   // withdrawn before the next step could raise it
                REQUEST.set("set after");
                await(sleep(0));
                return seen + "," + REQUEST.get();
            }));
            Task<String> named = createTask(Coroutine.of(() -> {
                String seen = REQUEST.get();
                NO_DEFAULT.set(7);
                await(sleep(0));
                return seen + "," + REQUEST.get() + "," + NO_DEFAULT.get() + "," + Async.currentTask().getName();
            }), "named");
            return await(plain) + " / " + await(named);
        }));
        assertThat(r).isEqualTo("copied,copied,set after / copied,copied,7,named");
    }

    /** A task whose creator set no value starts with no context object: its first set makes its own. */
    @Test
    void aTaskCreatedBeforeAnyValueWasSetGetsAContextOfItsOwnOnFirstSet() {
        String r = Async.run(Coroutine.of(() -> {
            Task<String> child = createTask(Coroutine.of(() -> {
                String seen = REQUEST.get();
                REQUEST.set("child");
                await(sleep(0));
                return seen + " then " + REQUEST.get();
            }));
            REQUEST.set("parent");   // after the child was created: not seen by it
            String childSaw = await(child);
            Task<String> sibling = createTask(Coroutine.of(REQUEST::get));   // created after the set: a copy
            return childSaw + " / parent " + REQUEST.get() + " / sibling " + await(sibling);
        }));
        assertThat(r).isEqualTo("none then child / parent parent / sibling parent");
        assertThat(REQUEST.get()).as("the thread's own context is untouched").isEqualTo("none");
    }

    @Test
    void defaultsResetAndMissingValues() {
        Async.run(Coroutine.of(() -> {
            assertThat(REQUEST.get()).isEqualTo("none");
            assertThatThrownBy(NO_DEFAULT::get).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("no-default");
            assertThat(NO_DEFAULT.get(5)).isEqualTo(5);
            var token = NO_DEFAULT.set(1);
            var token2 = NO_DEFAULT.set(2);
            NO_DEFAULT.reset(token2);
            assertThat(NO_DEFAULT.get()).isEqualTo(1);
            NO_DEFAULT.reset(token);
            assertThat(NO_DEFAULT.get(-1)).isEqualTo(-1);
            assertThatThrownBy(() -> NO_DEFAULT.reset(token)).hasMessageContaining("already been used");
            return null;
        }));
    }

    @Test
    void toThreadRunsWithACopyOfTheContext() {
        String r = Async.run(Coroutine.of(() -> {
            REQUEST.set("req-42");
            return await(Async.toThread(REQUEST::get));
        }));
        assertThat(r).isEqualTo("req-42");
    }

    @Test
    void callbacksRunInACopyOfTheSchedulersContext() {
        String r = Async.run(Coroutine.of(() -> {
            REQUEST.set("scheduler");
            Future<String> f = Async.getRunningLoop().createFuture();
            Async.getRunningLoop().callSoon(() -> f.setResult(REQUEST.get()));
            return await(f);
        }));
        assertThat(r).isEqualTo("scheduler");
    }
}
