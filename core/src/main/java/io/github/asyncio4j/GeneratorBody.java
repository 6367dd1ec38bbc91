package io.github.asyncio4j;

/**
 * The body of a generator function: what runs, step by step, as the generator is driven.
 *
 * <p>Serializable so that the generator compiler ({@code -Dasyncio4j.generators=compiled}) can find a lambda's
 * implementation method through its {@code SerializedLambda}; asyncio4j never serializes a body.
 *
 * @param <Y> the type of the values it yields
 * @param <S> the type of the values sent into it
 * @param <R> the type of its return value, handed out as {@link StopIteration#value()}
 */
@FunctionalInterface
public interface GeneratorBody<Y, S, R> extends java.io.Serializable {
    /** Runs the body; {@code y} is its only way to suspend. May throw anything, checked exceptions included. */
    R run(Yielder<Y, S> y) throws Exception;
}
