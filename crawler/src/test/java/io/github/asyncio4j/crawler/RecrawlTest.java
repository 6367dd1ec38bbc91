package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.crawler.CrawlCommandTest.Run;
import io.github.asyncio4j.http.HttpRequest;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --state DIR --recrawl} against servers on loopback that send {@code ETag} / {@code Last-Modified} and
 * answer {@code 304}: every recorded page fetched again conditionally, a 304 keeping the record, and the report
 * counting changed, unchanged and gone pages.
 */
@Timeout(120)
class RecrawlTest {
    @TempDir
    Path dir;

    /**
     * A site whose pages change when a test says so: {@code /} links to {@code /a} ... {@code /e}; {@code /a},
     * {@code /b}, {@code /c} and {@code /} send an {@code ETag} of their version, {@code /d} only a
     * {@code Last-Modified}, {@code /e} neither. It records the conditional fields of every request.
     */
    static final class ChangingSite implements AutoCloseable {
        final Map<String, Integer> versions = new ConcurrentHashMap<>(Map.of("/", 1, "/a", 1, "/b", 1, "/c", 1,
                "/d", 1, "/e", 1));
        final Queue<String> requests = new ConcurrentLinkedQueue<>();
        private final LoopThreadServer server;

        ChangingSite() throws Exception {
            server = new LoopThreadServer("changing-site", (r, connection) -> Coroutine.of(() -> answer(r)),
                    HttpServer.Options.defaults());
        }

        private HttpResponse answer(HttpRequest r) {
            String path = r.path();
            String inm = r.headers().get("If-None-Match");
            String ims = r.headers().get("If-Modified-Since");
            requests.add(path + (inm != null ? " If-None-Match: " + inm : "")
                    + (ims != null ? " If-Modified-Since: " + ims : ""));
            Integer version = versions.get(path);
            if (version == null) {
                return HttpResponse.text(404, "gone");
            }
            String etag = "\"" + path + "-v" + version + "\"";
            String lastModified = "Mon, 0" + version + " Jan 2024 00:00:00 GMT";
            boolean byEtag = !path.equals("/d") && !path.equals("/e");
            boolean byDate = path.equals("/d");
            if (byEtag && etag.equals(inm) || byDate && lastModified.equals(ims)) {
                return byEtag ? HttpResponse.status(304).withHeader("ETag", etag) : HttpResponse.status(304);
            }
            String body = path.equals("/")
                    ? "<a href=/a>a</a><a href=/b>b</a><a href=/c>c</a><a href=/d>d</a><a href=/e>e</a>"
                    : "<p>" + path + " version " + version + "</p>" + (version > 1 ? "<a href=/new>new</a>" : "");
            HttpResponse response = HttpResponse.html(200, "<html><body>" + body + "</body></html>");
            return byEtag ? response.withHeader("ETag", etag)
                    : byDate ? response.withHeader("Last-Modified", lastModified) : response;
        }

        String root() {
            return "http://127.0.0.1:" + server.port() + "/";
        }

        @Override
        public void close() throws InterruptedException {
            server.close();
        }
    }

