package io.github.asyncio4j;

/**
 * What a suspended {@link Task} waits on when it is not a future, as Trio's "abort function" is for a blocked
 * task: the timer of its sleep, or the readiness of a channel. (An awaited future is the task's wait itself: its
 * abort is {@link Future#cancel(String)}, with the same contract.) A task has at most one wait
 * ({@code Task.waitingOn}); a task in the ready queue has none.
 *
 * <p>{@link #abort} is the only way to end a wait early, and the task uses it for every exception that enters
 * the coroutine (a cancellation, a timeout, a {@link TaskGroup}'s failure).
 */
sealed interface Wait permits Task.Sleeping, EventLoop.IoWaiter {

    /**
     * Ends the wait early so that the task's step runs soon. Returns true if the awaited future accepted a
     * cancellation: its completion (which may take a while: a task finishes cancelling first) wakes the task, and
     * its outcome is what the await sees. Returns false if the step was queued, or was queued already (a future
     * that was done).
     */
    boolean abort(String reason);

    /** What the task waits on, as {@link Task#awaiting()} shows it: the future, the timer or the I/O waiter. */
    Object target();
}
