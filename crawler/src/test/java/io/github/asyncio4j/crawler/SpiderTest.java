package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.crawler.CrawlerTest.ROOT;
import static io.github.asyncio4j.crawler.CrawlerTest.byUrl;
import static io.github.asyncio4j.crawler.CrawlerTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.crawler.CrawlerTest.FakeSite;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Spider} semantics against an in-memory site: routing, metadata, filters, errors, items, cancellation. */
@Timeout(30)
class SpiderTest {
    record Title(String url, String title, String label, String from, int depth) {
    }

    /** Items in a list; each write yields to the loop twice (a sink that awaits). */
    static final class ListSink implements ItemSink {
        final List<Object> items = new ArrayList<>();
        boolean closed;

        @Override
        public void write(Object item) {
            await(sleep(0));
            await(sleep(0));
            items.add(item);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static CrawlReport run(CrawlConfig config, Fetcher site, Spider spider, ItemSink... sinks) {
        return Async.run(Crawler.builder(config).fetcher(site).spider(spider).items(sinks).build().crawl());
    }

    @Test
    void labelsRouteMetadataTravelsThroughRedirectsAndDepthIsKnown() {
        FakeSite site = new FakeSite()
                .html(ROOT, "<title>home</title><a href=/a>a</a><a href=/moved>m</a><a href=/plain>p</a>")
                .html("http://site.test/a", "<title>A</title>")
                .redirect("http://site.test/moved", 301, "/b")
                .html("http://site.test/b", "<title>B</title>")
                .html("http://site.test/plain", "<title>P</title>");
        ListSink sink = new ListSink();
        Spider spider = page -> {
            Request r = page.request();
            if (r.label() == null && r.depth() == 0) {
                page.follow(Request.of("/a").withLabel("detail").withMeta("from", "home"));
                page.follow(Request.of("moved").withLabel("detail").withMeta("from", "home"));
                page.follow("/plain");
            }
            page.emit(new Title(page.url().toString(), page.select("title").text(), r.label(), r.meta().get("from"),
                    r.depth()));
        };
        CrawlReport report = run(config(ROOT).build(), site, spider, sink);
        assertThat(sink.items).containsExactlyInAnyOrder(
                new Title(ROOT, "home", null, null, 0),
                new Title("http://site.test/a", "A", "detail", "home", 1),
                new Title("http://site.test/b", "B", "detail", "home", 1),
                new Title("http://site.test/plain", "P", null, null, 1));
        assertThat(sink.closed).isTrue();
        assertThat(byUrl(report).get(ROOT).newLinks()).isEqualTo(3);
        assertThat(byUrl(report).get("http://site.test/moved").redirectTo()).isEqualTo("http://site.test/b");
    }

    @Test
    void aRedirectsTargetIsFetchedWithTheRequestsLabelAndMetadata() {
        FakeSite site = new FakeSite().page(ROOT).redirect("http://site.test/moved", 302, "/b")
                .html("http://site.test/b", "b");
        List<String> seen = new ArrayList<>();
        run(config(ROOT).build(), site, page -> {
            Request r = page.request();
            seen.add(page.url() + " " + r.url() + " " + r.label() + " " + r.meta() + " " + r.depth());
            if (r.depth() == 0) {
                page.follow(Request.of("/moved").withLabel("L").withMeta("link", "/moved"));
            }
        });
        assertThat(seen).containsExactlyInAnyOrder(ROOT + " " + ROOT + " null {} 0",
                "http://site.test/b http://site.test/b L {link=/moved} 1");
    }

    @Test
    void shouldVisitFiltersAfterTheScopeAndWhatItRefusesIsExcludedAsSpider() {
        FakeSite site = new FakeSite().page(ROOT, "/keep", "/skip", "http://other.test/x", "/no/1");
        List<URI> asked = new ArrayList<>();
        Spider spider = new Spider() {
            @Override
            public void parse(Page page) {
                page.followAll(page.links());
            }

            @Override
            public boolean shouldVisit(URI url) {
                asked.add(url);
                return !url.getPath().equals("/skip");
            }
        };
        CrawlReport r = run(config(ROOT).exclude(Pattern.compile("/no/")).build(), site, spider);
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/keep");
        assertThat(r.excluded()).containsEntry("http://site.test/skip", "spider")
                .containsEntry("http://other.test/x", "host").containsEntry("http://site.test/no/1", "exclude");
        assertThat(asked).extracting(URI::toString)
                .containsExactlyInAnyOrder("http://site.test/keep", "http://site.test/skip");   // scope first
    }

    @Test
    void linksAreTheInScopeOnesAndAFollowOutOfScopeIsExcludedWithItsRule() {
        FakeSite site = new FakeSite().page(ROOT, "/in", "http://other.test/out", "/secret/x", "mailto:a@b");
        List<List<URI>> links = new ArrayList<>();
        Map<String, Boolean> followed = new LinkedHashMap<>();
        CrawlReport r = run(config(ROOT).exclude(Pattern.compile("/secret")).build(), site, page -> {
            if (page.request().depth() == 0) {
                links.add(page.links());
                for (String u : List.of("http://other.test/y", "/secret/y", "ftp://site.test/f", "http://[bad",
                        "/in")) {
                    followed.put(u, page.follow(u));
                }
            }
        });
        assertThat(links).containsExactly(List.of(URI.create("http://site.test/in")));
        assertThat(followed).containsExactly(Map.entry("http://other.test/y", false), Map.entry("/secret/y", false),
                Map.entry("ftp://site.test/f", false), Map.entry("http://[bad", false), Map.entry("/in", true));
        assertThat(r.excluded()).containsEntry("http://other.test/y", "host")
                .containsEntry("http://site.test/secret/y", "exclude").containsEntry("ftp://site.test/f", "scheme")
                .containsEntry("http://[bad", "invalid-url")
                .containsEntry("http://other.test/out", "host").containsEntry("http://site.test/secret/x", "exclude");
        assertThat(byUrl(r)).containsOnlyKeys(ROOT, "http://site.test/in");
    }

    @Test
    void anExceptionInParseIsThePagesErrorWithItsStackAndTheCrawlGoesOn() throws Exception {
        FakeSite site = new FakeSite().page(ROOT, "/bad", "/good").page("http://site.test/bad", "/after")
                .page("http://site.test/good").page("http://site.test/after");
        ListSink sink = new ListSink();
        CrawlReport r = run(config(ROOT).build(), site, page -> {
            page.followAll(page.links());
            page.emit(Map.of("url", page.url().toString()));
            if (page.url().getPath().equals("/bad")) {
                throw new IllegalStateException("no price on\nthe page");
            }
        }, sink);
        Map<String, PageRecord> pages = byUrl(r);
        assertThat(pages).containsOnlyKeys(ROOT, "http://site.test/bad", "http://site.test/good",
                "http://site.test/after");   // what /bad followed before it threw stays
        PageRecord bad = pages.get("http://site.test/bad");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.error()).isEqualTo("IllegalStateException: no price on");
        assertThat(bad.stack()).startsWith("java.lang.IllegalStateException: no price on\nthe page")
                .contains("at io.github.asyncio4j.crawler.SpiderTest");
        assertThat(r.spiderErrors()).isEqualTo(1);
        assertThat(r.errors()).isZero();
        assertThat(sink.items).hasSize(4);      // the failing page's item emitted before the exception stays
        java.io.StringWriter json = new java.io.StringWriter();
        JsonReport.write(r, json);
        assertThat(json.toString()).contains("\"spider_errors\": 1", "\"stack\": \"java.lang.IllegalStateException");
    }

