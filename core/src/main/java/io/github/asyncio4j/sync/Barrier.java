package io.github.asyncio4j.sync;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.internal.Waiters;
import io.github.asyncio4j.internal.Waiters.Waiter;

/**
 * asyncio's Barrier (Python 3.11): {@code parties} tasks wait in {@link #arriveAndWait()} until the last one
 * arrives; then all of them go on, each with its arrival index ({@code 0 .. parties-1}).
 *
 * <pre>{@code
 * int index = await(barrier.arriveAndWait());      // index = await barrier.wait()
 * }</pre>
 *
 * <p>States: FILLING (tasks arrive and wait) → DRAINING when the last party arrives (the waiting tasks leave;
 * newcomers wait until all have left) → FILLING again. {@link #reset()} → RESETTING while tasks are inside (they
 * get {@link BrokenBarrierError}; the barrier fills again once they have left). {@link #abort()} → BROKEN until
 * {@code reset()}: waiting and arriving tasks get {@code BrokenBarrierError}. A task cancelled while it waits
 * leaves the barrier (it no longer counts as arrived). {@code reset()} and {@code abort()} never wait, so unlike
 * Python's they are plain methods. Loop-confined; it binds to the loop of its first waiter.
 */
public final class Barrier {
    private enum State { FILLING, DRAINING, RESETTING, BROKEN }

    private final int parties;
    /** Tasks that arrived and wait for the barrier to fill. */
    private final Waiters arrived = new Waiters(this);
    /** Tasks that wait for a drain or reset to end before they may arrive. */
    private final Waiters blocked = new Waiters(this);
    private final Awaitable<Integer> arriveAndWait = this::arrive;
    private State state = State.FILLING;
    /** Tasks inside the barrier: arrived and not yet left. */
    private int count;

    /** A barrier for {@code parties} tasks. @throws IllegalArgumentException if {@code parties < 1} */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("Barrier parties must be >= 1, got " + parties);
        }
        this.parties = parties;
    }

    /**
     * An awaitable that arrives at the barrier and waits until {@code parties} tasks have arrived; returns this
     * task's arrival index.
     *
     * @throws BrokenBarrierError (when awaited) if the barrier is or becomes broken or reset while waiting
     */
    public Awaitable<Integer> arriveAndWait() {
        return arriveAndWait;
    }

    /**
     * Returns the barrier to its empty FILLING state. Tasks waiting in it get {@link BrokenBarrierError}; if there
     * are any, the barrier is RESETTING until they have left.
     */
    public void reset() {
        if (count > 0) {
            state = State.RESETTING;
        } else {
            state = State.FILLING;
        }
        arrived.wakeAll();
        blocked.wakeAll();
    }

    /** Breaks the barrier: waiting and future arrivals get {@link BrokenBarrierError} until {@link #reset()}. */
    public void abort() {
        state = State.BROKEN;
        arrived.wakeAll();
        blocked.wakeAll();
    }

    /** How many tasks must arrive for the barrier to open. */
    public int parties() {
        return parties;
    }

    /** How many tasks wait in the barrier for it to fill (0 while it drains or resets). */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /** True after {@link #abort()}, until {@link #reset()}. */
    public boolean isBroken() {
        return state == State.BROKEN;
    }

    private Integer arrive() {
        while (state == State.DRAINING || state == State.RESETTING) {
            park(blocked);
        }
        if (state == State.BROKEN) {
            throw new BrokenBarrierError("Barrier aborted");
        }
        int index = count++;
        try {
            if (index + 1 == parties) {
                state = State.DRAINING;
                arrived.wakeAll();
            } else {
                while (state == State.FILLING) {
                    park(arrived);
                }
                if (state == State.BROKEN || state == State.RESETTING) {
                    throw new BrokenBarrierError("Barrier " + (state == State.BROKEN ? "aborted" : "reset")
                            + " while waiting");
                }
            }
            return index;
        } finally {
            leave();
        }
    }

    private void leave() {
        if (--count == 0) {
            if (state == State.DRAINING || state == State.RESETTING) {
                state = State.FILLING;
            }
            blocked.wakeAll();
        }
    }

    private static void park(Waiters queue) {
        Waiter w = queue.add(null);
        try {
            w.await();
        } catch (Throwable t) {
            queue.remove(w);
            throw t;
        }
    }

    @Override
    public String toString() {
        return "Barrier[" + state.name().toLowerCase() + ", waiters=" + count + "/" + parties + "]";
    }
}
