package io.github.asyncio4j;

/**
 * The body of an asynchronous generator ({@code async def} with {@code yield}): it may {@code await} and hand out
 * values with {@link AsyncYielder#yield}. See {@link AsyncGenerator#of}.
 *
 * @param <T> the values it yields
 */
@FunctionalInterface
public interface AsyncGeneratorBody<T> {
    /** Runs the generator function; returning ends the iteration. */
    void run(AsyncYielder<T> y) throws Exception;
}
