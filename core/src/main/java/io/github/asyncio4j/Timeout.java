package io.github.asyncio4j;

/**
 * A deadline on a block of a task ({@code async with asyncio.timeout(...)}), made by {@link Async#timeout} or
 * {@link Async#timeoutAt}:
 * <pre>{@code
 * try (var t = timeout(Duration.ofSeconds(1))) {
 *     await(slowOperation());
 * } catch (TimeoutError e) {
 *     // t.expired() is true
 * }
 * }</pre>
 * When the deadline passes while the block awaits, what it awaits is cancelled (a future or task is allowed to
 * finish cancelling) and {@link TimeoutError} is raised at that await point, so the block's {@code finally}
 * blocks run as it unwinds. Python raises {@code CancelledError} inside and converts it on exit; Java's
 * {@code close()} cannot replace an exception in flight, so the error is a {@code TimeoutError} from the start.
 * An enclosing {@link TaskGroup} sees the expiry as a cancellation of its block ({@link Task#cancelling()}
 * counts it until the scope closes) and cancels its children.
 *
 * <p>States: {@code ACTIVE -> EXPIRING} (deadline passed, error raised) {@code -> EXPIRED}, or
 * {@code ACTIVE -> EXITED}; {@link #close()} ends either. Loop-confined; belongs to the task that made it.
 */
public final class Timeout implements AutoCloseable {
    private enum State { ACTIVE, EXPIRING, EXPIRED, EXITED }

    private final Task<?> task;
    private final String message;
    private double when;
    private Handle expiry;
    private State state = State.ACTIVE;

    Timeout(Task<?> task, double when, String message) {
        this.task = task;
        this.message = message;
        reschedule(when);
    }

    /** The deadline in loop time ({@link EventLoop#time()}); {@code Double.POSITIVE_INFINITY} for none. */
    public double when() {
        return when;
    }

    /**
     * Moves the deadline to loop time {@code when} ({@code Double.POSITIVE_INFINITY}: no deadline). A deadline
     * already past raises at the block's next await.
     * @throws IllegalStateException if the scope has expired or is closed
     */
    public void reschedule(double when) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("timeout deadline is NaN");
        }
        if (state != State.ACTIVE) {
            throw new IllegalStateException("cannot reschedule a timeout that has "
                    + (state == State.EXITED ? "been closed" : "expired"));
        }
        this.when = when;
        if (expiry != null) {
            expiry.cancel();
            expiry = null;
        }
        EventLoop loop = task.getLoop();
        if (when <= loop.time()) {
            expiry = loop.callSoon(this::expire);   // already due: before anything the block schedules next
        } else if (when != Double.POSITIVE_INFINITY) {
            expiry = loop.callAt(when, this::expire);
        }
    }

    /** True once the deadline has passed while the block ran (even if the block then caught the error). */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    private void expire() {
        state = State.EXPIRING;
        task.addCancelRequest();
        task.interrupt(new TimeoutError(message));
    }

    /** Leaves the scope: cancels the deadline, and withdraws the expiry's cancellation request if there was one. */
    @Override
    public void close() {
        if (state == State.EXITED || state == State.EXPIRED) {
            return;
        }
        if (Async.getRunningLoop().currentTask() != task) {
            throw new IllegalStateException("a timeout scope must be closed by the task that entered it: " + task);
        }
        if (expiry != null) {
            expiry.cancel();
            expiry = null;
        }
        if (state == State.EXPIRING) {
            task.uncancel();
            state = State.EXPIRED;
        } else {
            state = State.EXITED;
        }
    }

    @Override
    public String toString() {
        return "<Timeout " + state.name().toLowerCase() + " when=" + when + ">";
    }
}
