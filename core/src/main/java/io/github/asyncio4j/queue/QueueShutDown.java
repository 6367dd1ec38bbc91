package io.github.asyncio4j.queue;

/**
 * Raised by a put on a {@link Queue#shutdown() shut-down} queue, and by a get on one that is shut down and empty
 * (also in tasks that were blocked in {@code put} or {@code get} when it was shut down).
 */
public class QueueShutDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the default message. */
    public QueueShutDown() {
        super("the queue is shut down");
    }

    /** With a message naming the operation that met a shut-down queue. */
    public QueueShutDown(String message) {
        super(message);
    }
}
