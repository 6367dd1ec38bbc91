package io.github.asyncio4j;

/**
 * Signals that a generator or coroutine has returned; {@link #value()} is its return value.
 * Thrown by {@code next}, {@code send} and {@code throwInto}. Carries no stack trace: it is control flow.
 */
public final class StopIteration extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Object value;

    /** The end of a generator that returned {@code value}. */
    public StopIteration(Object value) {
        super(null, null, false, false);
        this.value = value;
    }

    /** The generator's return value ({@code null} for a generator that was already closed). */
    public Object value() {
        return value;
    }

    @Override
    public String getMessage() {
        return "generator returned " + value;
    }
}
