package io.github.asyncio4j;

/** An operation did not finish before its deadline ({@code waitFor}, {@code timeout} scopes). */
public class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TimeoutError() {
        super();
    }

    public TimeoutError(String message) {
        super(message);
    }

    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
