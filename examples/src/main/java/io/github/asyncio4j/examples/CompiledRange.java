package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import java.io.PrintStream;

/**
 * Step 1 of the guide, continued: the state machine that the generator compiler
 * ({@code -Dasyncio4j.generators=compiled}, JDK 24+) makes of {@link JumpingRange#jumpingRange}'s body. The
 * frame on the heap becomes an object: each live local is a field, and {@code state} says at which yield to resume.
 */
public final class CompiledRange {
    private CompiledRange() {
    }

    static void run(PrintStream out) {
        Generator<Integer, Integer, Void> g = JumpingRange.jumpingRange(5);
        out.print(g.compiledListing());
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
