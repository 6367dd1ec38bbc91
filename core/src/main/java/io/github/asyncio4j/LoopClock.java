package io.github.asyncio4j;

import java.time.Duration;

/**
 * The event loop's clock: where {@link EventLoop#time()} and every timer deadline come from
 * ({@link EventLoop#create(LoopClock)}). {@link #monotonic()} is real time; a {@link VirtualClock} lets tests run
 * hours of timers in no real time.
 *
 * <p>A clock belongs to one loop. {@link #nanoTime()} may be read from any thread; {@link #beforeBlock} is called
 * only by the loop's thread.
 */
public interface LoopClock {
    /** The clock's time in nanoseconds; never decreases. Its origin is arbitrary (as {@link System#nanoTime()}). */
    long nanoTime();

    /**
     * The loop has nothing to run and is about to block in its selector. {@code timeoutNanos} is how long, in this
     * clock's time, until its next timer is due ({@code -1}: it has no timer). Returns how long, in real
     * nanoseconds, the loop may block ({@code -1}: until woken by I/O or another thread; {@code 0}: not at all). A
     * clock whose time does not pass by itself moves it here (see {@link VirtualClock}).
     *
     * <p>For a {@linkplain #isVirtual() virtual} clock the loop calls this only when it is idle: no ready callback,
     * no ready I/O (it polls its selector without blocking first), and no work it handed to a thread
     * ({@link EventLoop#runInExecutor}, {@link Async#toThread}) still running; while such work runs it blocks
     * until woken, without asking the clock.
     */
    default long beforeBlock(long timeoutNanos) {
        return timeoutNanos;
    }

    /**
     * True if time does not pass by itself on this clock, so the loop must check that it is really idle before it
     * calls {@link #beforeBlock} (see there). False for {@link #monotonic()}: the loop then blocks for the timer's
     * timeout straight away, at no extra cost.
     */
    default boolean isVirtual() {
        return false;
    }

    /** Real monotonic time: {@link System#nanoTime()}. The default clock of every loop. */
    static LoopClock monotonic() {
        return MonotonicClock.INSTANCE;
    }

    /** Seconds, the unit of {@link EventLoop#time()} and of every deadline, from a {@link Duration}. */
    static double seconds(Duration d) {
        return seconds(d.toNanos());
    }

    /** Seconds, the unit of {@link EventLoop#time()} and of every deadline, from nanoseconds (exact for whole seconds). */
    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
