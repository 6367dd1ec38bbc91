package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import java.io.PrintStream;

/**
 * Step 2 of the guide, Python's classic {@code jumping_range}: {@code send()} passes a value into a suspended
 * generator.
 */
public final class JumpingRange {
    private JumpingRange() {
    }

    /** Python's {@code jumping_range(up_to)}: counts up; a value sent in shifts the count by that much. */
    public static Generator<Integer, Integer, Void> jumpingRange(int upTo) {
        return Generator.of(y -> {
            int index = 0;
            while (index < upTo) {
                Integer jump = y.yield(index);
                index += (jump == null) ? 1 : jump;
            }
            return null;
        });
    }

    static void run(PrintStream out) {
        var iterator = jumpingRange(5);
        out.println(iterator.next());   // 0
        out.println(iterator.send(2));  // 2
        out.println(iterator.next());   // 3
        out.println(iterator.send(-1)); // 2
        for (int x : iterator) {
            out.println(x);             // 3, 4
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
