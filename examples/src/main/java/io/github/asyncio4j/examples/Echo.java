package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import io.github.asyncio4j.net.Streams;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The closing program, part 3: a TCP echo server and three clients talking to it at once, on one thread, with
 * {@link Streams#startServer} and {@link Streams#openConnection} (on 127.0.0.1, a port the system picks).
 */
public final class Echo {
    private Echo() {
    }

    /** The server's side of one connection: sends every line back until the client closes. */
    static Coroutine<Void> echo(StreamReader reader, StreamWriter writer) {
        return Coroutine.of(() -> {
            try {
                byte[] line;
                while ((line = await(reader.readLine())).length > 0) {   // an empty array means EOF
                    writer.write(line);
                    await(writer.drain());
                }
            } finally {
                writer.close();
            }
            return null;
        });
    }

    /** One client: sends a few lines and collects what comes back. */
    static Coroutine<List<String>> client(String name, int port) {
        return Coroutine.of(() -> {
            Connection c = await(Streams.openConnection("127.0.0.1", port));
            List<String> heard = new ArrayList<>();
            try {
                for (String text : List.of("hello from " + name, "bye from " + name)) {
                    c.writer().write((text + "\n").getBytes(UTF_8));
                    await(c.writer().drain());
                    heard.add(new String(await(c.reader().readLine()), UTF_8).strip());
                }
            } finally {
                c.writer().close();
            }
            await(c.writer().waitClosed());
            return heard;
        });
    }

    static void run(PrintStream out) {
        Async.run(Coroutine.of(() -> {
            Server server = await(Streams.startServer(Echo::echo, "127.0.0.1", 0));
            try (server) {
                out.println("server: listening on 127.0.0.1");
                List<Task<List<String>>> clients = new ArrayList<>();
                for (String name : List.of("ann", "bob", "cy")) {
                    clients.add(createTask(client(name, server.port()), name));
                }
                for (Task<List<String>> c : clients) {
                    out.println(c.getName() + " heard back: " + await(c));
                }
            }
            await(server.waitClosed());
            out.println("server: closed, every connection finished");
            return null;
        }));
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
