package io.github.asyncio4j;

import java.time.Duration;
import java.util.Objects;

/**
 * A clock whose time passes only when told to: by {@link #advance(Duration)}, or, with {@link #autojump()}, by
 * jumping straight to the next timer whenever the loop is idle (Trio's {@code MockClock(autojump_threshold=0)}).
 * Tests of timeouts and sleeps then run in no real time and do not depend on the machine's speed:
 * {@code EventLoop.create(VirtualClock.autojumping())}.
 *
 * <p>Idle, for the jump, is the loop's rule (see {@link LoopClock#beforeBlock}): no callback ready, no I/O ready
 * (the loop polls its selector without blocking before it asks), and no work that the loop handed to a thread
 * ({@code runInExecutor}, {@code toThread}) still running. So ready I/O is always served before time jumps, and a
 * timeout around thread work fires only once the work has finished or, if it never does, never (Trio's real-time
 * grace period, {@code autojump_threshold > 0}, is deliberately not offered: it would make a test's outcome depend
 * on how fast the machine is). Work on threads the loop does not know about (a {@link java.util.concurrent.CompletableFuture}
 * from elsewhere) does not hold the jump back.
 *
 * <p>Without autojump, the loop waits for I/O or another thread when it is idle; time moves only by
 * {@link #advance}. Call {@code advance} on the loop's thread (from a task or callback; from another thread:
 * {@code loop.callSoonThreadsafe(() -> clock.advance(d))}), so that the loop sees due timers at once.
 *
 * <p>Invariant: {@link #nanoTime()} never decreases. One clock serves one loop.
 */
public final class VirtualClock implements LoopClock {
    private volatile long now;
    private volatile boolean autojump;

    /** A clock at time 0, without autojump. */
    public VirtualClock() {
        this(0);
    }

    /** A clock at {@code originNanos}, without autojump. */
    public VirtualClock(long originNanos) {
        now = originNanos;
    }

    /** A clock at time 0 that jumps to the next timer whenever the loop is idle. */
    public static VirtualClock autojumping() {
        return new VirtualClock().autojump();
    }

    /** Turns autojump on (see the class comment); returns this clock. */
    public VirtualClock autojump() {
        autojump = true;
        return this;
    }

    /** Turns autojump off: time then moves only by {@link #advance}; returns this clock. */
    public VirtualClock noAutojump() {
        autojump = false;
        return this;
    }

    /** True if the clock jumps to the next timer when the loop is idle. */
    public boolean isAutojump() {
        return autojump;
    }

    /** Moves time forward by {@code delta}. @throws IllegalArgumentException if {@code delta} is negative */
    public synchronized void advance(Duration delta) {
        Objects.requireNonNull(delta, "delta");
        if (delta.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: advance(" + delta + ")");
        }
        now += delta.toNanos();
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** With autojump, moves time to the next timer and lets the loop go on at once; else the loop waits. */
    @Override
    public synchronized long beforeBlock(long timeoutNanos) {
        if (timeoutNanos == 0 || autojump && timeoutNanos > 0) {
            now += timeoutNanos;
            return 0;
        }
        return -1;
    }

    /** Always true: time does not pass by itself. */
    @Override
    public boolean isVirtual() {
        return true;
    }

    @Override
    public String toString() {
        return "<VirtualClock " + LoopClock.seconds(now) + "s" + (autojump ? " autojump" : "") + ">";
    }
}
