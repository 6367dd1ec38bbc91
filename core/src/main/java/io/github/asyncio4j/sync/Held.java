package io.github.asyncio4j.sync;

/**
 * Proof of an acquisition, for try-with-resources: {@code close()} releases what {@code hold()} acquired. The
 * Java form of {@code async with lock:}:
 *
 * <pre>{@code
 * try (var held = lock.hold()) {      // awaits the lock
 *     ...                             // critical section
 * }                                   // released, also on an exception or a cancellation
 * }</pre>
 *
 * <p>Close it once; a second {@code close()} is a second release (an error for a {@link Lock} no longer held,
 * an extra permit for a {@link Semaphore}).
 */
@FunctionalInterface
public interface Held extends AutoCloseable {
    /** Releases the acquisition. Throws no checked exception. */
    @Override
    void close();
}
