package io.github.asyncio4j.internal;

/**
 * Rethrowing any throwable unchanged, checked ones included: asyncio4j never wraps what user code threw.
 * Internal: not part of the API (the package is not exported).
 */
public final class Exceptions {
    private Exceptions() {
    }

    /** Throws {@code t} as it is; declared to return an exception so that callers can write {@code throw sneakyThrow(t)}. */
    public static RuntimeException sneakyThrow(Throwable t) {
        throw Exceptions.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
