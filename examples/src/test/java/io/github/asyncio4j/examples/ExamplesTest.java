package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every example runs with its output asserted, so the guide cannot rot. */
class ExamplesTest {

    static String output(Consumer<PrintStream> example) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            example.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jumpingRangePrintsTheSeedsSequence() {
        assertThat(output(JumpingRange::run).lines().toList()).containsExactly("0", "2", "3", "2", "3", "4");
    }

    @Test
    void demoShowsEachStep() {
        String out = output(Demo::run);
        assertThat(out).contains("state CREATED -> next() = first -> state SUSPENDED")
                .contains("   0 2 3 2 3 4")
                .contains("outer yields [1, 2, 300]")
                .contains("coro.send(null) -> WaitFuture[future=<Future pending>]")
                .contains("after setResult(41): StopIteration(42)")
                .contains("   sleeper-3 starts\n   sleeper-2 starts\n   sleeper-1 starts\n"
                        + "   sleeper-1 wakes\n   sleeper-2 wakes\n   sleeper-3 wakes")
                .contains("results in creation order: sleeper-3, sleeper-2, sleeper-1");
    }

    @Test
    void everyRegisteredExampleRuns() {
        Examples.ALL.forEach((name, e) -> assertThat(output(e.body())).as(name).isNotBlank());
    }
}
