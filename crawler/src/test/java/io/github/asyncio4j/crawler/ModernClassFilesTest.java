package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The build's re-encoding of pre-Java-6 class files ({@code src/build/ModernClassFiles.java}, run as the build runs
 * it) on picocli's jar: Java 8 class files that the type-checking verifier accepts, the other jars untouched, and the
 * command line on the copy printing what it prints on the published jar.
 */
@EnabledForJreRange(min = JRE.JAVA_24)
@Timeout(120)
class ModernClassFilesTest {
    @TempDir
    static Path dir;

    static Path picocli;
    static Path gson;
    static Path classPath;
    static Path copy;

    @BeforeAll
    static void reencode() throws Exception {
        picocli = jarOf(CommandLine.class);
        gson = jarOf(Gson.class);
        classPath = Files.writeString(dir.resolve("classpath.txt"), picocli + File.pathSeparator + gson);
        copy = dir.resolve("modern").resolve(picocli.getFileName());
        runTool();
    }

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void runTool() throws Exception {
        Path tool = Path.of("src", "build", "ModernClassFiles.java");
        assertThat(tool).exists();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                tool.toString(), classPath.toString(), dir.resolve("modern").toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @Test
    void oldClassFilesBecomeJava8OnesThatVerifyAndTheClassPathNamesTheCopy() throws Exception {
        assertThat(Files.readString(classPath)).isEqualTo(copy + File.pathSeparator + gson);
        int classes = 0;
        try (JarFile original = new JarFile(picocli.toFile());
             JarFile j = new JarFile(copy.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[] {copy.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader())) {
            assertThat(j.stream().map(JarEntry::getName).toList())
                    .containsExactlyElementsOf(original.stream().map(JarEntry::getName).toList());
            for (JarEntry e : j.stream().toList()) {
                String name = e.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    try (InputStream in = j.getInputStream(e)) {
                        byte[] head = in.readNBytes(8);
                        assertThat((head[6] & 0xff) << 8 | head[7] & 0xff).as(name).isEqualTo(52);
                    }
                    // Loading and initialising links the class: a wrong stack map is a VerifyError here.
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), true, loader);
                    classes++;
                }
            }
        }
        assertThat(classes).isGreaterThan(100);
    }

    @Test
    void aSecondRunKeepsTheClassPathAsItIs() throws Exception {
        runTool();      // the class path names the copy now, which has no old class file
        assertThat(Files.readString(classPath)).isEqualTo(copy + File.pathSeparator + gson);
    }

    @Test
    void theCommandLineOnTheCopyPrintsWhatItPrintsOnThePublishedJar() throws Exception {
        record Out(int code, String out, String err) {
        }
        String[][] cases = {{"--help"}, {"--max-tasks", "many", "http://x/"}};
        for (String[] args : cases) {
            List<String> cmd = ChildCrawl.command(List.of(args)).stream()
                    .map(s -> s.replace(picocli.toString(), copy.toString())).toList();
            assertThat(String.join(" ", cmd)).contains(copy.toString()).doesNotContain(picocli.toString());
            Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                    .redirectError(dir.resolve("err").toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Out child = new Out(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
            CrawlCommandTest.Run here = CrawlCommandTest.run(args);
            assertThat(child).isEqualTo(new Out(here.code(), here.out(), here.err()));
        }
    }
}