    @Test
    void aFailedFetchGoesToFailedWithItsErrorAndMayEmit() {
        FakeSite site = new FakeSite().page(ROOT, "/down", "/gone")
                .route("http://site.test/down", u -> {
                    throw new IllegalStateException("connection refused");
                });
        ListSink sink = new ListSink();
        CrawlReport r = run(config(ROOT).maxTries(2).build(), site, new Spider() {
            @Override
            public void parse(Page page) {
                page.followAll(page.links());
                if (page.status() >= 400) {
                    page.emit(Map.of("url", page.url().toString(), "status", page.status()));
                }
            }

            @Override
            public void failed(Page page) {
                page.emit(Map.of("url", page.url().toString(), "error", page.error()));
            }
        }, sink);
        assertThat(sink.items).containsExactlyInAnyOrder(
                Map.of("url", "http://site.test/down", "error", "IllegalStateException: connection refused"),
                Map.of("url", "http://site.test/gone", "status", 404));
        assertThat(byUrl(r).get("http://site.test/down").failed()).isTrue();
    }

    @Test
    void anItemThatIsNotAnObjectIsRefusedInParseAsThePagesError() {
        FakeSite site = new FakeSite().page(ROOT);
        CrawlReport r = run(config(ROOT).build(), site, page -> page.emit("just a string"));
        assertThat(byUrl(r).get(ROOT).error()).startsWith("IllegalArgumentException: an item must be written as a "
                + "JSON object");
    }

