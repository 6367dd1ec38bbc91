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
 * waiting task, which holds that claim until it runs. A task that finds a permit free does not take it while a
 * woken waiter has yet to run (it queues behind: asyncio's order); that waiter, once it runs, hands the free
 * permits on to the next ones in line. A waiter that is cancelled leaves no trace: if still waiting it is
 * dropped; if a permit had already been handed to it, it passes the permit on.
 *
 * <p>Invariant: a permit is free while a waiter is pending only if a woken waiter has yet to run (and will pass
 * it on); {@link #locked()} is true while any woken waiter holds its claim. Loop-confined; it binds to the loop
 * of its first waiter.
 */
public class Semaphore {
    private final Waiters waiters = new Waiters(this);
    private final Awaitable<Void> acquire = this::acquireNow;
    private final Held held = this::release;
    private int value;
    /** Waiters handed a permit that have not run yet: their claims come before any newcomer's. */
    private int woken;

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

    /** True when an {@link #acquire()} would wait: no permit is free, or a woken waiter has yet to take its own. */
    public boolean locked() {
        return value == 0 || woken > 0;
    }

    /** The permits available now. */
    public int availablePermits() {
        return value;
    }

    private Void acquireNow() {
        if (!locked()) {
            value--;        // free, and no woken waiter ahead of us: take one
            return null;
        }
        Waiter w = waiters.add(null);
        try {
            w.await();
        } catch (Throwable t) {
            if (w.granted()) {
                woken--;
                give();         // handed a permit, but we will not run: pass it on
            } else {
                waiters.remove(w);
            }
            throw t;
        }
        woken--;
        while (value > 0 && waiters.wakeOne()) {   // permits freed while we were queued: to the next in line
            value--;
            woken++;
        }
        return null;
    }

    /** A permit comes back: to the first waiting task if there is one, else to the counter. */
    final void give() {
        if (waiters.wakeOne()) {
            woken++;
        } else {
            value++;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[value=" + value + ", waiters=" + waiters.pending()
                + (woken > 0 ? ", woken=" + woken : "") + "]";
    }
}
