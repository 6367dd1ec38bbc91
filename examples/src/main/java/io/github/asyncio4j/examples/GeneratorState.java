package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.StopIteration;
import java.io.PrintStream;

/**
 * Step 1 of the guide: a generator's frame lives on the heap, so it stops at {@code yield}, keeps its local
 * variables, and resumes where it stopped; {@link Generator#state()} tells where it stands, and
 * {@link Generator#getStack()} where a suspended one waits.
 */
public final class GeneratorState {
    private GeneratorState() {
    }

    /** Python: {@code def countdown(n): while n > 0: yield n; n -= 1; return "liftoff"}. */
    static Generator<Integer, Void, String> countdown(int n, PrintStream out) {
        return Generator.of(y -> {
            out.println("  [body] starts with n = " + n);
            int left = n;                           // a local variable: it survives every yield
            try {
                while (left > 0) {
                    y.yield(left);                  // stop here; the caller gets `left`
                    out.println("  [body] resumed, left = " + left);
                    left--;
                }
                return "liftoff";
            } finally {
                out.println("  [body] finally block runs");
            }
        });
    }

    static void run(PrintStream out) {
        Generator<Integer, Void, String> g = countdown(2, out);
        out.println("created:       state " + g.state() + " (nothing has run yet)");
        out.println("next() -> " + g.next() + "     state " + g.state());
        out.println("next() -> " + g.next() + "     state " + g.state());
        try {
            g.next();
        } catch (StopIteration end) {
            out.println("next() -> StopIteration(" + end.value() + ")  state " + g.state());
        }

        Generator<Integer, Void, String> h = countdown(3, out);
        h.next();
        out.println("a second one, suspended at its first yield: state " + h.state());
        StackTraceElement where = h.getStack().get(0);     // its innermost frame: the yield it stopped at
        out.println("it waits at " + where.getFileName() + ":" + where.getLineNumber());
        h.close();                                  // raises GeneratorExit at the yield: finally runs
        out.println("close() -> state " + h.state());
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
