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
                .contains("outer yields [1, 2, 300]");
    }

    @Test
    void everyRegisteredExampleRuns() {
        Examples.ALL.forEach((name, e) -> assertThat(output(e.body())).as(name).isNotBlank());
    }
}
