package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlerTest.byUrl;
import static io.github.asyncio4j.crawler.CrawlerTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.VirtualClock;
import io.github.asyncio4j.crawler.CrawlScope.Kind;
import io.github.asyncio4j.crawler.CrawlState.Admission;
import io.github.asyncio4j.crawler.CrawlState.Item;
import io.github.asyncio4j.crawler.CrawlerTest.FakeSite;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broad crawls on an in-memory web: seeds read from a file as the crawl goes (bad lines reported with their
 * numbers), {@code --scope host|domain|any}, and the per-host page cap.
 */
@Timeout(60)
class BroadCrawlTest {
    @TempDir
    Path dir;

    /** A crawl with {@code state} ({@link WatchedState}: to see the frontier), bad seed lines into {@code warnings}. */
    static CrawlReport crawl(CrawlConfig config, FakeSite site, CrawlState state, List<String> warnings) {
        Crawler crawler = new Crawler(config, site, state);
        crawler.seedWarnings(warnings::add);
        return Async.run(crawler.crawl());
    }

    /**
     * A {@link MemoryState} seen through a proxy: every call goes to it, {@link #mostWaiting} remembers the most URLs
     * it ever held waiting, and {@code feeding} is what {@code startFeeding()} answers (null: the memory state's
     * own answer).
     */
    static final class WatchedState {
        final MemoryState memory = new MemoryState();
        long mostWaiting;
        final CrawlState state;

        WatchedState(Boolean feeding) {
            state = (CrawlState) Proxy.newProxyInstance(CrawlState.class.getClassLoader(),
                    new Class<?>[] {CrawlState.class}, (proxy, method, args) -> {
                        if (feeding != null && method.getName().equals("startFeeding")) {
                            return feeding;
                        }
                        try {
                            return method.invoke(memory, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            mostWaiting = Math.max(mostWaiting, memory.waiting());
                        }
                    });
        }
    }

    @Test
    void seedsAreCrawledWithCommentsAndBlankLinesSkippedAndBadLinesReportedByNumber() throws Exception {
        Path seeds = Files.writeString(dir.resolve("seeds.txt"), """
                # two sites
                http://a.test/

                \thttp://b.test/start   \r
                ftp://c.test/file
                not a url at all
                # the end
                http://a.test/
                """);
        FakeSite site = new FakeSite().page("http://a.test/", "/a1", "http://b.test/b9", "http://elsewhere.test/")
                .page("http://b.test/start", "/b1");
        List<String> warnings = new ArrayList<>();
        CrawlReport r = crawl(config().seeds(seeds).build(), site, new MemoryState(), warnings);
        assertThat(byUrl(r)).containsOnlyKeys("http://a.test/", "http://a.test/a1", "http://b.test/start",
                "http://b.test/b1", "http://b.test/b9");
        assertThat(r.excluded()).containsEntry("http://elsewhere.test/", "host")
                .containsEntry("ftp://c.test/file", "scheme").containsEntry("not a url at all", "invalid-url");
        assertThat(warnings).containsExactly(
                "--seeds " + seeds + " line 5: 'ftp://c.test/file' is not an http(s) URL with a host (skipped)",
                "--seeds " + seeds + " line 6: 'not a url at all' is not a URL (skipped)");
    }

    @Test
    void aMillionSeedsAreNeverAllWaitingAtOnce() throws Exception {
        int n = 30_000;
        Path seeds = dir.resolve("many.txt");
        Files.write(seeds, IntStream.range(0, n).mapToObj(i -> "http://host" + (i % 500) + ".test/p" + i).toList());
        FakeSite site = new FakeSite();
        WatchedState watched = new WatchedState(null);
        Crawler crawler = new Crawler(config().seeds(seeds).maxTasks(10).build(), site, watched.state);
        crawler.seedHighWater(1000);
        CrawlReport r = Async.run(crawler.crawl());
        assertThat(r.pages()).hasSize(n);
        assertThat(r.statuses()).containsEntry(404, (long) n);
        assertThat(watched.mostWaiting).as("read as the crawl goes: at most a batch over the high water")
                .isLessThanOrEqualTo(1000 + 512);
    }

