package io.github.asyncio4j;

import java.util.List;

/**
 * Several exceptions raised together, as by a {@link TaskGroup} whose children failed (Python 3.11's
 * {@code ExceptionGroup}). The first one is also the cause; the others are suppressed, so stack traces show all.
 */
public class ExceptionGroup extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Throwable> exceptions;

    /** A group of at least one exception, in the order they were raised. */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")",
                exceptions.isEmpty() ? null : exceptions.get(0));
        if (exceptions.isEmpty()) {
            throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        }
        this.exceptions = List.copyOf(exceptions);
        for (int i = 1; i < this.exceptions.size(); i++) {
            addSuppressed(this.exceptions.get(i));
        }
    }

    /** The exceptions, in the order they were raised. */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
