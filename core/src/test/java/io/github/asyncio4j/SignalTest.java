package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Signals: loop handlers and {@link Async#run}'s Ctrl-C, for real, in child JVMs. */
@Timeout(120)
class SignalTest {

    @Test
    void theFirstCtrlCCancelsTheMainTaskAndRunThrows() throws Exception {
        try (ChildJvm child = ChildJvm.start(SignalChild.class, "polite")) {
            child.awaitLine("ready");
            child.signal("INT");
            assertThat(child.exitValue()).as(child.output()).isEqualTo(3);
            assertThat(child.output()).contains("cleanup: " + Async.INTERRUPTED)
                    .contains("run threw CancelledError: " + Async.INTERRUPTED);
        }
    }

    @Test
    void theSecondCtrlCGetsTheJvmDefaultExit130() throws Exception {
        try (ChildJvm child = ChildJvm.start(SignalChild.class, "stubborn")) {
            child.awaitLine("ready");
            child.signal("INT");
            child.awaitLine("still running");
            child.signal("INT");
            assertThat(child.exitValue()).as(child.output()).isEqualTo(130);
        }
    }

    @Test
    void aLoopHandlerRunsOnTheLoopThreadUntilRemoved() throws Exception {
        try (ChildJvm child = ChildJvm.start(SignalChild.class, "handler")) {
            child.awaitLine("ready");
            child.signal("USR2");
            child.awaitLine("USR2 1");
            child.signal("USR2");
            assertThat(child.exitValue()).as(child.output()).isZero();
            assertThat(child.output()).contains("USR2 1 on the loop thread: true", "USR2 2 on the loop thread: true",
                    "removed: true", "removed again: false");
        }
    }

    @Test
    void unknownAndReservedSignalsAreClearErrors() {
        Async.run(Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            assertThatThrownBy(() -> loop.addSignalHandler("NOPE", () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown signal name 'NOPE'");
            assertThatThrownBy(() -> loop.addSignalHandler("KILL", () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SIGKILL");
            assertThatThrownBy(() -> loop.removeSignalHandler("NOPE")).isInstanceOf(IllegalArgumentException.class);
            assertThat(loop.removeSignalHandler("HUP")).isFalse();
            return null;
        }));
    }

    /** In this JVM, on USR2: HUP would do, but a build run under nohup ignores HUP, and the JVM keeps an ignored HUP. */
    @Test
    void addAndRemoveRestoreThePreviousHandler() {
        sun.misc.SignalHandler mine = sig -> { };
        sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("USR2"), mine);
        try {
            Async.run(Coroutine.of(() -> {
                EventLoop loop = Async.getRunningLoop();
                loop.addSignalHandler("USR2", () -> { });
                loop.addSignalHandler("SIGUSR2", () -> { });   // replaces the callback, keeps the saved handler
                assertThat(loop.removeSignalHandler("usr2")).isTrue();
                loop.addSignalHandler("USR2", () -> { });      // left for close() to remove
                return null;
            }));
            assertThat(sun.misc.Signal.handle(new sun.misc.Signal("USR2"), mine)).isSameAs(mine);
        } finally {
            sun.misc.Signal.handle(new sun.misc.Signal("USR2"), before);
        }
    }
}
