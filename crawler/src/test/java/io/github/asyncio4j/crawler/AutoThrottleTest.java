package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** --auto-throttle's rule: 429/503 halve a host's concurrency and double its delay; calm answers win it back. */
class AutoThrottleTest {

    @Test
    void overloadHalvesTheConcurrencyAndDoublesTheDelayNeverPastTheBounds() {
        AutoThrottle t = new AutoThrottle(8, 0.1);
        AutoThrottle.Policy p = t.observe("h", 0.01, 503);
        assertThat(p).isEqualTo(new AutoThrottle.Policy(4, AutoThrottle.OVERLOAD_DELAY));
        p = t.observe("h", 0.01, 429);
        assertThat(p).isEqualTo(new AutoThrottle.Policy(2, 2 * AutoThrottle.OVERLOAD_DELAY));
        for (int i = 0; i < 20; i++) {
            t.observe("h", 0.01, 503);
        }
        AutoThrottle.Policy worst = t.least("h", 0);
        assertThat(worst.limit()).isEqualTo(1);
        assertThat(worst.delay()).isEqualTo(AutoThrottle.MAX_DELAY);
    }

    @Test
    void calmAnswersBringTheHostBackButNeverBeyondItsLimitNorBelowItsLeastDelay() {
        AutoThrottle t = new AutoThrottle(4, 0.1);
        t.observe("h", 0.01, 503);
        t.observe("h", 0.01, 503);          // 1 in flight, 0.5 s
        for (int i = 0; i < 200; i++) {
            t.observe("h", 0.01, 200);
        }
        AutoThrottle.Policy p = t.least("h", 0);
        assertThat(p.limit()).isEqualTo(4);
        assertThat(p.delay()).isEqualTo(0.1);
    }

    @Test
    void theDelayFollowsLatencyOverConcurrency() {
        AutoThrottle t = new AutoThrottle(2, 0);
        for (int i = 0; i < 50; i++) {
            t.observe("slow", 2.0, 200);
        }
        assertThat(t.least("slow", 0).delay()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void errorAnswersNeverSpeedAHostUpAndCrawlDelayIsTheFloor() {
        AutoThrottle t = new AutoThrottle(2, 0.1);
        t.least("h", 2.0);
        t.observe("h", 0.01, 404);
        t.observe("h", 0.01, 200);
        assertThat(t.least("h", 2.0).delay()).isEqualTo(2.0);
        t.observe("h", 10, 500);
        double slowed = t.least("h", 2.0).delay();
        assertThat(slowed).isGreaterThan(2.0);
        t.observe("h", 0.01, 500);
        assertThat(t.least("h", 2.0).delay()).isEqualTo(slowed);
    }

    @Test
    void smallChangesAreNotToldToTheFrontier() {
        AutoThrottle t = new AutoThrottle(2, 1.0);
        assertThat(t.observe("h", 0.001, 200)).isNotNull();     // the first: the frontier hears of the host
        assertThat(t.observe("h", 0.001, 200)).isNull();
    }
}
