package io.github.asyncio4j.queue;

/**
 * Raised by {@link Queue#putNowait} when the queue is full.
 */
public class QueueFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueFull() {
        super("putNowait() on a full queue");
    }

    public QueueFull(String message) {
        super(message);
    }
}
