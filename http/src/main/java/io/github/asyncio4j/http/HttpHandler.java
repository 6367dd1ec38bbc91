package io.github.asyncio4j.http;

import io.github.asyncio4j.Coroutine;

/**
 * What an {@link HttpServer} runs for each request: returns the coroutine that computes the response. It runs in
 * the connection's task, so requests on one keep-alive connection are handled one after another. An exception
 * becomes a {@code 500} response (and is reported to the loop's exception handler).
 *
 * <pre>{@code
 * HttpHandler hello = request -> Coroutine.of(() -> HttpResponse.text(200, "hello " + request.path()));
 * }</pre>
 */
@FunctionalInterface
public interface HttpHandler {
    Coroutine<HttpResponse> handle(HttpRequest request);
}
