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
 * <b>What the block sees when the deadline passes.</b> What it awaits is cancelled (a future or task is allowed
 * to finish cancelling) and {@link TimeoutError} is raised at that await point, so the block's {@code finally}
 * blocks run as it unwinds and the {@code catch (TimeoutError e)} above catches it. From then on the scope is
 * <em>expired</em> and level-triggered, as Trio's cancel scopes are: until the block leaves the scope, every
 * await that suspends raises {@link CancelledError} at once (whose cause is that {@code TimeoutError}). So code
 * inside that swallows the {@code TimeoutError} ({@code catch (Exception e)} in a retry loop) costs at most one
 * more await: {@code CancelledError} is an {@code Error}, which {@code catch (Exception)} does not catch.
 *
 * <p><b>Why not {@code CancelledError} first, as Python does?</b> Python raises {@code CancelledError} inside and
 * converts it to {@code TimeoutError} on exit. Java's {@code close()} cannot replace an exception in flight (an
 * exception thrown by {@code close()} is only added as suppressed), so the form above would no longer catch.
 * The first error is therefore the {@code TimeoutError} itself. If the block leaves the scope with the
 * {@code CancelledError} of a second await (it swallowed the first error), the caller's
 * {@code catch (TimeoutError e)} does not see it: the {@code CancelledError} goes on up, and if nothing catches
 * it the task ends with the {@code TimeoutError} as its exception (not cancelled), since nobody cancelled it.
 * Cleanup that must await after the deadline (a polite close) belongs outside the scope.
 *
 * <p>Cancellation bookkeeping follows asyncio: an expiry counts as a cancellation request
 * ({@link Task#cancelling()} counts it while the scope is expired and open, so an enclosing {@link TaskGroup}
 * cancels its children), and {@link #close()} withdraws it. A real {@link Task#cancel()} wins: it is a
 * {@code CancelledError} out of the scope, never turned into a {@code TimeoutError}. Of nested scopes, the one
 * whose deadline passed raises; an enclosing scope with a later deadline is not marked expired.
 *
 * <p><b>Nested scopes: whose deadline was it?</b> When an outer scope's deadline passes while an inner scope (not
 * expired) is open, the await in progress raises the <em>outer</em> scope's {@code TimeoutError}: Java cannot
 * route it past the inner block's {@code catch (TimeoutError e)} by type and still reach the outer one's, which
 * must see it. The inner handler tells with {@link #expired()}, false for its own scope:
 * <pre>{@code
 * try (var outer = timeout(Duration.ofSeconds(2))) {
 *     Timeout inner = timeout(Duration.ofMillis(100));
 *     try (inner) {
 *         await(fetch(url));
 *     } catch (TimeoutError e) {
 *         if (!inner.expired()) {
 *             throw e;               // the outer deadline: not ours to handle
 *         }
 *         useTheCachedCopy();        // our own 100 ms passed
 *     }
 *     await(save());                 // not reached after the outer deadline
 * } catch (TimeoutError e) {
 *     // the outer deadline, whatever the inner handler did
 * }
 * }</pre>
 * An inner handler cannot swallow an outer deadline: if it catches the outer's error and the block awaits again
 * inside the inner scope, that await raises {@code CancelledError}, which unwinds the inner block; back in the
 * outer scope's own block, the next await raises the outer's {@code TimeoutError} again (the same object), so the
 * outer {@code catch} sees it. Only a block that then leaves the outer scope without awaiting at all goes on
 * normally, with {@code outer.expired()} true (asyncio: the inner block sees {@code CancelledError}, which its
 * {@code except TimeoutError} lets through, and the outer converts it on exit, which Java's {@code close()}
 * cannot do).
 *
 * <p>States: {@code ACTIVE -> EXPIRING} (deadline passed, error raised) {@code -> EXPIRED}, or
 * {@code ACTIVE -> EXITED}; {@link #close()} ends either. Loop-confined; belongs to the task that made it.
 */
public final class Timeout implements AutoCloseable {
    private enum State { ACTIVE, EXPIRING, EXPIRED, EXITED }

    private final Task<?> task;
    private final String message;
    /** {@code waitFor}'s scope: the await in progress sees {@link CancelledError}, as in asyncio, not the timeout. */
    private final boolean cancelInside;
    /** The task's innermost open scope when this one was entered (the task's list of open scopes). */
    Timeout enclosing;
    /** The task's cancellation requests when the scope was entered (asyncio's {@code _cancelling}). */
    private final int cancellingAtEntry;
    private double when;
    private Handle expiry;
    private State state = State.ACTIVE;
    /** The error raised at the deadline; the cause of every later {@link Expired}. */
    private Throwable raised;
    /** {@link #raised} reached the block (a step raised it at an await). */
    private boolean delivered;
    /** {@link #raised} was raised while this was the innermost open scope: in its own block, not a nested one. */
    private boolean deliveredInBlock;

    Timeout(Task<?> task, double when, String message, boolean cancelInside) {
        this.task = task;
        this.message = message;
        this.cancelInside = cancelInside;
        this.cancellingAtEntry = task.cancelling();
        this.enclosing = task.enterScope(this);
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

    /** True while the deadline has passed and the block has not left the scope: its awaits fail. */
    boolean isExpiring() {
        return state == State.EXPIRING;
    }

    private void expire() {
        expiry = null;
        state = State.EXPIRING;
        task.addCancelRequest();
        raised = cancelInside ? new CancelledError(message) : new TimeoutError(message);
        task.scopesChanged();
        task.interrupt(raised);   // a real cancellation in progress wins: it stays a CancelledError
    }

    /**
     * Marks the deadline's error delivered if {@code error} is it (here or in an enclosing scope); called on the
     * innermost open scope, which is then the only one whose own block it reached.
     */
    void noteRaised(Throwable error) {
        for (Timeout s = this; s != null; s = s.enclosing) {
            if (s.raised == error) {
                s.delivered = true;
                s.deliveredInBlock |= s == this;
            }
        }
    }

    /**
     * The error of an await that suspends inside the expired scope (level-triggered): the deadline's own error if
     * it never reached the block (another error won the race), or if it reached only a nested scope's block and
     * the await is now in this scope's own block (a handler in the nested scope caught it: the scope's own
     * {@code catch} must still see it); else a {@link CancelledError}, which {@code catch (Exception)} does not
     * swallow.
     */
    Throwable levelError() {
        if (!delivered) {
            delivered = true;
            return raised;
        }
        if (!deliveredInBlock && task.innermostScope() == this) {
            return raised;
        }
        return new Expired(this);
    }

    /**
     * True if the block left the expired scope and the task has no cancellation of its own: the timeout is what
     * the caller should see ({@code waitFor} turns the inner {@link CancelledError} into {@link TimeoutError}).
     */
    boolean reportsTimeout() {
        return state == State.EXPIRED && task.cancelling() <= cancellingAtEntry;
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
        task.leaveScope(this);
    }

    @Override
    public String toString() {
        return "<Timeout " + state.name().toLowerCase() + " when=" + when + ">";
    }

    /**
     * The {@link CancelledError} of an await inside an expired scope. Its cause is the error raised at the
     * deadline; a task that ends with it, uncancelled, ends with that {@link TimeoutError} instead.
     */
    static final class Expired extends CancelledError {
        private static final long serialVersionUID = 1L;
        private final transient Timeout scope;

        Expired(Timeout scope) {
            super(scope.message + ": the block awaited again inside the expired scope");
            this.scope = scope;
            initCause(scope.raised);
        }

        /** What the task that ends with this error, uncancelled, reports instead. */
        Throwable timeoutError() {
            Throwable r = scope.raised;
            return r instanceof TimeoutError ? r : new TimeoutError(scope.message, this);
        }
    }
}
