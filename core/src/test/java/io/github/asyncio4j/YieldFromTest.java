package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Generator.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PEP 380 semantics of {@code yieldFrom}, for a fresh sub-generator (run inline) and a started one. */
class YieldFromTest {

    static Generator<String, String, String> echoTwice(List<String> log) {
        return Generator.of(y -> {
            try {
                String a = y.yield("sub-1");
                log.add("sub got " + a);
                String b = y.yield("sub-2");
                log.add("sub got " + b);
                return "sub-result";
            } finally {
                log.add("sub finally");
            }
        });
    }

    /** Runs {@code sub} under a delegating generator; {@code started} first advances {@code sub} by hand. */
    static Generator<String, String, String> delegating(Generator<String, String, String> sub, boolean started,
                                                        List<String> log) {
        return Generator.of(y -> {
            try {
                String r = y.yieldFrom(sub);
                log.add("outer got " + r);
                y.yield("outer-after");
                return "outer-result";
            } finally {
                log.add("outer finally");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void valuesSendsAndReturnValuePassThrough(boolean started) {
        List<String> log = new ArrayList<>();
        var sub = echoTwice(log);
        Generator<String, String, String> outer;
        if (started) {
            // A started sub-generator: its first value was taken by hand, so the outer sees sub-2 first.
            assertThat(sub.next()).isEqualTo("sub-1");
            outer = Generator.of(y -> {
                String r = y.yieldFrom(sub);
                log.add("outer got " + r);
                return "outer-result";
            });
            assertThat(outer.next()).isEqualTo("sub-2");
            log.add("--");
        } else {
            outer = delegating(sub, false, log);
            assertThat(outer.next()).isEqualTo("sub-1");
            assertThat(outer.send("a")).isEqualTo("sub-2");
        }
        assertThat(sub.state()).isEqualTo(State.SUSPENDED);
        if (started) {
            assertThatThrownBy(() -> outer.send("b")).isInstanceOfSatisfying(StopIteration.class,
                    e -> assertThat(e.value()).isEqualTo("outer-result"));
            // PEP 380 starts with next(sub): the started sub's pending yield receives null.
            assertThat(log).containsExactly("sub got null", "--", "sub got b", "sub finally",
                    "outer got sub-result");
        } else {
            assertThat(outer.send("b")).isEqualTo("outer-after");
            assertThat(log).containsExactly("sub got a", "sub got b", "sub finally", "outer got sub-result");
        }
        assertThat(sub.state()).isEqualTo(State.CLOSED);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void throwIsForwardedToTheSubGenerator(boolean started) {
        Generator<String, String, String> sub = Generator.of(y -> {
            if (started) {
                y.yield("priming");
            }
            try {
                y.yield("inside");
            } catch (IllegalArgumentException e) {
                return "sub handled " + e.getMessage();
            }
            return "no";
        });
        if (started) {
            sub.next();
        }
        Generator<String, String, String> outer = Generator.of(y -> {
            String r = y.yieldFrom(sub);
            y.yield(r);
            return null;
        });
        assertThat(outer.next()).isEqualTo("inside");
        assertThat(outer.throwInto(new IllegalArgumentException("x"))).isEqualTo("sub handled x");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anExceptionTheSubDoesNotHandleReachesTheDelegator(boolean started) {
        List<String> log = new ArrayList<>();
        Generator<String, String, String> sub = Generator.of(y -> {
            if (started) {
                y.yield("priming");
            }
            try {
                y.yield("inside");
            } finally {
                log.add("sub finally");
            }
            return "no";
        });
        if (started) {
            sub.next();
        }
        Generator<String, String, String> outer = Generator.of(y -> {
            try {
                y.yieldFrom(sub);
            } catch (IllegalArgumentException e) {
                y.yield("outer caught " + e.getMessage());
            }
            return null;
        });
        outer.next();
        assertThat(outer.throwInto(new IllegalArgumentException("x"))).isEqualTo("outer caught x");
        assertThat(log).containsExactly("sub finally");
        assertThat(sub.state()).isEqualTo(State.CLOSED);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void closeRunsFinallyBlocksThroughEveryLevel(boolean started) {
        List<String> log = new ArrayList<>();
        var sub = echoTwice(log);
        Generator<String, String, String> outer;
        if (started) {
            sub.next();
            outer = Generator.of(y -> {
                try {
                    return y.yieldFrom(sub);
                } finally {
                    log.add("outer finally");
                }
            });
        } else {
            outer = delegating(sub, false, log);
        }
        outer.next();
        outer.close();
        if (started) {
            assertThat(log).containsExactly("sub got null", "sub finally", "outer finally");
        } else {
            assertThat(log).containsExactly("sub finally", "outer finally");
        }
        assertThat(outer.state()).isEqualTo(State.CLOSED);
        assertThat(sub.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void delegationFiveHundredLevelsDeep() {
        int depth = 500;
        List<String> log = new ArrayList<>();
        Generator<Integer, Integer, Integer> g = level(depth, log);
        assertThat(g.next()).isEqualTo(0);
        assertThat(g.send(5)).isEqualTo(5);
        assertThatThrownBy(() -> g.send(6)).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isEqualTo(6 + depth));
        assertThat(log).hasSize(depth + 1);

        // close through all 500 levels
        log.clear();
        Generator<Integer, Integer, Integer> h = level(depth, log);
        h.next();
        h.close();
        assertThat(log).hasSize(depth + 1).first().isEqualTo("finally 0");
        assertThat(log).last().isEqualTo("finally " + depth);
    }

    /** A chain of {@code n} delegating generators over a leaf that yields twice; each level adds one. */
    static Generator<Integer, Integer, Integer> level(int n, List<String> log) {
        if (n == 0) {
            return Generator.of(y -> {
                try {
                    Integer a = y.yield(0);
                    return y.yield(a);
                } finally {
                    log.add("finally 0");
                }
            });
        }
        return Generator.of(y -> {
            try {
                return y.yieldFrom(level(n - 1, log)) + 1;
            } finally {
                log.add("finally " + n);
            }
        });
    }

    @Test
    void aSubGeneratorRunningInlineReportsItsDelegatorsStateAndCannotBeDrivenDirectly() {
        Generator<String, String, String> sub = Generator.of(y -> {
            y.yield("x");
            return "r";
        });
        List<State> seen = new ArrayList<>();
        Generator<String, String, String> outer = Generator.of(y -> {
            seen.add(sub.state());
            return y.yieldFrom(Generator.of(y2 -> {
                seen.add(sub.state());
                return y2.yieldFrom(sub);
            }));
        });
        outer.next();
        assertThat(sub.state()).isEqualTo(State.SUSPENDED);
        assertThatThrownBy(sub::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("yieldFrom");
        assertThatThrownBy(outer::next).isInstanceOf(StopIteration.class);
        assertThat(seen).containsExactly(State.CREATED, State.CREATED);
        assertThat(sub.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void delegatingToAClosedGeneratorReturnsNullAtOnce() {
        var sub = GeneratorTest.jumpingRange(2);
        sub.close();
        Generator<Integer, Integer, String> outer = Generator.of(y -> {
            Void r = y.yieldFrom(sub);
            return "got " + r;
        });
        assertThatThrownBy(outer::next).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isEqualTo("got null"));
    }

    @Test
    void stopIterationFromASubBodyIsAnError() {
        var exhausted = GeneratorTest.jumpingRange(0);
        Generator<Integer, Integer, Void> sub = Generator.of(y -> {
            exhausted.next();
            return null;
        });
        Generator<Integer, Integer, Void> outer = Generator.of(y -> y.yieldFrom(sub));
        assertThatThrownBy(outer::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generator raised StopIteration");
    }
}
