package io.github.asyncio4j.engine;

/** The fast engine: a strand is a {@code jdk.internal.vm.Continuation}; suspend is yield, resume is run. */
final class ContinuationStrand extends Strand {
    private final Object continuation;

    ContinuationStrand(Runnable body) {
        try {
            continuation = Engine.NEW.invokeExact((Object) Engine.SCOPE, body);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot create a continuation", t);
        }
    }

    @Override
    public void resume() {
        try {
            Engine.RUN.invokeExact(continuation);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void suspend() {
        boolean yielded;
        try {
            yielded = (boolean) Engine.YIELD.invokeExact((Object) Engine.SCOPE);
        } catch (IllegalStateException pinned) {
            // JDK 21-23: a monitor (synchronized) or a native frame on the stack pins the continuation.
            throw new IllegalStateException("cannot suspend here: the stack holds a monitor (synchronized) or a "
                    + "native frame, which pins the continuation on this JDK (" + pinned.getMessage()
                    + "). Use a java.util.concurrent lock instead of synchronized, or run on JDK 24+", pinned);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (!yielded) {
            throw new IllegalStateException("cannot suspend here: the continuation is pinned");
        }
    }

    @Override
    public boolean isCurrent() {
        try {
            return (Object) Engine.CURRENT.invokeExact((Object) Engine.SCOPE) == continuation;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public boolean isDone() {
        try {
            return (boolean) Engine.IS_DONE.invokeExact(continuation);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public StackTraceElement[] stackTrace() {
        try {
            return fromSuspendPoint((StackTraceElement[]) Engine.STACK.invokeExact(continuation));
        } catch (Throwable t) {
            return new StackTraceElement[0];
        }
    }

    @Override
    public void releaseWhenUnreachable(Object owner) {
        // A continuation is ordinary heap: it is collected with its owner.
    }
}
