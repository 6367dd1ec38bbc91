package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C, for real: a crawl in its own JVM gets SIGINT, stops its workers and prints the partial report. */
@Timeout(120)
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void sigintStopsTheCrawlAndPrintsThePartialReport() throws Exception {
        Path json = dir.resolve("partial.json");
        List<String> cmd = ChildCrawl.command(List.of("--demo", "--pages", "1000000", "--json", json.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).start();
        StringBuilder stderr = new StringBuilder();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null && !line.startsWith("crawl: demo site")) {
                stderr.append(line).append('\n');    // wait until the crawl has started
            }
            Thread.sleep(1500);                                  // let it crawl a while
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the crawl ended after SIGINT").isTrue();
            err.transferTo(java.io.Writer.nullWriter());
        } finally {
            p.destroyForcibly();   // a crawl of a million pages that ignored the signal must not outlive the test
        }
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(p.exitValue()).as(out + stderr).isEqualTo(130);
        assertThat(out).contains("Finished ").contains("Interrupted: ");
        assertThat(Files.readString(json)).contains("\"interrupted\": true");
    }
}
