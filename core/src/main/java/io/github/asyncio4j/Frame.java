package io.github.asyncio4j;

import io.github.asyncio4j.Generator.State;
import io.github.asyncio4j.engine.Strand;
import io.github.asyncio4j.internal.Exceptions;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A generator's frame on the heap: its body, where it stands, and the slots through which values cross a
 * suspension. The body receives the frame as its {@link Yielder}; the frame never references its
 * {@link Generator} handle, so a dropped handle can be reclaimed while the body is suspended. A compiled
 * body's frame is its state machine itself: {@link GeneratorStateMachine}, the one subclass, so that a compiled
 * generator or coroutine is one object where a frame and a machine were.
 *
 * <p>Invariants: {@code strand} is null until the first resume and after the end; while a fresh generator runs
 * inline under {@code yieldFrom}, {@code host} is the frame whose strand carries it, and its state is the
 * host's (so a {@code SUSPENDED} frame has no host). The hand-off slots ({@code sent}, {@code yielded}) are used
 * on the frame that owns the strand, and each is cleared when read; {@code sent} is an exception to raise when
 * {@code raise} says so, {@code yielded} the exception the body ended with when {@code ended} is
 * {@link #FAILED}.
 */
sealed class Frame<Y, S, R> implements Yielder<Y, S>, Runnable permits GeneratorStateMachine {
    /** {@link #state}'s values: the ordinals of {@link State}'s constants, in their order. */
    private static final byte CREATED = 0, RUNNING = 1, SUSPENDED = 2, CLOSED = 3;
    private static final State[] STATES = State.values();

    /** What {@link #resume} returns when the body has ended; the return value is then in {@link #takeResult()}. */
    static final Object DONE = new Object();

    /**
     * What runs, by {@link #mode}: the {@link GeneratorBody} on a strand ({@link #STRAND}); for a compiled body the
     * frame is its {@link GeneratorStateMachine} itself (one object: a spawn allocates one less), and this is a
     * compiled generator's {@link Compiled} ({@link #GENERATOR}) or null for a compiled coroutine ({@link #BARE},
     * {@link #LEAF} or {@link #GUARDED}). Set once, by the constructor or
     * {@link #compiledGenerator}/{@link #compiledCoroutine}, before the frame is used.
     */
    private Object code;
    private byte mode;
    /**
     * {@link #mode}'s values; {@link #NEW_MACHINE}: a machine not given its role yet (a prototype). Every compiled
     * coroutine's is {@link #BARE} or above.
     */
    private static final byte NEW_MACHINE = 0, STRAND = 1, GENERATOR = 2, BARE = 3, GUARDED = 4, LEAF = 5;
    private Strand strand;
    /**
     * Where the frame stands: a {@link State}'s ordinal ({@link #CREATED} ... {@link #CLOSED}). A byte, not the
     * enum, because a compiled generator writes it twice per value: under G1 a reference store into a frame that
     * has left the young generation costs a barrier with a fence, a byte store costs nothing extra.
     */
    private byte state = CREATED;
    private Frame<?, ?, ?> host;

    /** What the next resume sends: a value, or the exception to raise at the yield when {@link #raise}. */
    private Object sent;
    private boolean raise;
    /** What the body yielded; once it {@link #ended} {@link #FAILED}, what it threw. */
    private Object yielded;
    /**
     * Whether the strand's run ended ({@link #FINISHED} or {@link #FAILED}) or is suspended ({@link #GOING}). The
     * slots are shared so that a frame is 40 bytes and a machine 48 (each a suspended task's share).
     */
    private byte ended;
    private static final byte GOING = 0, FINISHED = 1, FAILED = 2;
    /**
     * The body's return value once it ended. A machine also keeps here, between its steps, the value of the
     * {@code yieldFrom} or {@code await} that just finished ({@link GeneratorStateMachine}): one field for both.
     */
    Object result;

    /** A frame whose {@code body} runs on a strand. */
    Frame(GeneratorBody<Y, S, R> body) {
        this.code = body;
        this.mode = STRAND;
    }

    /** A state machine's frame part (see {@link GeneratorStateMachine}), its role given by the methods below. */
    Frame() {
    }

    /** {@code machine}, the compiled {@code body}, as the frame of a generator. */
    @SuppressWarnings("unchecked")
    static <Y, S, R> Frame<Y, S, R> compiledGenerator(GeneratorStateMachine machine, GeneratorBody<Y, S, R> body) {
        Frame<?, ?, ?> f = machine;
        f.code = new Compiled(body);
        f.mode = GENERATOR;
        return (Frame<Y, S, R>) f;
    }

    /**
     * {@code machine} as the frame of a coroutine: the machine is its body. {@code bare}: no call of the body can
     * await, so each step runs on the driver's stack; otherwise each step runs in a continuation of its own
     * ({@link #guardedStep}), which is frozen only when a method the body calls awaits. {@code leaf} (with
     * {@code bare}): the body has no await and calls no code but the JDK's, so its one step needs no current task.
     */
    @SuppressWarnings("unchecked")
    static <T> Frame<Trap, Object, T> compiledCoroutine(GeneratorStateMachine machine, boolean bare, boolean leaf) {
        Frame<?, ?, ?> f = machine;
        f.mode = leaf && bare ? LEAF : bare ? BARE : GUARDED;
        return (Frame<Trap, Object, T>) f;
    }

    /** This frame as the machine it is (a compiled body's frame only). */
    private GeneratorStateMachine machine() {
        return (GeneratorStateMachine) (Frame<?, ?, ?>) this;
    }

    /**
     * A compiled generator's extras: the body it was compiled from (run inline by a strand's {@code yieldFrom}),
     * and the thread that last drove it with that thread's coroutine slot.
     */
    private static final class Compiled {
        final GeneratorBody<?, ?, ?> body;
        /** One look-up of the coroutine slot per driving thread. */
        Thread slotThread;
        Coroutine.Current slot;

        Compiled(GeneratorBody<?, ?, ?> body) {
            this.body = body;
        }

        /** The calling thread's coroutine slot, remembered with the thread (the first step on each thread). */
        Coroutine.Current lookUpSlot() {
            Coroutine.Current c = Coroutine.currentSlot();
            slot = c;
            slotThread = Thread.currentThread();
            return c;
        }
    }

    /** The body the frame was made with; null for a compiled coroutine, whose machine is its body. */
    @SuppressWarnings("unchecked")
    GeneratorBody<Y, S, R> body() {
        return (GeneratorBody<Y, S, R>) switch (mode) {
            case STRAND -> code;
            case GENERATOR -> ((Compiled) code).body;
            default -> null;
        };
    }

    /** A compiled coroutine's machine; null for any other frame. */
    private GeneratorStateMachine coroutineMachine() {
        return mode >= BARE ? machine() : null;
    }

    /** True when the body runs as a compiled state machine. */
    boolean isCompiled() {
        return mode != STRAND;
    }

    /** True for a compiled coroutine whose steps run in a continuation, and which is not running or hosted. */
    boolean isGuardedCoroutine() {
        return mode == GUARDED && host == null && strand == null
                && (state == CREATED || state == SUSPENDED);
    }

    /** The frame whose strand carries this one: its host while it runs inline, else itself. */
    Frame<?, ?, ?> root() {
        return host != null ? host : this;
    }

    /**
     * One step of a guarded compiled coroutine ({@link #isGuardedCoroutine()}) in the continuation of
     * {@code root}, which is running: the machine steps on the caller's stack with {@code root} as its host, so
     * an await in a method the body calls suspends {@code root}'s continuation, this step included, as an
     * inline {@code await} on a strand does; the step goes on when {@code root} is resumed.
     */
    Object stepHosted(Frame<?, ?, ?> root, Object value, Throwable toThrow) {
        if (state == CREATED && (value != null || toThrow != null)) {
            return resumeOther(value, toThrow, null);   // the errors of a first resume
        }
        host = root;
        state = RUNNING;
        Object y;
        try {
            y = machine().step(value, toThrow);
        } catch (Throwable t) {
            host = null;
            state = CLOSED;
            throw Exceptions.sneakyThrow(t instanceof StopIteration e ? raisedStopIteration(e) : t);
        }
        host = null;
        if (y == DONE) {
            state = CLOSED;    // the machine left its return value in `result`
            return DONE;
        }
        state = SUSPENDED;
        return y;
    }

    /** True for a compiled coroutine whose steps run on the driver's stack (no call of its body can await). */
    boolean isBareCoroutine() {
        return mode == BARE || mode == LEAF;
    }

    /**
     * True for a bare compiled coroutine whose body has no await and calls no code but the JDK's: nothing its step
     * runs can ask for the running task or context.
     */
    boolean isLeafCoroutine() {
        return mode == LEAF;
    }

    State state() {
        Frame<?, ?, ?> h = host;
        return STATES[h != null ? h.state : state];
    }

    /**
     * Resumes the body with {@code value} (or {@code toThrow} raised at its suspension point) and runs it to the
     * next yield. Returns the yielded value, or {@link #DONE} when the body returned. Rethrows, unchanged, what
     * the body threw. {@code owner} is the user-facing handle, for the engine's reclamation of dropped frames.
     */
    Object resume(Object value, Throwable toThrow, Object owner) {
        if (state == SUSPENDED) {
            byte k = mode;
            if (k == GENERATOR) {
                return step((Compiled) code, value, toThrow);  // the per-value path of a compiled body (no host)
            }
            if (k != STRAND) {
                return coroutineStep(value, toThrow);     // a compiled coroutine's step
            }
        } else if (state == CREATED && mode >= BARE && host == null && value == null && toThrow == null) {
            return coroutineStep(null, null);             // a compiled coroutine's first step
        }
        return resumeOther(value, toThrow, owner);
    }

    /**
     * {@link #resume}'s every case but a suspended machine's step: the start, the strand engines, the errors. Kept
     * out of {@code resume} so that a for-each over a compiled generator inlines a small method per value.
     */
    private Object resumeOther(Object value, Throwable toThrow, Object owner) {
        if (host != null) {
            throw new IllegalStateException("generator is running inside another generator's yieldFrom; "
                    + "drive the delegating generator instead");
        }
        switch (state) {
            case RUNNING -> throw new IllegalStateException("generator already executing");
            case CLOSED -> {
                if (toThrow != null) {
                    throw Exceptions.sneakyThrow(toThrow);
                }
                return DONE;
            }
            case CREATED -> {
                if (toThrow != null) {
                    state = CLOSED;
                    throw Exceptions.sneakyThrow(toThrow);
                }
                if (value != null) {
                    throw new IllegalStateException(
                            "can't send non-null value to a just-created generator; call next() first");
                }
                if (mode != STRAND) {
                    break;
                }
                strand = Strand.of(this);
                strand.releaseWhenUnreachable(owner);
            }
            case SUSPENDED -> {
            }
        }
        if (mode == GENERATOR) {
            return step((Compiled) code, value, toThrow);
        }
        if (mode != STRAND) {
            return coroutineStep(value, toThrow);
        }
        resumeStrand(strand, value, toThrow);
        Object y = yielded;
        yielded = null;
        byte e = ended;
        if (e != GOING) {
            state = CLOSED;
            strand = null;
            if (e == FAILED) {
                throw Exceptions.sneakyThrow((Throwable) y);
            }
            return DONE;
        }
        state = SUSPENDED;
        return y;
    }

    /** Runs {@code s} to its next suspension with {@code value} or {@code toThrow}; an engine failure closes this. */
    private void resumeStrand(Strand s, Object value, Throwable toThrow) {
        raise = toThrow != null;
        sent = toThrow != null ? toThrow : value;
        state = RUNNING;
        try {
            s.resume();
        } catch (Throwable engineFailure) {
            state = CLOSED;
            strand = null;
            throw engineFailure;
        }
    }

    /**
     * One step of a compiled body. It runs on its driver's stack, so while a coroutine is being driven on this
     * thread the coroutine slot names this frame for the step's duration: an {@code await} inside the body then
     * fails as it does on a strand ("inside a plain generator's body") instead of suspending that coroutine. When
     * the slot is empty it is left alone (an {@code await} fails as "outside a running task", again as on a
     * strand), so driving a generator outside coroutines stores nothing into the long-lived slot: under G1 each
     * such store of a reference costs a memory fence.
     */
    private Object step(Compiled m, Object value, Throwable toThrow) {
        state = RUNNING;
        Coroutine.Current c = m.slotThread == Thread.currentThread() ? m.slot : m.lookUpSlot();
        Frame<?, ?, ?> driver = c.frame;
        if (driver != null) {
            c.frame = this;
        }
        Object y;
        try {
            y = machine().step(value, toThrow);
        } catch (Throwable t) {
            if (driver != null) {
                c.frame = driver;
            }
            state = CLOSED;
            throw Exceptions.sneakyThrow(t instanceof StopIteration e ? raisedStopIteration(e) : t);
        }
        if (driver != null) {
            c.frame = driver;
        }
        if (y == DONE) {
            state = CLOSED;    // the machine left its return value in `result`
            return DONE;
        }
        state = SUSPENDED;
        return y;
    }

    /**
     * One step of a compiled coroutine. Its driver, {@code Coroutine.resume}, has set the coroutine slot to this
     * frame: a bare step runs the machine on the driver's stack, a guarded one in a continuation.
     */
    private Object coroutineStep(Object value, Throwable toThrow) {
        if (mode == GUARDED) {
            return guardedStep(value, toThrow);
        }
        state = RUNNING;
        Object y;
        try {
            y = machine().step(value, toThrow);
        } catch (Throwable t) {
            state = CLOSED;
            throw Exceptions.sneakyThrow(t instanceof StopIteration e ? raisedStopIteration(e) : t);
        }
        if (y == DONE) {
            state = CLOSED;    // the machine left its return value in `result`
            return DONE;
        }
        state = SUSPENDED;
        return y;
    }

    /**
     * One step of a compiled coroutine some call of whose body may await: the step runs in a continuation (a
     * strand running {@link #run}, which is one {@code machine.step}). Unless a called method awaits, the step
     * ends inside it and the continuation is dropped, never frozen: the cost is entering it. If one does, the
     * continuation is frozen there like any strand, its trap is returned, and the next resume thaws it; the
     * step then goes on to the machine's next suspension point.
     */
    private Object guardedStep(Object value, Throwable toThrow) {
        Strand s = strand;
        if (s == null) {
            s = Strand.of(this);
            strand = s;
        }
        resumeStrand(s, value, toThrow);
        Object y = yielded;
        yielded = null;
        byte e = ended;
        if (e == GOING) {
            state = SUSPENDED;     // a method the body called awaits: its continuation waits in `strand`
            return y;
        }
        ended = GOING;
        strand = null;
        if (e == FAILED) {
            state = CLOSED;
            throw Exceptions.sneakyThrow((Throwable) y);
        }
        if (y == DONE) {
            state = CLOSED;    // the machine left its return value in `result`
            return DONE;
        }
        state = SUSPENDED;
        return y;
    }

    /**
     * {@code close()} of a generator or coroutine (one copy for both): a created body is just marked closed; a
     * suspended one gets {@link GeneratorExit} at its suspension point through {@code throwIn} (which resumes
     * this frame as its owner does), so its {@code finally} blocks run. {@code kind} ("generator", "coroutine")
     * names it in the errors.
     *
     * @throws IllegalStateException if it is running, or if the body yields again ("ignored GeneratorExit")
     */
    void close(String kind, Function<Throwable, Object> throwIn) {
        switch (state) {
            case CREATED -> closeUnstarted();
            case CLOSED -> {
            }
            case RUNNING -> throw new IllegalStateException(kind + " already executing");
            case SUSPENDED -> {
                try {
                    throwIn.apply(new GeneratorExit());
                } catch (GeneratorExit expected) {
                    return;
                }
                if (state == CLOSED) {
                    takeResult();
                    return;
                }
                throw new IllegalStateException(kind + " ignored GeneratorExit");
            }
        }
    }

    /** Closes a generator whose body never started: nothing runs. */
    void closeUnstarted() {
        if (host == null && state == CREATED) {
            state = CLOSED;
        }
    }

    /** The return value of a body that ended; cleared by the call, so a later call gives null, as in Python. */
    Object takeResult() {
        Object r = result;
        result = null;
        return r;
    }

    /**
     * The strand's body: runs the generator function and records how it ended; for a compiled coroutine, one
     * step of its machine, whose outcome (a trap or {@code DONE}) is left in {@code yielded}.
     */
    @Override
    public void run() {
        GeneratorStateMachine m = coroutineMachine();
        if (m != null) {
            Object s = sent;
            boolean r = raise;
            sent = null;
            raise = false;
            try {
                yielded = m.step(r ? null : s, r ? (Throwable) s : null);
                ended = FINISHED;
            } catch (StopIteration e) {
                fail(raisedStopIteration(e));
            } catch (Throwable e) {
                fail(e);
            }
            return;
        }
        try {
            result = body().run(this);
            ended = FINISHED;
        } catch (StopIteration e) {
            fail(raisedStopIteration(e));
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** The strand's run ends with {@code t}: the resume that ran it throws it. */
    private void fail(Throwable t) {
        yielded = t;
        ended = FAILED;
    }

    private static IllegalStateException raisedStopIteration(StopIteration e) {
        // PEP 479: a StopIteration escaping a body would silently end its caller's iteration.
        return new IllegalStateException("generator raised StopIteration", e);
    }

    private Frame<?, ?, ?> runningRoot() {
        Frame<?, ?, ?> root = host != null ? host : this;
        if (root.state != RUNNING || !root.strand.isCurrent()) {
            throw new IllegalStateException(
                    "yield called outside its generator's body (or from inside a generator that body drives)");
        }
        return root;
    }

    @Override
    @SuppressWarnings("unchecked")
    public S yield(Y value) {
        return (S) yieldRaw(value, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R2> R2 yieldFrom(Generator<? extends Y, ? super S, R2> subGenerator) {
        Frame<Y, S, R2> sub = (Frame<Y, S, R2>) subGenerator.frame;
        Frame<?, ?, ?> root = runningRoot();
        if (sub.host == null && sub.state == CREATED) {
            return sub.runInline(root);
        }
        // PEP 380's expansion, for a sub-generator that has already started.
        Object y = sub.resume(null, null, subGenerator);
        while (y != DONE) {
            S s;
            try {
                s = this.yield((Y) y);
            } catch (GeneratorExit exit) {
                subGenerator.close();
                throw exit;
            } catch (Throwable t) {
                y = sub.resume(null, t, subGenerator);
                continue;
            }
            y = sub.resume(s, null, subGenerator);
        }
        return (R2) sub.takeResult();
    }

    /**
     * Starts running a fresh coroutine's body inline on {@code current}'s frame (the await-side twin of
     * yieldFrom); the caller runs the body, then calls {@link #endInline()}.
     */
    void beginInline(Frame<?, ?, ?> current) {
        if (host != null || state != CREATED) {
            throw new IllegalStateException("cannot reuse already awaited coroutine");
        }
        host = current.host != null ? current.host : current;
    }

    void endInline() {
        host = null;
        state = CLOSED;
    }

    /** True when the calling code runs on this frame's strand (its own or its host's). */
    boolean isCurrentStrand() {
        Frame<?, ?, ?> root = host != null ? host : this;
        return root.strand != null && root.strand.isCurrent();
    }

    /**
     * yield for the event loop's traps: same as {@link #yield} without generics. {@code onCurrentStrand}: the
     * caller has just checked {@link #isCurrentStrand()}, so the check is not repeated.
     */
    Object yieldRaw(Object value, boolean onCurrentStrand) {
        Frame<?, ?, ?> root = onCurrentStrand ? (host != null ? host : this) : runningRoot();
        root.yielded = value;
        root.strand.suspend();
        Object s = root.sent;
        root.sent = null;
        if (root.raise) {
            root.raise = false;
            throw Exceptions.sneakyThrow((Throwable) s);
        }
        return s;
    }

    /** The body's part of a suspended frame's stack: without the yield machinery on top and the engine below. */
    static List<StackTraceElement> bodyFrames(StackTraceElement[] all) {
        int from = 0;
        while (from < all.length && isMachinery(all[from])) {
            from++;
        }
        int to = from;
        while (to < all.length && !(all[to].getClassName().equals(Frame.class.getName())
                && all[to].getMethodName().equals("run"))) {
            to++;
        }
        return List.of(Arrays.copyOfRange(all, from, to));
    }

    private static boolean isMachinery(StackTraceElement e) {
        String c = e.getClassName();
        return c.equals(Frame.class.getName()) || c.equals(Coroutine.class.getName())
                || c.equals(Generator.class.getName());
    }

    /** The body's frames while suspended, innermost first, without the engine's. */
    List<StackTraceElement> bodyStack() {
        if (mode == GENERATOR) {
            return machine().stack();
        }
        GeneratorStateMachine m = coroutineMachine();
        if (m == null) {
            return bodyFrames(stackTrace());
        }
        Strand s = strand;
        if (s == null) {
            return m.stack();
        }
        // A method the body called awaits: its frames down to the machine's step, which stands for the body.
        List<StackTraceElement> all = new java.util.ArrayList<>();
        for (StackTraceElement e : s.stackTrace()) {
            if (e.getMethodName().equals("step") && e.getClassName().contains("$$Coroutine")) {
                break;
            }
            if (!isMachinery(e)) {
                all.add(e);
            }
        }
        all.addAll(m.stack());
        return all;
    }

    StackTraceElement[] stackTrace() {
        Frame<?, ?, ?> root = host != null ? host : this;
        Strand s = root.strand;
        return s == null ? new StackTraceElement[0] : s.stackTrace();
    }

    private R runInline(Frame<?, ?, ?> root) {
        host = root;
        try {
            return body().run(this);
        } catch (StopIteration e) {
            throw raisedStopIteration(e);
        } catch (Exception e) {
            throw Exceptions.sneakyThrow(e);
        } finally {
            host = null;
            state = CLOSED;
        }
    }
}
