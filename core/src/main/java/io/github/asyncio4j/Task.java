package io.github.asyncio4j;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * asyncio's Task: drives a {@link Coroutine} on an event loop, one step at a time, and is a {@link Future} of
 * its result. {@link #step()} resumes the coroutine; {@link #dispatch(Trap)} turns what it yielded into a
 * wake-up (a future's done callback, a timer, the next iteration, channel readiness).
 *
 * <p>Invariants: at most one wake-up is pending at a time ({@code waitingOn} names it, or the task sits in the
 * ready queue); {@code cancel()} turns that wake-up into a {@link CancelledError} raised at the await point.
 * Loop-confined, like every future.
 */
public class Task<T> extends Future<T> {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Coroutine<T> coro;
    /** The name given, or null until {@link #getName()} first formats "Task-" + {@code number}. */
    private String name;
    /** The number in the default name ("Task-N"), taken at creation; 0 for a task created with a name. */
    private final long number;
    final Context context;
    /** The step, as the loop's ready queue holds it. Reused for every step of this task. */
    final Handle stepHandle;
    /** The done callback a task registers on the future it awaits. */
    final Wakeup wakeup = new Wakeup();
    /** What the task waits for: a {@link Future}, a {@link TimerHandle}, an {@link EventLoop.IoWaiter}, or null. */
    private Object waitingOn;
    private boolean mustCancel;
    private String cancelMessage;
    private int cancelRequests;
    /** An error to raise in the coroutine at its next step (a trap the loop refused). */
    private Throwable throwNext;
    /** The task that owns the {@link TaskGroup} this task is a child of, or null: a link of the await tree. */
    Task<?> groupParent;
    /** Links of the loop's list of live (not done) tasks. */
    Task<?> prevLive;
    Task<?> nextLive;

    Task(EventLoop loop, Coroutine<T> coro, String name, Context context) {
        super(loop);
        this.coro = Objects.requireNonNull(coro, "coro");
        coro.claim();
        this.name = name;
        this.number = name != null ? 0 : COUNTER.incrementAndGet();
        this.context = context;
        this.stepHandle = new Handle(loop, wakeup, context) {
            @Override
            public String toString() {
                return "step of " + Task.this;
            }
        };
    }

    /** The done callback registered on an awaited future, and the callback of the step handle: steps this task. */
    final class Wakeup implements Consumer<Future<?>>, Runnable {
        Task<T> task() {
            return Task.this;
        }

        @Override
        public void accept(Future<?> f) {
            step();
        }

        @Override
        public void run() {
            step();
        }

        @Override
        public String toString() {
            return "step of " + Task.this;
        }
    }

    /** The task's name: given to {@code createTask}, or {@code Task-N}. */
    public String getName() {
        String n = name;
        if (n == null) {
            n = "Task-" + number;   // formatted when first asked: most tasks are never asked
            name = n;
        }
        return n;
    }

    /** Renames the task (names appear in reports and {@link EventLoop#dumpTasks()}). */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The coroutine this task drives. */
    public Coroutine<T> getCoro() {
        return coro;
    }

    /**
     * Requests cancellation: {@link CancelledError} is raised in the coroutine at its await point, and the future
     * it awaits is cancelled. The coroutine may catch it (then {@link #uncancel()} should be called). Returns
     * false if the task is already done.
     */
    @Override
    public boolean cancel(String message) {
        if (isDone()) {
            return false;
        }
        cancelRequests++;
        if (waitingOn instanceof Future<?> f && f.cancel(message)) {
            return true;   // the awaited future's cancellation wakes the task; its result() raises CancelledError
        }
        mustCancel = true;
        cancelMessage = message;
        interruptWait();
        return true;
    }

    /** How many cancellation requests are pending ({@code Task.cancelling()}). */
    public int cancelling() {
        return cancelRequests;
    }

    /** Withdraws one cancellation request; returns the number left. */
    public int uncancel() {
        if (cancelRequests > 0) {
            cancelRequests--;
            if (cancelRequests == 0) {
                mustCancel = false;
            }
        }
        return cancelRequests;
    }

    /** A task's result is set by its coroutine: calling this is an error, as in asyncio. */
    @Override
    public void setResult(T value) {
        throw new IllegalStateException("Task does not support setResult(): its coroutine sets the result");
    }

    /** A task's exception is set by its coroutine: calling this is an error, as in asyncio. */
    @Override
    public void setException(Throwable error) {
        throw new IllegalStateException("Task does not support setException(): its coroutine sets it");
    }

    /** The frames of the suspended coroutine, innermost first; empty when it is not suspended. */
    public List<StackTraceElement> getStack() {
        if (isDone() || coro.state() != Generator.State.SUSPENDED) {
            return List.of();
        }
        return Arrays.asList(coro.stackTrace());
    }

    /** What the task is waiting for right now (a future, task, timer or channel), or null if it is runnable. */
    public Object awaiting() {
        return waitingOn;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The step: the heart of the system.

    /** Resumes the coroutine once; then records its end, or dispatches on the trap it yielded. */
    private void step() {
        if (isDone()) {
            return;    // a stale wake-up after the task finished
        }
        Throwable toThrow = throwNext;
        throwNext = null;
        if (mustCancel) {
            toThrow = new CancelledError(cancelMessage);
            mustCancel = false;
        }
        waitingOn = null;
        Task<?> previous = loop.enterTask(this);
        Object yielded;
        try {
            yielded = coro.resume(null, toThrow);
        } catch (CancelledError e) {
            loop.leaveTask(previous);
            finish();
            super.cancel(e.getMessage());
            return;
        } catch (Throwable t) {
            loop.leaveTask(previous);
            finish();
            super.setException(t);
            return;
        }
        loop.leaveTask(previous);
        if (yielded == Frame.DONE) {
            finish();
            if (mustCancel) {             // cancelled right before the coroutine returned
                mustCancel = false;
                super.cancel(cancelMessage);
            } else {
                @SuppressWarnings("unchecked")
                T value = (T) coro.frame.takeResult();
                super.setResult(value);
            }
            return;
        }
        dispatch((Trap) yielded);
    }

    /** The trap table: what each request of the coroutine means to the loop. */
    private void dispatch(Trap trap) {
        switch (trap) {
            case Trap.WaitFuture(Future<?> f) -> {
                if (f.loop != loop) {
                    rejectTrap(new IllegalStateException(
                            "Task " + getName() + " got Future " + f + " attached to a different loop"));
                } else if (f == this) {
                    rejectTrap(new IllegalStateException("Task cannot await on itself: " + this));
                } else {
                    waitingOn = f;
                    @SuppressWarnings({"unchecked", "rawtypes"})
                    Consumer<Future<?>> cb = (Consumer) wakeup;
                    ((Future<Object>) f).addDoneCallback(cb);
                }
            }
            case Trap.Sleep(double deadline) -> waitingOn = loop.scheduleTimer(deadline, stepHandle.callback, context);
            case Trap.YieldOnce() -> loop.scheduleStep(this);
            case Trap.IoWait(var channel, int ops) -> waitingOn = loop.waitForIo(channel, ops, this);
        }
        if (mustCancel) {
            interruptWait();   // the task was cancelled while it ran: cancel what it just started waiting for
        }
    }

    private void rejectTrap(Throwable error) {
        throwNext = error;
        loop.scheduleStep(this);
    }

    /** Cancels the current wait so the next step raises {@link CancelledError}. */
    private void interruptWait() {
        if (stopWaiting(cancelMessage)) {
            mustCancel = false;   // the awaited future's cancellation raises CancelledError at the await
        }
    }

    /**
     * Ends the current wait early. Returns true if it cancelled an awaited future, whose completion then wakes the
     * task; otherwise the task's step is (or already was) in the ready queue.
     */
    private boolean stopWaiting(String message) {
        Object w = waitingOn;
        if (w instanceof Future<?> f) {
            return f.cancel(message);
        }
        if (w instanceof TimerHandle timer) {
            timer.cancel();
        } else if (w instanceof EventLoop.IoWaiter io) {
            io.cancel();
        } else {
            return false;
        }
        waitingOn = null;
        loop.scheduleStep(this);
        return false;
    }

    /**
     * Raises {@code error} in the coroutine at its await point, as a cancellation would, after cancelling what it
     * awaits (an awaited future is first allowed to finish cancelling). This is how a {@link Timeout} scope raises
     * {@link TimeoutError} and a {@link TaskGroup} its {@link ExceptionGroup}. A real cancellation takes precedence.
     * Must not be called from the task's own step.
     */
    void interrupt(Throwable error) {
        if (isDone()) {
            return;
        }
        throwNext = error;
        stopWaiting(error.getMessage());
    }

    /** Counts a cancellation request without raising anything: a {@link Timeout} scope's expiry, as in asyncio. */
    void addCancelRequest() {
        cancelRequests++;
    }

    /** Called when the I/O the task waited for is ready (by {@link EventLoop.IoWaiter}). */
    void ioReady() {
        waitingOn = null;
        step();
    }

    private void finish() {
        waitingOn = null;
        loop.taskFinished(this);
    }

    @Override
    String stateName() {
        return isDone() ? super.stateName() : "pending";
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<Task ").append(stateName()).append(" name='").append(getName()).append('\'');
        if (!isDone()) {
            Object w = waitingOn;
            if (w != null) {
                b.append(" wait_for=").append(switch (w) {
                    case Task<?> t -> "<Task '" + t.getName() + "'>";
                    case TimerHandle timer -> String.format("<sleep until %.3f>", timer.when());
                    default -> w;
                });
            }
            if (cancelRequests > 0) {
                b.append(" cancelling=").append(cancelRequests);
            }
        } else if (!isCancelled()) {
            Throwable e = peekException();
            b.append(e != null ? " exception=" + e : " result=" + peekResult());
        }
        return b.append('>').toString();
    }
}
