package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.process.Subprocess;
import java.io.PrintStream;

/**
 * Child processes, asyncio style: {@code sort} fed through {@code communicate}, then {@code printf}'s output read
 * line by line with an async generator while it runs, and an exit code from a shell.
 */
public final class SubprocessExample {
    private SubprocessExample() {
    }

    static void run(PrintStream out) {
        Async.run(Coroutine.of(() -> {
            Subprocess sort = await(Subprocess.exec("sort"));
            Subprocess.Output sorted = await(sort.communicate("pear\napple\nfig\n".getBytes(UTF_8)));
            out.println("sort: " + new String(sorted.stdout(), UTF_8).strip().replace('\n', ' ')
                    + " (exit " + sorted.exitCode() + ")");

            Subprocess printf = await(Subprocess.exec("printf", "one\\ntwo\\nthree\\n"));
            for (byte[] line : Subprocess.lines(printf.stdout()).each()) {
                out.println("printf said: " + new String(line, UTF_8).strip());
            }
            out.println("printf exited with " + await(printf.waitFor()));

            Subprocess sh = await(Subprocess.shell("echo to stderr >&2; exit 3"));
            Subprocess.Output result = await(sh.communicate());
            out.println("sh: stderr '" + new String(result.stderr(), UTF_8).strip() + "', exit " + result.exitCode());
            return null;
        }));
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
