/**
 * HTTP/1.1 and HTTP/2 on asyncio4j streams: a client with a keep-alive connection pool (HTTP/2 where TLS's ALPN
 * agrees on it, see {@link io.github.asyncio4j.http.HttpVersion}) ({@link
 * io.github.asyncio4j.http.HttpClient}), and a small server ({@link io.github.asyncio4j.http.HttpServer}) for demos
 * and tests. Everything runs on the event loop and never blocks it; every operation is an awaitable used from
 * inside a task.
 *
 * <pre>{@code
 * Async.run(Coroutine.of(() -> {
 *     HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
 *             HttpResponse.text(200, "hello")), "127.0.0.1", 0));
 *     try (HttpClient client = HttpClient.create()) {
 *         HttpResponse r = await(client.get(server.url("/")));
 *         System.out.println(r.status() + " " + r.text());
 *     } finally {
 *         server.close();
 *     }
 *     return null;
 * }));
 * }</pre>
 *
 * <p>Failures: {@link io.github.asyncio4j.http.HttpProtocolException} (a malformed message),
 * {@link io.github.asyncio4j.http.BodyTooLargeException}, {@link io.github.asyncio4j.http.HttpTimeoutException}
 * (a {@link io.github.asyncio4j.TimeoutError} naming the connect, read or total timeout), and the JDK's I/O and
 * TLS exceptions, unchanged.
 */
package io.github.asyncio4j.http;
