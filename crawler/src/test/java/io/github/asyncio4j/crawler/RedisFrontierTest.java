package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlCommandTest.run;
import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.crawler.CrawlState.Admission;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --frontier redis://}: crawler processes (child JVMs) sharing a real Redis crawl the demo site (served and
 * counted here) together: each URL fetched by one of them, the union of their reports the whole site; a process
 * killed mid-crawl leaves leases that the others take over; Redis restarted mid-crawl: the crawlers wait for it
 * and go on, losing nothing.
 */
@Timeout(300)
class RedisFrontierTest {
    private static final int PAGES = 150;

    @TempDir
    Path dir;

    private List<String> args(RedisServer redis, CountingServer server, String name, String... more) {
        List<String> a = new ArrayList<>(List.of("-q", "--frontier", redis.url(), "--crawl-id", "test",
                "--lease", "10", "--max-tasks", "8", "--max-tries", "1", "--timeout", "3", "--per-host", "4",
                "--json", dir.resolve(name + ".json").toString()));
        a.addAll(List.of(more));
        a.add(server.root());
        return a;
    }

    private List<String> fetched(String name) throws Exception {
        JsonObject report = JsonParser.parseString(Files.readString(dir.resolve(name + ".json"))).getAsJsonObject();
        List<String> urls = new ArrayList<>();
        for (JsonElement p : report.getAsJsonArray("pages")) {
            urls.add(p.getAsJsonObject().get("url").getAsString());
        }
        assertThat(report.getAsJsonArray("unfinished")).isEmpty();
        return urls;
    }

    private static List<ChildCrawl> startAll(Path dir, List<List<String>> argLists) throws Exception {
        List<ChildCrawl> crawls = new ArrayList<>();
        for (int i = 0; i < argLists.size(); i++) {
            crawls.add(ChildCrawl.start(dir, "p" + i, argLists.get(i)));
        }
        return crawls;
    }

    /** The union of the reports is the whole site, each URL in one report only. */
    private List<String> assertUnionIsTheSite(CountingServer server, List<String> names) throws Exception {
        List<String> all = new ArrayList<>();
        for (String n : names) {
            all.addAll(fetched(n));
        }
        assertThat(all).doesNotHaveDuplicates().hasSize(server.site().expectedUrls());
        return all;
    }

    @Test
    void threeProcessesFetchEveryPageOnceBetweenThem() throws Exception {
        // 0.2 s per answer and 4 requests to the host at a time: one process alone needs some 8 s for the site, so
        // the JVMs, which start seconds apart on a loaded machine, take part (without the delay, one crawler that
        // started first could fetch all of it before the others asked for a URL; a JVM that starts over 8 s after
        // the first may still find nothing left, so the share is asked of two of the three)
        try (RedisServer redis = new RedisServer(dir.resolve("redis"));
             CountingServer server = new CountingServer(PAGES, 0.2)) {
            List<ChildCrawl> crawls = startAll(dir, List.of(args(redis, server, "p0"), args(redis, server, "p1"),
                    args(redis, server, "p2")));
            for (ChildCrawl c : crawls) {
                assertThat(c.waitFor(180)).as(c.output()).isZero();
            }
            List<String> all = assertUnionIsTheSite(server, List.of("p0", "p1", "p2"));
            for (String url : all) {
                assertThat(server.count(url)).as("requests for %s", url).isEqualTo(1);
            }
            long sharing = 0;
            for (String name : List.of("p0", "p1", "p2")) {
                sharing += fetched(name).isEmpty() ? 0 : 1;
            }
            assertThat(sharing).as("processes that did a share").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theLeasesOfAKilledProcessGoToTheOthers() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"));
             CountingServer server = new CountingServer(PAGES)) {
            List<ChildCrawl> crawls = startAll(dir, List.of(args(redis, server, "p0"), args(redis, server, "p1"),
                    args(redis, server, "victim")));
            ChildCrawl victim = crawls.get(2);
            List<String> leased = List.of();
            while (victim.isAlive() && leased.isEmpty()) {
                Thread.sleep(20);
                if (server.total() > 40) {
                    victim.signal("KILL");
                    victim.waitFor(30);
                    leased = redis.zrange("asyncio4j:crawl:test:leases");
                }
            }
            assertThat(leased).as("leases when the victim died").isNotEmpty();
            assertThat(crawls.get(0).waitFor(180)).as(crawls.get(0).output()).isZero();
            assertThat(crawls.get(1).waitFor(180)).as(crawls.get(1).output()).isZero();
            Set<String> survivors = new HashSet<>(fetched("p0"));
            survivors.addAll(fetched("p1"));
            for (String member : leased) {
                assertThat(survivors).as("leased when the victim died").contains(member.substring(member.indexOf(' ') + 1));
            }
            for (String url : survivors) {
                assertThat(server.count(url)).as("requests for %s", url).isPositive();
            }
            // nothing missing: what the survivors did not fetch, the victim did before it died
            int expected = server.site().expectedUrls();
            assertThat(server.counts().keySet().stream().filter(p -> !p.equals("/robots.txt")).count())
                    .isEqualTo(expected);
        }
    }

