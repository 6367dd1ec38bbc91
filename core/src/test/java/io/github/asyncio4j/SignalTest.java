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

    @Test
    void addAndRemoveRestoreThePreviousHandler() {
        sun.misc.SignalHandler mine = sig -> { };
        sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), mine);
        try {
            Async.run(Coroutine.of(() -> {
                EventLoop loop = Async.getRunningLoop();
                loop.addSignalHandler("HUP", () -> { });
                loop.addSignalHandler("SIGHUP", () -> { });   // replaces the callback, keeps the saved handler
                assertThat(loop.removeSignalHandler("hup")).isTrue();
                loop.addSignalHandler("HUP", () -> { });      // left for close() to remove
                return null;
            }));
            assertThat(sun.misc.Signal.handle(new sun.misc.Signal("HUP"), mine)).isSameAs(mine);
        } finally {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), before);
        }
    }
}
