package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.VirtualClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chapter's crawler semantics, against an in-memory site (no sockets: the HTTP side has its own tests). */
@Timeout(30)
class CrawlerTest {
    static final String ROOT = "http://site.test/";

    /** A site in memory: path or URL to response; unknown URLs are 404s. Each fetch yields to the loop. */
    static class FakeSite implements Fetcher {
        final Map<String, Function<URI, FetchResponse>> routes = new HashMap<>();
        final List<String> fetched = new ArrayList<>();
        int concurrent;
        int maxConcurrent;

        FakeSite html(String url, String body) {
            routes.put(url, u -> new FetchResponse(200, "text/html", StandardCharsets.UTF_8,
                    body.getBytes(StandardCharsets.UTF_8), null));
            return this;
        }

        FakeSite page(String url, String... links) {
            StringBuilder b = new StringBuilder("<html><body>");
            for (String l : links) {
                b.append("<a href=\"").append(l).append("\">x</a>");
            }
            return html(url, b.append("</body></html>").toString());
        }

        FakeSite redirect(String url, int status, String location) {
            routes.put(url, u -> new FetchResponse(status, "text/html", null, new byte[0], location));
            return this;
        }

        FakeSite route(String url, Function<URI, FetchResponse> r) {
            routes.put(url, r);
            return this;
        }

        @Override
        public FetchResponse fetch(URI url) throws Exception {
            fetched.add(url.toString());
            concurrent++;
            maxConcurrent = Math.max(maxConcurrent, concurrent);
            try {
                await(sleep(0));
                await(sleep(0));
                Function<URI, FetchResponse> r = routes.get(url.toString());
                if (r == null) {
                    return new FetchResponse(404, "text/plain", null, "not found".getBytes(), null);
                }
                return r.apply(url);
            } finally {
                concurrent--;
            }
        }

        @Override
        public void close() {
        }
    }

    static CrawlConfig.Builder config(String... roots) {
        return CrawlConfig.builder(java.util.Arrays.stream(roots).map(URI::create).toList()).maxTasks(4)
                .obeyRobots(false).workers(2);
    }

    /** A crawl on a virtual clock: a retry's backoff, a delay or a pause takes no real time. */
    static CrawlReport crawl(CrawlConfig config, Fetcher fetcher) {
        return Async.run(new Crawler(config, fetcher).crawl(), VirtualClock.autojumping());
    }

    static Map<String, PageRecord> byUrl(CrawlReport r) {
        Map<String, PageRecord> m = new HashMap<>();
        for (PageRecord p : r.pages()) {
            assertThat(m.put(p.url(), p)).as("fetched once: " + p.url()).isNull();
        }
        return m;
    }

