package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * Start-up cost: a loop in a JVM without a flight recorder never loads an event class (JFR would instrument
     * it: about 0.3 s of CPU for a short-lived program). Checked in a child JVM, whose class loading is logged.
     */
    @Test
    void withoutARecorderNoEventClassIsLoaded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("classes.txt");
        Process child = new ProcessBuilder(java, "-Xlog:class+load=info:file=" + log, "-cp",
                System.getProperty("java.class.path"), LoopWithoutRecorder.class.getName())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 60 s");
        }
        assertThat(Files.readString(dir.resolve("out.txt"))).contains("ran 3 tasks");
        assertThat(child.exitValue()).isZero();
        String loaded = Files.readString(log);
        assertThat(loaded).contains("io.github.asyncio4j.LoopEvents ");   // the gate itself is there
        assertThat(loaded).doesNotContain("io.github.asyncio4j.LoopEvents$SlowCallback",
                "io.github.asyncio4j.LoopEvents$TaskLife", "jdk.jfr.Event ");
    }

    /** The child JVM of {@link #withoutARecorderNoEventClassIsLoaded}: a loop that runs tasks and callbacks. */
    public static final class LoopWithoutRecorder {
        public static void main(String[] args) {
            int n = Async.run(Coroutine.of(() -> {
                int ran = 0;
                for (int i = 0; i < 3; i++) {
                    await(Async.createTask(Coroutine.of(() -> {
                        await(Async.sleep(0));
                        return null;
                    })));
                    ran++;
                }
                return ran;
            }));
            System.out.println("ran " + n + " tasks");
        }
    }

    @Test
    void theEventsAreOffByDefault() {
        assertThat(LoopEvents.taskEnabled()).isFalse();
        assertThat(LoopEvents.slowCallbackEnabled()).isFalse();
    }
}
