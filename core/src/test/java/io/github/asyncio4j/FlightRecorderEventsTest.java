package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The loop's JFR events: off by default, recorded when a recording enables them. */
@Timeout(60)
class FlightRecorderEventsTest {
    @TempDir
    Path dir;

    @Test
    void taskLifetimesAndSlowCallbacksAreRecordedWhenEnabled() throws Exception {
        Path file = dir.resolve("loop.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.github.asyncio4j.Task");
            r.enable("io.github.asyncio4j.SlowCallback").withThreshold(java.time.Duration.ofMillis(20));
            r.start();
            Async.run(Coroutine.of(() -> {
                await(Async.createTask(Coroutine.of(() -> {
                    await(Async.sleep(0.01));
                    return null;
                }), "recorded"));
                Async.getRunningLoop().callSoon(() -> {
                    long end = System.nanoTime() + 50_000_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();   // a callback that holds the loop for 50 ms
                    }
                });
                await(Async.sleep(0));
                await(Async.sleep(0));
                return null;
            }));
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("io.github.asyncio4j.Task");
            assertThat(e.getString("task")).isEqualTo("recorded");
            assertThat(e.getDuration().toNanos()).isPositive();
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("io.github.asyncio4j.SlowCallback");
            assertThat(e.getString("loop")).startsWith("loop-");
        });
        assertThat(Files.size(file)).isPositive();
    }

    @Test
    void theEventsAreOffByDefault() {
        assertThat(LoopEvents.taskEnabled()).isFalse();
        assertThat(LoopEvents.slowCallbackEnabled()).isFalse();
    }
}
