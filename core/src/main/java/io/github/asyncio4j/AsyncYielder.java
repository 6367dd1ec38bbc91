package io.github.asyncio4j;

/**
 * How an {@link AsyncGeneratorBody} hands out a value: {@code y.yield(value)} is Python's {@code yield value}
 * inside an {@code async def}.
 *
 * @param <T> the values it yields
 */
public interface AsyncYielder<T> {
    /**
     * Hands {@code value} to the consumer and suspends until the next element is asked for. When the generator is
     * closed ({@link AsyncGenerator#aclose()}) while suspended here, this throws {@link GeneratorExit}, so
     * {@code finally} blocks run.
     *
     * @throws IllegalStateException if called outside its generator's body
     */
    void yield(T value);
}