    @Test
    void followAndEmitAfterParseReturnedThrowAndFollowAllRefusesOtherTypes() {
        FakeSite site = new FakeSite().page(ROOT, "/a");
        List<Page> kept = new ArrayList<>();
        List<Throwable> thrown = new ArrayList<>();
        run(config(ROOT).build(), site, page -> {
            kept.add(page);
            try {
                if (page.request().depth() > 0) {
                    return;
                }
                page.followAll(List.of("/a", 42));
            } catch (IllegalArgumentException e) {
                thrown.add(e);
            }
        });
        assertThat(thrown).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("followAll takes Strings, URIs or Requests, not java.lang.Integer");
        assertThatThrownBy(() -> kept.get(0).emit(Map.of("a", 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is done");
        assertThatThrownBy(() -> kept.get(0).follow("/b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void parseMayAwaitAndACrawlStoppedThereLeavesThePageUnfinished() {
        FakeSite site = new FakeSite().page(ROOT, "/slow").page("http://site.test/slow", "/next");
        ListSink sink = new ListSink();
        CrawlReport r = Async.run(Coroutine.of(() -> {
            Crawler crawler = Crawler.builder(config(ROOT).build()).fetcher(site).items(sink).spider(page -> {
                page.followAll(page.links());
                if (page.url().getPath().equals("/slow")) {
                    await(sleep(3600));     // an API that does not answer
                    page.emit(Map.of("never", true));
                }
            }).build();
            var task = Async.createTask(crawler.crawl());
            while (crawler.progress().fetched() < 1 || site.fetched.size() < 2) {
                await(sleep(0));
            }
            await(sleep(0.01));
            crawler.stop();
            return await(task);
        }));
        assertThat(r.interrupted()).isTrue();
        assertThat(r.pages()).extracting(PageRecord::url).doesNotContain("http://site.test/slow");
        assertThat(r.unfinished()).contains("http://site.test/slow");
        assertThat(sink.items).isEmpty();
        assertThat(sink.closed).isTrue();
    }

    @Test
    void labelsAndMetadataPersistInTheStateAcrossAResume(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        FakeSite site = new FakeSite().page(ROOT).page("http://site.test/a").page("http://site.test/b");
        CrawlConfig config = config(ROOT).maxTasks(1).build();
        try (SqliteState state = SqliteState.open(dir, config)) {
            Crawler[] crawler = new Crawler[1];
            crawler[0] = Crawler.builder(config).fetcher(site).state(state).spider(page -> {
                page.follow(Request.of("/a").withLabel("A").withMeta("k", "1").withMeta("j", "2"));
                page.follow(Request.of("/b").withLabel("B"));
                crawler[0].stop();      // the root is recorded done; /a and /b wait in the state
            }).build();
            assertThat(Async.run(crawler[0].crawl()).unfinished()).containsExactlyInAnyOrder("http://site.test/a",
                    "http://site.test/b");
        }
        List<String> seen = new ArrayList<>();
        try (SqliteState state = SqliteState.open(dir, config)) {
            assertThat(state.resumed()).isTrue();
            Async.run(Crawler.builder(config).fetcher(site).state(state).spider(page -> seen.add(page.url().getPath()
                    + " " + page.request().label() + " " + page.request().meta() + " " + page.request().depth()))
                    .build().crawl());
        }
        assertThat(seen).containsExactlyInAnyOrder("/a A {k=1, j=2} 1", "/b B {} 1");
    }

    @Test
    void requestValuesAndBadInput() {
        Request r = Request.of("http://a.test/x").withLabel("L").withMeta("k", "v").withMeta("j", "w");
        assertThat(r.meta()).containsExactly(Map.entry("k", "v"), Map.entry("j", "w"));
        assertThat(r.depth()).isEqualTo(-1);
        assertThat(r).isEqualTo(new Request(URI.create("http://a.test/x"), "L", Map.of("k", "v", "j", "w"), 3));
        assertThatThrownBy(() -> Request.of("http://a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a URL: 'http://a b'");
        assertThatThrownBy(() -> r.withMeta("k", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("meta value");
        assertThatThrownBy(() -> r.meta().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theDefaultSpiderIsTheCrawlCommandsOwn() {
        FakeSite site = new FakeSite().page(ROOT, "/a", "/b").page("http://site.test/a", "/b");
        CrawlReport withBuilder = Async.run(Crawler.builder(config(ROOT).build()).fetcher(site).build().crawl());
        assertThat(byUrl(withBuilder)).containsOnlyKeys(ROOT, "http://site.test/a", "http://site.test/b");
        assertThat(Spider.followingLinks()).isSameAs(DefaultSpider.INSTANCE);
    }
}
