package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.engine.Engine;
import java.io.PrintStream;

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
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
