package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextReportTest {

    @Test
    void theSummaryLinesAndTablesKeepTheirLayout() {
        CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://a.test/"))).maxTasks(7).build();
        List<PageRecord> pages = List.of(
                new PageRecord("http://a.test/", 200, "text/html", 1536, 2, 2, null, null, 3, 1, 0),
                new PageRecord("http://a.test/x", 404, "text/plain", 10, 0, 0, null, null, 30, 1, 0),
                new PageRecord("http://a.test/y", null, null, 0, 0, 0, null, "IOException", 9, 4, 0));
        CrawlReport r = new CrawlReport(config, pages, Map.of("mailto:x", "scheme"), List.of("http://a.test/z"),
                1.2345, true);
        String n = System.lineSeparator();
        assertThat(text(r)).isEqualTo(String.join(n,
                "Finished 3 URLs in 1.235 s (max-tasks=7): 2.4 pages/s",
                "  fetched 2, errors 1, redirects 0, 1.5 KiB",
                "Statuses:",
                "  200        1",
                "  404        1",
                "Content types:",
                "  text/html         1",
                "  text/plain        1",
                "Excluded:",
                "  scheme        1",
                "Response times:",
                "  < 10 ms           1 ########################################",
                "  < 25 ms           0 ",
                "  < 50 ms           1 ########################################",
                "  < 100 ms          0 ",
                "  < 250 ms          0 ",
                "  < 500 ms          0 ",
                "  < 1000 ms         0 ",
                "  < 2500 ms         0 ",
                "  < 5000 ms         0 ",
                "  >= 5000 ms        0 ",
                "Interrupted: 1 admitted URLs were left unfinished", ""));
    }

    @Test
    void fixedRoundsAsFormatterDoes() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 20_000; i++) {
            double v = i < 10_000 ? i / 2000.0 : random.nextDouble() * Math.pow(10, random.nextInt(-3, 9));
            for (int places = 1; places <= 3; places++) {
                assertThat(TextReport.fixed(v, places)).as("%s to %d places", v, places)
                        .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", v));
            }
        }
        for (double v : new double[] {0, 0.0004, 0.00049, 0.0005, 0.9995, 9.95, 99.95, 1e7, 1.5e9, -2.25}) {
            assertThat(TextReport.fixed(v, 3)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.3f", v));
            assertThat(TextReport.fixed(v, 1)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.1f", v));
        }
        assertThat(TextReport.fixed(Double.NaN, 1)).isEqualTo("NaN");
        assertThat(TextReport.bytes(1023)).isEqualTo("1023 B");
        assertThat(TextReport.bytes(1024 + 51)).isEqualTo("1.0 KiB");
        assertThat(TextReport.bytes(3 * 1024 * 1024 + 52429)).isEqualTo("3.1 MiB");
    }

    private static String text(CrawlReport r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextReport.write(r, new PrintStream(out, true, StandardCharsets.UTF_8), false);
        return out.toString(StandardCharsets.UTF_8);
    }
}
