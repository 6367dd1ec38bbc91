package io.github.asyncio4j;

import io.github.asyncio4j.internal.Exceptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The base of the classes that {@code -Dasyncio4j.generators=compiled} and {@code -Dasyncio4j.coroutines=compiled}
 * generate at run time: a generator or coroutine body turned into a state machine, its locals in fields and
 * {@code state} saying at which {@code yield} it stopped. A machine is also its generator's or coroutine's frame
 * (it extends {@code Frame}): a compiled body is one object, not a frame and a machine. Public only because the
 * generated classes live in the body's package; applications never use it, and its protected members may change
 * with the compiler.
 *
 * <p>Invariants: {@link #step} is called by the generator's {@code Frame} only, never re-entered, and never
 * again after it returned the end marker or threw. While a {@code yieldFrom} is in progress the delegate is
 * non-null and {@code state} is its resume point.
 */
public abstract non-sealed class GeneratorStateMachine extends Frame<Object, Object, Object> {
    /**
     * The resume point: 0 before the start, {@code k} after the {@code k}-th suspension point in code order.
     * Written by the generated {@code step}.
     */
    protected int state;
    /**
     * What the machine delegates to at its suspension point: a generator ({@code yieldFrom}); for a coroutine's
     * {@code await}, the awaited {@link Future} or {@link Coroutine}, or null for a one-trap await ({@code sleep}).
     */
    private Object delegate;

    /** For the generated constructors. */
    protected GeneratorStateMachine() {
    }

    /**
     * A new machine of the same body, from the body's captured values: called on a prototype (made by the
     * generated no-argument constructor) by the compiler's factory, so that making a machine is a plain
     * {@code new}. Public for the compiler's package only; applications never call it.
     */
    public abstract GeneratorStateMachine make(Object[] captured);

    /**
     * The body's frame at each resume point, indexed by {@link #state} (0 unused), for {@link Generator#getStack()}:
     * the generated class's constant (its class data), not a field, so that a machine is 8 bytes smaller.
     */
    protected abstract StackTraceElement[] sites();

    /**
     * Runs the body from its resume point to the next suspension: returns the yielded value, or the end marker
     * (see {@link #returned}) when the body returned. {@code thrown}, if not null, is raised at the suspension
     * point instead of the yield returning {@code sent}. What the body throws propagates unchanged.
     */
    protected abstract Object step(Object sent, Throwable thrown);

    /** At each {@code return} of the body: keeps its value and gives the end marker, which {@code step} returns. */
    protected final Object returned(Object value) {
        result = value;
        return Frame.DONE;
    }

    /** True for the end marker. */
    protected static boolean isEnd(Object stepResult) {
        return stepResult == Frame.DONE;
    }

    /** {@code yieldFrom(sub)} starts: {@code sub} becomes the delegate that {@link #stepYieldFrom} drives. */
    protected final void beginYieldFrom(Generator<?, ?, ?> sub) {
        delegate = Objects.requireNonNull(sub, "yieldFrom of null");
    }

    /**
     * One step of PEP 380's delegation: forwards {@code sent} or {@code thrown} to the delegate (a
     * {@link GeneratorExit} closes it and is then raised here) and returns what it yielded, or the end marker
     * once it returned (its value then comes from {@link #yieldFromResult()}). What the delegate throws ends the
     * delegation and propagates.
     */
    @SuppressWarnings("unchecked")
    protected final Object stepYieldFrom(Object sent, Throwable thrown) {
        Generator<Object, Object, Object> sub = (Generator<Object, Object, Object>) delegate;
        Object y;
        try {
            if (thrown instanceof GeneratorExit) {
                sub.close();
                throw thrown;
            }
            y = sub.frame.resume(sent, thrown, sub);
        } catch (Throwable t) {
            delegate = null;
            throw Exceptions.sneakyThrow(t);
        }
        if (y == Frame.DONE) {
            result = sub.frame.takeResult();
            delegate = null;
        }
        return y;
    }

    /** The finished delegate's return value: what {@code yieldFrom} returns. Cleared by the call. */
    protected final Object yieldFromResult() {
        Object r = result;
        result = null;
        return r;
    }

    /**
     * A coroutine's {@code await x} begins: returns the trap to yield, or the end marker when {@code x} is done
     * already (its value then comes from {@link #awaitResult()}). Each kind as its own {@code await} would do it:
     * a {@code sleep} is one trap; a future is waited for while pending; a coroutine is stepped in place (a compiled
     * one is its machine: {@code yield from} without a strand); any other awaitable's {@code await()} is called
     * here when this step runs in a continuation, else it gets a strand of its own (any method it calls may
     * await). What the awaitable throws propagates.
     */
    protected final Object beginAwait(Object x) {
        if (x instanceof Async.Sleep s) {
            return s.trap();
        }
        if (x instanceof Future<?> f) {
            if (f.isDone()) {
                result = f.result();
                return Frame.DONE;
            }
            delegate = f;
            return new Trap.WaitFuture(f);
        }
        if (x instanceof Coroutine<?> c && (c.frame.isCompiled() || !inContinuation())) {
            c.claim();
            delegate = c;
            return stepCoroutine(c, null, null);
        }
        Awaitable<?> a = (Awaitable<?>) x;
        if (inContinuation()) {
            // This step runs in a continuation: an uncompiled coroutine or other awaitable runs here, inline, as
            // on a strand (its awaits suspend this continuation), instead of in a continuation of its own.
            result = a.await();
            return Frame.DONE;
        }
        Coroutine<?> wrapped = Coroutine.awaiting(Objects.requireNonNull(a, "await of null"));
        delegate = wrapped;
        return stepCoroutine(wrapped, null, null);
    }

    /**
     * One more step of the {@code await} that {@link #beginAwait} began: returns the next trap, or the end marker
     * once the awaitable is done. {@code thrown} (a cancellation, a timeout) is raised at the await, or into the
     * awaited coroutine, which may handle it.
     */
    protected final Object stepAwait(Object sent, Throwable thrown) {
        Object d = delegate;
        if (d instanceof Coroutine<?> c) {
            return stepCoroutine(c, sent, thrown);
        }
        if (thrown != null) {
            delegate = null;
            throw Exceptions.sneakyThrow(thrown);
        }
        if (d instanceof Future<?> f) {
            if (!f.isDone()) {
                return new Trap.WaitFuture(f);
            }
            delegate = null;
            result = f.result();
        }
        return Frame.DONE;
    }

    /** True when this machine's step runs in a continuation (its body may call methods that await). */
    private static boolean inContinuation() {
        Frame<?, ?, ?> running = Coroutine.runningFrame();
        return running != null && running.isCurrentStrand();
    }

    /**
     * One step of an awaited coroutine. A compiled one whose steps need a continuation, awaited from a step that
     * runs in one already, steps in that continuation ({@code Coroutine.resumeHosted}): a chain of such awaits
     * costs stack as a chain of plain calls does, not a continuation per level.
     */
    private Object stepCoroutine(Coroutine<?> c, Object sent, Throwable thrown) {
        Object y;
        try {
            Frame<?, ?, ?> running;
            if (c.frame.isGuardedCoroutine() && (running = Coroutine.runningFrame()) != null
                    && running.isCurrentStrand()) {
                y = c.resumeHosted(running.root(), sent, thrown);
            } else {
                y = c.resume(sent, thrown);
            }
        } catch (Throwable t) {
            delegate = null;
            throw Exceptions.sneakyThrow(t);
        }
        if (y == Frame.DONE) {
            delegate = null;
            result = c.frame.takeResult();
        }
        return y;
    }

    /** The finished await's value: what {@code await} returns. Cleared by the call. */
    protected final Object awaitResult() {
        Object r = result;
        if (r != null) {
            result = null;
        }
        return r;
    }

    /** Where a suspended machine waits, innermost first: its delegate's frames, then the body's own. */
    final List<StackTraceElement> stack() {
        List<StackTraceElement> all = new ArrayList<>();
        Object d = delegate;
        if (d instanceof Generator<?, ?, ?> g) {
            all.addAll(g.getStack());
        } else if (d instanceof Coroutine<?> c) {
            all.addAll(c.frame.bodyStack());
        }
        StackTraceElement[] sites = sites();
        if (state > 0 && state < sites.length) {
            all.add(sites[state]);
        }
        return all;
    }
}