    /** The per-host cap counts a resumed run's URLs, done and waiting, as this run's. */
    @Test
    void thePerHostCapCountsWhatAResumedRunAdmitted() {
        MemoryState state = new MemoryState();
        state.restoreDone("http://a.test/1");
        state.restoreWaiting(new Item(URI.create("http://a.test/2"), 0, 1), 0);
        assertThat(state.add(new Item(URI.create("http://a.test/3"), 0, 1), Long.MAX_VALUE, 2))
                .isEqualTo(Admission.HOST_FULL);
        assertThat(state.add(new Item(URI.create("http://b.test/1"), 0, 1), Long.MAX_VALUE, 2))
                .isEqualTo(Admission.ADDED);
        assertThat(state.add(new Item(URI.create("http://b.test/2"), 0, 1), Long.MAX_VALUE, 2))
                .isEqualTo(Admission.ADDED);
        assertThat(state.add(new Item(URI.create("http://b.test/3"), 0, 1), Long.MAX_VALUE, 2))
                .isEqualTo(Admission.HOST_FULL);
    }

    @Test
    void hostsThatMustWaitDoNotKeepTheRestOfTheSeedsUnread() throws Exception {
        // 1,800 URLs of three hosts allowed a request per 10 s each, then one URL on each of 100 other hosts. The
        // three hosts' URLs reach the high water (1,000 waiting here), but they may rarely be fetched: the
        // file is read on while no host may be fetched, and the other hosts are crawled at once, not after the
        // three have drained (issue 28: 10,000 hosts with Crawl-delays and Retry-After pauses idled the workers).
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            for (String h : List.of("a", "b", "c")) {
                lines.add("http://" + h + ".test/p" + i);
            }
        }
        IntStream.range(0, 100).forEach(i -> lines.add("http://other" + i + ".test/"));
        Path seeds = Files.write(dir.resolve("polite.txt"), lines);
        FakeSite site = new FakeSite();
        CrawlConfig config = config().seeds(seeds).maxTasks(10).perHost(1).delay(Duration.ofSeconds(10)).build();
        Crawler crawler = new Crawler(config, site, new MemoryState(config));
        crawler.seedHighWater(1000);        // read on past it while no host may be fetched, up to 4,000
        CrawlReport r = Async.run(crawler.crawl(), VirtualClock.autojumping());
        assertThat(r.pages()).hasSize(1900);
        List<String> fetchedA = site.fetched.stream().filter(u -> u.startsWith("http://a.test/")).toList();
        int lastOther = IntStream.range(0, site.fetched.size())
                .filter(i -> site.fetched.get(i).startsWith("http://other")).max().orElseThrow();
        assertThat(lastOther).as("every other host fetched before a.test's 10th URL")
                .isLessThan(site.fetched.indexOf(fetchedA.get(9)));
    }

    @Test
    void standardInputServesAsTheSeedsFile() {
        FakeSite site = new FakeSite().page("http://a.test/", "/x");
        Crawler crawler = new Crawler(config().seeds(Path.of("-")).build(), site, new MemoryState());
        crawler.standardInput(new ByteArrayInputStream("http://a.test/\n".getBytes(StandardCharsets.UTF_8)));
        CrawlReport r = Async.run(crawler.crawl());
        assertThat(byUrl(r)).containsOnlyKeys("http://a.test/", "http://a.test/x");
    }

    @Test
    void anEmptySeedsFileBesideARootCrawlsTheRoot() throws Exception {
        Path seeds = Files.writeString(dir.resolve("empty.txt"), "# nothing\n\n");
        FakeSite site = new FakeSite().page("http://a.test/");
        CrawlReport r = crawl(config("http://a.test/").seeds(seeds).build(), site, new MemoryState(),
                new ArrayList<>());
        assertThat(byUrl(r)).containsOnlyKeys("http://a.test/");
    }

    @Test
    void withAStateThatCannotWaitForSeedsTheyAreAllAdmittedFirst() throws Exception {
        Path seeds = Files.writeString(dir.resolve("s.txt"), "http://a.test/\nhttp://b.test/\n");
        FakeSite site = new FakeSite().page("http://a.test/", "/1").page("http://b.test/");
        WatchedState watched = new WatchedState(false);    // as RedisState: no waiting for this process's seeds
        CrawlReport r = crawl(config().seeds(seeds).build(), site, watched.state, new ArrayList<>());
        assertThat(byUrl(r)).containsOnlyKeys("http://a.test/", "http://a.test/1", "http://b.test/");
    }

    @Test
    void aMissingSeedsFileFailsTheCrawlNamingIt() {
        Path missing = dir.resolve("none.txt");
        assertThatThrownBy(() -> crawl(config().seeds(missing).build(), new FakeSite(), new MemoryState(),
                new ArrayList<>())).isInstanceOf(CrawlSetupException.class)
                .hasMessage("--seeds " + missing + ": no such file");
        assertThatThrownBy(() -> SeedFile.open(dir, System.in)).isInstanceOf(CrawlSetupException.class)
                .hasMessage("--seeds " + dir + ": it is a directory");
    }

