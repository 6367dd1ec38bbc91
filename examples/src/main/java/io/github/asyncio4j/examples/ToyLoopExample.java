package io.github.asyncio4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.examples.ToyLoop.Sleep;
import io.github.asyncio4j.examples.ToyLoop.Spawn;
import io.github.asyncio4j.examples.ToyLoop.Trap;
import io.github.asyncio4j.examples.ToyLoop.WaitReadable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * Step 6 of the guide, the program: three tasks on the {@link ToyLoop}. One sleeps, one waits for data on a pipe
 * and one writes that data after a while; a main task starts them with {@link Spawn} traps. The printed order
 * does not depend on how fast the machine is: the tasks take their first step in one loop iteration, in the
 * order of their deadlines (so a delay can only push a later deadline further out), and the reader cannot read
 * before the writer has written.
 */
public final class ToyLoopExample {
    private ToyLoopExample() {
    }

    static Generator<Trap, Void, Void> sleeper(String name, double seconds, PrintStream out) {
        return Generator.of(y -> {
            out.println(name + ": sleeping " + seconds + " s");
            y.yield(new Sleep(seconds));
            out.println(name + ": awake");
            return null;
        });
    }

    static Generator<Trap, Void, Void> reader(Pipe.SourceChannel source, PrintStream out) {
        return Generator.of(y -> {
            out.println("reader: waiting for data on the pipe");
            y.yield(new WaitReadable(source));
            ByteBuffer buffer = ByteBuffer.allocate(64);
            source.read(buffer);
            out.println("reader: read '" + new String(buffer.array(), 0, buffer.position(), UTF_8) + "'");
            return null;
        });
    }

    static Generator<Trap, Void, Void> writer(Pipe.SinkChannel sink, PrintStream out) {
        return Generator.of(y -> {
            out.println("writer: sleeping 0.2 s");
            y.yield(new Sleep(0.2));
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
                ToyLoop loop = new ToyLoop();
                loop.spawn(Generator.of(y -> {
                    out.println("main: starting three tasks");
                    y.yield(new Spawn(sleeper("a", 0.1, out)));
                    y.yield(new Spawn(reader(source, out)));
                    y.yield(new Spawn(writer(sink, out)));
                    out.println("main: returns");
                    return null;
                }));
                loop.run();
                out.println("loop: no task left");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