    /**
     * The shared frontier's model, two states on one Redis as two processes: one limit per host across both; a
     * host's pause holds for both; a retried URL keeps its tries and its label and metadata; a host given up by
     * one is given up for the other, with the first reason.
     */
    @Test
    void perHostQueuesPausesAndGivenUpHostsAreShared() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"))) {
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://a.test/"))).perHost(1)
                    .obeyRobots(false).build();
            Async.run(Coroutine.of(() -> {
                RedisAddress address = RedisAddress.parse(redis.url());
                try (RedisState p = RedisState.connect(address, "model", config, 30);
                     RedisState q = RedisState.connect(address, "model", config, 30)) {
                    p.add(new CrawlState.Item(URI.create("http://a.test/1"), 2, 0, 0, "list",
                            Map.of("k", "v w")), Long.MAX_VALUE);
                    p.add(new CrawlState.Item(URI.create("http://a.test/2"), 0, 1), Long.MAX_VALUE);
                    q.add(new CrawlState.Item(URI.create("http://b.test/1"), 0, 1), Long.MAX_VALUE);
                    CrawlState.Item a1 = p.claim();
                    assertThat(a1.url().toString()).isEqualTo("http://a.test/1");
                    assertThat(a1.label()).isEqualTo("list");
                    assertThat(a1.meta()).containsExactly(Map.entry("k", "v w"));
                    assertThat(q.claim().url().toString()).as("a.test's one slot is p's")
                            .isEqualTo("http://b.test/1");
                    p.pauseHost("a.test", 1.0);
                    p.retry(a1.withTries(1), 0);
                    double start = Async.getRunningLoop().time();
                    CrawlState.Item again = q.claim();
                    assertThat(Async.getRunningLoop().time() - start).as("p's pause held q").isGreaterThan(0.8);
                    assertThat(again.url().toString()).as("the retry first").isEqualTo("http://a.test/1");
                    assertThat(again.tries()).isEqualTo(1);
                    assertThat(again.meta()).containsExactly(Map.entry("k", "v w"));
                    q.giveUpHost("b.test", "host given up: first");
                    p.giveUpHost("b.test", "host given up: second");
                    assertThat(p.givenUp("b.test")).isEqualTo("host given up: first");
                    q.add(new CrawlState.Item(URI.create("http://b.test/2"), 0, 1), Long.MAX_VALUE);
                    CrawlState.Item b2 = p.claim();
                    assertThat(b2.url().toString()).as("a given-up host's URLs go at once")
                            .isEqualTo("http://b.test/2");
                    assertThat(p.givenUp("b.test")).isEqualTo("host given up: first");
                }
                return null;
            }));
        }
    }

    /** {@code --max-pages-per-host} counts what every process sharing the frontier admitted, not one's own. */
    @Test
    void thePerHostCapCountsEveryProcesssAdmissions() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"))) {
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://a.test/"))).obeyRobots(false).build();
            Async.run(Coroutine.of(() -> {
                RedisAddress address = RedisAddress.parse(redis.url());
                try (RedisState p = RedisState.connect(address, "cap", config, 30);
                     RedisState q = RedisState.connect(address, "cap", config, 30)) {
                    assertThat(p.add(item("http://a.test/1"), Long.MAX_VALUE, 2)).isEqualTo(Admission.ADDED);
                    assertThat(q.add(item("http://a.test/2"), Long.MAX_VALUE, 2)).isEqualTo(Admission.ADDED);
                    assertThat(p.add(item("http://a.test/3"), Long.MAX_VALUE, 2)).isEqualTo(Admission.HOST_FULL);
                    assertThat(q.add(item("http://a.test/1"), Long.MAX_VALUE, 2)).as("seen comes first")
                            .isEqualTo(Admission.SEEN);
                    assertThat(q.add(item("http://b.test/1"), Long.MAX_VALUE, 2)).isEqualTo(Admission.ADDED);
                    assertThat(q.add(item("http://b.test/2"), 3, 2)).as("the crawl's own cap too")
                            .isEqualTo(Admission.FULL);
                }
                return null;
            }));
        }
    }

    private static CrawlState.Item item(String url) {
        return new CrawlState.Item(URI.create(url), 0, 1);
    }

    /**
     * The delay is the host's, kept in Redis: once one process claimed a page of a host, another gets none of that
     * host's pages until the delay has passed (not even with its own claim loop free), while it gets another host's
     * page at once. A stall can only make the refused claim wait longer, so this cannot pass by chance.
     */
    @Test
    void theDelayHoldsBetweenTwoProcesssClaims() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"))) {
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://a.test/"))).obeyRobots(false)
                    .delay(Duration.ofSeconds(60)).build();
            Async.run(Coroutine.of(() -> {
                RedisAddress address = RedisAddress.parse(redis.url());
                try (RedisState p = RedisState.connect(address, "paced", config, 30);
                     RedisState q = RedisState.connect(address, "paced", config, 30)) {
                    p.add(item("http://a.test/1"), Long.MAX_VALUE, 100);
                    p.add(item("http://a.test/2"), Long.MAX_VALUE, 100);
                    assertThat(p.claim().url()).hasToString("http://a.test/1");
                    assertThatThrownBy(() -> await(Async.waitFor(Coroutine.of(q::claim), Duration.ofMillis(500))))
                            .as("a.test's next page, 60 s after its first").isInstanceOf(TimeoutError.class);
                    q.add(item("http://b.test/1"), Long.MAX_VALUE, 100);
                    assertThat(q.claim().url()).as("another host waits for nobody").hasToString("http://b.test/1");
                }
                return null;
            }));
        }
    }

    @Test
    void aRedisRestartMidCrawlIsWaitedFor() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"));
             CountingServer server = new CountingServer(PAGES)) {
            List<ChildCrawl> crawls = startAll(dir, List.of(args(redis, server, "p0"), args(redis, server, "p1")));
            while (server.total() < 40 && crawls.get(0).isAlive()) {
                Thread.sleep(20);
            }
            redis.stop();
            Thread.sleep(1500);
            redis.start();
            for (ChildCrawl c : crawls) {
                assertThat(c.waitFor(180)).as(c.output()).isZero();
            }
            assertUnionIsTheSite(server, List.of("p0", "p1"));
        }
    }

    /**
     * {@code --delay} holds across the processes, seen from the server: the requests it saw (robots.txt aside: it is
     * not paced) span at least three quarters of what the delay makes them take. Paced in each process alone, two
     * processes would take half of it. The span, not each gap: the server notes a request when its loop reads it, so
     * a stall of this JVM (GC, a loaded CI box) bunches the requests that came during it; the gaps themselves are
     * held by {@link #theDelayHoldsBetweenTwoProcesssClaims}, on Redis's clock.
     */
    @Test
    void theDelayHoldsAcrossProcesses() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"));
             CountingServer server = new CountingServer(20)) {     // some 10 s: both processes take part
            // Not /huge: sending it keeps this server's loop busy, so it notes the requests after it late.
            String[] paced = {"--delay", "0.4", "--exclude", "/huge$"};
            List<ChildCrawl> crawls = startAll(dir, List.of(args(redis, server, "p0", paced),
                    args(redis, server, "p1", paced)));
            for (ChildCrawl c : crawls) {
                assertThat(c.waitFor(180)).as(c.output()).isZero();
            }
            List<String> all = new ArrayList<>(fetched("p0"));
            all.addAll(fetched("p1"));
            assertThat(all).doesNotHaveDuplicates().hasSize(server.site().expectedUrls() - 1);
            assertThat(fetched("p1")).as("the second process did a share").isNotEmpty();
            List<CountingServer.Arrival> requests = server.arrivals().stream()
                    .filter(a -> !a.path().equals("/robots.txt")).toList();
            double span = (requests.getLast().nanos() - requests.getFirst().nanos()) / 1e9;
            assertThat(span).as("first to last of %s", requests)
                    .isGreaterThanOrEqualTo(0.75 * 0.4 * (requests.size() - 1));
        }
    }

    @Test
    void aFrontierThatCannotBeReachedOrIsMalformedIsRefused() {
        CrawlCommandTest.Run r = run("-q", "--frontier", "redis://127.0.0.1:9", "http://127.0.0.1:9/");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("crawl: --frontier redis://127.0.0.1:9/0: Redis does not answer")
                .doesNotContain("\n");
        r = run("-q", "--frontier", "http://127.0.0.1:9", "http://127.0.0.1:9/");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("crawl: --frontier wants redis://HOST:PORT[/DB], not 'http://127.0.0.1:9'");
    }

    @Test
    void aSharedCrawlWithOtherOptionsIsRefused() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"))) {
            CrawlCommandTest.Run first = run("-q", "--frontier", redis.url(), "--crawl-id", "x", "--max-pages", "1",
                    "--max-tries", "1", "--timeout", "1", "http://127.0.0.1:9/");
            assertThat(first.code()).as(first.err()).isZero();
            CrawlCommandTest.Run r = run("-q", "--frontier", redis.url(), "--crawl-id", "x", "http://127.0.0.1:9/");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().strip()).contains("crawl 'x' there has other options (--max-pages: '1' there, "
                    + "'(no limit)' here)").doesNotContain("\n");
        }
    }
}
