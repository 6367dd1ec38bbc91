package io.github.asyncio4j.sync;

/**
 * asyncio's BoundedSemaphore: a {@link Semaphore} that refuses to be released more often than it was acquired,
 * so a stray {@code release()} is caught instead of silently raising the limit. Loop-confined.
 */
public class BoundedSemaphore extends Semaphore {
    private final int bound;

    /** A bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /** A bounded semaphore with {@code value} permits, never more. */
    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /** @throws IllegalStateException if every permit is already back (released too many times) */
    @Override
    public void release() {
        if (availablePermits() >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times (bound " + bound + ")");
        }
        give();
    }
}