    private static JsonObject report(Path json) throws Exception {
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    private static Map<String, JsonObject> pagesByPath(JsonObject report) {
        Map<String, JsonObject> m = new HashMap<>();
        for (JsonElement e : report.getAsJsonArray("pages")) {
            JsonObject p = e.getAsJsonObject();
            m.put(java.net.URI.create(p.get("url").getAsString()).getPath(), p);
        }
        return m;
    }

    @Test
    void aRecrawlAsksConditionallyKeepsUnchangedRecordsAndCountsChangedUnchangedAndGone() throws Exception {
        Path state = dir.resolve("state");
        try (ChangingSite site = new ChangingSite()) {
            Path first = dir.resolve("first.json");
            Run r1 = run("-q", "--ignore-robots", "--state", state.toString(), "--json", first.toString(),
                    site.root());
            assertThat(r1.code()).as(r1.err()).isZero();
            assertThat(report(first).getAsJsonArray("pages")).hasSize(6);
            assertThat(report(first).getAsJsonObject("summary").has("recrawl")).isFalse();
            assertThat(site.requests).allMatch(line -> !line.contains("If-"));
            long firstBytesOfA = pagesByPath(report(first)).get("/a").get("bytes").getAsLong();

            site.versions.put("/b", 2);     // changed, and now links to /new
            site.versions.remove("/c");     // gone
            site.requests.clear();
            Path second = dir.resolve("second.json");
            Run r2 = run("-q", "--ignore-robots", "--state", state.toString(), "--recrawl", "--json",
                    second.toString(), site.root());
            assertThat(r2.code()).as(r2.err()).isZero();
            JsonObject report = report(second);
            JsonObject recrawl = report.getAsJsonObject("summary").getAsJsonObject("recrawl");
            assertThat(recrawl.get("changed").getAsInt()).as("/b, and /e (no validators)").isEqualTo(2);
            assertThat(recrawl.get("unchanged").getAsInt()).as("/, /a (ETag) and /d (Last-Modified)").isEqualTo(3);
            assertThat(recrawl.get("gone").getAsInt()).as("/c").isEqualTo(1);
            assertThat(site.requests).contains("/a If-None-Match: \"/a-v1\"", "/ If-None-Match: \"/-v1\"",
                    "/b If-None-Match: \"/b-v1\"", "/d If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT", "/e",
                    "/new");
            Map<String, JsonObject> pages = pagesByPath(report);
            assertThat(pages).containsOnlyKeys("/", "/a", "/b", "/c", "/d", "/e", "/new");
            assertThat(pages.get("/a").get("status").getAsInt()).as("the record kept").isEqualTo(200);
            assertThat(pages.get("/a").get("bytes").getAsLong()).isEqualTo(firstBytesOfA);
            assertThat(pages.get("/").get("links").getAsInt()).isEqualTo(5);
            assertThat(pages.get("/c").get("status").getAsInt()).isEqualTo(404);
            assertThat(r2.out()).contains("Re-crawl:").contains("unchanged").contains("gone");

            site.requests.clear();      // a third round: /b's new ETag is the one asked with now
            Path third = dir.resolve("third.json");
            Run r3 = run("-q", "--ignore-robots", "--state", state.toString(), "--recrawl", "--json",
                    third.toString(), site.root());
            assertThat(r3.code()).as(r3.err()).isZero();
            assertThat(site.requests).contains("/b If-None-Match: \"/b-v2\"", "/c");
            JsonObject recrawl3 = report(third).getAsJsonObject("summary").getAsJsonObject("recrawl");
            assertThat(recrawl3.get("unchanged").getAsInt()).as("/, /a, /b, /d; /c and /new still 404")
                    .isEqualTo(6);
            assertThat(recrawl3.get("gone").getAsInt()).isZero();
        }
    }

    @Test
    void theDemoSiteAnswersEveryPageOfARecrawlWith304() throws Exception {
        Path state = dir.resolve("demo-state");
        try (CountingServer server = new CountingServer(60)) {
            Run r1 = run("-q", "--state", state.toString(), "--max-depth", "30", server.root());
            assertThat(r1.code()).as(r1.err()).isZero();
            Path json = dir.resolve("recrawl.json");
            Run r2 = run("-q", "--state", state.toString(), "--max-depth", "30", "--recrawl", "--json",
                    json.toString(), server.root());
            assertThat(r2.code()).as(r2.err()).isZero();
            JsonObject summary = report(json).getAsJsonObject("summary");
            JsonObject recrawl = summary.getAsJsonObject("recrawl");
            assertThat(recrawl.get("unchanged").getAsInt()).as("/ and the 60 pages (304), /missing/0 and /40 (404)")
                    .isEqualTo(61 + 2);
            assertThat(recrawl.get("gone").getAsInt()).isZero();
            JsonArray pages = report(json).getAsJsonArray("pages");
            assertThat(pages).hasSize(new DemoSite(60).expectedUrls());
        }
    }

    @Test
    void aRecrawlStoppedHalfWayResumesItsRoundWithItsValidators() {
        CrawlerTest.FakeSite site = new CrawlerTest.FakeSite()
                .route("http://a.test/", u -> new FetchResponse(200, "text/html", null,
                        "<a href=/x>x</a>".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, null,
                        io.github.asyncio4j.http.Headers.of("ETag", "\"e1\"")))
                .route("http://a.test/x", u -> new FetchResponse(200, "text/plain", null, new byte[3], null, null,
                        io.github.asyncio4j.http.Headers.of("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")));
        Path state = dir.resolve("unit-state");
        CrawlConfig first = CrawlerTest.config("http://a.test/").build();
        try (SqliteState s = SqliteState.open(state, first)) {
            Async.run(new Crawler(first, site, s).crawl());
        }
        CrawlConfig again = CrawlerTest.config("http://a.test/").recrawl(true).build();
        try (SqliteState s = SqliteState.open(state, again)) {       // a round starts, and stops at once
            assertThat(s.waiting()).isEqualTo(2);
            assertThat(s.pages()).isEmpty();
            assertThat(s.previous("http://a.test/").etag()).isEqualTo("\"e1\"");
            assertThat(s.previous("http://a.test/x").lastModified()).isEqualTo("Mon, 01 Jan 2024 00:00:00 GMT");
        }
        try (SqliteState s = SqliteState.open(state, again)) {       // the same round resumes
            assertThat(s.waiting()).isEqualTo(2);
            assertThat(s.previous("http://a.test/").page().status()).isEqualTo(200);
            CrawlReport r = Async.run(new Crawler(again, site, s).crawl());
            assertThat(r.recrawl()).containsEntry("changed", 2L);       // the fake site ignores validators
            assertThat(r.pages()).hasSize(2);
        }
        try (SqliteState s = SqliteState.open(state, first)) {       // without --recrawl: the round, complete
            assertThat(s.waiting()).isZero();
            assertThat(s.pages()).hasSize(2);
        }
    }

    @Test
    void recrawlNeedsAStoredCrawl() {
        Run none = run("-q", "--recrawl", "http://example.invalid/");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("crawl: --recrawl needs --state DIR: the stored crawl to crawl again"
                + System.lineSeparator());
        Path empty = dir.resolve("empty");
        Run fresh = run("-q", "--recrawl", "--state", empty.toString(), "http://example.invalid/");
        assertThat(fresh.code()).isEqualTo(2);
        assertThat(fresh.err()).isEqualTo("crawl: --recrawl: --state " + empty + " holds no crawl to crawl again"
                + System.lineSeparator());
        assertThat(List.of(fresh.out(), none.out())).containsOnly("");
    }
}
