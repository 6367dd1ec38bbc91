package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.crawler.CrawlerTest.ROOT;
import static io.github.asyncio4j.crawler.CrawlerTest.byUrl;
import static io.github.asyncio4j.crawler.CrawlerTest.config;
import static io.github.asyncio4j.crawler.CrawlerTest.crawl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.crawler.CrawlerTest.FakeSite;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What real sites need: meta refresh, --max-depth, --delay and Crawl-delay, --sitemaps, per-host counts. */
@Timeout(30)
class RealSiteFeaturesTest {

    static FakeSite text(FakeSite site, String url, String type, String body) {
        return site.route(url, u -> new FetchResponse(200, type, StandardCharsets.UTF_8,
                body.getBytes(StandardCharsets.UTF_8), null));
    }

    @Test
    void aMetaRefreshIsFollowedLikeARedirect() {
        FakeSite site = new FakeSite()
                .html(ROOT, "<html><head><meta http-equiv=\"refresh\" content=\"0; url=docs/index.html\"></head>"
                        + "<body><a href=/other>other</a></body></html>")
                .page("http://site.test/docs/index.html", "/")
                .page("http://site.test/other");
        CrawlReport r = crawl(config(ROOT).build(), site);
        var pages = byUrl(r);
        assertThat(pages).containsOnlyKeys(ROOT, "http://site.test/docs/index.html", "http://site.test/other");
        assertThat(pages.get(ROOT).redirectTo()).isEqualTo("http://site.test/docs/index.html");
        assertThat(r.redirects()).isEqualTo(1);
    }

    @Test
    void aMetaRefreshCountsAgainstMaxRedirect() {
        FakeSite site = new FakeSite()
                .html(ROOT, "<meta http-equiv=refresh content='0;url=/a'>")
                .html("http://site.test/a", "<meta http-equiv=refresh content='0;url=/b'>")
                .page("http://site.test/b");
        CrawlReport r = crawl(config(ROOT).maxRedirect(1).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/a");
        assertThat(r.excluded()).containsEntry("http://site.test/b", "max-redirect");
    }

    @Test
    void maxDepthBoundsLinksFollowedButNotRedirects() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/1")
                .page("http://site.test/1", "/moved")
                .redirect("http://site.test/moved", 301, "/2")
                .page("http://site.test/2", "/3")
                .page("http://site.test/3");
        CrawlReport r = crawl(config(ROOT).maxDepth(2).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/1", "http://site.test/moved",
                "http://site.test/2");
        assertThat(r.excluded()).containsEntry("http://site.test/3", "max-depth");
        CrawlReport zero = crawl(config(ROOT).maxDepth(0).build(), site);
        assertThat(byUrl(zero)).containsOnlyKeys(ROOT);
        assertThatThrownBy(() -> config(ROOT).maxDepth(-1).build()).hasMessageContaining("maxDepth");
    }

    /** Records when each request to the site started, on the loop's clock. */
    static final class Timed extends FakeSite {
        final List<Double> starts = new ArrayList<>();

        @Override
        public FetchResponse fetch(URI url) throws Exception {
            if (!url.getPath().equals("/robots.txt")) {
                starts.add(Async.getRunningLoop().time());
            }
            return super.fetch(url);
        }
    }

    @Test
    void delaySpacesTheRequestsToAHost() {
        Timed site = new Timed();
        site.page(ROOT, "/a", "/b", "/c");
        CrawlReport r = crawl(config(ROOT).maxTasks(4).delay(Duration.ofMillis(50)).build(), site);
        assertThat(r.pages()).hasSize(4);
        assertGaps(site.starts, 0.05);
    }

    @Test
    void robotsCrawlDelayIsTheLeastDelay() {
        Timed site = new Timed();
        site.page(ROOT, "/a", "/b");
        text(site, "http://site.test/robots.txt", "text/plain", "User-agent: *\nCrawl-delay: 0.1\n");
        CrawlReport r = crawl(config(ROOT).maxTasks(4).obeyRobots(true).delay(Duration.ofMillis(10)).build(), site);
        assertThat(r.pages()).hasSize(3);
        assertGaps(site.starts, 0.1);
    }

