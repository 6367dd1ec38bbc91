package io.github.asyncio4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.net.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WriteFlowControl}: pause and resume alternate at the marks; a throwing protocol is reported, not lost. */
class WriteFlowControlTest {

    /** Records the calls it gets; throws from them when asked. */
    static final class Recording implements Protocol {
        final List<String> calls = new ArrayList<>();
        boolean fail;

        @Override
        public void dataReceived(ByteBuffer data) {
        }

        @Override
        public void pauseWriting() {
            calls.add("pause");
            if (fail) {
                throw new IllegalStateException("pause failed");
            }
        }

        @Override
        public void resumeWriting() {
            calls.add("resume");
            if (fail) {
                throw new IllegalStateException("resume failed");
            }
        }
    }

    @Test
    void pauseAndResumeAlternateAtTheMarks() {
        try (EventLoop loop = EventLoop.create()) {
            WriteFlowControl flow = new WriteFlowControl(loop);
            Recording p = new Recording();
            assertThat(flow.high()).isEqualTo(WriteFlowControl.DEFAULT_HIGH_WATER);
            assertThat(flow.low()).isEqualTo(WriteFlowControl.DEFAULT_HIGH_WATER / 4);
            flow.maybePause(flow.high(), p);          // at the mark: not past it
            flow.maybePause(flow.high() + 1, p);
            flow.maybePause(flow.high() + 2, p);      // paused already
            flow.pause(p);                            // likewise
            flow.maybeResume(flow.low() + 1, p);      // above the low mark
            flow.maybeResume(flow.low(), p);
            flow.maybeResume(0, p);                   // resumed already
            assertThat(p.calls).containsExactly("pause", "resume");
            flow.setLimits(100, 10, 101, p);          // new marks apply to the current buffer at once
            flow.setLimits(1000, 200, 101, p);
            assertThat(p.calls).containsExactly("pause", "resume", "pause", "resume");
            assertThatThrownBy(() -> flow.setLimits(10, 20, 0, p)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("need 0 <= low <= high: high=10, low=20");
            assertThatThrownBy(() -> flow.setLimits(10, -1, 0, p)).isInstanceOf(IllegalArgumentException.class);
            assertThat(flow.high()).isEqualTo(1000);
        }
    }

    @Test
    void aThrowingProtocolIsReportedAndTheStateStillChanges() {
        try (EventLoop loop = EventLoop.create()) {
            List<ExceptionContext> reported = new ArrayList<>();
            loop.setExceptionHandler((l, context) -> reported.add(context));
            WriteFlowControl flow = new WriteFlowControl(loop);
            Recording p = new Recording();
            p.fail = true;
            flow.maybePause(Long.MAX_VALUE, p);
            flow.maybePause(Long.MAX_VALUE, p);
            flow.maybeResume(0, p);
            assertThat(p.calls).containsExactly("pause", "resume");
            assertThat(reported).extracting(ExceptionContext::message)
                    .containsExactly("protocol.pauseWriting() failed", "protocol.resumeWriting() failed");
            assertThat(reported).extracting(c -> c.exception().getMessage())
                    .containsExactly("pause failed", "resume failed");
        }
    }
}
