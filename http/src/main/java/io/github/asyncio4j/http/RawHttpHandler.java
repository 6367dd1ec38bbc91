package io.github.asyncio4j.http;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.net.Connection;

/**
 * An {@link HttpHandler} that also gets the connection's raw streams, for behaviour a well-behaved server never
 * shows (tests and the crawler's demo site): trickling bytes, resetting the connection
 * ({@code connection.writer().abort()}), sending a malformed status line or an endless chunked body.
 *
 * <p>Return a response for the server to send as usual, or a coroutine that returns null to say "I wrote what
 * I wanted": the server then closes the connection (after the buffered bytes are sent).
 */
@FunctionalInterface
public interface RawHttpHandler {
    Coroutine<HttpResponse> handle(HttpRequest request, Connection connection);
}
