package io.github.asyncio4j;

/**
 * Raised inside a task at its await point when the task is cancelled, and by {@link Future#result()} of a
 * cancelled future. An {@link Error}, like Python 3.8's {@code BaseException}, so that
 * {@code catch (Exception e)} cannot swallow a cancellation.
 */
public class CancelledError extends Error {
    private static final long serialVersionUID = 1L;

    /** A cancellation without a message. */
    public CancelledError() {
        super();
    }

    /** A cancellation carrying the message given to {@code cancel(msg)}. */
    public CancelledError(String message) {
        super(message);
    }
}
