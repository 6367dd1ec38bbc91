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
 */
public class Future<T> implements Awaitable<T> {
    private static final Cleaner UNRETRIEVED = Cleaner.create();

    private enum State { PENDING, CANCELLED, FINISHED }

    final EventLoop loop;
    private State state = State.PENDING;
    private T result;
    private Throwable exception;
    private String cancelMessage;
    /** null, one {@code Consumer}, or an {@code ArrayList} of them: most futures have at most one. */
    private Object callbacks;
    private ExceptionLog exceptionLog;

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
        return state != State.PENDING;
    }

    /** True if the future was cancelled. */
    public final boolean isCancelled() {
        return state == State.CANCELLED;
    }

    /**
     * The result. Throws the stored exception as is, {@link CancelledError} if cancelled,
     * {@link InvalidStateError} if not done yet.
     */
    public final T result() {
        switch (state) {
            case CANCELLED -> throw makeCancelledError();
            case PENDING -> throw new InvalidStateError("Result is not ready: " + this);
            default -> {
            }
        }
        if (exception != null) {
            markRetrieved();
            throw Exceptions.sneakyThrow(exception);
        }
        return result;
    }

    /** The exception set on this future, or null. @throws CancelledError if cancelled */
    public final Throwable exception() {
        switch (state) {
            case CANCELLED -> throw makeCancelledError();
            case PENDING -> throw new InvalidStateError("Exception is not set: " + this);
            default -> {
            }
        }
        markRetrieved();
        return exception;
    }

    /** Marks the future done with {@code value} and schedules its callbacks. */
    public void setResult(T value) {
        requirePending("setResult");
        result = value;
        state = State.FINISHED;
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
        exception = error;
        state = State.FINISHED;
        exceptionLog = new ExceptionLog(loop, error, toString());
        UNRETRIEVED.register(this, exceptionLog);
        scheduleCallbacks();
    }

    /** Cancels the future: false if it was already done. */
    public boolean cancel() {
        return cancel(null);
    }

    /** Cancels the future with a message carried by the {@link CancelledError}: false if already done. */
    public boolean cancel(String message) {
        if (state != State.PENDING) {
            return false;
        }
        state = State.CANCELLED;
        cancelMessage = message;
        scheduleCallbacks();
        return true;
    }

    /** Runs {@code callback} (via {@code callSoon}) when the future is done; at once if it already is. */
    @SuppressWarnings("unchecked")
    public void addDoneCallback(Consumer<? super Future<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (state != State.PENDING) {
            loop.callSoon(() -> callback.accept(this));
            return;
        }
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
                cf.complete(f.result);
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
        if (state == State.PENDING) {
            Coroutine.requireAwaitContext("a Future");
            Trap trap = new Trap.WaitFuture(this);
            do {
                Coroutine.yieldTrap(trap);
            } while (state == State.PENDING);
        }
        return result();
    }

    /** The exception, without marking it retrieved (for descriptions). */
    final Throwable peekException() {
        return exception;
    }

    final T peekResult() {
        return result;
    }

    CancelledError makeCancelledError() {
        return new CancelledError(cancelMessage);
    }

    String cancelMessage() {
        return cancelMessage;
    }

    private void markRetrieved() {
        ExceptionLog log = exceptionLog;
        if (log != null) {
            log.retrieved = true;
        }
    }

    private void requirePending(String what) {
        if (state != State.PENDING) {
            throw new InvalidStateError(what + "() on a future that is already " + state + ": " + this);
        }
    }

    @SuppressWarnings("unchecked")
    private void scheduleCallbacks() {
        Object cbs = callbacks;
        if (cbs == null) {
            return;
        }
        callbacks = null;
        if (cbs instanceof ArrayList<?> list) {
            for (Object cb : list) {
                scheduleOne((Consumer<? super Future<T>>) cb);
            }
        } else {
            scheduleOne((Consumer<? super Future<T>>) cbs);
        }
    }

    private void scheduleOne(Consumer<? super Future<T>> cb) {
        if (cb instanceof Wakeup w) {
            loop.schedule(w.stepHandle());   // a task waiting on this future: no new handle needed
        } else {
            loop.callSoon(() -> cb.accept(this));
        }
    }

    /** How many callbacks are registered (for tests and the task dump). */
    final int callbackCount() {
        Object cbs = callbacks;
        return cbs == null ? 0 : cbs instanceof List<?> l ? l.size() : 1;
    }

    String stateName() {
        return state.name().toLowerCase();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("<").append(getClass().getSimpleName()).append(' ').append(stateName());
        if (state == State.FINISHED) {
            b.append(exception != null ? " exception=" + exception : " result=" + result);
        }
        return b.append('>').toString();
    }

    /** The cleaner's record of an exception: reported if the future is collected before anyone looked. */
    private static final class ExceptionLog implements Runnable {
        private final EventLoop loop;
        private final Throwable exception;
        private final String description;
        volatile boolean retrieved;

        ExceptionLog(EventLoop loop, Throwable exception, String description) {
            this.loop = loop;
            this.exception = exception;
            this.description = description;
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
