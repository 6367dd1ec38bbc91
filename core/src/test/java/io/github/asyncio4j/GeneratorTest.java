package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Generator.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    /** The seed's jumping_range. */
    static Generator<Integer, Integer, Void> jumpingRange(int upTo) {
        return Generator.of(y -> {
            int index = 0;
            while (index < upTo) {
                Integer jump = y.yield(index);
                index += (jump == null) ? 1 : jump;
            }
            return null;
        });
    }

    @Test
    void seedExamplePrints_0_2_3_2_3_4() {
        var it = jumpingRange(5);
        List<Integer> out = new ArrayList<>();
        out.add(it.next());
        out.add(it.send(2));
        out.add(it.next());
        out.add(it.send(-1));
        for (int x : it) {
            out.add(x);
        }
        assertThat(String.join(" ", out.stream().map(String::valueOf).toList())).isEqualTo("0 2 3 2 3 4");
        assertThat(it.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void ofRunsNothingUntilNext() {
        AtomicInteger ran = new AtomicInteger();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            ran.incrementAndGet();
            y.yield(1);
            return null;
        });
        assertThat(ran).hasValue(0);
        assertThat(g.state()).isEqualTo(State.CREATED);
        assertThat(g.next()).isEqualTo(1);
        assertThat(ran).hasValue(1);
        assertThat(g.state()).isEqualTo(State.SUSPENDED);
    }

    @Test
    void returnValueBecomesStopIterationValue() {
        Generator<Integer, Void, String> g = Generator.of(y -> {
            y.yield(1);
            return "done";
        });
        g.next();
        assertThatThrownBy(g::next).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isEqualTo("done"));
        assertThat(g.state()).isEqualTo(State.CLOSED);
        // Python: a closed generator keeps raising StopIteration, with no value.
        assertThatThrownBy(g::next).isInstanceOfSatisfying(StopIteration.class,
                e -> assertThat(e.value()).isNull());
    }

    @Test
    void sendPassesValueIn() {
        Generator<String, String, Void> echo = Generator.of(y -> {
            String got = y.yield("ready");
            while (true) {
                got = y.yield("got " + got);
            }
        });
        assertThat(echo.next()).isEqualTo("ready");
        assertThat(echo.send("a")).isEqualTo("got a");
        assertThat(echo.send("b")).isEqualTo("got b");
        assertThat(echo.next()).isEqualTo("got null");
    }

    @Test
    void nonNullSendToJustCreatedGeneratorIsAnError() {
        var g = jumpingRange(3);
        assertThatThrownBy(() -> g.send(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("just-created");
        assertThat(g.state()).isEqualTo(State.CREATED);
        assertThat(g.next()).isZero();
    }

    @Test
    void stateIsRunningInsideTheBody() {
        List<State> seen = new ArrayList<>();
        Generator<Integer, Void, Void>[] self = new Generator[1];
        self[0] = Generator.of(y -> {
            seen.add(self[0].state());
            y.yield(1);
            seen.add(self[0].state());
            return null;
        });
        self[0].next();
        assertThatThrownBy(self[0]::next).isInstanceOf(StopIteration.class);
        assertThat(seen).containsExactly(State.RUNNING, State.RUNNING);
    }

    @Test
    void reenteringARunningGeneratorIsAnError() {
        Generator<Integer, Void, Void>[] self = new Generator[1];
        self[0] = Generator.of(y -> {
            self[0].next();
            return null;
        });
        assertThatThrownBy(self[0]::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generator already executing");
        assertThat(self[0].state()).isEqualTo(State.CLOSED);
    }

    @Test
    void throwIntoRaisesAtTheYieldAndTheBodyMayRecover() {
        Generator<String, Void, Void> g = Generator.of(y -> {
            while (true) {
                try {
                    y.yield("waiting");
                } catch (IllegalArgumentException e) {
                    y.yield("caught " + e.getMessage());
                }
            }
        });
        g.next();
        assertThat(g.throwInto(new IllegalArgumentException("boom"))).isEqualTo("caught boom");
        assertThat(g.next()).isEqualTo("waiting");
    }

    @Test
    void throwIntoThatTheBodyDoesNotCatchPropagatesAndCloses() {
        List<String> log = new ArrayList<>();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            try {
                y.yield(1);
            } finally {
                log.add("finally");
            }
            return null;
        });
        g.next();
        var boom = new IllegalArgumentException("boom");
        assertThatThrownBy(() -> g.throwInto(boom)).isSameAs(boom);
        assertThat(log).containsExactly("finally");
        assertThat(g.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void throwIntoAJustCreatedGeneratorThrowsBackAndCloses() {
        AtomicInteger ran = new AtomicInteger();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            ran.incrementAndGet();
            return null;
        });
        var boom = new IllegalArgumentException("boom");
        assertThatThrownBy(() -> g.throwInto(boom)).isSameAs(boom);
        assertThat(ran).hasValue(0);
        assertThat(g.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(() -> g.throwInto(new IOException("again"))).isInstanceOf(IOException.class);
    }

    @Test
    void throwIntoThatMakesTheBodyReturnIsStopIteration() {
        Generator<Integer, Void, String> g = Generator.of(y -> {
            try {
                y.yield(1);
                return "normal";
            } catch (IllegalStateException e) {
                return "recovered";
            }
        });
        g.next();
        assertThatThrownBy(() -> g.throwInto(new IllegalStateException()))
                .isInstanceOfSatisfying(StopIteration.class, e -> assertThat(e.value()).isEqualTo("recovered"));
    }

    @Test
    void checkedExceptionsFromTheBodyKeepTheirType() {
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            y.yield(1);
            throw new IOException("disk");
        });
        g.next();
        assertThatThrownBy(g::next).isExactlyInstanceOf(IOException.class).hasMessage("disk");
        assertThat(g.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void stopIterationRaisedInsideABodyBecomesAnError() {
        var exhausted = jumpingRange(0);
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            exhausted.next();
            return null;
        });
        assertThatThrownBy(g::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generator raised StopIteration")
                .hasCauseInstanceOf(StopIteration.class);
    }

    @Test
    void closeRunsFinallyBlocks() {
        List<String> log = new ArrayList<>();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            try {
                y.yield(1);
                y.yield(2);
            } finally {
                log.add("cleanup");
            }
            return null;
        });
        g.next();
        g.close();
        assertThat(log).containsExactly("cleanup");
        assertThat(g.state()).isEqualTo(State.CLOSED);
        g.close(); // closing again is a no-op
        assertThatThrownBy(g::next).isInstanceOf(StopIteration.class);
    }

    @Test
    void closeOfACreatedGeneratorRunsNothing() {
        AtomicInteger ran = new AtomicInteger();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            ran.incrementAndGet();
            return null;
        });
        g.close();
        assertThat(g.state()).isEqualTo(State.CLOSED);
        assertThat(ran).hasValue(0);
        assertThatThrownBy(g::next).isInstanceOf(StopIteration.class);
    }

    @Test
    void generatorExitIsNotSwallowedByCatchException() {
        List<String> log = new ArrayList<>();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            while (true) {
                try {
                    y.yield(1);
                } catch (Exception e) {
                    log.add("swallowed " + e);
                }
            }
        });
        g.next();
        g.close();
        assertThat(log).isEmpty();
        assertThat(g.state()).isEqualTo(State.CLOSED);
        assertThat(new GeneratorExit()).isInstanceOf(Error.class);
    }

    @Test
    void ignoringGeneratorExitIsAnError() {
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            while (true) {
                try {
                    y.yield(1);
                } catch (GeneratorExit e) {
                    // wrong: keeps yielding
                }
            }
        });
        g.next();
        assertThatThrownBy(g::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generator ignored GeneratorExit");
    }

    @Test
    void anExceptionRaisedWhileClosingPropagates() {
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            try {
                y.yield(1);
            } finally {
                throw new IllegalArgumentException("from finally");
            }
        });
        g.next();
        assertThatThrownBy(g::close).isInstanceOf(IllegalArgumentException.class).hasMessage("from finally");
        assertThat(g.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void closingFromInsideTheBodyIsAnError() {
        Generator<Integer, Void, Void>[] self = new Generator[1];
        self[0] = Generator.of(y -> {
            self[0].close();
            return null;
        });
        assertThatThrownBy(self[0]::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already executing");
    }

    @Test
    void tryWithResourcesCloses() {
        List<String> log = new ArrayList<>();
        try (Generator<Integer, Void, Void> g = Generator.of(y -> {
            try {
                y.yield(1);
            } finally {
                log.add("closed");
            }
            return null;
        })) {
            g.next();
        }
        assertThat(log).containsExactly("closed");
    }

    @Test
    void iterationAndStream() {
        assertThat(jumpingRange(4).stream().toList()).containsExactly(0, 1, 2, 3);
        List<Integer> all = new ArrayList<>();
        for (int x : jumpingRange(3)) {
            all.add(x);
        }
        assertThat(all).containsExactly(0, 1, 2);
        var it = jumpingRange(1).iterator();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.next()).isZero();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void iteratorNextWithoutHasNextAndAfterAFailure() {
        Generator<Integer, Object, Void> g = Generator.of(y -> {
            y.yield(1);
            y.yield(2);
            throw new IllegalStateException("boom");
        });
        var it = g.iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.next()).isEqualTo(2);
        assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(g.state()).isEqualTo(Generator.State.CLOSED);
    }

    @Test
    void closingAStreamClosesTheGenerator() {
        List<String> log = new ArrayList<>();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            try {
                for (int i = 0; ; i++) {
                    y.yield(i);
                }
            } finally {
                log.add("closed");
            }
        });
        try (var s = g.stream()) {
            assertThat(s.limit(3).toList()).containsExactly(0, 1, 2);
        }
        assertThat(log).containsExactly("closed");
        assertThat(g.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void anExceptionDuringIterationPropagates() {
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            y.yield(1);
            throw new IllegalStateException("broken");
        });
        List<Integer> got = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (int x : g) {
                got.add(x);
            }
        }).hasMessage("broken");
        assertThat(got).containsExactly(1);
    }

    @Test
    void yieldOutsideTheBodyIsAnError() {
        Yielder<Integer, Void>[] leaked = new Yielder[1];
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            leaked[0] = y;
            y.yield(1);
            return null;
        });
        g.next();
        assertThatThrownBy(() -> leaked[0].yield(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside its generator's body");
    }

    @Test
    void yieldingTheOuterYielderFromAnInnerGeneratorsBodyIsAnError() {
        Generator<Integer, Void, Void> outer = Generator.of(y -> {
            Generator<Integer, Void, Void> inner = Generator.of(iy -> {
                y.yield(99); // wrong yielder: the outer one
                return null;
            });
            inner.next();
            return null;
        });
        assertThatThrownBy(outer::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside its generator's body");
    }

    @Test
    void nestedGeneratorsDrivenFromABody() {
        Generator<Integer, Void, Void> outer = Generator.of(y -> {
            for (int x : jumpingRange(3)) {
                y.yield(x * 10);
            }
            return null;
        });
        assertThat(outer.stream().toList()).containsExactly(0, 10, 20);
    }

    @Test
    void aGeneratorCanBeDrivenFromAnotherThread() throws Exception {
        var g = jumpingRange(4);
        assertThat(g.next()).isZero();
        List<Integer> fromOther = new ArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> {
            fromOther.add(g.next());
            fromOther.add(g.next());
        });
        t.join();
        assertThat(fromOther).containsExactly(1, 2);
        assertThat(g.next()).isEqualTo(3);
    }

    @Test
    void aMillionYieldsInOneGenerator() {
        Generator<Integer, Void, Long> g = Generator.of(y -> {
            long sum = 0;
            for (int i = 0; i < 1_000_000; i++) {
                y.yield(i);
                sum += i;
            }
            return sum;
        });
        long count = 0;
        long sum = 0;
        for (int x : g) {
            count++;
            sum += x;
        }
        assertThat(count).isEqualTo(1_000_000);
        assertThat(sum).isEqualTo(999_999L * 1_000_000 / 2);
    }

    @Test
    void hundredThousandSuspendedGeneratorsAliveAtOnce() {
        int n = 100_000;
        List<Generator<Integer, Integer, Integer>> gens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = i;
            gens.add(Generator.of(y -> {
                int got = y.yield(id);
                return got + 1;
            }));
        }
        long sum = 0;
        for (var g : gens) {
            sum += g.next();
        }
        assertThat(gens).allMatch(g -> g.state() == State.SUSPENDED);
        assertThat(sum).isEqualTo((long) n * (n - 1) / 2);
        long results = 0;
        for (var g : gens) {
            try {
                g.send(7);
            } catch (StopIteration e) {
                results += (Integer) e.value();
            }
        }
        assertThat(results).isEqualTo(8L * n);
        assertThat(gens).allMatch(g -> g.state() == State.CLOSED);
    }

    private static void stopHere(Yielder<Integer, Object> y) {
        y.yield(1);
    }

    @Test
    void getStackShowsWhereASuspendedGeneratorWaits() {
        Generator<Integer, Object, Void> inner = Generator.of(y -> {
            stopHere(y);
            return null;
        });
        Generator<Integer, Object, Void> outer = Generator.of(y -> {
            y.yieldFrom(inner);
            return null;
        });
        assertThat(outer.getStack()).as("not started").isEmpty();
        outer.next();
        assertThat(outer.getStack().get(0).getMethodName()).isEqualTo("stopHere");
        assertThat(outer.getStack()).noneMatch(e -> e.getClassName().startsWith("jdk.internal.vm")
                || e.getClassName().startsWith("java.lang.VirtualThread"));
        assertThat(outer.getStack()).anyMatch(e -> e.getClassName().equals(GeneratorTest.class.getName())
                && e.getMethodName().contains("lambda"));
        outer.close();
        assertThat(outer.getStack()).as("closed").isEmpty();
    }
}
