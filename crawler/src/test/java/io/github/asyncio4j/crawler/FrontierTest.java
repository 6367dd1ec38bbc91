package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.crawler.CrawlState.Item;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ready-host scheduler on a fake clock: the time is an argument, so every case is exact. */
class FrontierTest {

    static Item item(String host, String path) {
        return new Item(URI.create("http://" + host + "/" + path), 0, 0);
    }

    static String path(Item i) {
        return i == null ? null : i.url().getHost() + i.url().getPath();
    }

    @Test
    void aReadyHostIsServedAtOnceWhileAnotherWaitsForItsDelay() {
        Frontier f = new Frontier(0, 1.0, false);
        f.add(item("a", "1"), 0);
        f.add(item("a", "2"), 0);
        f.add(item("b", "1"), 0);
        assertThat(path(f.poll(0))).isEqualTo("a/1");
        assertThat(path(f.poll(0))).as("a must wait 1 s; b may go now").isEqualTo("b/1");
        assertThat(f.poll(0.5)).isNull();
        assertThat(f.nextWake()).isEqualTo(1.0);
        assertThat(path(f.poll(1.0))).isEqualTo("a/2");
    }

    @Test
    void aHostWhoseWaitEndedGoesBeforeTheHostsTakingTurnsEarliestFirst() {
        Frontier f = new Frontier(0, 0, false);
        f.policy("d", 0, 1.0, 0);       // a Crawl-delay of 1 s
        f.policy("e", 0, 0.5, 0);
        for (String h : List.of("d", "e", "h1", "h2", "h3", "h4")) {
            f.add(item(h, "1"), 0);
            f.add(item(h, "2"), 0);
        }
        assertThat(path(f.poll(0))).isEqualTo("d/1");
        assertThat(path(f.poll(0))).isEqualTo("e/1");
        assertThat(path(f.poll(0))).isEqualTo("h1/1");
        assertThat(path(f.poll(1.0))).as("both waits ended; e's first").isEqualTo("e/2");
        assertThat(path(f.poll(1.0))).as("then d's, before the hosts taking turns").isEqualTo("d/2");
        assertThat(path(f.poll(1.0))).isEqualTo("h2/1");
    }

    @Test
    void theDelayRunsFromTheLastRequestsEndToo() {
        Frontier f = new Frontier(0, 1.0, false);
        f.add(item("a", "1"), 0);
        f.add(item("a", "2"), 0);
        f.release(f.poll(0), 0.5);       // a slow answer: the host saw the request late, perhaps
        assertThat(f.poll(1.0)).isNull();
        assertThat(path(f.poll(1.5))).isEqualTo("a/2");
    }

    @Test
    void theLimitHoldsAndAReleaseFreesASlot() {
        Frontier f = new Frontier(2, 0, false);
        for (int i = 1; i <= 3; i++) {
            f.add(item("a", "" + i), 0);
        }
        f.add(item("b", "1"), 0);
        List<String> out = new ArrayList<>();
        Item x;
        while ((x = f.poll(0)) != null) {
            out.add(path(x));
        }
        assertThat(out).containsExactly("a/1", "b/1", "a/2");    // hosts take turns; a stops at 2 in flight
        assertThat(f.queueOf("a").inFlight).isEqualTo(2);
        assertThat(f.nextWake()).as("a waits for a release, not a time").isEqualTo(Double.POSITIVE_INFINITY);
        f.release(item("a", "1"), 0);
        assertThat(path(f.poll(0))).isEqualTo("a/3");
    }

    @Test
    void urlsOfAHostLeaveInTheOrderTheyCame() {
        Frontier f = new Frontier(0, 0, false);
        for (int i = 0; i < 50; i++) {
            f.add(item("a", "" + i), 0);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(path(f.poll(i))).isEqualTo("a/" + i);
        }
        assertThat(f.poll(100)).isNull();
    }

    @Test
    void aPauseHoldsTheWholeHostNotOnlyOneUrl() {
        Frontier f = new Frontier(0, 0, false);
        f.add(item("a", "1"), 0);
        f.add(item("a", "2"), 0);
        f.add(item("b", "1"), 0);
        Item a1 = f.poll(0);
        f.retry(a1.withTries(1), 5, 0);
        f.pause("a", 5, 0);
        assertThat(path(f.poll(0))).as("a is paused: b goes").isEqualTo("b/1");
        assertThat(f.poll(4.9)).as("a/2 waits with its host").isNull();
        assertThat(f.nextWake()).isEqualTo(5.0);
        assertThat(path(f.poll(5))).as("the retried URL first").isEqualTo("a/1");
        assertThat(path(f.poll(5))).isEqualTo("a/2");
    }

    @Test
    void retriesComeBackInTheOrderTheyCameDueAheadOfFreshUrls() {
        Frontier f = new Frontier(2, 0, false);
        for (int i = 1; i <= 3; i++) {
            f.add(item("a", "" + i), 0);
        }
        Item first = f.poll(0);
        Item second = f.poll(0);
        f.retry(first.withTries(1), 1.0, 0);      // refused first: due first
        f.retry(second.withTries(1), 1.01, 0.01);
        f.pause("a", 1.01, 0.01);
        assertThat(path(f.poll(1.01))).as("not starved behind the later one").isEqualTo("a/1");
        assertThat(path(f.poll(1.01))).isEqualTo("a/2");
        f.release(first, 1.02);
        assertThat(path(f.poll(1.02))).isEqualTo("a/3");
    }

