package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in sinks: JSON Lines, CSV (RFC 4180), reopening at an offset, bad items. */
class ItemFileTest {
    @TempDir
    Path dir;

    record Fn(String name, String signature, URI page, Integer line) {
    }

    @Test
    void csvTakesItsColumnsFromTheFirstItemAndQuotesAsRfc4180Says() throws Exception {
        Path file = dir.resolve("items.csv");
        try (ItemSink csv = ItemSink.csv(file)) {
            csv.write(new Fn("print", "print(*objects, sep=' ', end='\\n')", URI.create("http://d.test/f.html"), 1));
            csv.write(new Fn("say \"hi\"", "a,b", URI.create("http://d.test/x"), null));
            csv.write(new Fn("multi", "line one\r\nline two", URI.create("http://d.test/y"), 3));
            Map<String, Object> other = new LinkedHashMap<>();
            other.put("extra", "dropped");
            other.put("name", "only a name");
            other.put("signature", Map.of("nested", List.of(1, 2)));
            csv.write(other);
        }
        assertThat(Files.readString(file)).isEqualTo("name,signature,page,line\r\n"
                + "print,\"print(*objects, sep=' ', end='\\n')\",http://d.test/f.html,1\r\n"
                + "\"say \"\"hi\"\"\",\"a,b\",http://d.test/x,\r\n"
                + "multi,\"line one\r\nline two\",http://d.test/y,3\r\n"
                + "only a name,\"{\"\"nested\"\":[1,2]}\",,\r\n");
    }

    @Test
    void declaredColumnsComeFirstAndTheHeaderIsWrittenAtOnce() throws Exception {
        Path file = dir.resolve("d.csv");
        try (ItemSink csv = ItemSink.csv(file, List.of("b", "a"))) {
            assertThat(Files.readString(file)).isEqualTo("b,a\r\n");
            csv.write(Map.of("a", 1, "b", true, "c", "x"));
        }
        assertThat(Files.readString(file)).isEqualTo("b,a\r\ntrue,1\r\n");
    }

    @Test
    void jsonLinesWritesOneObjectPerLineWithNullsAndUnicodeAsIs() throws Exception {
        Path file = dir.resolve("i.jsonl");
        try (ItemSink jl = ItemSink.jsonLines(file)) {
            jl.write(new Fn("é<&>", "x\ny", URI.create("http://d.test/"), null));
            jl.write(Map.of("k", List.of("v")));
        }
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(
                "{\"name\":\"é<&>\",\"signature\":\"x\\ny\",\"page\":\"http://d.test/\",\"line\":null}\n"
                        + "{\"k\":[\"v\"]}\n");
    }

    @Test
    void reopenedAtAnOffsetItIsCutThereAndACsvKeepsItsHeader() throws Exception {
        Path file = dir.resolve("r.csv");
        long offset;
        try (ItemFile csv = ItemFile.open(file, ItemFile.Format.CSV, null, 0)) {
            csv.write(Map.of("x, y", "1"));
            offset = csv.position();
            csv.write(Map.of("x, y", "2"));     // written after the offset a state recorded: to be cut
        }
        try (ItemFile csv = ItemFile.open(file, ItemFile.Format.CSV, null, offset)) {
            csv.write(Map.of("x, y", "3", "z", "ignored"));
        }
        assertThat(Files.readString(file)).isEqualTo("\"x, y\"\r\n1\r\n3\r\n");
        assertThatThrownBy(() -> ItemFile.open(file, ItemFile.Format.CSV, null, 1000))
                .isInstanceOf(CrawlSetupException.class).hasMessageContaining("fewer than the 1000");
    }

    @Test
    void anItemMustBeAJsonObject() {
        assertThatThrownBy(() -> Items.toJson(List.of(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be written as a JSON object");
        assertThatThrownBy(() -> Items.toJson(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Items.toJson(7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFormatIsTakenFromTheExtension() {
        assertThat(ItemFile.formatOf(Path.of("a.jsonl"))).isEqualTo(ItemFile.Format.JSON_LINES);
        assertThat(ItemFile.formatOf(Path.of("a.CSV"))).isEqualTo(ItemFile.Format.CSV);
        assertThat(ItemFile.formatOf(Path.of("a.json"))).isNull();
    }
}
