package io.github.asyncio4j;

/** A future or task was asked for something its state does not allow (a result before done, a second result). */
public class InvalidStateError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** An error whose message names the state and the call. */
    public InvalidStateError(String message) {
        super(message);
    }
}
