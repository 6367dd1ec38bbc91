package io.github.asyncio4j;

import io.github.asyncio4j.internal.Exceptions;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * asyncio's Future: a result that will be set later, on one event loop. Awaiting it from a task yields a
 * {@link Trap.WaitFuture} (the future hands itself to the task) until it is done, then returns the result.
 *
 * <p>States: {@code PENDING -> FINISHED | CANCELLED}, each reached once. Done callbacks are scheduled with
 * {@code callSoon}, never run inline. Loop-confined: use it from its loop's thread only (other threads go
 * through {@link EventLoop#callSoonThreadsafe} or {@link #toCompletableFuture()}). An exception set on a future
 * and never retrieved is reported to the loop's exception handler when the future is garbage collected.
 *
 * <p>Layout: a task is a future, and a program may hold a million suspended ones, so the outcome is one field
 * read by the state ({@link #outcome}) and the state is a byte.
 */
public class Future<T> implements Awaitable<T> {
    private static final Cleaner UNRETRIEVED = Cleaner.create();

    /** {@link #state}'s values. FINISHED and FAILED are both asyncio's "finished": with a result, with an exception. */
    private static final byte PENDING = 0, FINISHED = 1, FAILED = 2, CANCELLED = 3;

    final EventLoop loop;
    private byte state = PENDING;
    /**
     * The outcome, by {@link #state}: the result when FINISHED, the {@link ExceptionLog} (which holds the exception)
     * when FAILED, the cancellation message (or null) when CANCELLED; null while PENDING.
     */
    private Object outcome;
    /**
     * null, one callback, or an {@code ArrayList} of them (most futures have at most one). A callback is a
     * {@code Consumer}, or a {@link Task} waiting on this future ({@link #addWaiter}), whose step is queued as is.
     */
    private Object callbacks;

    /** A pending future on {@code loop}; usually made by {@link EventLoop#createFuture()}. */
    public Future(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** The loop this future belongs to. */
    public final EventLoop getLoop() {
        return loop;
    }

    /** True once a result, an exception or a cancellation is set. */
    public final boolean isDone() {
        return state != PENDING;
    }

    /** True if the future was cancelled. */
    public final boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * The result. Throws the stored exception as is, {@link CancelledError} if cancelled,
     * {@link InvalidStateError} if not done yet.
     */
    public final T result() {
        switch (state) {
            case CANCELLED -> throw makeCancelledError();
            case PENDING -> throw new InvalidStateError("Result is not ready: " + this);
            case FAILED -> {
                ExceptionLog log = (ExceptionLog) outcome;
                log.retrieved = true;
                throw Exceptions.sneakyThrow(log.exception);
            }
            default -> {
                return peekResult();
            }
        }
    }

    /** The exception set on this future, or null. @throws CancelledError if cancelled */
    public final Throwable exception() {
        switch (state) {
            case CANCELLED -> throw makeCancelledError();
            case PENDING -> throw new InvalidStateError("Exception is not set: " + this);
            case FAILED -> {
                ExceptionLog log = (ExceptionLog) outcome;
                log.retrieved = true;
                return log.exception;
            }
            default -> {
                return null;
            }
        }
    }

    /** Marks the future done with {@code value} and schedules its callbacks. */
    public void setResult(T value) {
        requirePending("setResult");
        outcome = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    /** Marks the future done with {@code error} and schedules its callbacks. */
    public void setException(Throwable error) {
        Objects.requireNonNull(error, "exception");
        requirePending("setException");
        if (error instanceof StopIteration) {
            throw new IllegalArgumentException("StopIteration interacts badly with generators; "
                    + "it cannot be the exception of a Future");
        }
        ExceptionLog log = new ExceptionLog(loop, error);
        outcome = log;
        state = FAILED;
        log.description = toString();
        UNRETRIEVED.register(this, log);
        scheduleCallbacks();
    }

    /** Cancels the future: false if it was already done. */
    public boolean cancel() {
        return cancel(null);
    }

    /** Cancels the future with a message carried by the {@link CancelledError}: false if already done. */
    public boolean cancel(String message) {
        if (state != PENDING) {
            return false;
        }
        state = CANCELLED;
        outcome = message;
        scheduleCallbacks();
        return true;
    }

    /** Runs {@code callback} (via {@code callSoon}) when the future is done; at once if it already is. */
    @SuppressWarnings("unchecked")
    public void addDoneCallback(Consumer<? super Future<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (state != PENDING) {
            loop.callSoon(() -> callback.accept(this));
            return;
        }
        addCallback(callback);
    }

    /**
     * Steps {@code task} when the future is done (at once if it already is): a done callback that costs no object,
     * the task's step being queued as it is. Removed only by the future's completion.
     */
    final void addWaiter(Task<?> task) {
        if (state != PENDING) {
            loop.scheduleStep(task);
        } else {
            addCallback(task);
        }
    }

    @SuppressWarnings("unchecked")
    private void addCallback(Object callback) {
        Object cbs = callbacks;
        if (cbs == null) {
            callbacks = callback;
        } else if (cbs instanceof ArrayList<?> list) {
            ((ArrayList<Object>) list).add(callback);
        } else {
            ArrayList<Object> list = new ArrayList<>(4);
            list.add(cbs);
            list.add(callback);
            callbacks = list;
        }
    }

    /** Removes every registration of {@code callback}; returns how many were removed. */
    public int removeDoneCallback(Consumer<? super Future<T>> callback) {
        Object cbs = callbacks;
        if (cbs == null) {
            return 0;
        }
        if (cbs instanceof ArrayList<?> list) {
            int before = list.size();
            list.removeIf(c -> c == callback || c.equals(callback));
            return before - list.size();
        }
        if (cbs == callback || cbs.equals(callback)) {
            callbacks = null;
            return 1;
        }
        return 0;
    }

    /**
     * A {@link CompletableFuture} completed (from the loop's thread) when this future is done. Cancelling the
     * returned future cancels this one, through {@code callSoonThreadsafe}.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Runnable link = () -> addDoneCallback(f -> {
            if (f.isCancelled()) {
                cf.cancel(false);
            } else if (f.exception() != null) {
                cf.completeExceptionally(f.exception());
            } else {
                cf.complete(f.peekResult());
            }
        });
        if (loop.isOwnedByCaller()) {
            link.run();
        } else {
            loop.callSoonThreadsafe(link);
        }
        cf.whenComplete((v, e) -> {
            if (cf.isCancelled() && !loop.isClosed()) {
                loop.callSoonThreadsafe(() -> cancel());
            }
        });
        return cf;
    }

    /**
     * {@code await future}: while not done, hand this future to the driving task as a {@link Trap.WaitFuture};
     * then return the result (or throw the exception, or {@link CancelledError}).
     */
    @Override
    public T await() {
        if (state == PENDING) {
            Coroutine.requireAwaitContext("a Future");
            Trap trap = new Trap.WaitFuture(this);
            do {
                Coroutine.yieldTrap(trap);
            } while (state == PENDING);
        }
        return result();
    }

    /** The exception, without marking it retrieved (for descriptions). */
    final Throwable peekException() {
        return state == FAILED ? ((ExceptionLog) outcome).exception : null;
    }

    /** The result, or null unless finished with one (for descriptions and the done path). */
    @SuppressWarnings("unchecked")
    final T peekResult() {
        return state == FINISHED ? (T) outcome : null;
    }

    CancelledError makeCancelledError() {
        return new CancelledError(cancelMessage());
    }

    String cancelMessage() {
        return state == CANCELLED ? (String) outcome : null;
    }

    private void requirePending(String what) {
        if (state != PENDING) {
            throw new InvalidStateError(what + "() on a future that is already " + stateName().toUpperCase()
                    + ": " + this);
        }
    }

    private void scheduleCallbacks() {
        Object cbs = callbacks;
        if (cbs == null) {
            return;
        }
        callbacks = null;
        if (cbs instanceof ArrayList<?> list) {
            for (Object cb : list) {
                scheduleOne(cb);
            }
        } else {
            scheduleOne(cbs);
        }
    }

    @SuppressWarnings("unchecked")
    private void scheduleOne(Object cb) {
        if (cb instanceof Task<?> waiter) {
            loop.scheduleStep(waiter);   // a task waiting on this future: its step, no new handle
        } else {
            Consumer<? super Future<T>> consumer = (Consumer<? super Future<T>>) cb;
            loop.callSoon(() -> consumer.accept(this));
        }
    }

    /** How many callbacks are registered (for tests and the task dump). */
    final int callbackCount() {
        Object cbs = callbacks;
        return cbs == null ? 0 : cbs instanceof List<?> l ? l.size() : 1;
    }

    String stateName() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            default -> "finished";
        };
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<").append(getClass().getSimpleName()).append(' ').append(stateName());
        if (state == FAILED) {
            b.append(" exception=").append(peekException());
        } else if (state == FINISHED) {
            b.append(" result=").append(outcome);
        }
        return b.append('>').toString();
    }

    /** The cleaner's record of an exception: reported if the future is collected before anyone looked. */
    private static final class ExceptionLog implements Runnable {
        private final EventLoop loop;
        final Throwable exception;
        /** The future's description when it failed (set once, before the cleaner can see this record). */
        String description;
        volatile boolean retrieved;

        ExceptionLog(EventLoop loop, Throwable exception) {
            this.loop = loop;
            this.exception = exception;
        }

        @Override
        public void run() {
            if (!retrieved) {
                loop.reportFromAnyThread(new ExceptionContext(
                        "Future exception was never retrieved: " + description, exception, null, null));
            }
        }
    }
}