    private static void assertGaps(List<Double> starts, double least) {
        List<Double> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - 1)).as("gap " + i).isGreaterThanOrEqualTo(least - 1e-3);
        }
    }

    @Test
    void sitemapsFromRobotsTxtSeedTheCrawl() {
        FakeSite site = new FakeSite().page(ROOT, "/linked").page("http://site.test/linked")
                .page("http://site.test/orphan").page("http://site.test/deep/orphan2");
        text(site, "http://site.test/robots.txt", "text/plain",
                "User-agent: *\nDisallow:\nSitemap: http://site.test/sitemap-index.xml\n");
        text(site, "http://site.test/sitemap-index.xml", "application/xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                  <sitemap><loc>http://site.test/sitemap1.xml</loc></sitemap>
                  <sitemap><loc>http://site.test/missing.xml</loc></sitemap>
                </sitemapindex>""");
        text(site, "http://site.test/sitemap1.xml", "application/xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                  <url><loc>http://site.test/orphan</loc></url>
                  <url><loc>http://site.test/deep/orphan2</loc></url>
                  <url><loc>http://site.test/linked</loc></url>
                </urlset>""");
        CrawlReport r = crawl(config(ROOT).sitemaps(true).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/linked", "http://site.test/orphan",
                "http://site.test/deep/orphan2");
        assertThat(r.sitemaps()).containsEntry("http://site.test/sitemap-index.xml", "2 sitemaps")
                .containsEntry("http://site.test/missing.xml", "status 404")
                .hasEntrySatisfying("http://site.test/sitemap1.xml", v -> assertThat(v).startsWith("3 URLs"));
        CrawlReport without = crawl(config(ROOT).build(), site);
        assertThat(byUrl(without)).containsOnlyKeys(ROOT, "http://site.test/linked");
        assertThat(without.sitemaps()).isEmpty();
    }

    @Test
    void everyUrlEndsInOnePlaceWithManyExtractionThreads() {
        FakeSite site = new FakeSite();
        int n = 300;
        for (int i = 0; i < n; i++) {
            site.page("http://site.test/p" + i, "/p" + (2 * i + 1) % n, "/p" + (i * 7 + 3) % n,
                    "http://other.test/" + i, "mailto:x" + i + "@site.test", "/p" + i + "#self");
        }
        site.page(ROOT, "/p0");
        CrawlReport r = crawl(config(ROOT).maxTasks(20).workers(4).maxPages(150).build(), site);
        Set<String> places = new HashSet<>();
        r.pages().forEach(p -> assertThat(places.add(p.url())).as(p.url()).isTrue());
        r.excluded().keySet().forEach(u -> assertThat(places.add(u)).as(u).isTrue());
        r.unfinished().forEach(u -> assertThat(places.add(u)).as(u).isTrue());
        assertThat(r.pages()).hasSize(150);
        assertThat(r.exclusions()).containsKeys("host", "scheme", "max-pages");
        assertThat(r.unfinished()).isEmpty();
    }

    @Test
    void theReportCountsHostsAndResponseTimes() {
        CrawlConfig c = config(ROOT).build();
        List<PageRecord> pages = List.of(
                new PageRecord("http://a.test/1", 200, "text/html", 1, 0, 0, null, null, 3, 1, 0),
                new PageRecord("http://a.test/2", 200, "text/html", 1, 0, 0, null, null, 30, 1, 0),
                new PageRecord("http://b.test:8080/x?y", 404, "text/html", 1, 0, 0, null, null, 7000, 1, 0),
                new PageRecord("http://a.test/3", null, null, 0, 0, 0, null, "IOException", 9, 4, 0));
        CrawlReport r = new CrawlReport(c, pages, java.util.Map.of(), List.of(), 1, false);
        assertThat(r.hosts()).containsExactly(java.util.Map.entry("a.test", 3L),
                java.util.Map.entry("b.test:8080", 1L));
        assertThat(r.responseTimes()).hasSize(CrawlReport.TIME_BUCKETS_MS.length + 1)
                .containsEntry("< 10 ms", 1L).containsEntry("< 50 ms", 1L).containsEntry(">= 5000 ms", 1L);
        assertThat(r.responseTimes().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
        var text = new java.io.ByteArrayOutputStream();
        TextReport.write(r, new java.io.PrintStream(text, true, StandardCharsets.UTF_8), false);
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("Hosts:").contains("b.test:8080")
                .contains("Response times:").contains(">= 5000 ms");
    }
}
