package io.github.asyncio4j.junit;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** Each failure {@link AsyncioTest} reports, seen through JUnit's test kit on the classes of {@link Samples}. */
class AsyncioExtensionTest {

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute().testEvents();
    }

    /** The failure of the only test of {@code sample}, which must have failed. */
    private static Throwable failureOf(Class<?> sample) {
        Events events = run(sample);
        List<Event> failed = events.failed().list();
        assertThat(failed).as("failed tests of %s", sample.getSimpleName()).hasSize(1);
        return failed.getFirst().getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    @Test
    void aCleanTestPassesWithTheLoopInjected() {
        Events events = run(Samples.Passes.class);
        events.assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    }

    @Test
    void aTaskLeftRunningFailsTheTestByName() {
        Throwable failure = failureOf(Samples.LeaksATask.class);
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the test left 1 task running")
                .hasMessageContaining("name='sleeper'");
    }

    @Test
    void anExceptionNeverRetrievedFailsTheTestNamingTheTask() {
        Throwable failure = failureOf(Samples.NeverRetrievesAnException.class);
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("exception was never retrieved")
                .hasMessageContaining("name='doomed'")
                .hasMessageContaining("boom");
    }

    @Test
    void aCoroutineNeverAwaitedFailsTheTestNamingWhereItWasMade() {
        Throwable failure = failureOf(Samples.NeverAwaitsACoroutine.class);
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("was never awaited")
                .hasMessageContaining("created at " + Samples.NeverAwaitsACoroutine.class.getName() + ".forgets(");
    }

    @Test
    void aCallbackThatRaisesFailsTheTest() {
        Throwable failure = failureOf(Samples.FailingCallback.class);
        assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("bad callback");
    }

    @Test
    void theTestsOwnFailureComesFirstWithTheLeftoversSuppressed() {
        Throwable failure = failureOf(Samples.FailsAndLeaks.class);
        assertThat(failure).hasMessageContaining("the test's own assertion");
        assertThat(failure.getSuppressed()).singleElement().asString().contains("name='orphan'");
    }

    @AsyncioTest(virtualTime = true)
    void virtualTimeSleepsAnHourWithoutWaitingForIt(EventLoop loop) {
        double start = loop.time();
        await(sleep(3600));   // on the real clock this test would time out
        assertThat(loop.time() - start).isCloseTo(3600.0, within(1e-6));
        assertThatThrownBy(() -> await(waitFor(sleep(7200), Duration.ofMinutes(1))))
                .isInstanceOf(TimeoutError.class);
        assertThat(loop.time() - start).isCloseTo(3660.0, within(1e-6));
    }

    @AsyncioTest
    void withoutVirtualTimeTheLoopRunsOnTheRealClock(EventLoop loop) {
        await(sleep(0.001));
        assertThat(loop.time()).isCloseTo(System.nanoTime() / 1e9, within(60.0));
    }
}
