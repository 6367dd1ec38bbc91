package io.github.asyncio4j.sync;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.internal.Waiters;
import io.github.asyncio4j.internal.Waiters.Waiter;

/**
 * asyncio's Lock: mutual exclusion between tasks of one event loop, owned by the task that acquired it.
 *
 * <pre>{@code
 * await(lock.acquire());              // lock.acquire() ... finally lock.release()
 * try { ... } finally { lock.release(); }
 *
 * try (var held = lock.hold()) {      // async with lock:
 *     ...
 * }
 * }</pre>
 *
 * <p>Waiters are served first come, first served: {@link #release()} hands the lock straight to the first
 * waiting task, so a task arriving later cannot overtake. A waiter that is cancelled leaves no trace: if it was
 * still waiting it is dropped; if the lock had already been handed to it, it passes the lock on before its
 * {@code CancelledError} propagates.
 *
 * <p>Unlike Python's, the lock knows its owner: {@link #release()} by any other task (or of an unlocked lock)
 * throws {@link IllegalStateException}, and so does acquiring it again from the task that holds it (it is not
 * reentrant, and that would wait forever). The owner is the task that awaits {@code acquire()}: an acquisition
 * wrapped in a task of its own ({@code ensureFuture(lock.acquire())}, {@code gather}) belongs to that task.
 * Invariant: no waiter is pending while the lock is free.
 * Loop-confined: use it from its loop's thread only; it binds to the loop of its first waiter.
 */
public final class Lock {
    private final Waiters waiters = new Waiters(this);
    private final Awaitable<Void> acquire = this::acquireNow;
    private final Held held = this::release;
    /** The task holding the lock, or null when it is free. */
    private Task<?> owner;

    /**
     * An awaitable that acquires the lock for the calling task, waiting (FIFO) while another task holds it.
     *
     * @throws IllegalStateException (when awaited) outside a running task, or if the calling task already holds
     *     the lock
     */
    public Awaitable<Void> acquire() {
        return acquire;
    }

    /**
     * Awaits {@link #acquire()} and returns a {@link Held} whose {@code close()} releases the lock: the
     * try-with-resources form of {@code async with lock:}. Suspends the calling task; call it inside a task.
     */
    public Held hold() {
        acquire.await();
        return held;
    }

    /**
     * Releases the lock; the first waiting task, if any, becomes its owner and is woken.
     *
     * @throws IllegalStateException if the lock is not held by the calling task
     */
    public void release() {
        Task<?> current = Waiters.currentTask();
        if (owner != current) {
            throw new IllegalStateException(owner == null
                    ? "Lock.release() of a lock that is not acquired"
                    : "Lock.release() by " + describe(current) + ", but the lock is held by task '"
                            + owner.getName() + "'");
        }
        handOff();
    }

    /** True while some task holds the lock (including a waiter it was just handed to). */
    public boolean locked() {
        return owner != null;
    }

    /** True if the calling task holds the lock. */
    public boolean isHeldByCurrentTask() {
        return owner != null && owner == Waiters.currentTask();
    }

    private Void acquireNow() {
        Task<?> me = Waiters.requireTask("Lock.acquire()");
        if (owner == null) {
            owner = me;     // free implies nobody is waiting: take it
            return null;
        }
        if (owner == me) {
            throw new IllegalStateException("Lock is not reentrant: task '" + me.getName() + "' already holds it");
        }
        Waiter w = waiters.add(me);
        try {
            w.await();
        } catch (Throwable t) {
            if (w.granted()) {
                handOff();      // handed to us, but we will not run: pass it on
            } else {
                waiters.remove(w);
            }
            throw t;
        }
        return null;
    }

    private void handOff() {
        Waiter next = waiters.pollPending();
        if (next == null) {
            owner = null;
        } else {
            owner = next.task;
            next.setResult(null);
        }
    }

    private static String describe(Task<?> task) {
        return task == null ? "a caller outside any task" : "task '" + task.getName() + "'";
    }

    @Override
    public String toString() {
        return owner == null ? "Lock[unlocked]"
                : "Lock[locked by '" + owner.getName() + "', waiters=" + waiters.pending() + "]";
    }
}
