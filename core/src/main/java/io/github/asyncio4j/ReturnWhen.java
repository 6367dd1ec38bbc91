package io.github.asyncio4j;

/** When {@link Async#wait} returns ({@code asyncio.FIRST_COMPLETED} and friends). */
public enum ReturnWhen {
    /** As soon as any future is done or cancelled. */
    FIRST_COMPLETED,
    /** As soon as any future fails with an exception (not a cancellation); else when all are done. */
    FIRST_EXCEPTION,
    /** When every future is done. */
    ALL_COMPLETED
}
