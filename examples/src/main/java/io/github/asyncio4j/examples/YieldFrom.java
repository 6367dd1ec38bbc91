package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import java.io.PrintStream;

/**
 * Step 3 of the guide: {@code yieldFrom} delegates to a sub-generator. Its values pass straight through to the
 * outer driver, values sent in reach the sub-generator, and its return value comes back as the result of
 * {@code yieldFrom}: Python's {@code r = yield from sub}.
 */
public final class YieldFrom {
    private YieldFrom() {
    }

    /** Sums what is sent in until a null arrives; yields the running total each time. */
    static Generator<Integer, Integer, Integer> adder(String name, PrintStream out) {
        return Generator.of(y -> {
            int total = 0;
            while (true) {
                Integer x = y.yield(total);
                if (x == null) {
                    out.println("  " + name + " returns " + total);
                    return total;
                }
                total += x;
            }
        });
    }

    /** Delegates to two adders in turn and yields what they returned. */
    static Generator<Integer, Integer, Void> twoSums(PrintStream out) {
        return Generator.of(y -> {
            int first = y.yieldFrom(adder("first", out));     // r = yield from adder()
            int second = y.yieldFrom(adder("second", out));
            y.yield(first * 1000 + second);
            return null;
        });
    }

    static void run(PrintStream out) {
        var g = twoSums(out);
        out.println("next()     -> " + g.next() + "   (the first adder's running total)");
        out.println("send(1)    -> " + g.send(1));
        out.println("send(2)    -> " + g.send(2));
        out.println("next()     -> " + g.next() + "   (null ended the first adder; the second starts at 0)");
        out.println("send(10)   -> " + g.send(10));
        out.println("next()     -> " + g.next() + "   (first * 1000 + second: both return values came back)");
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
