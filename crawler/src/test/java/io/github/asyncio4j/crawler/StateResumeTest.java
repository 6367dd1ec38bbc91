package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --state DIR} survives what stops a process: a crawl in a child JVM is killed (SIGKILL) at seeded random
 * points, or stopped with Ctrl-C, and run again until it completes. The demo server runs here and counts requests:
 * nothing the state recorded as done is fetched again, every URL ends in exactly one place, nothing is missing.
 */
@Timeout(300)
class StateResumeTest {
    private static final int PAGES = 300;

    @TempDir
    Path dir;

    private static List<String> args(CountingServer server, Path state, Path json) {
        return List.of("-q", "--state", state.toString(), "--max-tasks", "4", "--max-tries", "1", "--timeout", "3",
                "--json", json.toString(), server.root());
    }

    /**
     * A crawl killed again and again at seeded random points, then left to complete; then another, until 20 kill
     * points. The crawl is slowed (one task, a server that waits 20 ms, commits every 20 ms) so that a kill can
     * land anywhere. It tests process death and SQLite, not the engine: it runs in the fast engine's execution.
     */
    @Test
    @Timeout(600)   // some 22 JVM starts: seconds each on a loaded 2-core machine
    @EnabledIfSystemProperty(named = "asyncio4j.expectEngine", matches = "continuation")
    void killedAtRandomPointsThenResumedFetchesNothingDoneTwiceAndMissesNothing() throws Exception {
        Random random = new Random(20261130);
        int kills = 0;
        for (int crawl = 0; kills < 20; crawl++) {
            assertThat(crawl).as("crawls").isLessThan(5);
            kills += killThenComplete(Files.createDirectories(dir.resolve("crawl" + crawl)), random, 20 - kills);
        }
    }

    /** Kills a crawl in {@code crawlDir} up to {@code kills} times, then lets it end; returns the kills. */
    private static int killThenComplete(Path crawlDir, Random random, int maxKills) throws Exception {
        int kills = 0;
        Path state = crawlDir.resolve("state");
        List<String> jvm = List.of("-Dasyncio4j.crawler.stateLingerMillis=20");
        try (CountingServer server = new CountingServer(60, 0.02)) {
            Path json = crawlDir.resolve("report.json");
            List<String> args = List.of("-q", "--state", state.toString(), "--max-tasks", "1", "--max-tries", "1",
                    "--timeout", "3", "--json", json.toString(), server.root());
            Set<String> doneBefore = Set.of();
            Map<String, Integer> countsBefore = Map.of();
            for (int run = 0; ; run++) {
                assertThat(run).as("runs").isLessThan(80);
                ChildCrawl crawl = ChildCrawl.start(crawlDir, "run" + run, jvm, args);
                if (kills < maxKills) {
                    int target = doneBefore.size() + 1 + random.nextInt(2);
                    while (crawl.isAlive() && done(state).size() < target) {
                        Thread.sleep(5);
                    }
                    if (crawl.isAlive()) {
                        Thread.sleep(random.nextInt(20));   // mid-fetch, mid-batch or mid-commit
                    }
                }
                boolean killed = kills < maxKills && crawl.isAlive();
                if (killed) {
                    crawl.signal("KILL");
                    kills++;
                }
                int code = crawl.waitFor(120);
                assertNothingDoneRefetched(server, doneBefore, countsBefore);
                if (!killed) {
                    assertThat(code).as(crawl.output()).isZero();
                    break;
                }
                doneBefore = done(state);
                countsBefore = server.counts();
            }
            assertComplete(server, state, json);
        }
        return kills;
    }

    /** A URL kept out, then admitted by another way: its exclusion goes from the database too. */
    @Test
    void anExclusionThenAnAdmissionOfTheSameUrlIsStoredAsAdmitted() {
        Path state = dir.resolve("state");
        CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://127.0.0.1:9/"))).build();
        URI url = URI.create("http://127.0.0.1:9/a");
        Async.run(Coroutine.of(() -> {
            try (SqliteState s = SqliteState.open(state, config)) {
                s.exclude(url.toString(), "max-redirect");
                s.exclude("http://127.0.0.1:9/b", "max-redirect");
                assertThat(s.add(new CrawlState.Item(url, 0, 1), Long.MAX_VALUE))
                        .isEqualTo(CrawlState.Admission.ADDED);
            }
            return null;
        }));
        try (SqliteState s = SqliteState.open(state, config)) {
            assertThat(s.excluded()).containsOnlyKeys("http://127.0.0.1:9/b");
            assertThat(s.unfinished()).containsExactly(url.toString());
        }
    }

