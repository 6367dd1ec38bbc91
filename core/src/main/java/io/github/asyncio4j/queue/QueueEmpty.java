package io.github.asyncio4j.queue;

/**
 * Raised by {@link Queue#getNowait} when the queue is empty.
 */
public class QueueEmpty extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the default message. */
    public QueueEmpty() {
        super("getNowait() on an empty queue");
    }

    /** With a message naming the operation that met an empty queue. */
    public QueueEmpty(String message) {
        super(message);
    }
}
