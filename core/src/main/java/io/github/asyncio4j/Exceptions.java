package io.github.asyncio4j;

/** Rethrowing any throwable unchanged, checked ones included: asyncio4j never wraps what user code threw. */
final class Exceptions {
    private Exceptions() {
    }

    static RuntimeException sneakyThrow(Throwable t) {
        throw Exceptions.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