    /**
     * A resumed state keeps the frontier's model: each host's queue in its order, a retried URL's tries and its
     * not-before time, a host's Retry-After pause and a given-up host's reason (on a virtual clock: the pause and the
     * backoff are waited out in no real time, and the times asserted are the loop's).
     */
    @Test
    void hostQueuesPausesRetriesAndGivenUpHostsAreResumed() {
        Path state = dir.resolve("state");
        CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://a.test/"))).obeyRobots(false).build();
        List<String> urls = List.of("http://a.test/1", "http://b.test/1", "http://a.test/2", "http://dead.test/1",
                "http://a.test/3", "http://b.test/2");
        Async.run(Coroutine.of(() -> {
            try (SqliteState s = SqliteState.open(state, config)) {
                for (String u : urls) {
                    s.add(new CrawlState.Item(URI.create(u), 0, 1), Long.MAX_VALUE);
                }
                CrawlState.Item first = s.claim();
                assertThat(first.url().toString()).isEqualTo("http://a.test/1");
                s.retry(first.withTries(1), 60);
                s.pauseHost("b.test", 30);
                s.giveUpHost("dead.test", "host given up: refused");
            }
            return null;
        }));
        Map<String, Double> at = new HashMap<>();
        List<String> order = new ArrayList<>();
        Async.run(Coroutine.of(() -> {
            try (SqliteState s = SqliteState.open(state, config)) {
                double start = Async.getRunningLoop().time();
                assertThat(s.givenUp("dead.test")).isEqualTo("host given up: refused");
                CrawlState.Item item;
                while ((item = s.claim()) != null) {
                    String u = item.url().toString();
                    order.add(u);
                    at.put(u, Async.getRunningLoop().time() - start);
                    if (u.equals("http://a.test/1")) {
                        assertThat(item.tries()).isEqualTo(1);
                    }
                    s.done(item, new PageRecord(u, 200, "text/html", 0, 0, 0, null, null, 0, 1, 0));
                }
            }
            return null;
        }), io.github.asyncio4j.VirtualClock.autojumping());
        assertThat(order).containsExactlyInAnyOrderElementsOf(urls);
        assertThat(order.indexOf("http://a.test/2")).isLessThan(order.indexOf("http://a.test/3"));
        assertThat(order.indexOf("http://b.test/1")).isLessThan(order.indexOf("http://b.test/2"));
        assertThat(at.get("http://a.test/2")).as("a.test is not paused").isLessThan(1);
        assertThat(at.get("http://dead.test/1")).isLessThan(1);
        assertThat(at.get("http://b.test/1")).as("b.test's pause kept").isGreaterThan(20);
        assertThat(at.get("http://a.test/1")).as("the retry's time kept").isGreaterThan(50);
    }

    @Test
    void ctrlCThenResume() throws Exception {
        try (CountingServer server = new CountingServer(PAGES)) {
            Path partial = dir.resolve("partial.json");
            Path state = dir.resolve("state");
            ChildCrawl first = ChildCrawl.start(dir, "first", args(server, state, partial));
            while (first.isAlive() && done(state).size() < 30) {
                Thread.sleep(20);
            }
            first.signal("INT");
            assertThat(first.waitFor(60)).as(first.output()).isEqualTo(130);
            JsonObject report = JsonParser.parseString(Files.readString(partial)).getAsJsonObject();
            Set<String> done = done(state);
            // Ctrl-C writes everything down before it exits: the state holds exactly the partial report's pages.
            assertThat(urls(report.getAsJsonArray("pages"))).isSubsetOf(done);
            assertThat(report.getAsJsonArray("unfinished")).isNotEmpty();
            Map<String, Integer> counts = server.counts();

            Path json = dir.resolve("report.json");
            ChildCrawl second = ChildCrawl.start(dir, "second", args(server, state, json));
            assertThat(second.waitFor(120)).as(second.output()).isZero();
            assertNothingDoneRefetched(server, done, counts);
            assertComplete(server, state, json);
        }
    }

    /** The URLs the state records as done, read as any reader of the file would (WAL: while it is written). */
    private static Set<String> done(Path state) throws Exception {
        Path db = state.resolve("crawl.db");
        Set<String> done = new HashSet<>();
        if (!Files.exists(db)) {
            return done;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = s.executeQuery("SELECT url FROM urls WHERE done = 1")) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            if (!String.valueOf(e.getMessage()).contains("no such table")) {
                throw e;
            }
        }
        return done;
    }

    private static void assertNothingDoneRefetched(CountingServer server, Set<String> done,
                                                   Map<String, Integer> before) {
        for (String url : done) {
            String path = java.net.URI.create(url).getRawPath();
            assertThat(server.count(url)).as("requests for %s, recorded done before this run", url)
                    .isEqualTo(before.getOrDefault(path, 0));
        }
    }

    /** The last report covers the whole site, each URL once; the state agrees; every URL was requested. */
    private static void assertComplete(CountingServer server, Path state, Path json) throws Exception {
        JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        List<String> pages = urls(report.getAsJsonArray("pages"));
        assertThat(pages).doesNotHaveDuplicates();
        assertThat(pages).hasSize(server.site().expectedUrls());
        assertThat(report.getAsJsonArray("unfinished")).isEmpty();
        Set<String> excluded = report.getAsJsonObject("excluded") == null ? Set.of()
                : report.getAsJsonObject("excluded").keySet();
        assertThat(excluded).doesNotContainAnyElementsOf(pages);
        Map<String, Integer> counts = new HashMap<>(server.counts());
        for (String url : pages) {
            assertThat(server.count(url)).as("requests for %s", url).isPositive();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("crawl.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(done) FROM urls")) {
            rs.next();
            assertThat(rs.getInt(1)).as("every admitted URL is done").isEqualTo(rs.getInt(2));
        }
        assertThat(counts).isNotEmpty();
    }

    private static List<String> urls(JsonArray pages) {
        List<String> urls = new ArrayList<>();
        for (JsonElement p : pages) {
            urls.add(p.getAsJsonObject().get("url").getAsString());
        }
        return urls;
    }
}
