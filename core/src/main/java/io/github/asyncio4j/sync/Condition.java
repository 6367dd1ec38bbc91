package io.github.asyncio4j.sync;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.GeneratorExit;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.internal.Exceptions;
import io.github.asyncio4j.internal.Waiters;
import io.github.asyncio4j.internal.Waiters.Waiter;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * asyncio's Condition: a {@link Lock} plus a FIFO of tasks waiting to be signalled. A task holding the lock
 * awaits {@link #untilNotified()}, which releases the lock, waits for {@link #signal()}, and re-acquires the lock
 * before returning, even when the wait is cancelled.
 *
 * <pre>{@code
 * try (var held = cond.hold()) {                   // async with cond:
 *     await(cond.until(() -> !items.isEmpty()));   //     await cond.wait_for(lambda: items)
 *     take(items);
 * }
 * try (var held = cond.hold()) {
 *     items.add(x);
 *     cond.signal();                               //     cond.notify()
 * }
 * }</pre>
 *
 * <p>Python's {@code wait()}, {@code wait_for()}, {@code notify()}, {@code notify_all()} are
 * {@link #untilNotified()}, {@link #until}, {@link #signal()}, {@link #signalAll()} here ({@code Object}'s are
 * final). Waiting and signalling need the lock held by the calling task, else {@link IllegalStateException}.
 * A signalled task that is cancelled before it runs passes its signal on to the next waiter, so a signal is
 * never lost (the next one may see a spurious wake-up, which the condition-variable protocol allows).
 * Loop-confined.
 */
public final class Condition {
    private final Lock lock;
    private final Waiters waiters = new Waiters(this);
    private final Awaitable<Void> untilNotified = this::waitNotified;
    private final Held held;

    /** A condition with its own new {@link Lock}. */
    public Condition() {
        this(new Lock());
    }

    /** A condition over {@code lock} (several conditions may share one lock). */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.held = lock::release;
    }

    /** Acquires the underlying lock: same as {@code lock.acquire()}. */
    public Awaitable<Void> acquire() {
        return lock.acquire();
    }

    /** Releases the underlying lock. @throws IllegalStateException if the calling task does not hold it */
    public void release() {
        lock.release();
    }

    /** True while the underlying lock is held. */
    public boolean locked() {
        return lock.locked();
    }

    /** Awaits the underlying lock; the returned {@link Held} releases it: {@code async with cond:}. */
    public Held hold() {
        lock.acquire().await();
        return held;
    }

    /**
     * An awaitable that releases the lock, waits until signalled, and re-acquires the lock (also when it is
     * cancelled: then it re-acquires and rethrows the {@link CancelledError}).
     *
     * @throws IllegalStateException (when awaited) if the calling task does not hold the lock
     */
    public Awaitable<Void> untilNotified() {
        return untilNotified;
    }

    /**
     * An awaitable that waits ({@link #untilNotified()}) until {@code predicate} is true; the predicate is checked
     * first, and then after every wake-up, always with the lock held.
     */
    public Awaitable<Void> until(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return () -> {
            while (!predicate.getAsBoolean()) {
                waitNotified();
            }
            return null;
        };
    }

    /** Wakes one waiting task. @throws IllegalStateException if the calling task does not hold the lock */
    public void signal() {
        signal(1);
    }

    /** Wakes up to {@code n} waiting tasks, first come first woken. @throws IllegalStateException without the lock */
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("signal(n) needs n >= 0, got " + n);
        }
        requireLock("signal()");
        wake(n);
    }

    /** Wakes every waiting task. @throws IllegalStateException if the calling task does not hold the lock */
    public void signalAll() {
        requireLock("signalAll()");
        waiters.wakeAll();
    }

    private void wake(int n) {
        for (int i = 0; i < n && waiters.wakeOne(); i++) {
            // each wake-up grants one waiter
        }
    }

    private Void waitNotified() {
        Task<?> me = requireLock("untilNotified()");
        lock.release();
        Waiter w = waiters.add(me);
        Throwable failure = null;
        try {
            w.await();
        } catch (Throwable t) {
            failure = t;
            if (!w.granted()) {
                waiters.remove(w);
            }
        }
        if (!(failure instanceof GeneratorExit)) {   // a closing coroutine cannot wait for the lock
            while (true) {
                try {
                    lock.acquire().await();
                    break;
                } catch (CancelledError e) {
                    failure = e;    // keep waiting for the lock: the caller expects to hold it
                }
            }
        }
        if (failure != null) {
            if (w.granted()) {
                wake(1);    // we were signalled but end with an error: hand the signal to the next waiter
            }
            throw Exceptions.sneakyThrow(failure);
        }
        return null;
    }

    private Task<?> requireLock(String what) {
        Task<?> me = Waiters.currentTask();
        if (me == null || !lock.isHeldByCurrentTask()) {
            throw new IllegalStateException("Condition." + what + " needs the condition's lock held by the "
                    + "calling task" + (me == null ? " (called outside any task)" : ""));
        }
        return me;
    }

    @Override
    public String toString() {
        return "Condition[" + lock + ", waiters=" + waiters.pending() + "]";
    }
}
