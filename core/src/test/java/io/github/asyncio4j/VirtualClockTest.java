package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.Async.toThread;
import static io.github.asyncio4j.Async.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The clock seam: {@link VirtualClock} with and without autojump, and the loop's rule for when time may jump. */
@Timeout(60)   // a safety net only: on the real clock, the hour-long sleeps below would never finish in time
class VirtualClockTest {
    final VirtualClock clock = VirtualClock.autojumping();
    final EventLoop loop = EventLoop.create(clock);

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void anHourLongSleepCompletesAtOnceInLoopTime() {
        double woke = loop.runUntilComplete(Coroutine.of(() -> {
            await(sleep(3600));
            return loop.time();
        }));
        assertThat(woke).isEqualTo(3600.0);
        assertThat(clock.nanoTime()).isEqualTo(TimeUnit.HOURS.toNanos(1));
    }

    @Test
    void timersFireInDeadlineOrderAndTiesInFifoOrderAtTheirOwnTime() {
        List<String> fired = new ArrayList<>();
        loop.runUntilComplete(Coroutine.of(() -> {
            for (String[] t : new String[][] {{"c", "5"}, {"a", "1"}, {"b", "3"}, {"a2", "1"}}) {
                loop.callLater(Double.parseDouble(t[1]), () -> fired.add(t[0] + "@" + loop.time()));
            }
            await(sleep(10));
            return null;
        }));
        assertThat(fired).containsExactly("a@1.0", "a2@1.0", "b@3.0", "c@5.0");
    }

    @Test
    void readyIoIsServedBeforeTimeJumps() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            sink.write(ByteBuffer.wrap(new byte[] {42}));
            List<String> seen = new ArrayList<>();
            loop.runUntilComplete(Coroutine.of(() -> {
                loop.addReader(source, () -> {
                    seen.add("read@" + loop.time());
                    loop.removeReader(source);
                });
                await(sleep(100));
                seen.add("woke@" + loop.time());
                return null;
            }));
            assertThat(seen).containsExactly("read@0.0", "woke@100.0");
        }
    }

    @Test
    void aTimerScheduledFromAnotherThreadIsSeen() throws Exception {
        Future<Double> done = loop.createFuture();
        Thread other = Thread.ofPlatform().start(() ->
                loop.callSoonThreadsafe(() -> loop.callLater(60, () -> done.setResult(loop.time()))));
        assertThat(loop.runUntilComplete(done)).isEqualTo(60.0);
        other.join();
    }

    @Test
    void timeDoesNotJumpWhileAThreadJobRuns() {
        CountDownLatch started = new CountDownLatch(1);
        String result = loop.runUntilComplete(Coroutine.of(() -> {
            // On a jumping clock, the 1 s timeout would fire at once if thread work did not hold the jump back.
            return await(waitFor(toThread(() -> {
                started.countDown();
                Thread.sleep(50);
                return "finished";
            }), Duration.ofSeconds(1)));
        }));
        assertThat(result).isEqualTo("finished");
        assertThat(loop.time()).isZero();
    }

    @Test
    void withoutAutojumpTimeMovesOnlyByAdvance() {
        VirtualClock manual = new VirtualClock(TimeUnit.SECONDS.toNanos(100));
        try (EventLoop l = EventLoop.create(manual)) {
            List<String> seen = new ArrayList<>();
            l.runUntilComplete(Coroutine.of(() -> {
                Task<Void> sleeper = createTask(Coroutine.of(() -> {
                    await(sleep(10));
                    seen.add("woke@" + l.time());
                    return null;
                }));
                await(sleep(0));
                manual.advance(Duration.ofSeconds(4));
                await(sleep(0));
                seen.add("after4@" + l.time());
                manual.advance(Duration.ofSeconds(6));
                await(sleeper);
                return null;
            }));
            assertThat(seen).containsExactly("after4@104.0", "woke@110.0");
        }
    }

    @Test
    void aClockCannotGoBack() {
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot go back");
    }

    @Test
    void theDefaultLoopRunsOnTheMonotonicClock() {
        try (EventLoop l = EventLoop.create()) {
            assertThat(l.clock()).isSameAs(LoopClock.monotonic());
            assertThat(l.time()).isEqualTo(LoopClock.seconds(System.nanoTime()), org.assertj.core.data.Offset.offset(60.0));
        }
    }
}
