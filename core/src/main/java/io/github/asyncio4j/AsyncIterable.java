package io.github.asyncio4j;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Something a consumer can {@code async for} over: it hands out {@link AsyncIterator}s. {@link #each()} gives
 * the same iteration as a plain {@link Iterable} whose {@code hasNext()} awaits, so a task can use Java's
 * for-each:
 *
 * <pre>{@code
 * for (Job job : queue.each()) {      // async for job in queue:  (inside a task only)
 *     handle(job);
 * }
 * }</pre>
 */
public interface AsyncIterable<T> {
    /** A new iterator over this source. */
    AsyncIterator<T> asyncIterator();

    /**
     * This source as a for-each {@link Iterable}: each {@link Iterator} it makes wraps a new
     * {@link #asyncIterator()}, and its {@code hasNext()} (and {@code next()}, if called first) suspends the
     * calling task like {@code await(asyncIterator.hasNext())}. Use it only inside a running task; elsewhere
     * {@code hasNext()} throws {@link IllegalStateException}.
     */
    default Iterable<T> each() {
        return () -> new Iterator<T>() {
            private final AsyncIterator<T> it = asyncIterator();

            @Override
            public boolean hasNext() {
                return it.hasNext().await();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the async iteration has ended");
                }
                return it.next();
            }
        };
    }
}