    @Test
    void aRetryWaitsForItsTimeWithoutHoldingItsHost() {
        Frontier f = new Frontier(1, 0, false);
        f.add(item("a", "1"), 0);
        f.add(item("a", "2"), 0);
        f.retry(f.poll(0).withTries(1), 2, 0);
        assertThat(path(f.poll(0))).as("its slot is free meanwhile").isEqualTo("a/2");
        f.release(item("a", "2"), 1);
        assertThat(f.poll(1)).isNull();
        assertThat(f.nextWake()).isEqualTo(2.0);
        Item again = f.poll(2);
        assertThat(path(again)).isEqualTo("a/1");
        assertThat(again.tries()).isEqualTo(1);
    }

    @Test
    void aGivenUpHostHandsOutEveryUrlAtOnce() {
        Frontier f = new Frontier(1, 10, false);
        for (int i = 1; i <= 3; i++) {
            f.add(item("dead", "" + i), 0);
        }
        f.poll(0);
        f.giveUp("dead", "refused", 0);
        assertThat(path(f.poll(0))).isEqualTo("dead/2");
        assertThat(path(f.poll(0))).isEqualTo("dead/3");
        assertThat(f.givenUp("dead")).isEqualTo("refused");
    }

    @Test
    void aNewHostAllowsOneRequestUntilItsPolicyIsSet() {
        Frontier f = new Frontier(4, 0, true);
        f.add(item("a", "1"), 0);
        f.add(item("a", "2"), 0);
        assertThat(path(f.poll(0))).isEqualTo("a/1");
        assertThat(f.poll(0)).as("robots.txt is read first").isNull();
        f.policy("a", 4, 0.5, 0.1);      // Crawl-delay 0.5 s, counted from the first request's start
        assertThat(f.poll(0.4)).isNull();
        assertThat(path(f.poll(0.5))).isEqualTo("a/2");
    }

    @Test
    void badDefaultsAreRefused() {
        assertThatThrownBy(() -> new Frontier(-1, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new Frontier(1, Double.NaN, false)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random adds, polls, releases, retries, pauses, policies and time steps over eight hosts: whenever poll gives
     * nothing, no host could have been fetched; whatever it gives respects its host's limit, delay and pause; and
     * every URL added is handed out exactly once per try.
     */
    @Test
    void neverIdleWhileAHostIsReadyAndNeverEarly() {
        for (long seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            Frontier f = new Frontier(1 + r.nextInt(3), r.nextInt(3) * 0.5, false);
            double now = 0;
            Map<String, Double> lastStart = new HashMap<>();
            Map<String, Double> pausedUntil = new HashMap<>();
            List<Item> inFlight = new ArrayList<>();
            Map<String, Integer> handedOut = new HashMap<>();
            int added = 0;
            int finished = 0;
            for (int step = 0; step < 600; step++) {
                int op = r.nextInt(10);
                String host = "h" + r.nextInt(8);
                if (op < 3) {
                    f.add(item(host, "p" + added++), now);
                } else if (op < 6) {
                    Item got = f.poll(now);
                    if (got == null) {
                        for (int h = 0; h < 8; h++) {
                            HostQueue q = f.queueOf("h" + h);
                            if (q != null) {
                                assertThat(q.hasWork() && q.readyAt() <= now)
                                        .as("seed %d step %d: host h%d was ready at %s", seed, step, h, now).isFalse();
                            }
                        }
                    } else {
                        HostQueue q = f.queueOf(got.host());
                        assertThat(q.inFlight).isLessThanOrEqualTo(q.limit);
                        Double last = lastStart.put(got.host(), now);
                        if (last != null) {
                            assertThat(now - last).as("seed %d: delay of %s", seed, got.host())
                                    .isGreaterThanOrEqualTo(q.delay - 1e-9);
                        }
                        assertThat(now).isGreaterThanOrEqualTo(pausedUntil.getOrDefault(got.host(), 0.0));
                        inFlight.add(got);
                        handedOut.merge(got.url() + "#" + got.tries(), 1, Integer::sum);
                    }
                } else if (op < 8 && !inFlight.isEmpty()) {
                    Item done = inFlight.remove(r.nextInt(inFlight.size()));
                    lastStart.merge(done.host(), now, Math::max);   // the delay runs from a request's end too
                    if (r.nextInt(4) == 0) {
                        f.retry(done.withTries(done.tries() + 1), now + r.nextDouble() * 2, now);
                    } else {
                        f.release(done, now);
                        finished++;
                    }
                } else if (op == 8) {
                    if (r.nextBoolean()) {
                        double until = now + r.nextDouble() * 3;
                        pausedUntil.merge(host, until, Math::max);
                        f.pause(host, until, now);
                    } else {
                        f.policy(host, r.nextInt(3), r.nextInt(3) * 0.25, now);
                        lastStart.remove(host);     // the delay changed: the new one counts from now on
                    }
                } else {
                    now += r.nextInt(3) == 0 ? f.nextWake() - now : r.nextDouble();
                    if (Double.isInfinite(now)) {
                        now = step;
                    }
                }
                assertThat(f.inFlight()).isEqualTo(inFlight.size());
                assertThat(f.queued() + f.inFlight() + finished).isEqualTo(added);
            }
            assertThat(handedOut.values()).allMatch(n -> n == 1);
        }
    }
}
