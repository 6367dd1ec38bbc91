package io.github.asyncio4j.net;

import io.github.asyncio4j.Coroutine;

/**
 * What a server runs for each accepted connection ({@code client_connected_cb}): returns the coroutine that
 * serves it; the server wraps that coroutine in its own task.
 *
 * <p>When the coroutine fails, the error goes to the loop's exception handler and the connection is closed; when
 * its task is cancelled the connection is closed too. When it returns normally the connection is left as it is
 * (as in asyncio): close the writer yourself, typically in a {@code finally} block.
 */
@FunctionalInterface
public interface ConnectionHandler {
    /** The coroutine that serves one connection; it runs in its own task. */
    Coroutine<?> handle(StreamReader reader, StreamWriter writer);
}
