package io.github.asyncio4j;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * asyncio's Task: drives a {@link Coroutine} on an event loop, one step at a time, and is a {@link Future} of
 * its result. {@link #step()} resumes the coroutine; {@link #dispatch(Trap)} turns what it yielded into a
 * wake-up (a future's done callback, a timer, the next iteration, channel readiness).
 *
 * <p>Invariants: at most one wake-up is pending at a time ({@code waitingOn} names it, or the task sits in the
 * ready queue); an exception enters the coroutine only through {@code throwIn}, which aborts that wait, and the
 * next step raises it at the await point ({@code cancel()} is one such exception). Loop-confined, like every
 * future.
 *
 * <p>Layout: a task is one object besides its coroutine. The loop's ready queue holds the task itself (its step
 * is the entry), an awaited future holds it as its done callback ({@link Future#addWaiter}), and the awaited
 * future is {@code waitingOn} itself; a sleep's wait is made per sleep. The name is formatted when first asked,
 * the {@link Context} made when a {@link ContextVar} is first used (or copied from a creator that set one). What
 * most tasks never use (a context, a name, cancellation requests, an exception thrown in, timeout scopes) is in one
 * field: a task is 56 bytes with compressed oops, with or without compact object headers.
 */
public class Task<T> extends Future<T> {

    private final Coroutine<T> coro;
    /**
     * The number in the default name ("Task-N"), taken at creation from the loop ({@link EventLoop#nextTaskNumber}):
     * unique in the process; 0 for a task created with a name.
     */
    private final long number;
    /**
     * What the task waits on: the {@link Future} it awaits (it is then one of that future's callbacks), or a
     * {@link Wait} (a sleep, I/O readiness); null while it runs or sits in the ready queue.
     */
    private Object waitingOn;
    /**
     * The task's less common state, made on first use as most tasks use none of it: null; the task's
     * {@link ContextVar} values alone (a {@link Context}: its creator had set one, or the task set one); or an
     * {@link Uncommon}, which then holds the context. One field for both keeps a task at 56 bytes.
     */
    private Object extra;
    /** Links of the loop's list of live tasks, set at the task's first suspension ({@link EventLoop#linkLive}). */
    Task<?> prevLive;
    Task<?> nextLive;

    Task(EventLoop loop, Coroutine<T> coro, String name, Context context) {
        super(loop);
        this.coro = Objects.requireNonNull(coro, "coro");
        coro.claim();
        if (name != null) {
            uncommon().name = name;
        }
        this.number = name != null ? 0 : loop.nextTaskNumber();
        if (context != null) {
            setContext(context);
        }
    }

    /** The task's {@link ContextVar} values, or null while none was set (then {@link #context()} makes them). */
    Context contextOrNull() {
        Object x = extra;
        return x instanceof Uncommon u ? u.context : (Context) x;
    }

    /** The task's context, made (empty) on first use: most tasks never touch a {@link ContextVar}. */
    Context context() {
        Context c = contextOrNull();
        if (c == null) {
            c = new Context(Context.EMPTY);
            setContext(c);
        }
        return c;
    }

    private void setContext(Context c) {
        if (extra instanceof Uncommon u) {
            u.context = c;
        } else {
            extra = c;
        }
    }

    /**
     * A task's less common state, kept apart so that the many tasks that use none of it stay small (a task is 56
     * bytes: the spawn benchmark): an exception thrown in, its name, cancellation requests, timeout scopes
     * ({@link #enterScope}), shielding ({@link #shield}), its task group's owner.
     */
    private static final class Uncommon {
        /** The task's {@link ContextVar} values, or null (see {@link #extra}). */
        Context context;
        /**
         * The exception the next step raises at the await point: set by {@link #throwIn}, by a refused trap and by
         * an await in an expired scope; taken (and cleared) by the step.
         */
        Throwable pending;
        /** The name given, or null until {@link #getName()} first formats "Task-" + {@code number}. */
        String name;
        /** How many cancellation requests are pending ({@link #cancelling()}). */
        int cancelRequests;
        /**
         * A cancellation was handed to the awaited future, whose outcome the next step delivers: nothing replaces
         * it.
         */
        boolean cancelInFlight;
        /** The innermost open {@link Timeout} scope, or null; each links to the one it was entered in. */
        Timeout innermost;
        /** The outermost open scope whose deadline passed, or null: while set, every suspension raises. */
        Timeout expired;
        /** Above zero while the task waits where an expired scope must not fail its awaits (a TaskGroup's close). */
        int shielded;
        /** The task that owns the {@link TaskGroup} this task is a child of, or null: a link of the await tree. */
        Task<?> groupParent;

        /** Takes the pending exception: returns it (or null) and clears it. */
        Throwable takePending() {
            Throwable p = pending;
            pending = null;
            return p;
        }
    }

    /** The task that owns the {@link TaskGroup} this task is a child of, or null: a link of the await tree. */
    Task<?> groupParent() {
        Uncommon s = uncommonOrNull();
        return s == null ? null : s.groupParent;
    }

    /** Links this task, a child of a {@link TaskGroup}, to the group's owner task ({@link #groupParent()}). */
    void setGroupParent(Task<?> parent) {
        if (parent != null || extra instanceof Uncommon) {
            uncommon().groupParent = parent;
        }
    }

    /** The task's {@link Uncommon} state, or null while it has none. */
    private Uncommon uncommonOrNull() {
        return extra instanceof Uncommon u ? u : null;
    }

    /** The task's {@link Uncommon} state, made now (holding the task's context, if it has one) if it had none. */
    private Uncommon uncommon() {
        Object x = extra;
        if (x instanceof Uncommon u) {
            return u;
        }
        Uncommon u = new Uncommon();
        u.context = (Context) x;
        extra = u;
        return u;
    }

    /** A sleep's wait, and the callback of its timer, which steps the task at the deadline. */
    final class Sleeping implements Wait, Runnable {
        private final TimerHandle timer;

        /** Schedules the timer at {@code deadline} (loop time); this wait is the task's from now on. */
        Sleeping(double deadline) {
            this.timer = loop.scheduleTimer(deadline, this, contextOrNull());
        }

        @Override
        public void run() {
            step();
        }

        @Override
        public boolean abort(String reason) {
            timer.cancel();
            loop.scheduleStep(Task.this);
            return false;
        }

        @Override
        public Object target() {
            return timer;
        }

        @Override
        public String toString() {
            return "step of " + Task.this;
        }
    }

    /** The task's name: given to {@code createTask}, or {@code Task-N}. */
    public String getName() {
        Uncommon u = uncommonOrNull();
        String n = u == null ? null : u.name;
        if (n == null) {
            n = "Task-" + number;   // formatted when first asked: most tasks are never asked
            uncommon().name = n;
        }
        return n;
    }

    /** Renames the task (names appear in reports and {@link EventLoop#dumpTasks()}). */
    public void setName(String name) {
        uncommon().name = Objects.requireNonNull(name, "name");
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
        uncommon().cancelRequests++;
        throwIn(new CancelledError(message));
        return true;
    }

    /** How many cancellation requests are pending ({@code Task.cancelling()}). */
    public int cancelling() {
        Uncommon u = uncommonOrNull();
        return u == null ? 0 : u.cancelRequests;
    }

    /** Withdraws one cancellation request; returns the number left. */
    public int uncancel() {
        Uncommon u = uncommonOrNull();
        if (u == null) {
            return 0;
        }
        if (u.cancelRequests > 0) {
            u.cancelRequests--;
            if (u.cancelRequests == 0 && u.pending instanceof CancelledError) {
                u.pending = null;   // every request was withdrawn before the step could raise it
            }
        }
        return u.cancelRequests;
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
        Object w = waitingOn;
        return w instanceof Wait wait ? wait.target() : w;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The step: the heart of the system.

    /**
     * Resumes the coroutine once; then records its end, or dispatches on the trap it yielded. The loop runs it when
     * it takes the task from its ready queue.
     */
    void step() {
        if (isDone()) {
            return;    // a stale wake-up after the task finished
        }
        waitingOn = null;
        Throwable toThrow = null;
        Uncommon sc = uncommonOrNull();
        if (sc != null) {
            toThrow = sc.takePending();
            sc.cancelInFlight = false;
            if (toThrow != null && sc.innermost != null) {
                sc.innermost.noteRaised(toThrow);   // a deadline's error reached the block
            }
        }
        // A leaf coroutine's step runs no code that could ask for the running task: it is not made current.
        Task<?> previous = coro.frame.isLeafCoroutine() ? loop.currentTask : loop.enterTask(this);
        Object yielded;
        try {
            Coroutine.Current slot = loop.coroutineSlot;    // null only for a step outside the loop's run
            yielded = coro.resume(slot != null ? slot : Coroutine.currentSlot(), null, toThrow);
        } catch (CancelledError e) {
            loop.leaveTask(previous);
            finish();
            if (e instanceof Timeout.Expired expired && cancelling() == 0) {
                super.setException(expired.timeoutError());   // nobody cancelled the task: a timeout ended it
            } else {
                super.cancel(e.getMessage());
            }
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
            Uncommon u = uncommonOrNull();
            Throwable late = u == null ? null : u.takePending();   // raised by its own last step (it cancelled itself)
            if (late instanceof CancelledError c) {
                super.cancel(c.getMessage());
            } else if (late != null) {
                super.setException(late);
            } else {
                @SuppressWarnings("unchecked")
                T value = (T) coro.frame.takeResult();
                super.setResult(value);
            }
            return;
        }
        Uncommon s = uncommonOrNull();
        if (s != null && s.expired != null && s.shielded == 0) {
            failAwait();
            return;
        }
        if (prevLive == null) {
            loop.linkLive(this);    // its first suspension, or the list's head
        }
        dispatch((Trap) yielded);
    }

    /** An await inside an expired timeout scope: it does not wait, the next step raises (level-triggered). */
    private void failAwait() {
        Uncommon u = uncommonOrNull();   // made already: it holds the expired scope
        if (!(u.pending instanceof CancelledError)) {
            u.pending = u.expired.levelError();
        }
        loop.scheduleStep(this);
    }

    /**
     * The trap table: what each request of the coroutine means to the loop. (An {@code instanceof} chain over the
     * sealed {@link Trap}: a pattern {@code switch} is linked through {@code invokedynamic} in every JVM at its
     * first run, which an AOT cache cannot hold.)
     */
    private void dispatch(Trap trap) {
        if (trap instanceof Trap.WaitFuture(Future<?> f)) {
            if (f.loop != loop) {
                rejectTrap(new IllegalStateException(
                        "Task " + getName() + " got Future " + f + " attached to a different loop"));
            } else if (f == this) {
                rejectTrap(new IllegalStateException("Task cannot await on itself: " + this));
            } else {
                waitingOn = f;
                f.addWaiter(this);
            }
        } else if (trap instanceof Trap.Sleep(double deadline)) {
            waitingOn = new Sleeping(deadline);
        } else if (trap instanceof Trap.IoWait(var channel, int ops)) {
            waitingOn = loop.waitForIo(channel, ops, this);
        } else if (trap instanceof Trap.YieldOnce) {
            loop.scheduleStep(this);
        } else {
            throw new AssertionError("a trap kind the loop does not know: " + trap);   // Trap is sealed
        }
        Uncommon u = uncommonOrNull();
        if (u != null && u.pending != null) {
            abortWait();   // an exception entered while the task ran (it cancelled itself): end the new wait
        }
    }

    private void rejectTrap(Throwable error) {
        uncommon().pending = error;
        loop.scheduleStep(this);
    }

    /**
     * The one way an exception enters the coroutine: the next step raises {@code error} at the await point.
     * A waiting task's wait is aborted ({@link Wait#abort}); an awaited future is cancelled and allowed to finish
     * cancelling first. For a cancellation, the future's outcome is then what the await sees (as in asyncio:
     * a task that catches its cancellation and returns a value gives that value); any other error replaces it.
     * A cancellation replaces any other pending error; otherwise the first error wins (a {@link Timeout} whose
     * error lost raises it at the next await, a {@link TaskGroup} raises its group again when it closes).
     */
    private void throwIn(Throwable error) {
        Uncommon u = uncommon();
        if (error instanceof CancelledError) {
            u.pending = error;
        } else if (u.pending == null && !u.cancelInFlight) {
            u.pending = error;
        } else {
            return;     // the wait was aborted already
        }
        abortWait();
    }

    /** Ends the current wait, if any, so that the step raises the pending exception soon. */
    private void abortWait() {
        Object w = waitingOn;
        if (w == null) {
            return;     // running, or in the ready queue: the next step raises it
        }
        Uncommon u = uncommonOrNull();   // made already: it holds the pending exception
        Throwable e = u.pending;
        // An awaited future that refuses the cancellation is done: this task's step is queued already.
        boolean accepted = w instanceof Future<?> f ? f.cancel(e.getMessage()) : ((Wait) w).abort(e.getMessage());
        if (accepted) {
            if (e instanceof CancelledError) {
                u.pending = null;   // the awaited future's cancellation carries it to the await
                u.cancelInFlight = true;
            }
        } else {
            waitingOn = null;
        }
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
        throwIn(error);
    }

    /** Enters a {@link Timeout} scope; returns the scope it is entered in (the innermost open one), or null. */
    Timeout enterScope(Timeout scope) {
        Uncommon sc = uncommon();
        Timeout enclosing = sc.innermost;
        sc.innermost = scope;
        return enclosing;
    }

    /** The innermost open {@link Timeout} scope, or null. */
    Timeout innermostScope() {
        Uncommon sc = uncommonOrNull();
        return sc == null ? null : sc.innermost;
    }

    /** Leaves a scope (normally the innermost one; a scope closed out of order is unlinked where it is). */
    void leaveScope(Timeout scope) {
        Uncommon sc = uncommon();
        if (sc.innermost == scope) {
            sc.innermost = scope.enclosing;
        } else {
            for (Timeout s = sc.innermost; s != null; s = s.enclosing) {
                if (s.enclosing == scope) {
                    s.enclosing = scope.enclosing;
                    break;
                }
            }
        }
        scopesChanged();
    }

    /** Recomputes the expired scope: the outermost open scope whose deadline passed. */
    void scopesChanged() {
        Timeout outermost = null;
        Uncommon sc = uncommon();
        for (Timeout s = sc.innermost; s != null; s = s.enclosing) {
            if (s.isExpiring()) {
                outermost = s;
            }
        }
        sc.expired = outermost;
    }

    /**
     * Shields the task's waits from expired timeout scopes (not from {@link #cancel()} or {@link #interrupt}):
     * a {@link TaskGroup} waiting for its children must be able to wait after a deadline. Pair with
     * {@link #unshield()}.
     */
    void shield() {
        uncommon().shielded++;
    }

    /** Ends one {@link #shield()}. */
    void unshield() {
        uncommon().shielded--;
    }

    /** Counts a cancellation request without raising anything: a {@link Timeout} scope's expiry, as in asyncio. */
    void addCancelRequest() {
        uncommon().cancelRequests++;
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
            Object w = awaiting();
            if (w != null) {
                b.append(" wait_for=").append(switch (w) {
                    case Task<?> t -> "<Task '" + t.getName() + "'>";
                    case TimerHandle timer -> String.format("<sleep until %.3f>", timer.when());
                    default -> w;
                });
            }
            if (cancelling() > 0) {
                b.append(" cancelling=").append(cancelling());
            }
        } else if (!isCancelled()) {
            Throwable e = peekException();
            b.append(e != null ? " exception=" + e : " result=" + peekResult());
        }
        return b.append('>').toString();
    }
}
