package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code spider FILE.java}: compiled in process, cached by content; bad files refused in one line, exit 2. */
@Timeout(120)
class SpiderCommandTest {
    @TempDir
    Path dir;
    private String cacheBefore;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void cacheInTheTestsDirectory() {
        cacheBefore = System.getProperty("asyncio4j.spiderCache");
        System.setProperty("asyncio4j.spiderCache", dir.resolve("cache").toString());
    }

    @AfterEach
    void restore() {
        if (cacheBefore == null) {
            System.clearProperty("asyncio4j.spiderCache");
        } else {
            System.setProperty("asyncio4j.spiderCache", cacheBefore);
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SpiderCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private long cacheEntries() throws Exception {
        Path cache = dir.resolve("cache");
        if (!Files.exists(cache)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.count();
        }
    }

    @Test
    void aSpiderFileRunsWithTheCrawlOptionsAndItsClassesAreCachedByContent() throws Exception {
        Path file = write("Titles.java", """
                import io.github.asyncio4j.crawler.*;
                import java.util.Map;

                public class Titles implements Spider {
                    record Title(String url, String title) {
                    }

                    public void parse(Page page) {
                        if (page.contentType() != null && page.contentType().equals("text/html")) {
                            page.emit(new Title(page.url().getPath(), page.select("title").text()));
                        }
                        page.followAll(page.links());
                    }
                }
                """);
        try (CountingServer server = new CountingServer(3)) {
            Path items = dir.resolve("t.jsonl");
            Run first = run(file.toString(), "-q", "--max-depth", "1", "--output", items.toString(), server.root());
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(Files.readAllLines(items)).contains("{\"url\":\"/\",\"title\":\"asyncio4j demo site\"}");
            assertThat(cacheEntries()).isEqualTo(1);
            Run again = run(file.toString(), "-q", "--max-depth", "0", "--output", items.toString(), server.root());
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(Files.readAllLines(items)).containsExactly("{\"url\":\"/\",\"title\":\"asyncio4j demo site\"}");
            assertThat(cacheEntries()).isEqualTo(1);     // the same text: the same entry
            Files.writeString(file, Files.readString(file).replace("page.select(\"title\").text()", "\"x\""));
            Run changed = run(file.toString(), "-q", "--max-depth", "0", "--output", items.toString(), server.root());
            assertThat(changed.code()).as(changed.err()).isZero();
            assertThat(Files.readAllLines(items)).containsExactly("{\"url\":\"/\",\"title\":\"x\"}");
            assertThat(cacheEntries()).isEqualTo(2);
        }
    }

    @Test
    void aCompileErrorIsShownAsJavacShowsItAndNothingIsFetched() throws Exception {
        Path file = write("Bad.java", """
                import io.github.asyncio4j.crawler.*;

                public class Bad implements Spider {
                    public void parse(Page page) {
                        page.emit(nope)
                    }
                }
                """);
        try (CountingServer server = new CountingServer(3)) {
            Run r = run(file.toString(), "-q", server.root());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains(file + ":5: error: ';' expected", "        page.emit(nope)")
                    .endsWith("spider: " + file + " does not compile (javac's messages are above)"
                            + System.lineSeparator());
            assertThat(server.total()).isZero();
            assertThat(cacheEntries()).isZero();
        }
    }

    @Test
    void aFileWithoutASpiderOrWithoutANoArgumentConstructorIsRefusedInOneLine() throws Exception {
        Path none = write("None.java", "public class None { }\n");
        Run r = run(none.toString(), "http://127.0.0.1:9/");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("spider: " + none + " declares no class that implements "
                + "io.github.asyncio4j.crawler.Spider" + System.lineSeparator());

        Path args = write("Args.java", """
                import io.github.asyncio4j.crawler.*;
                public class Args implements Spider {
                    public Args(String x) { }
                    public void parse(Page page) { }
                }
                """);
        Run a = run(args.toString(), "http://127.0.0.1:9/");
        assertThat(a.code()).isEqualTo(2);
        assertThat(a.err()).isEqualTo("spider: " + args + ": Args has no constructor without arguments: the spider "
                + "command makes its spider with new Args()" + System.lineSeparator());

        Path two = write("Two.java", """
                import io.github.asyncio4j.crawler.*;
                class A implements Spider { public void parse(Page page) { } }
                class B implements Spider { public void parse(Page page) { } }
                """);
        Run t = run(two.toString(), "http://127.0.0.1:9/");
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err()).isEqualTo("spider: " + two + " declares 2 spiders (A, B): the spider command runs one"
                + System.lineSeparator());

        Run missing = run(dir.resolve("Missing.java").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("spider: " + dir.resolve("Missing.java") + ": no such file"
                + System.lineSeparator());
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("notjava.txt").err()).startsWith("spider: the first argument is the spider's source file");
    }

    @Test
    void newWritesATemplateThatRuns() throws Exception {
        String cwd = System.getProperty("user.dir");
        Path file = dir.resolve("MySpider.java");
        Run made = run("--new", file.toString().replace(".java", ""));
        assertThat(made.code()).as(made.err()).isZero();
        assertThat(Files.readString(file)).contains("public class MySpider implements Spider");
        assertThat(run("--new", file.toString().replace(".java", "")).err()).contains("exists already");
        assertThat(run("--new", "not-a-name").code()).isEqualTo(2);
        try (CountingServer server = new CountingServer(3)) {
            Path items = dir.resolve("t.csv");
            Run r = run(file.toString(), "-q", "--max-depth", "0", "--output", items.toString(), server.root());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(items)).isEqualTo("url,title\r\n" + server.root() + ",asyncio4j demo site\r\n");
        }
        assertThat(System.getProperty("user.dir")).isEqualTo(cwd);
    }
}
