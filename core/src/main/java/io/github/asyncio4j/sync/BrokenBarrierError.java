package io.github.asyncio4j.sync;

/** Raised by {@link Barrier#arriveAndWait()} when the barrier is broken by {@code abort()} or {@code reset()}. */
public class BrokenBarrierError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error saying why the barrier broke. */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
