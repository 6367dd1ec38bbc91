/**
 * asyncio's synchronisation primitives for tasks of one event loop: {@link io.github.asyncio4j.sync.Lock},
 * {@link io.github.asyncio4j.sync.Event}, {@link io.github.asyncio4j.sync.Condition},
 * {@link io.github.asyncio4j.sync.Semaphore}, {@link io.github.asyncio4j.sync.BoundedSemaphore},
 * {@link io.github.asyncio4j.sync.Barrier}.
 *
 * <p>Waiting operations return {@link io.github.asyncio4j.Awaitable}s ({@code await(lock.acquire())}); every
 * lock-like type has {@code hold()}, which awaits the acquisition and returns a {@link io.github.asyncio4j.sync.Held}
 * for try-with-resources, the Java form of {@code async with}:
 *
 * <pre>{@code
 * try (var held = lock.hold()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Common rules, as in asyncio: waiters are woken first come, first served; a waiter that is cancelled leaves
 * no trace (it holds nothing, and a grant that reached it just before the cancellation is passed on to the next
 * waiter); none of these types is thread-safe: they belong to one event loop and never block a thread.
 */
package io.github.asyncio4j.sync;
