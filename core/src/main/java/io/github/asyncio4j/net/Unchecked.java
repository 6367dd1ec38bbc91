package io.github.asyncio4j.net;

/** Rethrows a checked exception unchanged and undeclared, as the rest of asyncio4j does (no wrapping). */
final class Unchecked {
    private Unchecked() {
    }

    static RuntimeException rethrow(Throwable t) {
        throw Unchecked.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
