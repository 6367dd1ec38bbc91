package io.github.asyncio4j.internal;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.util.ArrayDeque;

/**
 * The FIFO of tasks waiting on one primitive, each represented by a {@link Waiter} future that the primitive
 * completes to wake it (a grant). The queue binds to the event loop of its first waiter, as asyncio's
 * primitives do; a waiter from another loop is an error.
 *
 * <p>Invariants: a waiter is pending until granted (result set) or cancelled (its task was cancelled: Task.cancel
 * cancels the future it awaits); {@link #pollPending()} skips and drops cancelled ones, so a cancelled waiter
 * never receives a grant. Loop-confined.
 *
 * <p>Internal: shared by {@code sync} and {@code queue}; not part of the API (the package is not exported).
 */
public final class Waiters {
    /** A waiting task's future; its result (null) is the grant. */
    public static final class Waiter extends Future<Void> {
        /** The waiting task: who the lock is handed to. */
        public final Task<?> task;

        Waiter(EventLoop loop, Task<?> task) {
            super(loop);
            this.task = task;
        }

        /** Granted: woken with a result, as opposed to cancelled or still waiting. */
        public boolean granted() {
            return isDone() && !isCancelled();
        }
    }

    private final Object owner;
    private EventLoop loop;
    private ArrayDeque<Waiter> queue;

    /** Waiters of {@code owner} (named in the error for a waiter from another loop). */
    public Waiters(Object owner) {
        this.owner = owner;
    }

    /** Appends a waiter for {@code task} (null when the primitive does not track tasks) on the running loop. */
    public Waiter add(Task<?> task) {
        return add(task, false);
    }

    /** Adds a waiter at the head (a woken waiter that found nothing retries first) or at the tail. */
    public Waiter add(Task<?> task, boolean first) {
        Waiter w = new Waiter(boundLoop(), task);
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        if (first) {
            queue.addFirst(w);
        } else {
            queue.addLast(w);
        }
        return w;
    }

    /** Removes and returns the first pending waiter, dropping cancelled ones; null if no waiter is pending. */
    public Waiter pollPending() {
        ArrayDeque<Waiter> q = queue;
        if (q == null) {
            return null;
        }
        Waiter w;
        while ((w = q.pollFirst()) != null) {
            if (!w.isDone()) {
                return w;
            }
        }
        return null;
    }

    /** Grants the first pending waiter; false if none is pending. */
    public boolean wakeOne() {
        Waiter w = pollPending();
        if (w == null) {
            return false;
        }
        w.setResult(null);
        return true;
    }

    /** Grants every pending waiter. */
    public void wakeAll() {
        while (wakeOne()) {
            // each grant schedules its task
        }
    }

    /** Forgets {@code w} (a waiter that gives up); no-op if it was already taken off the queue. */
    public void remove(Waiter w) {
        if (queue != null) {
            queue.remove(w);
        }
    }

    /** How many waiters are still pending (cancelled ones not yet dropped are not counted). */
    public int pending() {
        int n = 0;
        if (queue != null) {
            for (Waiter w : queue) {
                if (!w.isDone()) {
                    n++;
                }
            }
        }
        return n;
    }

    private EventLoop boundLoop() {
        EventLoop running = Async.getRunningLoop();
        if (loop != running) {
            if (loop != null) {
                throw new IllegalStateException(owner + " is bound to a different event loop");
            }
            loop = running;
        }
        return running;
    }

    /** The task that is running now, or null outside any task (or outside any running loop). */
    public static Task<?> currentTask() {
        try {
            return Async.currentTask();
        } catch (IllegalStateException noLoop) {
            return null;
        }
    }

    /** The running task. @throws IllegalStateException naming {@code what} if called outside a task */
    public static Task<?> requireTask(String what) {
        Task<?> t = currentTask();
        if (t == null) {
            throw new IllegalStateException(what + " must be awaited inside a running task");
        }
        return t;
    }
}
