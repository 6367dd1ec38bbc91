package io.github.asyncio4j.crawler;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * The report as JSON: {@code {"summary": {...}, "pages": [...], "excluded": {...}, "unfinished": [...]}} with the
 * field names of the crawler's documentation; a failed fetch has {@code "status": null} and {@code "error"} set.
 */
public final class JsonReport {
    private JsonReport() {
    }

    public static void write(CrawlReport r, Writer out) throws IOException {
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
        new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(root, out);
        out.flush();
    }

    private static JsonObject counts(Map<?, Long> m) {
        JsonObject o = new JsonObject();
        m.forEach((k, v) -> o.addProperty(k.toString(), v));
        return o;
    }
}
