package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlerTest.byUrl;
import static io.github.asyncio4j.crawler.CrawlerTest.config;
import static io.github.asyncio4j.crawler.CrawlerTest.crawl;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.crawler.CrawlerTest.FakeSite;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Politeness as scheduling and status-aware retries, on a virtual clock (the times asserted are the loop's, so
 * exact on any machine): a worker never waits for a host while another is ready; Retry-After pauses the host;
 * backoff grows; a host that cannot be reached is given up with one reason.
 */
@Timeout(30)
class RetriesTest {
    /** A fake site that notes when (loop time) each request started. */
    static final class Timed extends FakeSite {
        final List<String> urls = new ArrayList<>();
        final List<Double> times = new ArrayList<>();

        @Override
        public FetchResponse fetch(URI url) throws Exception {
            urls.add(url.toString());
            times.add(Async.getRunningLoop().time());
            return super.fetch(url);
        }

        List<Double> timesOf(String url) {
            List<Double> t = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                if (urls.get(i).equals(url)) {
                    t.add(times.get(i));
                }
            }
            return t;
        }

        double firstOf(String url) {
            return timesOf(url).get(0);
        }
    }

    static FetchResponse status(int status, String retryAfter) {
        return new FetchResponse(status, "text/plain", null, "busy".getBytes(StandardCharsets.UTF_8), null,
                retryAfter);
    }

    static FetchResponse ok() {
        return new FetchResponse(200, "text/plain", null, "ok".getBytes(StandardCharsets.UTF_8), null);
    }

    /** A fake site whose host {@code dead} refuses every connection, counting the attempts in {@code attempts[0]}. */
    static FakeSite refusing(String dead, int[] attempts) {
        return new FakeSite() {
            @Override
            public FetchResponse fetch(URI url) throws Exception {
                if (url.getHost().equals(dead)) {
                    attempts[0]++;
                    throw new ConnectException("Connection refused");
                }
                return super.fetch(url);
            }
        };
    }

    @Test
    void aWorkerNeverWaitsForADelayedHostWhileAnotherIsReady() {
        Timed site = new Timed();
        site.page("http://a.test/", "/1", "/2", "/3").page("http://b.test/", "/1", "/2", "/3");
        RealSiteFeaturesTest.text(site, "http://a.test/robots.txt", "text/plain", "User-agent: *\nCrawl-delay: 1\n");
        CrawlReport r = crawl(config("http://a.test/", "http://b.test/").maxTasks(1).obeyRobots(true).build(), site);
        assertThat(r.pages()).hasSize(8);
        for (String p : List.of("/", "/1", "/2", "/3")) {
            assertThat(site.firstOf("http://b.test" + p)).as("b.test" + p + " did not wait for a.test's delay")
                    .isLessThan(1.0);
        }
        List<Double> a = new ArrayList<>();
        for (int i = 0; i < site.urls.size(); i++) {
            if (site.urls.get(i).startsWith("http://a.test/")) {
                a.add(site.times.get(i));
            }
        }
        for (int i = 1; i < a.size(); i++) {    // robots.txt included: it is a request to the host too
            assertThat(a.get(i) - a.get(i - 1)).as("a.test gap " + i).isGreaterThanOrEqualTo(1.0 - 1e-9);
        }
        assertThat(a.get(a.size() - 1)).as("a.test's 5 requests take 4 delays, no more").isLessThan(4.5);
    }

    @Test
    void retryAfterPausesTheHostNotOnlyTheUrl() {
        Timed site = new Timed();
        int[] calls = new int[1];
        site.page("http://a.test/", "/x", "/y", "/z").page("http://b.test/", "/1")
                .route("http://a.test/x", u -> ++calls[0] == 1 ? status(429, "3") : ok());
        CrawlReport r = crawl(config("http://a.test/", "http://b.test/").perHost(1).build(), site);
        Map<String, PageRecord> pages = byUrl(r);
        assertThat(pages.get("http://a.test/x").status()).isEqualTo(200);
        assertThat(pages.get("http://a.test/x").tries()).isEqualTo(2);
        double refused = site.firstOf("http://a.test/x");
        for (String p : List.of("/y", "/z")) {
            assertThat(site.firstOf("http://a.test" + p)).as(p + " waits with its host").isGreaterThanOrEqualTo(
                    refused + 3);
        }
        assertThat(site.timesOf("http://a.test/x").get(1)).isGreaterThanOrEqualTo(refused + 3);
        assertThat(site.firstOf("http://b.test/1")).as("another host is not paused").isLessThan(refused + 3);
        assertThat(r.recovery().paused()).containsEntry("a.test", 3.0);
        assertThat(r.recovery().retries()).containsEntry("HTTP 429", 1L);
    }

    @Test
    void aRetryAfterOverTheMostHonouredFailsTheUrlWithThatReason() {
        FakeSite site = new FakeSite().page("http://a.test/", "/x")
                .route("http://a.test/x", u -> status(503, "3600"));
        CrawlReport r = crawl(config("http://a.test/").maxRetryAfter(Duration.ofSeconds(10)).build(), site);
        PageRecord x = byUrl(r).get("http://a.test/x");
        assertThat(x.failed()).isTrue();
        assertThat(x.tries()).isEqualTo(1);
        assertThat(x.error()).isEqualTo("Retry-After 3600 s (status 503) is over --max-retry-after 10 s");
    }

    @Test
    void backoffGrowsWithEachTryAndTheLastAnswerIsThePagesStatus() {
        Timed site = new Timed();
        site.page("http://a.test/", "/x").route("http://a.test/x", u -> status(503, null));
        CrawlReport r = crawl(config("http://a.test/").maxTries(4).build(), site);
        List<Double> t = site.timesOf("http://a.test/x");
        assertThat(t).hasSize(4);
        double b = RetryPolicy.BACKOFF_BASE;
        for (int i = 1; i < 4; i++) {   // equal jitter: gap i in [b 2^(i-1) / 2, b 2^(i-1)), ranges that do not overlap
            double gap = t.get(i) - t.get(i - 1);
            assertThat(gap).as("gap " + i).isBetween(b * Math.pow(2, i - 1) / 2 - 1e-9, b * Math.pow(2, i - 1));
        }
        PageRecord x = byUrl(r).get("http://a.test/x");
        assertThat(x.status()).isEqualTo(503);
        assertThat(x.tries()).isEqualTo(4);
        assertThat(r.recovery().retries()).containsExactly(Map.entry("HTTP 503", 3L));
    }

    @Test
    void onlyTransientStatusesAreRetried() {
        FakeSite site = new FakeSite().page("http://a.test/", "/404", "/500", "/501")
                .route("http://a.test/500", u -> status(500, null))
                .route("http://a.test/501", u -> status(501, null));
        CrawlReport r = crawl(config("http://a.test/").maxTries(3).build(), site);
        Map<String, PageRecord> pages = byUrl(r);
        assertThat(pages.get("http://a.test/404").tries()).isEqualTo(1);
        assertThat(pages.get("http://a.test/501").tries()).isEqualTo(1);
        assertThat(pages.get("http://a.test/500").tries()).isEqualTo(3);
    }

    @Test
    void aTimeoutIsRetriedAndCountedAsOne() {
        int[] calls = new int[1];
        FakeSite site = new FakeSite().page("http://a.test/", "/slow").route("http://a.test/slow", u -> {
            if (++calls[0] < 3) {
                throw new TimeoutError("read timeout");
            }
            return ok();
        });
        CrawlReport r = crawl(config("http://a.test/").build(), site);
        assertThat(byUrl(r).get("http://a.test/slow").tries()).isEqualTo(3);
        assertThat(r.recovery().retries()).containsExactly(Map.entry("timeout", 2L));
    }

    @Test
    void aHostWhoseConnectionsKeepFailingIsGivenUpWithOneReasonForAllItsUrls() {
        int[] attempts = new int[1];
        FakeSite site = refusing("dead.test", attempts);
        site.page("http://ok.test/", "http://dead.test/1", "http://dead.test/2", "http://dead.test/3",
                "http://dead.test/4", "http://dead.test/5");
        CrawlReport r = crawl(config("http://ok.test/", "http://dead.test/").perHost(1).maxTries(4).build(), site);
        String reason = "host given up after 3 connection failures in a row: ConnectException: Connection refused";
        List<PageRecord> dead = r.pages().stream().filter(p -> p.url().startsWith("http://dead.test/")).toList();
        assertThat(dead).hasSize(6).allSatisfy(p -> {
            assertThat(p.failed()).isTrue();
            assertThat(p.error()).isEqualTo(reason);
        });
        assertThat(attempts[0]).as("not every URL burns its tries").isEqualTo(3);
        assertThat(r.recovery().givenUp()).containsExactly(Map.entry("dead.test", reason));
        assertThat(byUrl(r).get("http://ok.test/").status()).isEqualTo(200);
    }

    /**
     * RFC 9309 section 2.3.1.4: a robots.txt answered 5xx is "unreachable": the host is paused and robots.txt read
     * again (Retry-After, else backoff), and once it answers, its rules apply.
     */
    @Test
    void anUnreachableRobotsTxtPausesTheHostAndIsReadAgain() {
        Timed site = new Timed();
        int[] reads = {0};
        site.page("http://a.test/", "/private/x", "/public").page("http://a.test/public");
        site.route("http://a.test/robots.txt", u -> ++reads[0] == 1 ? status(503, "7")
                : reads[0] == 2 ? status(500, null)
                : new FetchResponse(200, "text/plain", null, "User-agent: *\nDisallow: /private/\n".getBytes(), null));
        CrawlReport r = crawl(config("http://a.test/").obeyRobots(true).maxTries(4).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys("http://a.test/", "http://a.test/public");
        assertThat(r.excluded()).containsEntry("http://a.test/private/x", "robots");
        List<Double> robots = site.timesOf("http://a.test/robots.txt");
        assertThat(robots).hasSize(3);
        assertThat(robots.get(1) - robots.get(0)).as("Retry-After: 7").isGreaterThanOrEqualTo(7.0);
        assertThat(site.urls.indexOf("http://a.test/")).as("no page before the rules")
                .isGreaterThan(site.urls.lastIndexOf("http://a.test/robots.txt"));
        assertThat(r.recovery().retries()).containsEntry("HTTP 503", 1L).containsEntry("HTTP 500", 1L);
    }

    /** Unreachable for good after --max-tries reads: complete disallow (RFC 9309), the host given up with why. */
    @Test
    void aRobotsTxtUnreachableForGoodKeepsTheWholeSiteOut() {
        Timed site = new Timed();
        site.page("http://ok.test/", "http://down.test/1", "http://down.test/2");
        site.page("http://down.test/", "/1").page("http://down.test/1").page("http://down.test/2");
        site.route("http://down.test/robots.txt", u -> status(502, null));
        CrawlReport r = crawl(config("http://ok.test/", "http://down.test/").obeyRobots(true).maxTries(3).build(),
                site);
        String reason = "robots.txt of http://down.test unreachable after 3 tries (status 502): RFC 9309 disallows"
                + " the whole site";
        assertThat(site.urls.stream().filter(u -> u.startsWith("http://down.test/")))
                .containsOnly("http://down.test/robots.txt").hasSize(3);
        List<PageRecord> down = r.pages().stream().filter(p -> p.url().startsWith("http://down.test/")).toList();
        assertThat(down).hasSize(3).allSatisfy(p -> assertThat(p.error()).isEqualTo(reason));
        assertThat(r.recovery().givenUp()).containsExactly(Map.entry("down.test", reason));
        assertThat(byUrl(r).get("http://ok.test/").status()).isEqualTo(200);
    }

    /** A 4xx robots.txt (other than 408 and 429) allows everything; redirects to it are followed (up to five). */
    @Test
    void aMissingOrForbiddenRobotsTxtAllowsAllAndARedirectedOneIsFollowed() {
        Timed site = new Timed();
        site.page("http://gone.test/", "/p").page("http://gone.test/p");
        site.route("http://gone.test/robots.txt", u -> status(403, null));
        site.page("http://moved.test/", "/private/x").page("http://moved.test/private/x");
        site.redirect("http://moved.test/robots.txt", 301, "http://moved.test/r1");
        site.redirect("http://moved.test/r1", 302, "/r2");
        site.route("http://moved.test/r2", u -> new FetchResponse(200, "text/plain", null,
                "User-agent: *\nDisallow: /private/\n".getBytes(), null));
        CrawlReport r = crawl(config("http://gone.test/", "http://moved.test/").obeyRobots(true).build(), site);
        assertThat(byUrl(r)).containsOnlyKeys("http://gone.test/", "http://gone.test/p", "http://moved.test/");
        assertThat(r.excluded()).containsEntry("http://moved.test/private/x", "robots");
        assertThat(r.recovery().retries()).isEmpty();
    }

    /** A robots.txt whose host refuses connections counts toward giving the host up, as a page does. */
    @Test
    void aRobotsTxtWhoseHostRefusesGivesTheHostUpAfterThreeFailures() {
        int[] attempts = {0};
        FakeSite site = refusing("dead.test", attempts);
        site.page("http://ok.test/", "http://dead.test/1", "http://dead.test/2");
        CrawlReport r = crawl(config("http://ok.test/", "http://dead.test/").obeyRobots(true).maxTries(4).build(),
                site);
        String reason = "host given up after 3 connection failures in a row: ConnectException: Connection refused";
        List<PageRecord> dead = r.pages().stream().filter(p -> p.url().startsWith("http://dead.test/")).toList();
        assertThat(dead).hasSize(3).allSatisfy(p -> assertThat(p.error()).isEqualTo(reason));
        assertThat(attempts[0]).as("robots.txt only, three times").isEqualTo(3);
        assertThat(r.recovery().givenUp()).containsExactly(Map.entry("dead.test", reason));
    }

    @Test
    void aNameThatDoesNotResolveIsCountedAsADnsFailureAndStillGivesTheHostUp() {
        var dns = new io.github.asyncio4j.http.DnsException("gone.test",
                new java.net.UnknownHostException("gone.test"));
        assertThat(RetryPolicy.cause(dns)).isEqualTo("DNS failure");
        assertThat(RetryPolicy.isConnectionFailure(dns)).isTrue();
        assertThat(RetryPolicy.cause(new java.net.ConnectException("refused"))).isEqualTo("connection failure");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        long now = ZonedDateTime.of(2015, 10, 21, 7, 27, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
        assertThat(RetryPolicy.retryAfter("120", now)).isEqualTo(120);
        assertThat(RetryPolicy.retryAfter(" 0 ", now)).isEqualTo(0);
        assertThat(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).isEqualTo(60);
        assertThat(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now)).as("past: at once").isEqualTo(0);
        assertThat(RetryPolicy.retryAfter("soon", now)).isEqualTo(-1);
        assertThat(RetryPolicy.retryAfter("-5", now)).isEqualTo(-1);
        assertThat(RetryPolicy.retryAfter(null, now)).isEqualTo(-1);
        assertThat(RetryPolicy.retryAfter("99999999999999", now)).as("absurd: over any limit")
                .isGreaterThan(1e9);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
        assertThat(RetryPolicy.retryAfter(date, System.currentTimeMillis())).isBetween(3500.0, 3601.0);
    }

    @Test
    void backoffDoublesUpToItsCapWithJitterBelowIt() {
        for (int tries = 1; tries <= 20; tries++) {
            double b = Math.min(RetryPolicy.BACKOFF_CAP, RetryPolicy.BACKOFF_BASE * Math.pow(2, tries - 1));
            for (int i = 0; i < 100; i++) {
                assertThat(RetryPolicy.backoff(tries)).isBetween(b / 2, b);
            }
        }
    }

    @Test
    void connectionFailuresAreToldFromFailedRequests() {
        assertThat(RetryPolicy.isConnectionFailure(new ConnectException("refused"))).isTrue();
        assertThat(RetryPolicy.isConnectionFailure(new java.net.UnknownHostException("x.invalid"))).isTrue();
        assertThat(RetryPolicy.isConnectionFailure(new javax.net.ssl.SSLHandshakeException("bad cert"))).isTrue();
        assertThat(RetryPolicy.isConnectionFailure(new io.github.asyncio4j.http.HttpTimeoutException(
                io.github.asyncio4j.http.HttpTimeoutException.Kind.CONNECT, Duration.ofSeconds(1), "x"))).isTrue();
        assertThat(RetryPolicy.isConnectionFailure(new io.github.asyncio4j.http.HttpTimeoutException(
                io.github.asyncio4j.http.HttpTimeoutException.Kind.READ, Duration.ofSeconds(1), "x"))).isFalse();
        assertThat(RetryPolicy.isConnectionFailure(new java.io.IOException("Connection reset"))).isFalse();
    }
}
