package io.github.asyncio4j.engine;

/**
 * A suspendable computation: the "frame on the heap" that lets a generator stop at {@code yield} and
 * resume later. Internal to asyncio4j; users meet it only through {@code Generator} and {@code Coroutine}.
 *
 * <p>Invariant: exactly one side runs at a time. {@link #resume()} is called by the driver and returns when
 * the body calls {@link #suspend()} or ends; {@link #suspend()} is called by the body and returns at the next
 * {@link #resume()}. A strand is not thread-safe: drive it from one thread at a time.
 */
public abstract sealed class Strand permits ContinuationStrand, ThreadStrand {

    /** Creates a strand that will run {@code body} at its first {@link #resume()}; runs nothing yet. */
    public static Strand of(Runnable body) {
        return Engine.FAST ? new ContinuationStrand(body) : new ThreadStrand(body);
    }

    /** Runs the body until it suspends or returns. The body must not throw: it reports through its own state. */
    public abstract void resume();

    /** Called from inside the body: gives control back to the driver until the next {@link #resume()}. */
    public abstract void suspend();

    /** True when the calling code is this strand's body (so {@link #suspend()} would suspend this strand). */
    public abstract boolean isCurrent();

    /** True once the body has returned. */
    public abstract boolean isDone();

    /** The body's frames while it is suspended, innermost first (empty if it is not suspended). */
    public abstract StackTraceElement[] stackTrace();

    /** Drops the engine's own frames (everything up to and including this package's suspend). */
    static StackTraceElement[] fromSuspendPoint(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i >= 0; i--) {
            if (stack[i].getClassName().startsWith("io.github.asyncio4j.engine.")
                    && stack[i].getMethodName().equals("suspend")) {
                return java.util.Arrays.copyOfRange(stack, i + 1, stack.length);
            }
        }
        return stack;
    }

    /**
     * Lets the engine reclaim the strand when {@code owner} becomes unreachable while the body is suspended.
     * The fast engine needs nothing (a continuation is plain heap); the fallback engine unwinds the body's
     * thread so that no thread is leaked.
     */
    public abstract void releaseWhenUnreachable(Object owner);
}
