package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.IoWaits;
import io.github.asyncio4j.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.List;

/**
 * Step 7 of the guide: the toy loop's program ({@link ToyLoopExample}) on asyncio4j's real event loop.
 * {@code await(sleep(s))} yields a {@code Trap.Sleep}, {@code await(IoWaits.readable(ch))} a {@code Trap.IoWait},
 * and {@code createTask} replaces the {@code Spawn} trap.
 */
public final class RealLoop {
    private RealLoop() {
    }

    static Coroutine<Void> sleeper(String name, double seconds, PrintStream out) {
        return Coroutine.of(() -> {
            out.println(name + ": sleeping " + seconds + " s");
            await(sleep(seconds));
            out.println(name + ": awake");
            return null;
        });
    }

    static Coroutine<Void> reader(Pipe.SourceChannel source, PrintStream out) {
        return Coroutine.of(() -> {
            out.println("reader: waiting for data on the pipe");
            await(IoWaits.readable(source));
            ByteBuffer buffer = ByteBuffer.allocate(64);
            source.read(buffer);
            out.println("reader: read '" + new String(buffer.array(), 0, buffer.position(), UTF_8) + "'");
            return null;
        });
    }

    static Coroutine<Void> writer(Pipe.SinkChannel sink, PrintStream out) {
        return Coroutine.of(() -> {
            out.println("writer: sleeping 0.2 s");
            await(sleep(0.2));
            sink.write(ByteBuffer.wrap("ping".getBytes(UTF_8)));
            out.println("writer: wrote 'ping'");
            return null;
        });
    }

    static void run(PrintStream out) {
        try {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                source.configureBlocking(false);
                Async.run(Coroutine.of(() -> {
                    out.println("main: starting three tasks");
                    List<Task<Void>> tasks = List.of(
                            createTask(sleeper("a", 0.1, out)),
                            createTask(reader(source, out)),
                            createTask(writer(sink, out)));
                    for (Task<Void> task : tasks) {
                        await(task);
                    }
                    out.println("main: all three tasks are done");
                    return null;
                }));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
