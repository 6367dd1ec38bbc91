package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Generator.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What only the generator compiler can get wrong: locals and operand-stack values across a yield, exception
 * handlers around one, control flow, captures, delegation. Runs on all three engines; in the compiled run
 * ({@code -Dasyncio4j.expectCompiled=true}) every body here that should compile must have compiled, so a silent
 * fall back fails the build.
 */
class CompiledGeneratorTest {
    private static final boolean EXPECT_COMPILED = Boolean.getBoolean("asyncio4j.expectCompiled");

    /** {@code Generator.of(body)}, checking that the compiled run really compiled it. */
    private static <Y, S, R> Generator<Y, S, R> compiled(GeneratorBody<Y, S, R> body) {
        Generator<Y, S, R> g = Generator.of(body);
        if (EXPECT_COMPILED) {
            assertThat(g.isCompiled()).as("compiled; refused because: %s", Compiled.whyNotCompiled(body)).isTrue();
        } else if (!Compiled.enabled()) {
            assertThat(g.isCompiled()).isFalse();
        }
        return g;
    }

    private static <Y> List<Y> drain(Generator<Y, ?, ?> g) {
        List<Y> out = new ArrayList<>();
        for (Y y : g) {
            out.add(y);
        }
        return out;
    }

    @Test
    void localsOfEveryPrimitiveTypeSurviveEachYield() {
        Generator<String, Object, String> g = compiled(y -> {
            boolean z = true;
            byte b = 1;
            char c = 'a';
            short s = 2;
            int i = 3;
            long l = 1L << 40;
            float f = 1.5f;
            double d = 2.25;
            String text = "t";
            int[] array = {7};
            for (int k = 0; k < 3; k++) {
                y.yield(z + " " + b + " " + c + " " + s + " " + i + " " + l + " " + f + " " + d + " " + text + array[0]);
                z = !z;
                b++;
                c++;
                s += 2;
                i *= 2;
                l += 1L << 33;
                f *= 2;
                d -= 0.5;
                text += k;
                array[0]--;
            }
            return "" + l + d;
        });
        assertThat(drain(g)).containsExactly(
                "true 1 a 2 3 1099511627776 1.5 2.25 t7",
                "false 2 b 4 6 1108101562368 3.0 1.75 t06",
                "true 3 c 6 12 1116691496960 6.0 1.25 t015");
        assertThat(g.state()).isEqualTo(State.CLOSED);
    }

    private static String join(Object a, Object b, long c, Object d) {
        return a + "|" + b + "|" + c + "|" + d;
    }

