package io.github.asyncio4j;

import io.github.asyncio4j.internal.Exceptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Structured concurrency (Python 3.11's {@code asyncio.TaskGroup}): tasks created in the group cannot outlive
 * its block.
 * <pre>{@code
 * try (var tg = new TaskGroup()) {
 *     Task<String> a = tg.createTask(fetch("a"));
 *     tg.createTask(fetch("b"));
 * }   // waits for both; a.result() is ready here
 * }</pre>
 * <ul>
 * <li>Leaving the block ({@link #close()}) waits for every child, including tasks created meanwhile.</li>
 * <li>The first child that fails (with anything but {@link CancelledError}) cancels the others, and counts a
 *     cancellation request on the block's task until {@code close()} (so {@link Task#cancelling()} is 1 there, as
 *     in asyncio, though the block is not cancelled); when they have
 *     all finished, the failures (in the order they happened) surface as one {@link ExceptionGroup}: raised at
 *     the block's current await point if the block is still running (Python cancels the block; here it gets the
 *     group itself, since Java's {@code close()} cannot replace an exception in flight), and by {@code close()}
 *     in every case, so that they are never lost: if the block's group is still in flight, it carries
 *     {@code close()}'s as suppressed; if the block caught it, or a {@code finally} replaced it with another
 *     exception, {@code close()}'s group is what surfaces, or is added to that exception as suppressed.
 *     No task can be added once a child has failed.</li>
 * <li>{@code close()} waits for the children whatever interrupts the wait (a cancellation, a deadline, an
 *     enclosing group's failure): it cancels them, waits until they are done, and then raises the children's
 *     group if there are failures (with the interruption as suppressed), else the interruption. So no child
 *     outlives its group, nested groups included.</li>
 * <li>If the block is cancelled (or an enclosing {@link Timeout} expires), before or while {@code close()}
 *     waits, the children are cancelled and waited for, and the cancellation (or {@link TimeoutError}) goes on.
 *     Put the timeout scope first: {@code try (var t = timeout(d); var tg = new TaskGroup())}, so that it also
 *     covers the wait in {@code close()}.</li>
 * <li>If the block throws anything else, Java gives {@code close()} no sight of it: the children are still
 *     waited for, and a group of their failures is added to the block's exception as suppressed. Call
 *     {@link #cancel()} in the block (e.g. in a {@code catch}) to stop them early.</li>
 * </ul>
 * Loop-confined; the group belongs to the task that created it, and only that task may close it.
 */
public final class TaskGroup implements AutoCloseable {
    private final EventLoop loop;
    private final Task<?> parent;
    private final int parentCancellingAtStart;
    private final Set<Task<?>> children = new LinkedHashSet<>();
    private final List<Throwable> errors = new ArrayList<>();
    /** A child failed or {@link #cancel()} was called: the children are being cancelled, no new ones start. */
    private boolean aborting;
    private boolean exiting;
    private boolean exited;
    /**
     * A child's failure counted a cancellation request on the parent task (as asyncio's group cancels its parent),
     * so that {@link Task#cancelling()} says the block is being aborted; {@code close()} withdraws it.
     */
    private boolean parentCancelRequested;
    /** The failures were raised in the block already: {@code close()} must not raise them again. */
    private boolean errorsRaised;
    /** Completed when the last child finishes while {@code close()} waits. */
    private Future<Void> allDone;

    /** A group owned by the running task. @throws IllegalStateException outside a running task */
    public TaskGroup() {
        loop = Async.getRunningLoop();
        parent = loop.currentTask();
        if (parent == null) {
            throw new IllegalStateException("a TaskGroup must be created inside a running task");
        }
        parentCancellingAtStart = parent.cancelling();
    }

    /** Starts {@code coro} as a child task. @throws IllegalStateException if the group has finished or is aborting */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /** Starts {@code coro} as a named child task. */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        Objects.requireNonNull(coro, "coro");
        if (exited) {
            coro.close();
            throw new IllegalStateException("TaskGroup is finished: no task can be added to it");
        }
        if (aborting) {
            coro.close();
            throw new IllegalStateException("TaskGroup is shutting down: no task can be added to it");
        }
        Task<T> task = loop.createTask(coro, name);
        task.setGroupParent(parent);   // the await tree shows the child under the group's task
        children.add(task);
        task.addDoneCallback(this::childDone);
        return task;
    }

    /** Cancels every child still running; the group then accepts no new task. Leaving the block still waits. */
    public void cancel() {
        aborting = true;
        for (Task<?> t : List.copyOf(children)) {
            t.cancel();
        }
    }

    private void childDone(Future<?> child) {
        children.remove(child);
        if (!child.isCancelled()) {
            Throwable e = child.exception();
            if (e != null) {
                errors.add(e);
                if (!aborting) {
                    if (!parentCancelRequested) {
                        parentCancelRequested = true;
                        parent.addCancelRequest();
                    }
                    cancel();
                }
            }
        }
        if (!children.isEmpty()) {
            return;
        }
        if (allDone != null) {
            allDone.setResult(null);
        } else if (!exiting && !errors.isEmpty() && !errorsRaised) {
            errorsRaised = true;
            parent.interrupt(group());
        }
    }

    /**
     * Leaves the block: waits for every child, then raises the children's failures as an {@link ExceptionGroup}
     * (again, if they were raised in the block already: errors never vanish). See the class comment for a
     * cancelled or failing block.
     */
    @Override
    public void close() {
        if (exited) {
            return;
        }
        if (loop.currentTask() != parent) {
            throw new IllegalStateException("a TaskGroup must be closed by the task that created it: " + parent);
        }
        exiting = true;
        Throwable interrupted = null;
        parent.shield();   // an expired timeout scope must not fail this wait: the children are waited for
        try {
            if (parent.cancelling() > parentCancellingAtStart && !aborting) {
                cancel();   // the block was cancelled or timed out: so are the children
            }
            while (!children.isEmpty()) {
                allDone = loop.createFuture();
                try {
                    allDone.await();
                } catch (Throwable e) {
                    // cancelled, timed out, or an enclosing group's failure: cancel the children, still wait
                    if (interrupted == null) {
                        interrupted = e;
                    } else if (e != interrupted) {
                        interrupted.addSuppressed(e);
                    }
                    cancel();
                }
            }
        } finally {
            parent.unshield();
            if (parentCancelRequested) {
                parentCancelRequested = false;
                parent.uncancel();
            }
            exited = true;
            allDone = null;
        }
        if (!errors.isEmpty()) {
            errorsRaised = true;
            ExceptionGroup g = group();
            if (interrupted != null) {
                g.addSuppressed(interrupted);   // an enclosing group raises its own errors again when it closes
            }
            throw g;
        }
        if (interrupted != null) {
            throw Exceptions.sneakyThrow(interrupted);
        }
    }

    private ExceptionGroup group() {
        return new ExceptionGroup("unhandled errors in a TaskGroup", errors);
    }

    @Override
    public String toString() {
        return "<TaskGroup tasks=" + children.size() + (aborting ? " aborting" : "") + (exited ? " exited" : "")
                + (errors.isEmpty() ? "" : " errors=" + errors.size()) + ">";
    }
}