    @Test
    void crawlsEveryReachablePageOnceAndCountsLinks() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/a", "/b", "/a#top")
                .page("http://site.test/a", "/", "/c")
                .page("http://site.test/b", "/c")
                .page("http://site.test/c");
        CrawlReport r = crawl(config(ROOT).build(), site);
        Map<String, PageRecord> pages = byUrl(r);
        assertThat(pages).containsOnlyKeys(ROOT, "http://site.test/a", "http://site.test/b", "http://site.test/c");
        assertThat(pages.get(ROOT).links()).isEqualTo(2);     // /a#top is /a
        assertThat(pages.get(ROOT).newLinks()).isEqualTo(2);
        // /c is new to whichever of /a and /b is handled first (their links are extracted on worker threads)
        assertThat(pages.get("http://site.test/a").newLinks() + pages.get("http://site.test/b").newLinks()).isEqualTo(1);
        assertThat(r.statuses()).containsEntry(200, 4L);
        assertThat(r.contentTypes()).containsEntry("text/html", 4L);
        assertThat(r.interrupted()).isFalse();
        assertThat(r.unfinished()).isEmpty();
        assertThat(site.fetched).hasSize(4);
    }

    @Test
    void normalisesUrlsSoEquivalentFormsAreFetchedOnce() {
        FakeSite site = new FakeSite()
                .page(ROOT, "HTTP://SITE.TEST:80/x/../a", "/./a", "http://site.test/a#frag", "/b?q=1");
        CrawlReport r = crawl(config(ROOT).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/a", "http://site.test/b?q=1");
    }

    @Test
    void honoursBaseHrefAndKeepsOnlyHttpLinks() {
        FakeSite site = new FakeSite()
                .html(ROOT, "<html><head><base href=\"http://site.test/dir/\"></head><body>"
                        + "<a href=\"page\">p</a><a href=\"mailto:me@site.test\">m</a>"
                        + "<a href=\"javascript:void(0)\">j</a><a href=\"ftp://site.test/f\">f</a></body></html>");
        CrawlReport r = crawl(config(ROOT).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/dir/page");
        assertThat(r.excluded()).containsEntry("ftp://site.test/f", "scheme");
        assertThat(r.excluded()).containsValue("scheme").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void followsRedirectsWithOneRedirectLessEachTime() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/r1")
                .redirect("http://site.test/r1", 301, "/r2")
                .redirect("http://site.test/r2", 302, "http://site.test/target")
                .page("http://site.test/target");
        CrawlReport limited = crawl(config(ROOT).maxRedirect(1).build(), site);
        assertThat(byUrl(limited)).containsOnlyKeys(ROOT, "http://site.test/r1", "http://site.test/r2");
        assertThat(limited.excluded()).containsEntry("http://site.test/target", "max-redirect");
        assertThat(byUrl(limited).get("http://site.test/r2").redirectTo()).isEqualTo("http://site.test/target");

        CrawlReport all = crawl(config(ROOT).maxRedirect(10).build(), site);
        assertThat(byUrl(all)).containsKey("http://site.test/target");
        assertThat(all.redirects()).isEqualTo(2);
        assertThat(all.statuses()).containsEntry(301, 1L).containsEntry(302, 1L);
        assertThat(all.excluded()).doesNotContainKey("http://site.test/target");
    }

    @Test
    void aRedirectLoopEndsBecauseEachUrlIsFetchedOnce() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/loop/a")
                .redirect("http://site.test/loop/a", 302, "/loop/b")
                .redirect("http://site.test/loop/b", 302, "/loop/a");
        CrawlReport r = crawl(config(ROOT).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/loop/a", "http://site.test/loop/b");
    }

    @Test
    void retriesFailuresUpToMaxTriesAndReportsTheLastError() {
        int[] calls = new int[2];
        FakeSite site = new FakeSite()
                .page(ROOT, "/flaky", "/dead")
                .route("http://site.test/flaky", u -> {
                    if (++calls[0] < 3) {
                        throw new RuntimeException("reset");
                    }
                    return new FetchResponse(200, "text/plain", null, "ok".getBytes(), null);
                })
                .route("http://site.test/dead", u -> {
                    calls[1]++;
                    throw new IllegalStateException("connection refused");
                });
        CrawlReport r = crawl(config(ROOT).maxTries(4).build(), site);
        Map<String, PageRecord> pages = byUrl(r);
        assertThat(pages.get("http://site.test/flaky").tries()).isEqualTo(3);
        assertThat(pages.get("http://site.test/flaky").status()).isEqualTo(200);
        PageRecord dead = pages.get("http://site.test/dead");
        assertThat(dead.failed()).isTrue();
        assertThat(dead.status()).isNull();
        assertThat(dead.error()).isEqualTo("IllegalStateException: connection refused");
        assertThat(dead.tries()).isEqualTo(4);
        assertThat(calls[1]).isEqualTo(4);
        assertThat(r.errors()).isEqualTo(1);
    }

    @Test
    void takesLinksOnlyFromHtmlPages() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/data.txt")
                .route("http://site.test/data.txt", u -> new FetchResponse(200, "text/plain", null,
                        "<a href=\"/hidden\">".getBytes(), null));
        CrawlReport r = crawl(config(ROOT).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/data.txt");
    }

    @Test
    void strictHostsVersusLenientWww() {
        FakeSite site = new FakeSite()
                .page(ROOT, "http://www.site.test/w", "http://other.test/o")
                .page("http://www.site.test/w");
        CrawlReport strict = crawl(config(ROOT).strict(true).build(), site);
        assertThat(byUrl(strict)).containsOnlyKeys(ROOT);
        assertThat(strict.excluded()).containsEntry("http://www.site.test/w", "host")
                .containsEntry("http://other.test/o", "host");
        CrawlReport lenient = crawl(config(ROOT).strict(false).build(), site);
        assertThat(byUrl(lenient)).containsOnlyKeys(ROOT, "http://www.site.test/w");
        assertThat(lenient.excluded()).containsEntry("http://other.test/o", "host");
    }

    @Test
    void excludeAndMaxPagesAreStatedRules() {
        FakeSite site = new FakeSite().page(ROOT, "/skip/1", "/p1", "/p2", "/p3");
        CrawlReport r = crawl(config(ROOT).exclude(Pattern.compile("/skip/")).maxPages(3).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/p1", "http://site.test/p2");
        assertThat(r.excluded()).containsEntry("http://site.test/skip/1", "exclude")
                .containsEntry("http://site.test/p3", "max-pages");
    }

    @Test
    void obeysRobotsTxt() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/private/x", "/public")
                .page("http://site.test/public")
                .route("http://site.test/robots.txt", u -> new FetchResponse(200, "text/plain", null,
                        "User-agent: *\nDisallow: /private/\n".getBytes(), null));
        CrawlReport r = crawl(config(ROOT).obeyRobots(true).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/public");
        assertThat(r.excluded()).containsEntry("http://site.test/private/x", "robots");
        assertThat(site.fetched.stream().filter(u -> u.endsWith("/robots.txt"))).hasSize(1);
        CrawlReport ignoring = crawl(config(ROOT).obeyRobots(false).build(), site);
        assertThat(byUrl(ignoring)).containsKey("http://site.test/private/x");
    }

    @Test
    void thePerHostLimitBoundsConcurrentRequests() {
        FakeSite site = new FakeSite();
        String[] links = new String[20];
        for (int i = 0; i < links.length; i++) {
            links[i] = "/p" + i;
        }
        site.page(ROOT, links);
        CrawlReport r = crawl(config(ROOT).maxTasks(10).perHost(2).build(), site);
        assertThat(r.pages()).hasSize(21);
        assertThat(site.maxConcurrent).isEqualTo(2);
    }

    @Test
    void everyDiscoveredUrlIsFetchedExcludedOrUnfinished() {
        FakeSite site = new FakeSite()
                .page(ROOT, "/a", "http://elsewhere.test/", "/skip", "/r")
                .page("http://site.test/a", "/b", "mailto:x@y")
                .redirect("http://site.test/r", 301, "/a")
                .page("http://site.test/b");
        CrawlReport r = crawl(config(ROOT).exclude(Pattern.compile("skip")).build(), site);
        Set<String> all = new LinkedHashSet<>();
        r.pages().forEach(p -> all.add(p.url()));
        Set<String> overlap = new HashSet<>(all);
        overlap.retainAll(r.excluded().keySet());
        assertThat(overlap).isEmpty();
        assertThat(all).contains(ROOT, "http://site.test/a", "http://site.test/b", "http://site.test/r");
        assertThat(r.excluded()).containsKeys("http://elsewhere.test/", "http://site.test/skip", "mailto:x@y");
    }

    @Test
    void stopCancelsTheWorkersAndListsWhatWasLeft() {
        FakeSite site = new FakeSite();
        site.route(ROOT, u -> new FetchResponse(200, "text/html", null,
                "<a href=/1></a><a href=/2></a><a href=/3></a>".getBytes(), null));
        CrawlReport r = Async.run(Coroutine.of(() -> {
            Crawler crawler = new Crawler(config(ROOT).maxTasks(1).build(), new Fetcher() {
                @Override
                public FetchResponse fetch(URI url) throws Exception {
                    if (!url.toString().equals(ROOT)) {
                        await(sleep(3600));     // every other page hangs
                    }
                    return site.fetch(url);
                }

                @Override
                public void close() {
                }
            });
            var task = Async.createTask(crawler.crawl());
            while (crawler.progress().fetched() < 1) {
                await(sleep(0));
            }
            crawler.stop();
            CrawlReport report = await(task);
            assertThat(Async.allTasks()).containsOnly(Async.currentTask());
            return report;
        }));
        assertThat(r.interrupted()).isTrue();
        assertThat(r.pages()).extracting(PageRecord::url).containsExactly(ROOT);
        assertThat(r.unfinished()).containsExactlyInAnyOrder(
                "http://site.test/1", "http://site.test/2", "http://site.test/3");
    }

    @Test
    void badConfigurationIsRejectedWithTheReason() {
        assertThatThrownBy(() -> CrawlConfig.builder(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one root");
        assertThatThrownBy(() -> CrawlConfig.builder(List.of(URI.create("ftp://x/"))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> config(ROOT).maxTasks(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTasks");
    }

    @Test
    void aCrawlerRunsOnce() {
        FakeSite site = new FakeSite().page(ROOT);
        Crawler c = new Crawler(config(ROOT).build(), site);
        Async.run(c.crawl());
        assertThatThrownBy(() -> Async.run(c.crawl())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runs once");
    }

    static IOException io(String m) {
        return new IOException(m);
    }
}