    @Test
    void scopeHostDomainAndAny() {
        FakeSite site = new FakeSite()
                .page("http://www.example.co.uk/", "http://docs.example.co.uk/d", "http://example.org/o",
                        "http://other.co.uk/x")
                .page("http://docs.example.co.uk/d").page("http://example.org/o").page("http://other.co.uk/x");
        String root = "http://www.example.co.uk/";
        CrawlReport host = CrawlerTest.crawl(config(root).build(), site);
        assertThat(byUrl(host)).containsOnlyKeys(root);
        CrawlReport domain = CrawlerTest.crawl(config(root).scope(Kind.DOMAIN).build(), site);
        assertThat(byUrl(domain)).containsOnlyKeys(root, "http://docs.example.co.uk/d");
        assertThat(domain.excluded()).containsEntry("http://example.org/o", "host")
                .containsEntry("http://other.co.uk/x", "host");
        CrawlReport any = CrawlerTest.crawl(config(root).scope(Kind.ANY).build(), site);
        assertThat(byUrl(any)).containsOnlyKeys(root, "http://docs.example.co.uk/d", "http://example.org/o",
                "http://other.co.uk/x");
    }

    @Test
    void registrableDomainsComeFromThePublicSuffixList() {
        assertThat(CrawlScope.registrableDomain("docs.Example.co.uk")).isEqualTo("example.co.uk");
        assertThat(CrawlScope.registrableDomain("a.b.example.com.")).isEqualTo("example.com");
        assertThat(CrawlScope.registrableDomain("alice.github.io")).as("a private suffix counts")
                .isEqualTo("alice.github.io");
        assertThat(CrawlScope.registrableDomain("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(CrawlScope.registrableDomain("[::1]")).isEqualTo("[::1]");
        assertThat(CrawlScope.registrableDomain("localhost")).isEqualTo("localhost");
        assertThat(Kind.parse(" Domain ")).isEqualTo(Kind.DOMAIN);
        assertThatThrownBy(() -> Kind.parse("hots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--scope must be host, domain or any, not 'hots'");
    }

    @Test
    void seedsWidenTheScopeByTheirHostsOrDomains() throws Exception {
        Path seeds = Files.writeString(dir.resolve("s.txt"), "http://www.one.test/\n");
        FakeSite site = new FakeSite().page("http://www.one.test/", "http://www.one.test/in", "http://two.test/out")
                .page("http://www.one.test/in");
        CrawlReport r = crawl(config().seeds(seeds).build(), site, new MemoryState(), new ArrayList<>());
        assertThat(byUrl(r)).containsOnlyKeys("http://www.one.test/", "http://www.one.test/in");
        assertThat(r.excluded()).containsEntry("http://two.test/out", "host");
    }

    @Test
    void thePerHostCapCountsEachHostApart() {
        String[] links = IntStream.range(0, 20).mapToObj(i -> "/p" + i).toArray(String[]::new);
        String[] other = IntStream.range(0, 20).mapToObj(i -> "http://b.test/q" + i).toArray(String[]::new);
        FakeSite site = new FakeSite().page("http://a.test/", links).page("http://a.test/p0", other);
        CrawlReport r = CrawlerTest.crawl(config("http://a.test/").scope(Kind.ANY).maxPagesPerHost(5).build(), site);
        Map<String, Long> perHost = r.pages().stream().collect(Collectors.groupingBy(
                p -> URI.create(p.url()).getHost(), Collectors.counting()));
        assertThat(perHost).containsEntry("a.test", 5L).containsEntry("b.test", 5L);
        assertThat(r.exclusions()).containsEntry("max-pages-per-host", 16L + 15L);
        assertThat(r.excluded()).containsEntry("http://a.test/p19", "max-pages-per-host");
        assertThatThrownBy(() -> config("http://a.test/").maxPagesPerHost(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxPagesPerHost must be at least 1, not 0");
    }

    @Test
    void aCrawlNeedsARootOrSeeds() {
        assertThatThrownBy(() -> config().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a crawl needs at least one root URL or a seeds file");
        assertThatThrownBy(() -> config("http://a.test/").maxConnections(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(config("http://a.test/").maxTasks(1000).build().connectionLimit()).isEqualTo(2000);
        assertThat(config("http://a.test/").build().connectionLimit()).isEqualTo(256);
        assertThat(config("http://a.test/").maxConnections(7).build().connectionLimit()).isEqualTo(7);
    }
}
