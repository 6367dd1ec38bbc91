package io.github.asyncio4j.sync;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.internal.Waiters;
import io.github.asyncio4j.internal.Waiters.Waiter;

/**
 * asyncio's Event: a flag that tasks can wait to become set. {@link #set()} wakes every waiting task;
 * {@link #clear()} resets the flag for later waiters (a task already woken still returns).
 *
 * <pre>{@code
 * await(ready.untilSet());    // await ready.wait()
 * ready.set();
 * }</pre>
 *
 * <p>Python's {@code wait()} is {@link #untilSet()} here ({@code Object.wait()} is final). A waiter that is
 * cancelled leaves no trace. Loop-confined: use it from its loop's thread only; it binds to the loop of its
 * first waiter. {@code set()} and {@code clear()} may also be called before any loop runs.
 */
public final class Event {
    private final Waiters waiters = new Waiters(this);
    private final Awaitable<Void> untilSet = this::waitSet;
    private boolean value;

    /** Sets the flag and wakes every waiting task; no-op if already set. */
    public void set() {
        if (!value) {
            value = true;
            waiters.wakeAll();
        }
    }

    /** Clears the flag: later {@link #untilSet()} calls wait again. */
    public void clear() {
        value = false;
    }

    /** True while the flag is set. */
    public boolean isSet() {
        return value;
    }

    /** An awaitable that returns at once if the flag is set, else suspends the task until {@link #set()}. */
    public Awaitable<Void> untilSet() {
        return untilSet;
    }

    private Void waitSet() {
        if (value) {
            return null;
        }
        Waiter w = waiters.add(null);
        try {
            w.await();
        } catch (Throwable t) {
            waiters.remove(w);
            throw t;
        }
        return null;
    }

    @Override
    public String toString() {
        return "Event[" + (value ? "set" : "unset") + ", waiters=" + waiters.pending() + "]";
    }
}
