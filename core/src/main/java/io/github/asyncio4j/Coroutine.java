package io.github.asyncio4j;

import io.github.asyncio4j.engine.CarrierLocal;
import io.github.asyncio4j.internal.Exceptions;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A coroutine object, what calling an {@code async def} returns: lazy (runs nothing until awaited or wrapped in
 * a task), awaited at most once. Underneath it is a generator whose yielded values are {@link Trap}s and whose
 * driver is a {@link Task}; it can also be driven by hand with {@link #send}, {@link #throwInto} and
 * {@link #close}, which hand out the traps.
 *
 * <pre>{@code
 * static Coroutine<String> fetch(String url) {
 *     return Coroutine.of(() -> {
 *         await(sleep(0.1));
 *         return "body of " + url;
 *     });
 * }
 * }</pre>
 *
 * <p>Awaiting a fresh coroutine from inside another runs it inline on the awaiting task's frame (that is
 * {@code yield from}): a deep await chain costs calls, not tasks.
 */
public final class Coroutine<T> implements Awaitable<T> {
    /**
     * The frame of the coroutine being driven on this (logical) thread: where {@code await} yields traps. Kept in
     * a mutable slot per thread, so a step costs one thread-local look-up, not three (get, set, restore).
     */
    private static final CarrierLocal<Current> CURRENT = new CarrierLocal<>();

    /**
     * The slot behind {@link #CURRENT}; {@code frame} is null when no coroutine is being driven, or when only bare
     * compiled coroutines are (a task's step of one leaves the slot alone: a bare body reads no slot, its awaits
     * being its machine's own suspension points, and under G1 each store of a young frame into this long-lived
     * slot costs a fence). While a compiled generator's body runs, {@code frame} is that generator's frame, so an
     * {@code await} in it is the same clear error as on a strand engine (see {@code Frame}).
     */
    static final class Current {
        Frame<?, ?, ?> frame;
    }

    /** This logical thread's slot, made on first use. */
    static Current currentSlot() {
        Current current = CURRENT.get();
        if (current == null) {
            current = new Current();
            CURRENT.set(current);
        }
        return current;
    }

    private static Frame<?, ?, ?> currentFrame() {
        Current c = CURRENT.get();
        return c == null ? null : c.frame;
    }

    final Frame<Trap, Object, T> frame;
    private final Callable<T> body;
    /**
     * Whether the coroutine was awaited (or wrapped in a task, or driven): null if not and the loop's cleaner does
     * not track it; {@link #CLAIMED} if it was; a {@link NeverAwaited} once the cleaner tracks it, whose flag then
     * says it. One field for both, so that a coroutine is 24 bytes (a task's share of a spawn).
     */
    private Object claim;
    private static final Object CLAIMED = new Object();

    private Coroutine(Callable<T> body) {
        this.body = body;
        this.frame = new Frame<>(new Calling<>(body));
    }

    /** A coroutine whose frame runs {@code machine} (the compiled {@code body}); for its plan, see {@code Frame}. */
    private Coroutine(Callable<T> body, GeneratorStateMachine machine, Compiled.Plan plan) {
        this.body = body;
        this.frame = Frame.compiledCoroutine(machine, plan.bare(), plan.leaf());   // the machine is the frame
    }

    /**
     * A coroutine of {@code awaitable.await()}, not tracked by the loop: how a compiled body awaits an awaitable
     * it does not know, whose {@code await} may suspend in any method it calls (it gets a strand of its own).
     */
    static <T> Coroutine<T> awaiting(Awaitable<T> awaitable) {
        Coroutine<T> c = new Coroutine<>(awaitable::await);
        c.claim = CLAIMED;
        return c;
    }

    /**
     * The frame's body: the coroutine's. A class and not a lambda: a {@link GeneratorBody} lambda is serializable,
     * and such lambdas are linked at their first use in every JVM (the AOT cache holds only plain ones).
     */
    private static final class Calling<T> implements GeneratorBody<Trap, Object, T> {
        private final Callable<T> body;

        Calling(Callable<T> body) {
            this.body = body;
        }

        @Override
        public T run(Yielder<Trap, Object> y) throws Exception {
            return body.call();
        }
    }

    /** Makes a coroutine object from its body; nothing runs until it is awaited or scheduled. */
    public static <T> Coroutine<T> of(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        EventLoop loop = EventLoop.running();
        Compiled.Plan plan = !Compiled.coroutinesEnabled() ? null
                : loop != null ? loop.coroutinePlans.get(body) : Compiled.coroutinePlan(body);
        Coroutine<T> c = plan == null ? new Coroutine<>(body)
                : new Coroutine<>(body, plan.factory().apply(body), plan);
        if (loop != null) {
            loop.trackNew(c);
        }
        return c;
    }

    /**
     * True when the body runs as a compiled state machine ({@code -Dasyncio4j.coroutines=compiled}, JDK 24+, a
     * body the compiler accepts); false when it runs on a strand. Semantics are the same either way.
     */
    public boolean isCompiled() {
        return frame.isCompiled();
    }

    /** The body, as given to {@link #of}. */
    Callable<T> body() {
        return body;
    }

    /** Generator state of the coroutine ({@code inspect.getcoroutinestate}). */
    public Generator.State state() {
        return frame.state();
    }

    /** True once the coroutine has been awaited or wrapped in a task. */
    public boolean isClaimed() {
        Object c = claim;
        return c == CLAIMED || c instanceof NeverAwaited n && n.awaited;
    }

    /** Marks the coroutine as awaited; a second claim is Python's "cannot reuse already awaited coroutine". */
    void claim() {
        if (claim == null) {
            claim = CLAIMED;    // the usual case: not tracked, or taken off the loop's fresh list at once
            return;
        }
        if (isClaimed()) {
            throw new IllegalStateException("cannot reuse already awaited coroutine " + this);
        }
        markDriven();
    }

    /** The cleaner's record for this coroutine, not claimed yet: it reports the coroutine if it is never claimed. */
    Runnable neverAwaitedCheck(EventLoop loop, Throwable createdAt) {
        NeverAwaited check = new NeverAwaited(loop, createdAt, toString());
        claim = check;
        return check;
    }

    /**
     * The report of a coroutine that was collected without ever being awaited (CPython's RuntimeWarning);
     * {@code createdAt} is where it was created in debug mode, null otherwise.
     */
    private static final class NeverAwaited implements Runnable {
        private final EventLoop loop;
        private final Throwable createdAt;
        private final String description;
        volatile boolean awaited;

        NeverAwaited(EventLoop loop, Throwable createdAt, String description) {
            this.loop = loop;
            this.createdAt = createdAt;
            this.description = description;
        }

        @Override
        public void run() {
            if (!awaited) {
                loop.reportFromAnyThread(new ExceptionContext("coroutine " + description + " was never awaited"
                        + (createdAt == null ? " (debug mode shows where it was created: -Dasyncio4j.debug=true)"
                        : ""), createdAt, null, null));
            }
        }
    }

    /** {@code await coro}: runs the body inline on the awaiting coroutine's frame and returns its value. */
    @Override
    public T await() {
        requireAwaitContext("a coroutine");
        claim();
        frame.beginInline(currentFrame());
        try {
            return body.call();    // few frames per level: deep await chains are bounded by the thread's stack
        } catch (StopIteration e) {
            throw new IllegalStateException("coroutine raised StopIteration", e);
        } catch (Exception e) {
            throw Exceptions.sneakyThrow(e);
        } finally {
            frame.endInline();
        }
    }

    /** Drives the coroutine by hand: like {@link Generator#send}; returns the {@link Trap} it yields. */
    public Object send(Object value) {
        markDriven();
        Object y = resume(value, null);
        if (y == Frame.DONE) {
            throw new StopIteration(frame.takeResult());
        }
        return y;
    }

    /** Drives the coroutine by hand: like {@link Generator#throwInto}. */
    public Object throwInto(Throwable t) {
        Objects.requireNonNull(t, "throwable");
        markDriven();
        Object y = resume(null, t);
        if (y == Frame.DONE) {
            throw new StopIteration(frame.takeResult());
        }
        return y;
    }

    /** Like {@link Generator#close()}: raises {@link GeneratorExit} at the await point, running finally blocks. */
    public void close() {
        if (frame.state() == Generator.State.CREATED) {
            markDriven();   // closed before it started: it will never run, and that was asked for
        }
        frame.close("coroutine", t -> resume(null, t));
    }

    private void markDriven() {
        if (claim instanceof NeverAwaited n) {
            n.awaited = true;
        } else {
            claim = CLAIMED;
        }
    }

    /** One step: resume with a value or an exception; returns the yielded trap or {@link Frame#DONE}. */
    Object resume(Object value, Throwable toThrow) {
        return resume(currentSlot(), value, toThrow);
    }

    /**
     * {@link #resume(Object, Throwable)} with the calling thread's slot ({@link #currentSlot()}) given: a task's
     * step passes the one its loop looked up when it started running, and costs no thread-local look-up.
     */
    Object resume(Current current, Object value, Throwable toThrow) {
        Frame<?, ?, ?> previous = current.frame;
        if (previous == null && frame.isBareCoroutine()) {
            return frame.resume(value, toThrow, this);   // nothing in a bare step reads the slot (see Current)
        }
        current.frame = frame;
        try {
            return frame.resume(value, toThrow, this);
        } finally {
            current.frame = previous;
        }
    }

    /**
     * {@link #resume} for a compiled coroutine whose step runs in {@code root}'s continuation, which is running:
     * an await in a method its body calls suspends that continuation (see {@code Frame.stepHosted}).
     */
    Object resumeHosted(Frame<?, ?, ?> root, Object value, Throwable toThrow) {
        Current current = currentSlot();
        Frame<?, ?, ?> previous = current.frame;
        current.frame = frame;
        try {
            return frame.stepHosted(root, value, toThrow);
        } finally {
            current.frame = previous;
        }
    }

    StackTraceElement[] stackTrace() {
        return frame.isCompiled() ? frame.bodyStack().toArray(new StackTraceElement[0]) : frame.stackTrace();
    }

    /** Coroutine's slot look-up for the compiled engine: the frame being driven on this thread, or null. */
    static Frame<?, ?, ?> runningFrame() {
        return currentFrame();
    }

    /** Throws the clear error for {@code await} outside any running coroutine. */
    static void requireAwaitContext(String what) {
        Frame<?, ?, ?> current = currentFrame();
        EventLoop loop;
        if (current == null && ((loop = EventLoop.running()) == null || loop.currentTask == null)) {
            throw new IllegalStateException("await of " + what + " outside a running task: call it from a "
                    + "coroutine run by Async.run(...), EventLoop.runUntilComplete(...) or createTask(...)");
        }
        if (current == null || current.isBareCoroutine()) {    // a task's step with an empty slot is a bare one's
            throw new IllegalStateException("await of " + what + " in a method called by a compiled coroutine "
                    + "that the coroutine compiler judged could not await: a compiler bug; run without "
                    + "-Dasyncio4j.coroutines=compiled and report it");
        }
        if (!current.isCurrentStrand()) {
            throw new IllegalStateException("await of " + what + " inside a plain generator's body: only "
                    + "coroutines (and the plain methods they call) may await");
        }
    }

    /** Yields {@code trap} to the driver of the running coroutine; returns when the driver resumes it. */
    static void yieldTrap(Trap trap) {
        Frame<?, ?, ?> current = currentFrame();
        if (current == null) {
            requireAwaitContext("a trap");
        }
        current.yieldRaw(trap, false);
    }

    /**
     * Yields {@code trap}, which a coroutine this one drives by hand has yielded, to the running coroutine's
     * driver; returns what the driver sends back (an async generator passing its body's awaits on).
     */
    static Object forwardTrap(Object trap) {
        Frame<?, ?, ?> current = currentFrame();
        if (current == null) {
            requireAwaitContext("a trap");
        }
        return current.yieldRaw(trap, false);
    }

    /**
     * {@code requireAwaitContext(what)} then {@code yieldTrap(trap)}, with one look-up of the running frame: the
     * hot path of {@code await(sleep(0))}.
     */
    static void awaitTrap(String what, Trap trap) {
        Frame<?, ?, ?> current = currentFrame();
        if (current == null || !current.isCurrentStrand()) {
            requireAwaitContext(what);   // throws the clear error
        }
        current.yieldRaw(trap, true);
    }

    @Override
    public String toString() {
        return "Coroutine[" + body.getClass().getName() + " " + frame.state() + "]";
    }
}
