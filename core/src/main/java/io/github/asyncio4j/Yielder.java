package io.github.asyncio4j;

/**
 * A generator body's handle on its own frame: Python's {@code yield} and {@code yield from}.
 * Valid only inside the body it was given to, while that body runs.
 */
public interface Yielder<Y, S> {
    /**
     * {@code x = yield value}: suspends the generator, handing {@code value} to whoever resumed it, and returns
     * what the next {@code send} passes ({@code null} for {@code next()}). If the driver calls
     * {@code throwInto(t)} instead, {@code t} is thrown here; {@code close()} throws {@link GeneratorExit} here.
     */
    S yield(Y value);

    /**
     * {@code r = yield from sub}, with PEP 380's semantics: every value {@code sub} yields is yielded to this
     * generator's driver, sends, throws and closes are forwarded to {@code sub}, and {@code sub}'s return value
     * is returned. A fresh {@code sub} runs inline on this generator's frame, so each level of delegation costs
     * a call, not a hop per value.
     */
    <R2> R2 yieldFrom(Generator<? extends Y, ? super S, R2> sub);
}
