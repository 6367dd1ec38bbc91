package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The echo server of {@link Echo} on a Unix domain socket (a file in a fresh temporary directory): the same
 * handler, {@link Streams#startUnixServer} and {@link Streams#openUnixConnection} instead of host and port.
 */
public final class UnixEcho {
    private UnixEcho() {
    }

    static void run(PrintStream out) {
        Path dir;
        try {
            dir = Files.createTempDirectory("asyncio4j-unix-echo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path socket = dir.resolve("echo.sock");
        Async.run(Coroutine.of(() -> {
            try (Server server = await(Streams.startUnixServer(Echo::echo, socket))) {
                out.println("server: listening on echo.sock (a socket file: " + Files.exists(socket) + ")");
                Connection c = await(Streams.openUnixConnection(socket));
                for (String text : new String[] {"hello over a Unix socket", "bye"}) {
                    c.writer().write((text + "\n").getBytes(UTF_8));
                    await(c.writer().drain());
                    out.println("client heard back: " + new String(await(c.reader().readLine()), UTF_8).strip());
                }
                c.close();
                await(c.writer().waitClosed());
            }
            out.println("server: closed; socket file left behind: " + Files.exists(socket));
            return null;
        }));
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it up eventually
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
