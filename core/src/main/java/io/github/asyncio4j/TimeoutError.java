package io.github.asyncio4j;

/** An operation did not finish before its deadline ({@code waitFor}, {@code timeout} scopes). */
public class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A timeout without a message. */
    public TimeoutError() {
        super();
    }

    /** A timeout whose message says what timed out. */
    public TimeoutError(String message) {
        super(message);
    }

    /** A timeout with the error that stood for it (such as the {@link CancelledError} it replaces). */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
