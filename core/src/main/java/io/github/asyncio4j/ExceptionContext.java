package io.github.asyncio4j;

/**
 * What the loop's exception handler is told: asyncio's context dict. Fields that do not apply are null.
 *
 * @param message   what happened
 * @param exception the exception, if any
 * @param future    the future or task concerned, if any
 * @param handle    the callback handle concerned, if any
 */
public record ExceptionContext(String message, Throwable exception, Future<?> future, Handle handle) {

    /** A one-line-plus-trace rendering, as asyncio's default handler prints it. */
    public String describe() {
        StringBuilder b = new StringBuilder(message == null ? "Unhandled exception in event loop" : message);
        if (future != null) {
            b.append("\nfuture: ").append(future);
        }
        if (handle != null) {
            b.append("\nhandle: ").append(handle);
        }
        return b.toString();
    }
}
