package io.github.asyncio4j.internal;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.net.Protocol;

/**
 * A transport's write-buffer water marks (CPython's {@code _FlowControlMixin}), one copy for every transport
 * (socket, TLS, a child's stdin pipe):
 * when the buffer grows past the high mark the protocol is told to {@linkplain Protocol#pauseWriting() pause},
 * and once it drains to the low mark, to {@linkplain Protocol#resumeWriting() resume}.
 *
 * <p>Invariants: {@code 0 <= low <= high}; pause and resume alternate (never two pauses in a row); a protocol
 * whose pause or resume throws is reported to the loop's exception handler, and the transport goes on. One per
 * transport; loop-confined.
 */
public final class WriteFlowControl {
    /** The default high-water mark (asyncio's 64 KiB); the low mark defaults to a quarter of it. */
    public static final int DEFAULT_HIGH_WATER = 64 * 1024;

    private final EventLoop loop;
    private int high = DEFAULT_HIGH_WATER;
    private int low = DEFAULT_HIGH_WATER / 4;
    private boolean paused;

    /** Marks at their defaults, reporting a failing protocol callback to {@code loop}'s exception handler. */
    public WriteFlowControl(EventLoop loop) {
        this.loop = loop;
    }

    /** The high-water mark, in bytes. */
    public int high() {
        return high;
    }

    /** The low-water mark, in bytes. */
    public int low() {
        return low;
    }

    /** Sets the marks, then pauses or resumes {@code protocol} as {@code bufferSize} now requires. */
    public void setLimits(int high, int low, long bufferSize, Protocol protocol) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("need 0 <= low <= high: high=" + high + ", low=" + low);
        }
        this.high = high;
        this.low = low;
        maybePause(bufferSize, protocol);
        maybeResume(bufferSize, protocol);
    }

    /** After the buffer grew: pauses {@code protocol} if {@code bufferSize} is past the high mark. */
    public void maybePause(long bufferSize, Protocol protocol) {
        if (!paused && bufferSize > high) {
            pause(protocol);
        }
    }

    /** After the buffer shrank: resumes {@code protocol} if it is paused and {@code bufferSize} is at the low mark. */
    public void maybeResume(long bufferSize, Protocol protocol) {
        if (paused && bufferSize <= low) {
            paused = false;
            try {
                protocol.resumeWriting();
            } catch (RuntimeException e) {
                loop.callExceptionHandler(new ExceptionContext("protocol.resumeWriting() failed", e, null, null));
            }
        }
    }

    /** Pauses {@code protocol} whatever the buffer holds (a layer below paused); no-op if already paused. */
    public void pause(Protocol protocol) {
        if (paused) {
            return;
        }
        paused = true;
        try {
            protocol.pauseWriting();
        } catch (RuntimeException e) {
            loop.callExceptionHandler(new ExceptionContext("protocol.pauseWriting() failed", e, null, null));
        }
    }
}
