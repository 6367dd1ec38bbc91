package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code require_packages} (scripts/lib.sh), which {@code ./asyncio4j test} runs before building:
 * what it does when a package the tests need is present, and when it is missing and cannot be installed (no root,
 * no password-less sudo). The second case runs in a bash where {@code id} and {@code sudo} are shell functions
 * that say "not root" and "a password is needed", so nothing is ever installed by this test.
 */
class LauncherPackagesTest {
    private static final Path LIB = Path.of("..", "scripts", "lib.sh").toAbsolutePath().normalize();

    private record Run(int exit, String stderr) { }

    private static Run requirePackages(Path list) throws IOException, InterruptedException {
        String script = "id() { echo 1000; }; sudo() { return 1; }; source \"$1\"; require_packages \"$2\"";
        Process p = new ProcessBuilder(List.of("bash", "-c", script, "bash", LIB.toString(), list.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), err);
    }

    @Test
    void aPackageWhoseExecutableIsThereIsNotInstalledAgain(@TempDir Path dir) throws Exception {
        Path list = Files.writeString(dir.resolve("packages"), """
                # a comment line, and a blank one

                asyncio4j-no-such-package bash    # present: bash is on the PATH
                """);
        Run run = requirePackages(list);
        assertThat(run.exit()).isZero();
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void aMissingPackageThatCannotBeInstalledStopsWithOneLineNamingItAndTheCommand(@TempDir Path dir)
            throws Exception {
        Path list = Files.writeString(dir.resolve("packages"), """
                asyncio4j-no-such-package asyncio4j-no-such-executable   # the suite's server
                asyncio4j-no-such-package-2
                """);
        Run run = requirePackages(list);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr().strip()).isEqualTo("asyncio4j: the tests need the package(s) asyncio4j-no-such-package "
                + "asyncio4j-no-such-package-2; install them with: sudo apt-get install -y asyncio4j-no-such-package "
                + "asyncio4j-no-such-package-2");
    }

    @Test
    void theSuitesListNamesRedisServer() throws Exception {
        // The crawler's --frontier tests start a real redis-server: the list ./asyncio4j test installs from names it.
        List<String> lines = Files.readAllLines(LIB.resolveSibling("test-packages"));
        assertThat(lines).anyMatch(l -> l.startsWith("redis-server "));
    }
}
