package io.github.asyncio4j;

import java.util.NoSuchElementException;

/**
 * Python's asynchronous iterator ({@code __anext__}), in the shape of Java's {@link java.util.Iterator}:
 * {@link #hasNext()} is an awaitable that suspends until the next element is ready (true) or the iteration has
 * ended (false); {@link #next()} then hands over that element without suspending. The end is a plain
 * {@code false}, not an exception (Python's {@code StopAsyncIteration}).
 *
 * <pre>{@code
 * AsyncIterator<Job> jobs = queue.asyncIterator();      // async for job in queue:
 * while (await(jobs.hasNext())) {
 *     Job job = jobs.next();
 *     ...
 * }
 * }</pre>
 *
 * <p>Invariants: {@code hasNext()} takes the element from its source (awaiting it again before {@code next()}
 * returns the same element); {@code next()} returns it once. Loop-confined: use it from one task.
 */
public interface AsyncIterator<T> {
    /** An awaitable of whether there is a next element; suspends until there is one or the iteration ended. */
    Awaitable<Boolean> hasNext();

    /**
     * The element that {@code await(hasNext())} found.
     *
     * @throws NoSuchElementException if {@code hasNext()} was not awaited to true since the last {@code next()}
     */
    T next();
}
