package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;

/**
 * Bodies streamed from the network into the link scan ({@link PageBody}, {@link HttpFetcher}): the links are those
 * of the whole page whatever the blocks; the default spider's crawl never keeps a body, a user's spider gets it
 * whole; a {@code --warc} record of a large body (through a temporary file) holds it exactly, and the temporary
 * files are gone after the crawl.
 */
@Timeout(120)
class StreamedBodyTest {
    @TempDir
    Path dir;

    /** Real pages one after another: about 400 KB, several {@link PageBody#BLOCK}s, with entities, UTF-8, scripts. */
    private static byte[] bigPage() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : List.of("python/genindex-A.html", "python/classes.html", "python/asyncio-task.html",
                "postgresql/sql-select.html", "python/index.html")) {
            try (InputStream in = StreamedBodyTest.class.getResourceAsStream("/pages/" + name)) {
                out.writeBytes(in.readAllBytes());
            }
        }
        out.writeBytes("<p>caf\u00e9 &amp; <a href=\"last-\u00e9t\u00e9.html?a=1&amp;b=2\">end</a>"
                .getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void onlyTheDefaultSpiderLetsTheBodyGo() {
        assertThat(Crawler.keepsBody(Spider.followingLinks())).isFalse();
        assertThat(Crawler.keepsBody(page -> page.followAll(page.links()))).isTrue();
    }

    @Test
    void aPageFedInBlocksOfAnySizeGivesTheLinksOfTheWholePage() throws IOException {
        byte[] body = bigPage();
        URI url = URI.create("http://docs.test/a/page.html");
        LinkExtractor.PageLinks whole = LinkExtractor.extractHere(body, null, url);
        assertThat(whole.crawlable()).hasSizeGreaterThan(100);
        int block = PageBody.BLOCK;
        int[] sizes = {1, 3, 1000, block - 1, block, block + 1, 2 * block + 7, body.length};
        Map<Integer, LinkExtractor.PageLinks> found = Async.run(Coroutine.of(() -> {
            Map<Integer, LinkExtractor.PageLinks> m = new HashMap<>();
            try (LinkExtractor extractor = new LinkExtractor(2)) {
                for (int size : sizes) {
                    PageBody pageBody = extractor.body(url, null, true, false, null);
                    byte[] buffer = new byte[size];
                    for (int at = 0; at < body.length; at += size) {
                        int n = Math.min(size, body.length - at);
                        System.arraycopy(body, at, buffer, 0, n);
                        pageBody.write(buffer, 0, n);
                        java.util.Arrays.fill(buffer, (byte) '<');   // a written block is not kept
                    }
                    assertThat(pageBody.size()).isEqualTo(body.length);
                    assertThat(pageBody.kept()).isNull();
                    m.put(size, pageBody.links());
                }
                PageBody small = extractor.body(url, null, true, true, null);    // under INLINE_BYTES: scanned here
                small.write(body, 0, 100);
                assertThat(small.links()).isEqualTo(LinkExtractor.extractHere(
                        java.util.Arrays.copyOf(body, 100), null, url));
                assertThat(small.kept()).isEqualTo(java.util.Arrays.copyOf(body, 100));
            }
            return m;
        }));
        for (int size : sizes) {
            assertThat(found.get(size)).as("blocks of %d", size).isEqualTo(whole);
        }
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] brotli(byte[] b) throws IOException {
        com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
        return com.aayushatharva.brotli4j.encoder.Encoder.compress(b);
    }

    /**
     * Serves /big.html (gzipped), /big-br.html and /big-zstd.html (the same page in br and zstd), /bomb.html (br,
     * 11 MB of zeros: over the default body limit once decoded), a small page linking to them, and /notes.txt;
     * runs {@code crawl} on a loop.
     */
    private <T> T withSite(byte[] big, Function<String, T> crawl) throws IOException {
        byte[] gzipped = gzip(big);
        byte[] br = brotli(big);
        byte[] zstd = com.github.luben.zstd.Zstd.compress(big);
        byte[] bomb = brotli(new byte[11 << 20]);
        return Async.run(Coroutine.of(() -> {
            HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
                case "/" -> HttpResponse.html(200, "<a href=/big.html>big</a> <a href=/notes.txt>notes</a>"
                        + "<a href=/big-br.html>br</a> <a href=/big-zstd.html>zstd</a> <a href=/bomb.html>bomb</a>");
                case "/big.html" -> HttpResponse.of(200, "text/html; charset=utf-8", gzipped)
                        .withHeader("Content-Encoding", "gzip");
                case "/big-br.html" -> HttpResponse.of(200, "text/html; charset=utf-8", br)
                        .withHeader("Content-Encoding", "br");
                case "/big-zstd.html" -> HttpResponse.of(200, "text/html; charset=utf-8", zstd)
                        .withHeader("Content-Encoding", "zstd").withHeader("Transfer-Encoding", "chunked");
                case "/bomb.html" -> HttpResponse.of(200, "text/html", bomb).withHeader("Content-Encoding", "br");
                case "/notes.txt" -> HttpResponse.of(200, "text/plain", new byte[200_000]);
                default -> HttpResponse.text(404, "no");
            }), "127.0.0.1", 0));
            try {
                return crawl.apply(server.url("/"));
            } finally {
                server.close();
            }
        }));
    }

    @Test
    void theDefaultSpiderGetsTheSameLinksFromAStreamedBodyAndAUsersSpiderGetsTheWholeBody() throws IOException {
        byte[] big = bigPage();
        URI bigUrl = URI.create("http://127.0.0.1/big.html");   // the port is the server's: compared by path
        Map<String, byte[]> bodies = new HashMap<>();
        Map<String, List<URI>> links = new HashMap<>();
        Spider keeping = page -> {
            bodies.put(page.url().getPath(), page.body());
            links.put(page.url().getPath(), page.links());
            page.followAll(page.links());
        };
        CrawlReport[] reports = withSite(big, root -> {
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create(root))).obeyRobots(false).maxDepth(1)
                    .build();
            try (Fetcher f = new HttpFetcher(config); Fetcher g = new HttpFetcher(config)) {
                CrawlReport byDefault = await(Crawler.builder(config).fetcher(f).build().crawl());
                // a budget of one byte: each fetch waits until the page before it is done, and the crawl ends
                CrawlReport byUser = await(Crawler.builder(config).fetcher(g).spider(keeping).keptBodyBytes(1)
                        .build().crawl());
                return new CrawlReport[] {byDefault, byUser};
            }
        });
        assertThat(bodies.get("/big.html")).isEqualTo(big);
        assertThat(bodies.get("/notes.txt")).hasSize(200_000);
        int expected = LinkExtractor.extractHere(big, null, bigUrl).crawlable().size();
        for (CrawlReport report : reports) {
            for (String page : List.of("/big.html", "/big-br.html", "/big-zstd.html")) {
                PageRecord p = report.pages().stream().filter(r -> r.url().endsWith(page)).findFirst()
                        .orElseThrow();
                assertThat(p.error()).as(page).isNull();
                assertThat(p.bytes()).as("%s: the decoded size, the body kept or not", page).isEqualTo(big.length);
                assertThat(p.links()).as(page).isEqualTo(expected);
            }
            PageRecord bomb = report.pages().stream().filter(r -> r.url().endsWith("/bomb.html")).findFirst()
                    .orElseThrow();
            assertThat(bomb.status()).isNull();
            assertThat(bomb.error()).startsWith("BodyTooLargeException").contains("br decoding exceeds the maximum");
            assertThat(report.pages().stream().filter(r -> r.url().endsWith("/notes.txt")).findFirst()
                    .orElseThrow().bytes()).isEqualTo(200_000);
        }
        assertThat(links.get("/big.html")).hasSize(
                (int) LinkExtractor.extractHere(big, null, bigUrl).crawlable().stream()
                        .filter(u -> URI.create(u).getHost().equals("127.0.0.1")).count());
    }

    /**
     * Once a spider has asked for a page's DOM, the next pages' are parsed ahead, on the worker that finishes their
     * links, and each is the document a parse when asked would give: the whole body, the page's URL as its base.
     * By label: a spider that asks only on its pages of one label has only those parsed ahead. A spider that
     * never asks has none parsed.
     */
    @Test
    void aSpiderThatSelectsGetsLaterPagesOfTheLabelParsedAheadAsTheSameDocumentAndOneThatNeverDoesGetsNone()
            throws IOException {
        byte[] big = bigPage();
        Map<String, Boolean> ahead = new HashMap<>();
        Map<String, String> mismatches = new HashMap<>();
        Spider selecting = page -> {
            if (page.contentType().equals("text/html")) {
                ahead.put(page.url().getPath(), page.parsedAhead());
                org.jsoup.nodes.Document lazy = org.jsoup.Jsoup.parse(
                        new java.io.ByteArrayInputStream(page.body()), "UTF-8", page.url().toString());
                org.jsoup.nodes.Document given = page.document();
                if (!given.outerHtml().equals(lazy.outerHtml()) || !given.location().equals(lazy.location())
                        || page.select("a[href]").size() != lazy.select("a[href]").size()) {
                    mismatches.put(page.url().getPath(), given.location());
                }
            }
            page.followAll(page.links());
        };
        // by label: a spider that selects only on its "detail" pages (one page at a time, in link order)
        Map<String, Boolean> routed = new HashMap<>();
        Spider byLabel = page -> {
            routed.put(page.url().getPath(), page.parsedAhead());
            if ("detail".equals(page.request().label())) {
                page.select("a[href]");
            }
            if (page.request().depth() == 0) {
                page.follow(Request.of("/big.html").withLabel("detail"));
                page.follow(Request.of("/big-zstd.html"));
                page.follow(Request.of("/big-br.html").withLabel("detail"));
            }
        };
        Map<String, Boolean> neverAsked = new HashMap<>();
        Spider notSelecting = page -> {
            neverAsked.put(page.url().getPath(), page.parsedAhead());
            page.followAll(page.links());
        };
        withSite(big, root -> {
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create(root))).obeyRobots(false).maxDepth(1)
                    .build();
            CrawlConfig oneAtATime = CrawlConfig.builder(List.of(URI.create(root))).obeyRobots(false).maxDepth(1)
                    .maxTasks(1).build();
            try (Fetcher f = new HttpFetcher(config); Fetcher g = new HttpFetcher(config);
                 Fetcher h = new HttpFetcher(oneAtATime)) {
                await(Crawler.builder(config).fetcher(f).spider(selecting).build().crawl());
                await(Crawler.builder(oneAtATime).fetcher(h).spider(byLabel).build().crawl());
                return await(Crawler.builder(config).fetcher(g).spider(notSelecting).build().crawl());
            }
        });
        assertThat(mismatches).isEmpty();
        assertThat(ahead).containsEntry("/", false)       // the first page: nothing asked yet
                .containsEntry("/big.html", true).containsEntry("/big-br.html", true)
                .containsEntry("/big-zstd.html", true);
        assertThat(neverAsked).containsKeys("/", "/big.html", "/notes.txt").doesNotContainValue(true);
        assertThat(routed).containsEntry("/", false).containsEntry("/big.html", false)   // the first "detail" page
                .containsEntry("/big-zstd.html", false)                                  // no label: never asked
                .containsEntry("/big-br.html", true);
    }

    @Test
    void aWarcRecordOfALargeBodyStreamsThroughATemporaryFileAndHoldsTheBodyExactly() throws IOException {
        byte[] big = bigPage();
        Path warc = dir.resolve("crawl.warc.gz");
        withSite(big, root -> {
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create(root))).obeyRobots(false).maxDepth(1)
                    .build();
            try (WarcRecorder recorder = WarcRecorder.open(warc, Long.MAX_VALUE);
                 Fetcher f = new HttpFetcher(config, HttpFetcher.DEFAULT_MAX_BODY, recorder)) {
                return await(Crawler.builder(config).fetcher(f).build().crawl());
            }
        });
        Map<String, byte[]> payloads = new HashMap<>();
        try (WarcReader reader = new WarcReader(warc)) {
            for (WarcRecord record : reader) {
                if (record instanceof WarcResponse response) {
                    byte[] payload = response.payload().orElseThrow().body().stream().readAllBytes();
                    assertThat(response.payloadDigest().orElseThrow().bytes())
                            .isEqualTo(sha1(payload));
                    assertThat(response.http().headers().first("Content-Length"))
                            .contains(Integer.toString(payload.length));
                    payloads.put(response.target().replaceAll("^http://[^/]+", ""), payload);
                }
            }
        }
        assertThat(payloads.get("/big.html")).isEqualTo(big);
        assertThat(payloads.get("/notes.txt")).hasSize(200_000);
        List<String> left = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> left.add(p.getFileName().toString()));
        }
        assertThat(left).as("no temporary body file left").containsExactly("crawl.warc.gz");
    }

    private static byte[] sha1(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