    @Test
    void operandStackValuesSurviveAYield() {
        Generator<Object, Object, String> g = compiled(y -> {
            long wide = 5L;
            String s = join("a", y.yield(1), wide * 2, y.yield(2));
            double x = 1.5 + (Double) y.yield(3);
            return s + " " + x + " " + (int) y.yield(y.yield(4));
        });
        assertThat(g.next()).isEqualTo(1);
        assertThat(g.send("b")).isEqualTo(2);
        assertThat(g.send("d")).isEqualTo(3);
        assertThat(g.send(0.25)).isEqualTo(4);
        assertThat(g.send("inner")).isEqualTo("inner");
        assertThatThrownBy(() -> g.send(9)).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isEqualTo("a|b|10|d 1.75 9"));
    }

    @Test
    void nullsOnTheStackAndInLocalsSurviveAYield() {
        Generator<Object, Object, String> g = compiled(y -> {
            String none = null;
            String s = join(null, y.yield(1), 0, none);
            return s + none;
        });
        assertThat(g.next()).isEqualTo(1);
        assertThatThrownBy(() -> g.send("x")).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isEqualTo("null|x|0|nullnull"));
    }

    @Test
    void yieldsInsideNestedTryCatchFinally() {
        List<String> log = new ArrayList<>();
        Generator<String, Object, String> g = compiled(y -> {
            int depth = 0;
            try {
                depth++;
                try {
                    depth++;
                    y.yield("inner " + depth);
                    log.add("not reached");
                } catch (IllegalStateException e) {
                    log.add("caught " + e.getMessage() + " at " + depth);
                    y.yield("in catch");
                } finally {
                    log.add("inner finally");
                    y.yield("in inner finally");
                }
                y.yield("after inner");
            } finally {
                log.add("outer finally " + depth);
            }
            return "end";
        });
        assertThat(g.next()).isEqualTo("inner 2");
        assertThat(g.throwInto(new IllegalStateException("boom"))).isEqualTo("in catch");
        assertThat(g.next()).isEqualTo("in inner finally");
        assertThat(g.next()).isEqualTo("after inner");
        g.close();
        assertThat(log).containsExactly("caught boom at 2", "inner finally", "outer finally 2");
        assertThat(g.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void localsReadOnlyByAHandlerSurviveAYield() {
        // tag and depth are read after the yield only on its exception paths (throwInto, close): live all the same.
        List<String> log = new ArrayList<>();
        GeneratorBody<Integer, Object, Void> body = y -> {
            String tag = "t" + log.size();
            long depth = 7;
            try {
                y.yield(1);
                return null;
            } catch (IllegalStateException e) {
                log.add("caught " + e.getMessage() + " " + tag);
                return null;
            } catch (GeneratorExit e) {
                log.add("exit " + depth);
                throw e;
            }
        };
        Generator<Integer, Object, Void> thrownInto = compiled(body);
        thrownInto.next();
        assertThatThrownBy(() -> thrownInto.throwInto(new IllegalStateException("boom")))
                .isInstanceOf(StopIteration.class);
        Generator<Integer, Object, Void> closed = compiled(body);
        closed.next();
        closed.close();
        assertThat(log).containsExactly("caught boom t0", "exit 7");
    }

    @Test
    void onlyLocalsReadAfterAYieldAreKeptInTheMachine() {
        Assumptions.assumeTrue(Runtime.version().feature() >= 24, "the compiler needs JDK 24+");
        // slot 0 is the Yielder, 1 kept (read after every yield), 2 x (overwritten by each yield's value)
        Generator<Integer, Integer, Void> echo = compiled(y -> {
            String kept = "k";
            Integer x = y.yield(0);
            while (true) {
                x = y.yield(x + kept.length());
            }
        });
        String listing = echo.compiledListing();
        assertThat(listing).as(listing).contains("Object l1A").doesNotContain("l2A");
        echo.next();
        assertThat(echo.send(1)).isEqualTo(2);
        assertThat(echo.send(5)).isEqualTo(6);
    }

    @Test
    void closeRunsFinallyBlocksAndAnIgnoredGeneratorExitIsAnError() {
        List<String> log = new ArrayList<>();
        Generator<Integer, Object, Void> g = compiled(y -> {
            try {
                y.yield(1);
            } finally {
                log.add("finally");
            }
            return null;
        });
        g.next();
        g.close();
        assertThat(log).containsExactly("finally");

        Generator<Integer, Object, Void> stubborn = compiled(y -> {
            while (true) {
                try {
                    y.yield(1);
                } catch (GeneratorExit e) {
                    log.add("ignored");
                }
            }
        });
        stubborn.next();
        assertThatThrownBy(stubborn::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generator ignored GeneratorExit");
    }

    @Test
    void exceptionsThrownInAndOut() {
        Generator<Integer, Object, Void> g = compiled(y -> {
            y.yield(1);
            throw new IOException("checked, out of the body");
        });
        g.next();
        assertThatThrownBy(g::next).isInstanceOf(IOException.class).hasMessage("checked, out of the body");
        assertThat(g.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(g::next).isInstanceOf(StopIteration.class);

        Generator<Integer, Object, Void> h = compiled(y -> {
            y.yield(1);
            return null;
        });
        h.next();
        IOException thrown = new IOException("in");
        assertThatThrownBy(() -> h.throwInto(thrown)).isSameAs(thrown);
        assertThat(h.state()).isEqualTo(State.CLOSED);

        Generator<Integer, Object, Void> raises = compiled(y -> {
            y.yield(1);
            throw new StopIteration("leaked");
        });
        raises.next();
        assertThatThrownBy(raises::next).isInstanceOf(IllegalStateException.class)
                .hasMessage("generator raised StopIteration");
    }

    @Test
    void conditionalArgumentsStringSwitchesAndTryWithResources() {
        List<String> log = new ArrayList<>();
        Generator<String, Object, Void> g = compiled(y -> {
            for (String word : List.of("one", "two", "three")) {
                switch (word) {
                    case "one" -> y.yield(word.length() > 2 ? "long " + word : "short " + word);
                    case "two" -> {
                        try (AutoCloseable resource = () -> log.add("closed " + word)) {
                            log.add("got " + y.yield("inside try-with-resources"));
                        }
                    }
                    default -> y.yield(y.yield("nested") == null ? "null sent" : "value sent");
                }
            }
            return null;
        });
        assertThat(g.next()).isEqualTo("long one");
        assertThat(g.next()).isEqualTo("inside try-with-resources");
        assertThat(g.send("x")).isEqualTo("nested");
        assertThat(log).containsExactly("got x", "closed two");
        assertThat(g.send(1)).isEqualTo("value sent");
        assertThatThrownBy(g::next).isInstanceOf(StopIteration.class);
    }

    @Test
    void switchesAndLabeledLoops() {
        Generator<String, Object, Integer> g = compiled(y -> {
            int count = 0;
            outer:
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    if (j > i) {
                        continue outer;
                    }
                    switch ((i + j) % 3) {
                        case 0 -> y.yield("zero " + i + j);
                        case 1 -> {
                            if (i == 3) {
                                break outer;
                            }
                            y.yield("one " + i + j);
                        }
                        default -> {
                            String tag = switch (j) {
                                case 0 -> "a";
                                case 1 -> (String) y.yield("inside a switch expression");
                                default -> "c";
                            };
                            y.yield("two " + tag);
                        }
                    }
                    count++;
                }
            }
            return count;
        });
        assertThat(drain(g)).containsExactly("zero 00", "one 10", "inside a switch expression", "two null",
                "two a", "zero 21", "one 22", "zero 30");
    }

    @Test
    void capturedValuesAreTheLambdasParameters() {
        int start = 10;
        long step = 3;
        String prefix = "v";
        char unit = 'u';
        Generator<String, Object, Void> g = compiled(y -> {
            for (long v = start; v < start + 3 * step; v += step) {
                y.yield(prefix + v + unit + field);
            }
            return null;
        });
        assertThat(drain(g)).containsExactly("v10u!", "v13u!", "v16u!");
        // Each Generator.of gets its own captured values, though the class is compiled once.
        String other = "w";
        List<List<String>> runs = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            int limit = n;
            runs.add(drain(compiled(y -> {
                for (int k = 0; k < limit; k++) {
                    y.yield(other + k);
                }
                return null;
            })));
        }
        assertThat(runs).containsExactly(List.of("w0"), List.of("w0", "w1"));
    }

    private final String field = "!";

    static Generator<Integer, Object, Integer> tree(int depth) {
        return compiled(y -> {
            if (depth == 0) {
                y.yield(1);
                return 1;
            }
            int left = y.yieldFrom(tree(depth - 1));
            int right = y.yieldFrom(tree(depth - 1));
            return left + right + 1;
        });
    }

    @Test
    void recursionThroughYieldFrom() {
        Generator<Integer, Object, Integer> g = tree(6);
        List<Integer> values = new ArrayList<>();
        int result = -1;
        try {
            while (true) {
                values.add(g.next());
            }
        } catch (StopIteration e) {
            result = (Integer) e.value();
        }
        assertThat(values).hasSize(64);
        assertThat(result).isEqualTo(127);
    }

    @Test
    void yieldFromForwardsSendsThrowsAndClose() {
        List<String> log = new ArrayList<>();
        Generator<String, String, String> sub = Generator.of(y -> {
            try {
                log.add("sub got " + y.yield("s1"));
                try {
                    y.yield("s2");
                } catch (IllegalArgumentException e) {
                    log.add("sub caught " + e.getMessage());
                }
                y.yield("s3");
                return "r";
            } finally {
                log.add("sub finally");
            }
        });
        Generator<String, String, String> outer = compiled(y -> {
            String prefix = "outer ";
            try {
                String r = prefix + y.yieldFrom(sub);
                y.yield(r);
            } finally {
                log.add("outer finally");
            }
            return "done";
        });
        assertThat(outer.next()).isEqualTo("s1");
        assertThat(outer.send("hello")).isEqualTo("s2");
        assertThat(outer.throwInto(new IllegalArgumentException("x"))).isEqualTo("s3");
        assertThat(outer.getStack()).isNotEmpty();
        outer.close();
        assertThat(log).containsExactly("sub got hello", "sub caught x", "sub finally", "outer finally");
        assertThat(sub.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void tenThousandGeneratorsSuspendedAtOnce() {
        List<Generator<Integer, Object, Void>> gens = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int id = i;
            gens.add(compiled(y -> {
                int total = 0;
                for (int k = 0; k < 3; k++) {
                    total += id;
                    y.yield(total);
                }
                return null;
            }));
        }
        long sum = 0;
        for (int round = 0; round < 3; round++) {
            for (Generator<Integer, Object, Void> g : gens) {
                sum += g.next();
            }
        }
        assertThat(sum).isEqualTo(6L * (10_000L * 9_999 / 2));
        assertThat(gens).allMatch(g -> g.state() == State.SUSPENDED);
        gens.forEach(Generator::close);
        assertThat(gens).allMatch(g -> g.state() == State.CLOSED);
    }

    private static Object staticBody(Yielder<Integer, Object> y) {
        y.yield(1);
        y.yield(2);
        return "static";
    }

    private int counter;

    private Object instanceBody(Yielder<Integer, Object> y) {
        while (counter < 2) {
            y.yield(counter++);
        }
        return "instance";
    }

    @Test
    void methodReferencesCompileToo() {
        assertThat(drain(compiled(CompiledGeneratorTest::staticBody))).containsExactly(1, 2);
        assertThat(drain(compiled(this::instanceBody))).containsExactly(0, 1);
    }

    @Test
    void anAlreadyExecutingGeneratorCannotBeResumed() {
        List<Generator<Object, Object, Void>> self = new ArrayList<>();
        Generator<Object, Object, Void> g = compiled(y -> {
            y.yield(1);
            self.get(0).next();
            return null;
        });
        self.add(g);
        g.next();
        assertThatThrownBy(g::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already executing");
    }

    private static void helper(Yielder<Integer, Object> y) {
        y.yield(1);
    }

    private static void maybeHelper(Yielder<Integer, Object> y) {
        if (y != null) {
            y.yield(1);
        }
    }

    @Test
    void bodiesTheCompilerCannotProveFallBackWithTheReason() {
        Object lock = new Object();
        GeneratorBody<Integer, Object, Void> escaping = y -> {
            helper(y);
            return null;
        };
        GeneratorBody<Integer, Object, Void> locked = y -> {
            synchronized (lock) {
                y.yield(1);
            }
            return null;
        };
        GeneratorBody<Object, Object, Void> callerSensitive = y -> {
            y.yield(java.lang.invoke.MethodHandles.lookup().lookupClass());
            return null;
        };
        assertThat(Generator.of(callerSensitive).next()).isEqualTo(CompiledGeneratorTest.class);
        boolean flag = true;
        GeneratorBody<Integer, Object, Void> conditional = y -> {
            maybeHelper(flag ? y : null);
            return null;
        };
        Generator<Integer, Object, Void> a = Generator.of(escaping);
        Generator<Integer, Object, Void> b = Generator.of(locked);
        Generator<Integer, Object, Void> c = Generator.of(conditional);
        assertThat(a.isCompiled()).isFalse();
        assertThat(b.isCompiled()).isFalse();
        assertThat(c.isCompiled()).isFalse();
        assertThat(drain(a)).containsExactly(1);
        assertThat(drain(b)).containsExactly(1);
        assertThat(drain(c)).containsExactly(1);
        if (Compiled.enabled()) {
            assertThat(Compiled.whyNotCompiled(escaping)).contains("the Yielder escapes")
                    .contains("CompiledGeneratorTest.helper");
            assertThat(Compiled.whyNotCompiled(locked)).contains("synchronized");
            assertThat(Compiled.whyNotCompiled(conditional)).contains("the Yielder flows into a conditional");
            assertThat(Compiled.whyNotCompiled(callerSensitive)).contains("MethodHandles.lookup");
        }
    }

    @Test
    void debugModeSaysOncePerBodyWhyItIsNotCompiled() {
        Assumptions.assumeTrue(Compiled.enabled(), "the compiled engine is off in this run");
        List<String> messages = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                messages.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.github.asyncio4j");
        logger.addHandler(handler);
        String before = System.setProperty("asyncio4j.debug", "true");
        try {
            for (int i = 0; i < 3; i++) {
                drain(Generator.<Integer, Object, Void>of(y -> {
                    helper(y);
                    return null;
                }));
            }
        } finally {
            if (before == null) {
                System.clearProperty("asyncio4j.debug");
            } else {
                System.setProperty("asyncio4j.debug", before);
            }
            logger.removeHandler(handler);
        }
        assertThat(messages).filteredOn(m -> m.contains("not compiled")).singleElement().asString()
                .contains("debugModeSaysOncePerBodyWhyItIsNotCompiled").contains("the Yielder escapes");
    }
}
