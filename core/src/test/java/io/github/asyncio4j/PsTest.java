package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.tools.Ps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./asyncio4j ps PID} against child JVMs. */
@Timeout(120)
class PsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ps(String... args) {
        return Ps.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheAwaitTreeOfARunningJvm() throws Exception {
        try (ChildJvm child = ChildJvm.start(PsChild.class, "tree")) {
            child.awaitLine("ready");
            int rc = ps(Long.toString(child.pid()));
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(rc).as(text + err).isZero();
            assertThat(text).containsPattern("loop-\\d+ on thread 'main': 2 tasks")
                    .contains("[gather] <Task pending name='worker'");
        }
    }

    @Test
    void aJvmWithoutLoopsIsAClearError() throws Exception {
        try (ChildJvm child = ChildJvm.start(PsChild.class, "idle")) {
            child.awaitLine("ready");
            assertThat(ps(Long.toString(child.pid()))).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no running asyncio4j event loops")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aProcessThatIsNotAJvmOrABadPidIsAClearError() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(ps(Long.toString(sleeper.pid()))).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a JVM this user can attach to");
        } finally {
            sleeper.destroyForcibly();
        }
        assertThat(ps("twelve")).isEqualTo(2);
        assertThat(ps()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'twelve' is not a process id").contains("usage:");
    }
}
