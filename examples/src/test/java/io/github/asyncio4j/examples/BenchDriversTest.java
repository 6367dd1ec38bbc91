package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark drivers' own arithmetic, which no benchmark run checks: the Python unit tests beside them
 * (bench/python/drivers/test_*.py: the politeness bound of {@code bench crawl --broad}), run by python3's unittest.
 * Pure computation, no server, well under a second.
 */
class BenchDriversTest {
    private static final Path DRIVERS = Path.of("..", "bench", "python", "drivers").toAbsolutePath().normalize();

    @Test
    void theDriversUnitTestsPass() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", DRIVERS.toString(), "-p",
                "test_*.py").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python3 -m unittest ended").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("tests were found and run").containsPattern("Ran [1-9]\\d* tests?").contains("OK");
    }
}
