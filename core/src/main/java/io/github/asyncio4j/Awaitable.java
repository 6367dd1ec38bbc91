package io.github.asyncio4j;

/**
 * Something a coroutine can wait for: Python's awaitable. Implemented by {@link Coroutine}, {@link Future},
 * {@link Task}, and by user types (typically by awaiting other awaitables).
 *
 * <p>{@code await()} may only be called inside a running task (or a coroutine driven by hand); elsewhere it
 * throws {@link IllegalStateException}, never hangs.
 */
@FunctionalInterface
public interface Awaitable<T> {
    /** Suspends the calling task until the result is ready, and returns it (or throws what the work threw). */
    T await();
}
