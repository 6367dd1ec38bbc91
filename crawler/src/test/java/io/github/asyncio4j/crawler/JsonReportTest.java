package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReportTest {

    @Test
    void theStreamedReportIsTheSameTextAsGsonsTreeOfIt() throws IOException {
        CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://a.test/"))).build();
        List<PageRecord> pages = List.of(
                new PageRecord("http://a.test/", 200, "text/html", 1536, 2, 2, null, null, 3, 1, 0.001),
                new PageRecord("http://a.test/m", 301, null, 0, 0, 0, "http://a.test/x", null, 30, 1, 0.25),
                new PageRecord("http://a.test/\"q\"\u00e9\u2028", null, null, 0, 0, 0, null, "IOException: \\reset",
                        9, 4, 1e-7));
        Map<String, String> excluded = new LinkedHashMap<>();
        excluded.put("mailto:x", "scheme");
        excluded.put("http://b.test/", "host");
        CrawlReport r = new CrawlReport(config, pages, excluded, List.of("http://a.test/z"), 1.2345, true,
                Map.of("http://a.test/sitemap.xml", "3 URLs"), new CrawlReport.Recovery(
                        Map.of("HTTP 503", 3L, "timeout", 1L), Map.of("a.test", 2.5),
                        Map.of("dead.test", "host given up: \"refused\"")));

        StringWriter streamed = new StringWriter();
        JsonReport.write(r, streamed);
        assertThat(streamed.toString()).isEqualTo(tree(r)).contains("\"status\": null", "\"unfinished\": [");
    }

    /** The report as the crawler wrote it before it streamed: Gson's tree, pretty-printed, nulls kept. */
    private static String tree(CrawlReport r) {
        JsonObject root = new JsonObject();
        JsonObject summary = new JsonObject();
        summary.addProperty("fetched", r.fetched());
        summary.addProperty("errors", r.errors());
        summary.addProperty("redirects", r.redirects());
        summary.addProperty("bytes", r.bytes());
        summary.addProperty("seconds", r.seconds());
        summary.addProperty("pages_per_second", r.pagesPerSecond());
        summary.add("statuses", counts(r.statuses()));
        summary.add("content_types", counts(r.contentTypes()));
        summary.add("excluded", counts(r.exclusions()));
        summary.addProperty("interrupted", r.interrupted());
        summary.add("hosts", counts(r.hosts()));
        summary.add("response_times", counts(r.responseTimes()));
        JsonObject sitemaps = new JsonObject();
        r.sitemaps().forEach(sitemaps::addProperty);
        summary.add("sitemaps", sitemaps);
        summary.add("retries", counts(r.recovery().retries()));
        JsonObject paused = new JsonObject();
        r.recovery().paused().forEach(paused::addProperty);
        summary.add("hosts_paused", paused);
        JsonObject givenUp = new JsonObject();
        r.recovery().givenUp().forEach(givenUp::addProperty);
        summary.add("hosts_given_up", givenUp);
        root.add("summary", summary);
        JsonArray pages = new JsonArray();
        for (PageRecord p : r.pages()) {
            JsonObject o = new JsonObject();
            o.addProperty("url", p.url());
            o.addProperty("status", p.status());
            o.addProperty("content_type", p.contentType());
            o.addProperty("bytes", p.bytes());
            o.addProperty("links", p.links());
            o.addProperty("new_links", p.newLinks());
            o.addProperty("redirect_to", p.redirectTo());
            o.addProperty("error", p.error());
            o.addProperty("ms", p.ms());
            o.addProperty("tries", p.tries());
            o.addProperty("at", p.at());
            pages.add(o);
        }
        root.add("pages", pages);
        JsonObject excluded = new JsonObject();
        r.excluded().forEach(excluded::addProperty);
        root.add("excluded", excluded);
        JsonArray unfinished = new JsonArray();
        r.unfinished().forEach(unfinished::add);
        root.add("unfinished", unfinished);
        return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(root);
    }

    private static JsonObject counts(Map<?, Long> m) {
        JsonObject o = new JsonObject();
        m.forEach((k, v) -> o.addProperty(k.toString(), v));
        return o;
    }
}
