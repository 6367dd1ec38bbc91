package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Running a spider without a network: from a directory, from a WARC, from pages given one by one. */
@Timeout(60)
class OfflineCrawlTest {
    @TempDir
    Path dir;

    record Title(String url, String title) {
    }

    /** Emits each HTML page's title; follows every link, those under /docs/ with a label. */
    static final Spider TITLES = page -> {
        if ("text/html".equals(page.contentType())) {
            page.emit(new Title(page.url().toString(), page.select("title").text()));
        }
        for (URI link : page.links()) {
            page.follow(link.getPath().startsWith("/docs/") ? new Request(link, "doc", Map.of("from", "x"))
                    : new Request(link, null, null));
        }
    };

    @Test
    void aDirectoryIsServedUnderItsBaseUrlWithIndexHtmlForADirectoryPath() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("index.html"), "<title>Home</title><a href=docs/>docs</a>"
                + "<a href=missing.html>m</a><a href=https://elsewhere.test/>e</a>");
        Files.writeString(dir.resolve("docs/index.html"), "<title>Docs</title><a href=a.html>a</a><a href=../>up</a>");
        Files.writeString(dir.resolve("docs/a.html"), "<title>A</title>");
        OfflineCrawl.Result r = OfflineCrawl.directory(dir, "http://site.test/").run(TITLES, "http://site.test/");
        assertThat(r.items(Title.class)).containsExactlyInAnyOrder(new Title("http://site.test/", "Home"),
                new Title("http://site.test/docs/", "Docs"), new Title("http://site.test/docs/a.html", "A"));
        assertThat(r.requests()).contains(new Request(URI.create("http://site.test/docs/a.html"), "doc",
                Map.of("from", "x")));
        assertThat(r.requests()).filteredOn(q -> q.url().toString().equals("http://site.test/docs/a.html"))
                .singleElement().extracting(Request::depth).isEqualTo(2);
        assertThat(r.report().statuses()).containsEntry(404, 1L);     // missing.html (robots.txt is not a page)
        assertThat(r.report().excluded()).containsEntry("https://elsewhere.test/", "host");
        assertThatThrownBy(() -> OfflineCrawl.directory(dir.resolve("none"), "http://site.test/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a directory");
        assertThatThrownBy(() -> OfflineCrawl.directory(dir, "http://site.test/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ending in '/'");
    }

    @Test
    void aWarcTheCrawlerWroteGivesTheSameItemsAsTheLiveSite() throws Exception {
        try (CountingServer server = new CountingServer(30)) {
            Path warc = dir.resolve("site.warc.gz");
            int code = CrawlCommand.run(new String[]{"-q", "--warc", warc.toString(), server.root()},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
            assertThat(code).isZero();
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create(server.root()))).maxTasks(4).workers(1).build();
            SpiderTest.ListSink live = new SpiderTest.ListSink();
            Async.run(Crawler.builder(config).spider(TITLES).items(live).build().crawl());
            OfflineCrawl.Result offline = OfflineCrawl.warc(warc).run(TITLES, server.root());
            assertThat(offline.items()).isNotEmpty().containsExactlyInAnyOrderElementsOf(live.items);
        }
    }

    @Test
    void pagesGivenOneByOneWithRedirectsStatusesAndFailures() {
        List<String> seen = new java.util.ArrayList<>();
        Spider spider = new Spider() {
            @Override
            public void parse(Page page) {
                seen.add(page.url() + " " + page.status() + " via " + page.request().url());
                page.followAll(page.links());
            }

            @Override
            public void failed(Page page) {
                seen.add(page.url() + " failed: " + page.error());
            }
        };
        OfflineCrawl.Result r = OfflineCrawl.pages()
                .html("http://s.test/", "<a href=/old>o</a><a href=/down>d</a><a href=/err>e</a>")
                .redirect("http://s.test/old", 301, "/new")
                .html("http://s.test/new", "new")
                .page("http://s.test/err", 503, "text/plain", "busy")
                .failure("http://s.test/down", "connection refused")
                .configure(c -> c.maxTries(1).obeyRobots(false))
                .run(spider, "http://s.test/");
        assertThat(seen).containsExactlyInAnyOrder("http://s.test/ 200 via http://s.test/",
                "http://s.test/new 200 via http://s.test/new", "http://s.test/err 503 via http://s.test/err",
                "http://s.test/down failed: IOException: connection refused");
        assertThat(r.items()).isEmpty();
        assertThatThrownBy(() -> OfflineCrawl.pages().html("mailto:x", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSpiderThatAwaitsRunsOfflineToo() {
        OfflineCrawl.Result r = OfflineCrawl.pages().html("http://s.test/", "<title>t</title>")
                .configure(c -> c.obeyRobots(false))
                .run(page -> {
                    await(Async.sleep(0.001));
                    page.emit(Map.of("title", page.select("title").text()));
                }, "http://s.test/");
        assertThat(r.items()).containsExactly(Map.of("title", "t"));
    }
}
