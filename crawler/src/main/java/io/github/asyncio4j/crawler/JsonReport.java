package io.github.asyncio4j.crawler;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * The report as JSON: {@code {"summary": {...}, "pages": [...], "excluded": {...}, "unfinished": [...]}} with the
 * field names of the crawler's documentation; a failed fetch has {@code "status": null} and {@code "error"} set.
 * Written as it goes (Gson's {@link JsonWriter}), two-space indented, nulls kept: no tree of the whole report is
 * built first (a crawl's excluded URLs alone are thousands of entries).
 */
public final class JsonReport {
    private JsonReport() {
    }

    public static void write(CrawlReport r, Writer out) throws IOException {
        JsonWriter w = new JsonWriter(out);
        w.setIndent("  ");
        w.setSerializeNulls(true);
        w.setHtmlSafe(true);      // as Gson writes it: "<" as \u003c, the response-time buckets included
        w.beginObject();
        w.name("summary").beginObject();
        w.name("fetched").value(r.fetched());
        w.name("errors").value(r.errors());
        if (r.spiderErrors() > 0) {
            w.name("spider_errors").value(r.spiderErrors());
        }
        w.name("redirects").value(r.redirects());
        w.name("bytes").value(r.bytes());
        w.name("seconds").value(r.seconds());
        w.name("pages_per_second").value(r.pagesPerSecond());
        counts(w.name("statuses"), r.statuses());
        counts(w.name("content_types"), r.contentTypes());
        counts(w.name("excluded"), r.exclusions());
        w.name("interrupted").value(r.interrupted());
        counts(w.name("hosts"), r.hosts());
        counts(w.name("response_times"), r.responseTimes());
        strings(w.name("sitemaps"), r.sitemaps());
        counts(w.name("retries"), r.recovery().retries());
        w.name("hosts_paused").beginObject();
        for (Map.Entry<String, Double> e : r.recovery().paused().entrySet()) {
            w.name(e.getKey()).value(e.getValue());
        }
        w.endObject();
        strings(w.name("hosts_given_up"), r.recovery().givenUp());
        if (!r.recrawl().isEmpty()) {
            counts(w.name("recrawl"), r.recrawl());     // changed, unchanged, gone
        }
        w.endObject();
        w.name("pages").beginArray();
        for (PageRecord p : r.pages()) {
            w.beginObject();
            w.name("url").value(p.url());
            w.name("status").value(p.status());
            w.name("content_type").value(p.contentType());
            w.name("bytes").value(p.bytes());
            w.name("links").value(p.links());
            w.name("new_links").value(p.newLinks());
            w.name("redirect_to").value(p.redirectTo());
            w.name("error").value(p.error());
            w.name("ms").value(p.ms());
            w.name("tries").value(p.tries());
            w.name("at").value(p.at());
            if (p.stack() != null) {
                w.name("stack").value(p.stack());
            }
            w.endObject();
        }
        w.endArray();
        strings(w.name("excluded"), r.excluded());
        w.name("unfinished").beginArray();
        for (String url : r.unfinished()) {
            w.value(url);
        }
        w.endArray();
        w.endObject();
        w.flush();
    }

    private static void strings(JsonWriter w, Map<String, String> m) throws IOException {
        w.beginObject();
        for (Map.Entry<String, String> e : m.entrySet()) {
            w.name(e.getKey()).value(e.getValue());
        }
        w.endObject();
    }

    private static void counts(JsonWriter w, Map<?, Long> m) throws IOException {
        w.beginObject();
        for (Map.Entry<?, Long> e : m.entrySet()) {
            w.name(e.getKey().toString()).value(e.getValue());
        }
        w.endObject();
    }
}
