package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * What only the coroutine compiler can get wrong: locals across awaits, each kind of awaitable, awaits reached
 * through called methods (a compiled step that must suspend in a callee), cancellation and close at each await,
 * exceptions. Runs on every engine; in the compiled-coroutines run ({@code -Dasyncio4j.expectCompiledCoroutines=true})
 * every body here made by {@link #compiled} must have compiled, so a silent fall back fails the build.
 */
class CompiledCoroutineTest {
    private static final boolean EXPECT_COMPILED = Boolean.getBoolean("asyncio4j.expectCompiledCoroutines");

    /** Checks that the compiled run compiled {@code c}, whose body was a lambda written at its Coroutine.of. */
    private static <T> Coroutine<T> compiled(Coroutine<T> c, Callable<?> bodyOf) {
        if (EXPECT_COMPILED) {
            assertThat(c.isCompiled()).as("compiled; refused because: %s",
                    Compiled.whyNotCompiledCoroutine(bodyOf)).isTrue();
        } else if (!Compiled.coroutinesEnabled()) {
            assertThat(c.isCompiled()).isFalse();
        }
        return c;
    }

    private static <T> Coroutine<T> compiled(Coroutine<T> c) {
        return compiled(c, c.body());
    }

    private static <T> T run(Callable<Coroutine<T>> main) throws Exception {
        return Async.run(main.call());
    }

    static Coroutine<Integer> addAfterSleeps(int a, long b) {
        return Coroutine.of(() -> {
            int sum = a;
            double d = 0.5;
            String s = "x";
            for (int i = 0; i < 3; i++) {
                await(sleep(0));
                sum += i;
                s = s + i;
                d *= 2;
            }
            return (int) (sum + b + d + s.length());
        });
    }

    /** One of 40 bodies, each its own lambda class, returning its own number: more classes than a loop's plan cache. */
    private static Coroutine<Integer> numbered(int i) {
        return switch (i) {
            case 0 -> Coroutine.of(() -> 0);
            case 1 -> Coroutine.of(() -> 1);
            case 2 -> Coroutine.of(() -> 2);
            case 3 -> Coroutine.of(() -> 3);
            case 4 -> Coroutine.of(() -> 4);
            case 5 -> Coroutine.of(() -> 5);
            case 6 -> Coroutine.of(() -> 6);
            case 7 -> Coroutine.of(() -> 7);
            case 8 -> Coroutine.of(() -> 8);
            case 9 -> Coroutine.of(() -> 9);
            case 10 -> Coroutine.of(() -> 10);
            case 11 -> Coroutine.of(() -> 11);
            case 12 -> Coroutine.of(() -> 12);
            case 13 -> Coroutine.of(() -> 13);
            case 14 -> Coroutine.of(() -> 14);
            case 15 -> Coroutine.of(() -> 15);
            case 16 -> Coroutine.of(() -> 16);
            case 17 -> Coroutine.of(() -> 17);
            case 18 -> Coroutine.of(() -> 18);
            case 19 -> Coroutine.of(() -> 19);
            case 20 -> Coroutine.of(() -> 20);
            case 21 -> Coroutine.of(() -> 21);
            case 22 -> Coroutine.of(() -> 22);
            case 23 -> Coroutine.of(() -> 23);
            case 24 -> Coroutine.of(() -> 24);
            case 25 -> Coroutine.of(() -> 25);
            case 26 -> Coroutine.of(() -> 26);
            case 27 -> Coroutine.of(() -> 27);
            case 28 -> Coroutine.of(() -> 28);
            case 29 -> Coroutine.of(() -> 29);
            case 30 -> Coroutine.of(() -> 30);
            case 31 -> Coroutine.of(() -> 31);
            case 32 -> Coroutine.of(() -> 32);
            case 33 -> Coroutine.of(() -> 33);
            case 34 -> Coroutine.of(() -> 34);
            case 35 -> Coroutine.of(() -> 35);
            case 36 -> Coroutine.of(() -> 36);
            case 37 -> Coroutine.of(() -> 37);
            case 38 -> Coroutine.of(() -> 38);
            case 39 -> Coroutine.of(() -> 39);
            default -> throw new IllegalArgumentException("no body " + i);
        };
    }

    @Test
    void eachBodyClassGetsItsOwnPlanWhenALoopsPlanCacheHasMoreClassesThanSlots() throws Exception {
        int bodies = 40;   // over Compiled.PlanCache's 32 slots: some share a slot, and each must still get its own plan
        List<Integer> results = run(() -> Coroutine.of(() -> {
            List<Integer> got = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < bodies; i++) {
                    got.add(await(compiled(numbered(i))));
                }
            }
            return got;
        }));
        List<Integer> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < bodies; i++) {
                expected.add(i);
            }
        }
        assertThat(results).isEqualTo(expected);
    }

    @Test
    void localsAndCapturesSurviveEachAwait() throws Exception {
        int r = run(() -> compiled(addAfterSleeps(1, 10L)));
        assertThat(r).isEqualTo(1 + 0 + 1 + 2 + 10 + 4 + 4);
    }

    @Test
    void aBodyWithoutAwaitsCompilesAndReturns() throws Exception {
        assertThat((int) run(() -> compiled(Coroutine.of(() -> 42)))).isEqualTo(42);
    }

    @Test
    void awaitsEveryKindOfAwaitable() throws Exception {
        List<Object> seen = run(() -> compiled(Coroutine.of(() -> {
            List<Object> out = new ArrayList<>();
            Future<String> f = Async.getRunningLoop().createFuture();
            Async.getRunningLoop().callLater(0.01, () -> f.setResult("future"));
            out.add(await(f));
            out.add(f.await());                                          // done already: no suspension
            Task<Integer> t = createTask(addAfterSleeps(2, 0));
            out.add(t.await());
            out.add(await(addAfterSleeps(3, 0)));                        // a coroutine: stepped in place
            Awaitable<String> custom = () -> {
                await(sleep(0.001));                                     // an await inside someone's await()
                return "custom";
            };
            out.add(await(custom));
            out.add(await(Coroutine.of(() -> "inner")));
            out.add(await(sleep(0.002)));
            return out;
        })));
        assertThat(seen).containsExactly("future", "future", 2 + 3 + 4 + 4, 3 + 3 + 4 + 4, "custom", "inner", null);
    }

    /** A plain method that awaits: reached from a compiled body, it must suspend the task as on a strand. */
    static String fetch(String what) {
        await(sleep(0.001));
        return "got " + what;
    }

    @Test
    void anAwaitInACalledMethodSuspendsTheCompiledCoroutine() throws Exception {
        List<String> log = new ArrayList<>();
        String r = run(() -> compiled(Coroutine.of(() -> {
            Task<Void> other = createTask(Coroutine.of(() -> {
                for (int i = 0; i < 3; i++) {
                    log.add("other " + i);
                    await(sleep(0));
                }
                return null;
            }));
            String a = fetch("a");                      // suspends inside fetch: the other task runs meanwhile
            log.add(a);
            List<String> inLambda = new ArrayList<>();
            List.of("b", "c").forEach(x -> inLambda.add(fetch(x)));    // and through a JDK method's callback
            await(other);
            return a + " " + inLambda;
        })));
        assertThat(r).isEqualTo("got a [got b, got c]");
        assertThat(log).startsWith("other 0").contains("got a");
    }

    @Test
    void exceptionsKeepTheirTypeAndFinallyRunsAcrossAwaits() throws Exception {
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> run(() -> compiled(Coroutine.of(() -> {
            try {
                await(sleep(0));
                try {
                    await(Coroutine.of(() -> {
                        await(sleep(0));
                        throw new IOException("inner");
                    }));
                } catch (Exception e) {
                    assertThat(e).isInstanceOf(IOException.class);
                    log.add("caught " + e.getMessage());
                }
                await(sleep(0));
                throw new IOException("outer");
            } finally {
                log.add("finally");
            }
        })))).isInstanceOf(IOException.class).hasMessage("outer");
        assertThat(log).containsExactly("caught inner", "finally");
    }

    @Test
    void cancellationAtEachKindOfAwaitRunsFinallyAndCancelsTheTask() throws Exception {
        for (int point = 0; point < 4; point++) {
            int at = point;
            List<String> log = new ArrayList<>();
            boolean cancelled = run(() -> Coroutine.of(() -> {
                Future<String> never = Async.getRunningLoop().createFuture();
                Task<Object> t = createTask(compiled(Coroutine.of(() -> {
                    try {
                        switch (at) {
                            case 0 -> await(sleep(10));
                            case 1 -> await(never);
                            case 2 -> await(Coroutine.of(() -> await(sleep(10))));
                            default -> fetch("never");
                        }
                        log.add("not cancelled");
                    } finally {
                        log.add("finally");
                    }
                    return null;
                })));
                await(sleep(0.001));
                t.cancel();
                try {
                    await(t);
                } catch (CancelledError expected) {
                    // below
                }
                return t.isCancelled();
            }));
            assertThat(cancelled).as("await kind %d", at).isTrue();
            assertThat(log).as("await kind %d", at).containsExactly("finally");
        }
    }

    @Test
    void closeRaisesGeneratorExitAtTheAwaitAndRunsFinally() {
        List<String> log = new ArrayList<>();
        Coroutine<Object> c = compiled(Coroutine.of(() -> {
            try {
                await(sleep(0));
                log.add("resumed");
            } finally {
                log.add("finally");
            }
            return null;
        }));
        assertThat(c.send(null)).isInstanceOf(Trap.YieldOnce.class);
        c.close();
        assertThat(log).containsExactly("finally");
        assertThat(c.state()).isEqualTo(Generator.State.CLOSED);
    }

    @Test
    void driveByHandHandsOutTheTraps() {
        Coroutine<String> c = compiled(Coroutine.of(() -> {
            await(sleep(0));
            return "done";
        }));
        assertThat(c.send(null)).isSameAs(Trap.YieldOnce.INSTANCE);
        assertThatThrownBy(() -> c.send(null)).isInstanceOf(StopIteration.class)
                .satisfies(e -> assertThat(((StopIteration) e).value()).isEqualTo("done"));
    }

    @Test
    void aCoroutineAwaitedTwiceIsStillAnError() throws Exception {
        assertThatThrownBy(() -> run(() -> compiled(Coroutine.of(() -> {
            Coroutine<Integer> once = Coroutine.of(() -> 1);
            await(once);
            return await(once);
        })))).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot reuse already awaited");
    }

    @Test
    void getStackOfASuspendedCompiledTaskNamesTheBody() throws Exception {
        List<StackTraceElement> stack = run(() -> Coroutine.of(() -> {
            Task<Object> t = createTask(compiled(Coroutine.of(() -> {
                await(sleep(10));
                return null;
            })));
            await(sleep(0));
            List<StackTraceElement> s = t.getStack();
            t.cancel();
            return s;
        }));
        assertThat(stack).isNotEmpty();
        assertThat(stack).anyMatch(e -> e.getClassName().equals(CompiledCoroutineTest.class.getName()));
    }

    @Test
    void aBodyPassedInAVariableRunsOnAStrandWithTheReasonSaid() throws Exception {
        Callable<Integer> body = () -> {
            await(sleep(0));
            return 7;
        };
        Coroutine<Integer> c = Coroutine.of(body);
        assertThat(c.isCompiled()).isFalse();
        if (Compiled.coroutinesEnabled()) {
            assertThat(Compiled.whyNotCompiledCoroutine(body)).contains("not a lambda written in the call");
        }
        assertThat((int) Async.run(c)).isEqualTo(7);
    }
    /** A method of another class: the compiler cannot tell whether it awaits, so its callers' steps are guarded. */
    static final class Elsewhere {
        static Coroutine<Integer> link(int n) {
            return deepChain(n);
        }
    }

    static Coroutine<Integer> deepChain(int n) {
        return Coroutine.of(() -> n == 0 ? await(sleep(0)) == null ? 0 : -1 : await(Elsewhere.link(n - 1)) + 1);
    }

    @Test
    void aDeepAwaitChainOfGuardedBodiesCostsNoContinuationPerLevel() throws Exception {
        Coroutine<Integer> top = compiled(deepChain(500));
        if (EXPECT_COMPILED) {
            assertThat(top.frame.isBareCoroutine()).as("calls Elsewhere.link: guarded").isFalse();
        }
        assertThat((int) Async.run(top)).isEqualTo(500);
    }

    @Test
    void aBodyWhoseCallsCannotAwaitRunsBareAndOneCallingAnyOtherMethodIsGuarded() throws Exception {
        Coroutine<Integer> bare = compiled(Coroutine.of(() -> {
            await(sleep(0));
            Task<Integer> t = createTask(addAfterSleeps(1, 1));   // own static factory: followed, cannot await
            return Math.max(await(t), 0);
        }));
        Coroutine<String> guarded = compiled(Coroutine.of(() -> fetch("x")));
        if (EXPECT_COMPILED) {
            assertThat(bare.frame.isBareCoroutine()).isTrue();
            assertThat(guarded.frame.isBareCoroutine()).isFalse();
        }
        assertThat((int) Async.run(bare)).isEqualTo(1 + 0 + 1 + 2 + 1 + 4 + 4);
        assertThat(Async.run(guarded)).isEqualTo("got x");
    }
    @Test
    void aBodyThatRunsNoCodeButTheJdksIsALeafWhoseTaskIsNotMadeCurrentAndAnyOtherIsNot() throws Exception {
        int n = 2;
        Object thing = new Object() {
            @Override
            public String toString() {
                return String.valueOf(Async.currentTask() != null);
            }
        };
        Coroutine<Integer> sum = compiled(Coroutine.of(() -> Math.max(n, 1) + Integer.parseInt("4" + n)));
        Coroutine<Integer> thrower = compiled(Coroutine.of(() -> {
            if (n > 1) {
                throw new IllegalStateException("leaf " + n);
            }
            return 0;
        }));
        Coroutine<Task<?>> asks = compiled(Coroutine.of(() -> Async.currentTask()));
        Coroutine<String> overridable = compiled(Coroutine.of(() -> thing.toString()));
        Coroutine<String> valueOf = compiled(Coroutine.of(() -> String.valueOf(thing)));   // a JDK call, a user's code
        Coroutine<String> format = compiled(Coroutine.of(() -> String.format("is current: %s", thing)));
        Coroutine<Integer> awaits = compiled(Coroutine.of(() -> await(sleep(0)) == null ? 1 : 0));
        if (EXPECT_COMPILED) {
            assertThat(sum.frame.isLeafCoroutine()).isTrue();
            assertThat(thrower.frame.isLeafCoroutine()).isTrue();
            assertThat(asks.frame.isLeafCoroutine()).as("asks for the task").isFalse();
            assertThat(asks.frame.isBareCoroutine()).isTrue();
            assertThat(overridable.frame.isLeafCoroutine()).as("runs a user's toString").isFalse();
            assertThat(valueOf.frame.isLeafCoroutine()).as("String.valueOf runs a user's toString").isFalse();
            assertThat(format.frame.isLeafCoroutine()).as("String.format runs a user's toString").isFalse();
            assertThat(format.frame.isBareCoroutine()).as("and that toString might await").isFalse();
            assertThat(awaits.frame.isLeafCoroutine()).as("awaits").isFalse();
        }
        run(() -> Coroutine.of(() -> {
            Task<?> main = Async.currentTask();
            Task<Integer> s = createTask(sum);
            Task<Integer> t = createTask(thrower);
            Task<Task<?>> a = createTask(asks);
            Task<String> o = createTask(overridable);
            Task<String> v = createTask(valueOf);
            Task<String> f = createTask(format);
            assertThat(await(s)).isEqualTo(44);
            assertThatThrownBy(() -> t.result()).isInstanceOf(IllegalStateException.class).hasMessage("leaf 2");
            assertThat(await(a)).isSameAs(a);
            assertThat(await(o)).isEqualTo("true");
            assertThat(await(v)).as("the task is current while String.valueOf runs its toString").isEqualTo("true");
            assertThat(await(f)).isEqualTo("is current: true");
            assertThat(Async.currentTask()).isSameAs(main);
            return await(awaits);
        }));
    }

    @Test
    void aBodyChosenByAConditionalIsNeverTakenForTheOtherOne() throws Exception {
        for (boolean first : new boolean[] {true, false}) {
            Coroutine<String> c = Coroutine.of(first ? () -> {
                await(sleep(0));
                return "first";
            } : () -> {
                await(sleep(0));
                return "second";
            });
            assertThat(Async.run(c)).isEqualTo(first ? "first" : "second");
        }
    }
    /** The await() of a user's awaitable: a plain method that awaits. */
    static String customAwait() {
        await(sleep(0.001));
        return "custom";
    }

    @Test
    void aBareBodyAwaitsAnAwaitableItDoesNotKnowOnAStrandOfItsOwnAndCancelsIt() throws Exception {
        Coroutine<String> c = compiled(Coroutine.of(() -> {
            Awaitable<String> custom = CompiledCoroutineTest::customAwait;
            return await(custom) + await(custom);
        }));
        if (EXPECT_COMPILED) {
            assertThat(c.frame.isBareCoroutine()).isTrue();
        }
        assertThat(Async.run(c)).isEqualTo("customcustom");
        List<String> log = new ArrayList<>();
        boolean cancelled = run(() -> Coroutine.of(() -> {
            Task<String> t = createTask(compiled(Coroutine.of(() -> {
                Awaitable<String> slow = () -> {
                    try {
                        await(sleep(10));
                        return "late";
                    } finally {
                        log.add("awaitable's finally");
                    }
                };
                return await(slow);
            })));
            await(sleep(0.001));
            t.cancel();
            try {
                await(t);
            } catch (CancelledError expected) {
                // below
            }
            return t.isCancelled();
        }));
        assertThat(cancelled).isTrue();
        assertThat(log).containsExactly("awaitable's finally");
    }
}
