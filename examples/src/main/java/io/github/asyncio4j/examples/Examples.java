package io.github.asyncio4j.examples;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** {@code ./asyncio4j example [NAME]}: lists the runnable examples, or runs one. */
public final class Examples {
    /** Every example, by name, in the order the guide meets them. */
    static final Map<String, Example> ALL = new LinkedHashMap<>();

    record Example(String summary, Consumer<PrintStream> body) {
    }

    static {
        ALL.put("jumping-range", new Example("send() passes values into a suspended generator", JumpingRange::run));
        ALL.put("demo", new Example("the short tour that ./asyncio4j demo prints", Demo::run));
    }

    private Examples() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.out.println("examples (run one with ./asyncio4j example NAME):");
            ALL.forEach((name, e) -> System.out.printf("  %-16s %s%n", name, e.summary()));
            return;
        }
        Example e = ALL.get(args[0]);
        if (e == null) {
            System.err.println("no example named '" + args[0] + "'; known: " + String.join(", ", ALL.keySet()));
            System.exit(2);
        }
        e.body().accept(System.out);
    }
}
