/**
 * Network I/O on the event loop: asyncio's streams ({@link io.github.asyncio4j.net.Streams},
 * {@link io.github.asyncio4j.net.StreamReader}, {@link io.github.asyncio4j.net.StreamWriter},
 * {@link io.github.asyncio4j.net.Server}) over TCP and TLS, UDP endpoints
 * ({@link io.github.asyncio4j.net.Datagrams}, {@link io.github.asyncio4j.net.DatagramEndpoint}), and the low-level
 * socket awaitables of {@link io.github.asyncio4j.net.Sockets}.
 *
 * <pre>{@code
 * Server server = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
 *     byte[] line;
 *     while ((line = await(reader.readLine())).length > 0) {
 *         writer.write(line);
 *         await(writer.drain());
 *     }
 *     writer.close();
 *     return null;
 * }), "127.0.0.1", 0));
 *
 * Connection c = await(Streams.openConnection("127.0.0.1", server.port()));
 * c.writer().write("hello\n".getBytes(UTF_8));
 * byte[] echoed = await(c.reader().readLine());
 * }</pre>
 *
 * <p><b>Layers.</b> A connection is a transport (package-private: it owns the socket, reads when the selector says
 * the socket is readable, buffers and flushes writes) under a protocol that feeds the reader and holds the
 * writer's flow-control state, as in asyncio; TLS is a transport stacked on the socket transport, running an
 * {@link javax.net.ssl.SSLEngine}. Everything is loop-confined and never blocks the loop: host names are resolved
 * with {@link io.github.asyncio4j.Async#toThread}, literal addresses are not looked up.
 *
 * <p><b>Errors.</b> I/O failures are the JDK's exceptions, rethrown unchanged and undeclared (as asyncio raises
 * {@code OSError} subclasses): {@link java.net.ConnectException} for a refused connection,
 * {@link java.net.SocketException} "Connection reset" when a read sees a peer reset (a write may see
 * {@link java.io.IOException} "Broken pipe" or "Connection reset by peer"), {@link java.net.UnknownHostException},
 * {@link javax.net.ssl.SSLHandshakeException}. Because they are undeclared, Java does not let you name a checked
 * type directly in a {@code catch} around {@code await(...)}: catch {@code Exception} and test the type.
 * Stream-level conditions are unchecked: {@link io.github.asyncio4j.net.IncompleteReadError},
 * {@link io.github.asyncio4j.net.LimitOverrunError}.
 *
 * <p><b>Cancellation.</b> Cancelling a task at any await here raises {@link io.github.asyncio4j.CancelledError}
 * there, removes the selector interest the await registered, closes only what the operation itself opened (a
 * socket being connected by {@code openConnection}), and loses no data: bytes that arrive stay buffered for the
 * next read, bytes written stay queued for sending.
 */
package io.github.asyncio4j.net;
