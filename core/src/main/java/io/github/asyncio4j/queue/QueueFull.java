package io.github.asyncio4j.queue;

/**
 * Raised by {@link Queue#putNowait} when the queue is full.
 */
public class QueueFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the default message. */
    public QueueFull() {
        super("putNowait() on a full queue");
    }

    /** With a message naming the operation that met a full queue. */
    public QueueFull(String message) {
        super(message);
    }
}
