package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.crawler.DemoWeb.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crawler against a loopback web with a host of every kind (127.1.0.x, one port), as the server counted it:
 * every page of every live host fetched, rate-limited and flaky ones included; never more than --per-host
 * requests in flight to a host; never two requests to the Crawl-delay host closer than its delay; the dead host
 * given up with one reason.
 */
@Timeout(120)
class DemoWebTest {
    private static final int PAGES = 6;
    private static final double CRAWL_DELAY = 0.3;

    @Test
    void everyLiveHostIsCrawledWholeWithinItsManners() {
        List<Kind> kinds = List.of(Kind.values());
        DemoWeb web = new DemoWeb(kinds, PAGES, 0, CRAWL_DELAY);
        CrawlReport report = Async.run(Coroutine.of(() -> {
            await(web.start(0));
            try {
                CrawlConfig config = CrawlConfig.builder(web.roots().stream().map(URI::create).toList())
                        .perHost(2).maxTries(4).timeout(Duration.ofSeconds(5)).workers(1).build();
                try (Fetcher f = new HttpFetcher(config)) {
                    return await(new Crawler(config, f).crawl());
                }
            } finally {
                web.close();
            }
        }));
        for (Kind k : kinds) {
            assertThat(web.okByKind().get(k)).as(k.label()).isEqualTo(k == Kind.DEAD ? 0 : PAGES);
        }
        assertThat(web.maxInFlight()).isLessThanOrEqualTo(2);
        assertThat(web.minGap(Kind.CRAWL_DELAY)).as("server-measured gap").isGreaterThanOrEqualTo(CRAWL_DELAY - 1e-3);
        String dead = DemoWeb.address(kinds.indexOf(Kind.DEAD)) + ":" + URI.create(web.roots().get(0)).getPort();
        assertThat(report.recovery().givenUp()).containsOnlyKeys(dead);
        assertThat(report.pages()).filteredOn(PageRecord::failed).allSatisfy(p -> {
            assertThat(p.url()).contains(dead);
            assertThat(p.error()).startsWith("host given up after 3 connection failures in a row: ");
        });
        String limited = DemoWeb.address(kinds.indexOf(Kind.RATE_LIMITED)) + ":"
                + URI.create(web.roots().get(0)).getPort();
        assertThat(report.recovery().paused()).containsKey(limited);
        assertThat(report.recovery().retries()).containsKeys("HTTP 429", "HTTP 503");

        JsonObject json = JsonParser.parseString(web.json()).getAsJsonObject();      // what bench crawl --broad reads
        assertThat(json.get("requests").getAsInt()).isEqualTo(web.requests());
        assertThat(json.get("max_in_flight").getAsInt()).isEqualTo(web.maxInFlight());
        JsonObject byKind = json.getAsJsonObject("kinds");
        assertThat(byKind.keySet()).containsExactly(kinds.stream().map(Kind::label).toArray(String[]::new));
        for (Kind k : kinds) {
            JsonObject o = byKind.getAsJsonObject(k.label());
            assertThat(o.get("hosts").getAsInt()).isEqualTo(1);
            assertThat(o.get("pages").getAsInt()).as(k.label()).isEqualTo(k == Kind.DEAD ? 0 : PAGES);
            assertThat(o.get("ok").getAsInt()).as(k.label()).isEqualTo(web.okByKind().get(k));
            assertThat(o.get("max_in_flight").getAsInt()).isLessThanOrEqualTo(2);
        }
        assertThat(byKind.getAsJsonObject("dead").get("min_gap").isJsonNull()).as("no request reached it").isTrue();
        assertThat(byKind.getAsJsonObject("dead").get("last_request").isJsonNull()).isTrue();
        assertThat(byKind.getAsJsonObject("crawl-delay").get("last_request").getAsDouble())
                .as("its pages' gaps after the first request").isGreaterThanOrEqualTo(PAGES * (CRAWL_DELAY - 1e-3));
        assertThat(byKind.getAsJsonObject("crawl-delay").get("min_gap").getAsDouble())
                .isEqualTo(web.minGap(Kind.CRAWL_DELAY));
    }
}
