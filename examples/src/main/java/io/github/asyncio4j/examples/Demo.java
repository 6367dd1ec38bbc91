package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Generator;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.engine.Engine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code ./asyncio4j demo}: a short tour of what asyncio4j is built from. */
public final class Demo {
    private Demo() {
    }

    static void run(PrintStream out) {
        out.println("asyncio4j demo (engine: " + Engine.name() + ")");
        out.println();
        out.println("1. A generator's frame lives on the heap: it stops at yield and resumes later.");
        Generator<String, Void, Void> steps = Generator.of(y -> {
            y.yield("first");
            y.yield("second");
            return null;
        });
        out.println("   state " + steps.state() + " -> next() = " + steps.next() + " -> state " + steps.state());
        out.println("   next() = " + steps.next());
        out.println();
        out.println("2. send() passes a value in: jumping_range(5) with next, send(2), next, send(-1), then for-each");
        StringBuilder line = new StringBuilder("  ");
        var it = JumpingRange.jumpingRange(5);
        line.append(' ').append(it.next()).append(' ').append(it.send(2)).append(' ').append(it.next())
                .append(' ').append(it.send(-1));
        for (int x : it) {
            line.append(' ').append(x);
        }
        out.println(line);
        out.println();
        out.println("3. yieldFrom delegates to a sub-generator and returns its value");
        Generator<Integer, Void, Integer> inner = Generator.of(y -> {
            y.yield(1);
            y.yield(2);
            return 3;
        });
        Generator<Integer, Void, Void> outer = Generator.of(y -> {
            int r = y.yieldFrom(inner);
            y.yield(r * 100);
            return null;
        });
        out.println("   outer yields " + outer.stream().toList() + " (the last is the sub-generator's return x 100)");
        out.println();
        out.println("4. A coroutine yields traps to its driver: awaiting a pending Future hands over the future itself");
        try (EventLoop loop = EventLoop.create()) {
            Future<Integer> answer = loop.createFuture();
            Coroutine<Integer> coro = Coroutine.of(() -> await(answer) + 1);
            out.println("   coro.send(null) -> " + coro.send(null));
            answer.setResult(41);
            try {
                coro.send(null);
            } catch (io.github.asyncio4j.StopIteration done) {
                out.println("   after setResult(41): StopIteration(" + done.value() + ")");
            }
        }
        out.println();
        out.println("5. The event loop runs tasks one step at a time; three sleepers overlap");
        List<String> log = new ArrayList<>();
        long start = System.nanoTime();
        String total = Async.run(Coroutine.of(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {          // in deadline order: a slow start cannot reorder the wake-ups
                double seconds = i * 0.1;
                String name = "sleeper-" + i;
                tasks.add(createTask(Coroutine.of(() -> {
                    log.add(name + " starts");
                    await(sleep(seconds));
                    log.add(name + " wakes");
                    return name;
                }), name));
            }
            List<String> names = new ArrayList<>();
            for (Task<String> t : tasks.reversed()) {
                names.add(await(t));
            }
            return String.join(", ", names);
        }));
        double took = (System.nanoTime() - start) / 1e9;
        log.forEach(entry -> out.println("   " + entry));
        out.println("   results in the order awaited (last created first): " + total);
        out.printf("   0.3 + 0.2 + 0.1 s of sleep took %.2f s in all: they ran concurrently%n", took);
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
