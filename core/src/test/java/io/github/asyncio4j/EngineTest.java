package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.engine.CarrierLocal;
import io.github.asyncio4j.engine.Engine;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {

    @Test
    void theSuiteRunsOnTheEngineItAskedFor() {
        String expected = System.getProperty("asyncio4j.expectEngine");
        if (expected != null) {
            assertThat(Engine.name()).isEqualTo(expected);
        }
        assertThat(Engine.FAST).isEqualTo(Engine.name().equals("continuation"));
        if (!Engine.FAST) {
            assertThat(Engine.whyNotFast()).isNotBlank();
        }
    }

    @Test
    void theFlagIsSpelledForTheClassPathHere() {
        // The suite runs on the class path; examples/consumer checks the module path's spelling.
        assertThat(Engine.class.getModule().isNamed()).isFalse();
        assertThat(Engine.flag()).isEqualTo(Engine.FLAG).endsWith("=ALL-UNNAMED");
    }

    @Test
    void aBodySeesItsDriversCarrierLocalsAndThread() {
        CarrierLocal<String> local = new CarrierLocal<>();
        local.set("driver's value");
        List<Object> seen = new ArrayList<>();
        Generator<Integer, Void, Void> g = Generator.of(y -> {
            seen.add(local.get());
            seen.add(CarrierLocal.carrierThread());
            y.yield(1);
            seen.add(local.get());
            return null;
        });
        g.next();
        local.set("changed");
        try {
            g.next();
        } catch (StopIteration expected) {
            // ended
        }
        assertThat(seen).containsExactly("driver's value", Thread.currentThread(), "changed");
    }

    @Test
    void droppedSuspendedGeneratorsAreReclaimed() throws Exception {
        int n = 2_000;
        List<WeakReference<Object>> payloads = new ArrayList<>();
        List<WeakReference<Thread>> bodies = new ArrayList<>();
        Thread driver = Thread.currentThread();
        for (int i = 0; i < n; i++) {
            Object payload = new byte[1024];
            payloads.add(new WeakReference<>(payload));
            Generator<Integer, Void, Void> g = Generator.of(y -> {
                if (Thread.currentThread() != driver) { // the fallback engine's own thread for this body
                    bodies.add(new WeakReference<>(Thread.currentThread()));
                }
                y.yield(payload.hashCode());
                return null;
            });
            g.next(); // now suspended, then dropped
        }
        // Collection is not timing: poll GC until everything is reclaimed (bounded so a leak fails, not hangs).
        for (int round = 0; round < 200 && !allReclaimed(payloads, bodies); round++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(payloads).allMatch(r -> r.get() == null);
        assertThat(bodies).allMatch(r -> r.get() == null || !r.get().isAlive());
    }

    private static boolean allReclaimed(List<WeakReference<Object>> payloads, List<WeakReference<Thread>> bodies) {
        return payloads.stream().allMatch(r -> r.get() == null)
                && bodies.stream().allMatch(r -> r.get() == null || !r.get().isAlive());
    }
}
