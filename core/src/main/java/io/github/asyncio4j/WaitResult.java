package io.github.asyncio4j;

import java.util.Set;

/**
 * What {@link Async#wait} returns: Python's {@code (done, pending)} pair. Both sets keep the order the futures
 * were given in, and together hold each of them once.
 */
public record WaitResult<F extends Future<?>>(Set<F> done, Set<F> pending) {
    /** Makes both sets unmodifiable. */
    public WaitResult {
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
