package io.github.asyncio4j.sync;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.internal.Waiters;
import io.github.asyncio4j.internal.Waiters.Waiter;

/**
 * asyncio's Semaphore: a counter of permits; {@link #acquire()} takes one, waiting while there are none, and
 * {@link #release()} gives one back. Any task (or callback) may release: permits are not owned.
 *
 * <pre>{@code
 * try (var held = slots.hold()) {     // async with slots:
 *     ...
 * }
 * }</pre>
 *
 * <p>Waiters are served first come, first served: {@code release()} hands the permit straight to the first
 * waiting task. A waiter that is cancelled leaves no trace: if still waiting it is dropped; if a permit had
 * already been handed to it, it passes the permit on. Invariant: permits are available only while no waiter
 * is pending. Loop-confined; it binds to the loop of its first waiter.
 */
public class Semaphore {
    private final Waiters waiters = new Waiters(this);
    private final Awaitable<Void> acquire = this::acquireNow;
    private final Held held = this::release;
    private int value;

    /** A semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /** A semaphore with {@code value} permits. @throws IllegalArgumentException if {@code value < 0} */
    public Semaphore(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0, got " + value);
        }
        this.value = value;
    }

    /** An awaitable that takes a permit, waiting (FIFO) while none is available. */
    public Awaitable<Void> acquire() {
        return acquire;
    }

    /** Awaits {@link #acquire()}; the returned {@link Held} releases the permit: {@code async with sem:}. */
    public Held hold() {
        acquire.await();
        return held;
    }

    /** Gives a permit back: to the first waiting task if there is one, else to the counter. */
    public void release() {
        give();
    }

    /** True when an {@link #acquire()} would wait. */
    public boolean locked() {
        return value == 0;
    }

    /** The permits available now. */
    public int availablePermits() {
        return value;
    }

    private Void acquireNow() {
        if (value > 0) {
            value--;        // permits available implies nobody is waiting: take one
            return null;
        }
        Waiter w = waiters.add(null);
        try {
            w.await();
        } catch (Throwable t) {
            if (w.granted()) {
                give();         // handed a permit, but we will not run: pass it on
            } else {
                waiters.remove(w);
            }
            throw t;
        }
        return null;
    }

    final void give() {
        if (!waiters.wakeOne()) {
            value++;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[value=" + value + ", waiters=" + waiters.pending() + "]";
    }
}
