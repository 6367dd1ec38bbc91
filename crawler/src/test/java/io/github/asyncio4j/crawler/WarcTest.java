package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.crawler.CrawlCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcMetadata;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;

/**
 * {@code --warc FILE}: read back with jwarc's reader, every response the crawl got is there once, with its request,
 * its payload equal to what the server sends for the URL, and a payload digest that matches; gzip per record for
 * {@code .gz}; rotation to a new file past the size limit; an output that cannot be written is refused first.
 */
@Timeout(120)
class WarcTest {
    private static final int PAGES = 40;

    @TempDir
    Path dir;

    @Test
    void everyResponseIsRecordedWithItsRequestAndTheServersPayload() throws Exception {
        try (CountingServer server = new CountingServer(PAGES)) {
            Path warc = dir.resolve("crawl.warc.gz");
            Path json = dir.resolve("report.json");
            CrawlCommandTest.Run r = run("-q", "--max-tries", "1", "--warc", warc.toString(), "--json",
                    json.toString(), server.root());
            assertThat(r.code()).as(r.err()).isZero();

            Map<String, byte[]> payloads = new HashMap<>();
            Set<URI> requested = new HashSet<>();
            Map<URI, URI> concurrent = new HashMap<>();
            try (WarcReader reader = new WarcReader(warc)) {
                assertThat(reader.compression()).hasToString("GZIP");
                for (WarcRecord record : reader) {
                    if (record instanceof WarcResponse response) {
                        assertThat(record.version().toString()).isEqualTo("WARC/1.1");
                        byte[] payload = response.payload().orElseThrow().body().stream().readAllBytes();
                        WarcDigest digest = response.payloadDigest().orElseThrow();
                        assertThat(digest.algorithm()).isEqualTo("sha1");
                        assertThat(digest.bytes()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(payload));
                        assertThat(payloads.put(response.target(), payload)).as("one response per URL").isNull();
                        concurrent.put(response.id(), null);
                    } else if (record instanceof WarcRequest request) {
                        assertThat(request.http().method()).isEqualTo("GET");
                        assertThat(request.http().headers().first("User-Agent")).contains(CrawlConfig.DEFAULT_USER_AGENT);
                        requested.add(request.concurrentTo().get(0));
                    }
                }
            }
            assertThat(requested).as("a request record for each response").isEqualTo(concurrent.keySet());
            assertThat(payloads).containsKey(server.root() + "robots.txt");
            HttpClient client = HttpClient.newHttpClient();
            int compared = 0;
            for (Map.Entry<String, byte[]> e : payloads.entrySet()) {
                HttpResponse<byte[]> direct = client.send(HttpRequest.newBuilder(URI.create(e.getKey())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(direct.body());
                compared++;
            }
            // every response of the report (the failures have none) is in the file, plus robots.txt
            long responses = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                    .getAsJsonObject("summary").get("fetched").getAsLong();
            assertThat(compared).isEqualTo(responses + 1);
        }
    }

    /**
     * A redirect's response is followed by a {@code metadata} record concurrent to it naming the target as
     * Heritrix does ({@code outlink: TARGET R location:}); each fetch that got no response has a {@code metadata}
     * record with its error: the URLs the report lists as failed, no more.
     */
    @Test
    void redirectsAndFailuresHaveMetadataRecords() throws Exception {
        try (CountingServer server = new CountingServer(PAGES)) {
            Path warc = dir.resolve("crawl.warc");
            Path json = dir.resolve("report.json");
            CrawlCommandTest.Run r = run("-q", "--max-tries", "1", "--warc", warc.toString(), "--json",
                    json.toString(), server.root());
            assertThat(r.code()).as(r.err()).isZero();
            Map<URI, String> redirects = new HashMap<>();      // response id to its Location, resolved
            Map<URI, String> outlinks = new HashMap<>();       // concurrent-to id to the metadata's outlink
            Map<String, String> failures = new HashMap<>();    // target to fetchError
            try (WarcReader reader = new WarcReader(warc)) {
                for (WarcRecord record : reader) {
                    if (record instanceof WarcResponse response && response.http().status() / 100 == 3) {
                        redirects.put(response.id(), URI.create(response.target())
                                .resolve(response.http().headers().first("Location").orElseThrow()).toString());
                    } else if (record instanceof WarcMetadata metadata) {
                        assertThat(metadata.contentType().base()).hasToString("application/warc-fields");
                        if (metadata.concurrentTo().isEmpty()) {
                            assertThat(failures.put(metadata.target(),
                                    metadata.fields().first("fetchError").orElseThrow())).isNull();
                            assertThat(metadata.fields().first("fetchTimeMs")).isPresent();
                        } else {
                            outlinks.put(metadata.concurrentTo().get(0),
                                    metadata.fields().first("outlink").orElseThrow());
                        }
                    }
                }
            }
            assertThat(redirects).isNotEmpty();
            assertThat(outlinks.keySet()).isEqualTo(redirects.keySet());
            redirects.forEach((id, target) -> assertThat(outlinks.get(id)).isEqualTo(target + " R location:"));
            Map<String, String> failed = new HashMap<>();
            for (var page : com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                    .getAsJsonArray("pages")) {
                var o = page.getAsJsonObject();
                if (!o.get("error").isJsonNull()) {
                    failed.put(o.get("url").getAsString(), o.get("error").getAsString());
                }
            }
            assertThat(failed).as("the demo's /reset and /huge fail").hasSizeGreaterThanOrEqualTo(2);
            assertThat(failures).isEqualTo(failed);
        }
    }

    @Test
    void aFileOverTheLimitIsRotated() throws Exception {
        try (CountingServer server = new CountingServer(PAGES)) {
            Path warc = dir.resolve("crawl.warc");
            CrawlCommandTest.Run r = run("-q", "--max-tries", "1", "--exclude", "huge", "--warc", warc.toString(),
                    "--warc-max-size", "20000", server.root());
            assertThat(r.code()).as(r.err()).isZero();
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".warc")).sorted().toList();
            }
            assertThat(files).hasSizeGreaterThan(2).contains(dir.resolve("crawl-00001.warc"));
            int responses = 0;
            for (Path f : files) {
                List<String> types = new ArrayList<>();
                try (WarcReader reader = new WarcReader(f)) {
                    assertThat(reader.compression()).hasToString("NONE");
                    for (WarcRecord record : reader) {
                        types.add(record.type());
                    }
                }
                assertThat(types.get(0)).as(f + " starts with its warcinfo").isEqualTo("warcinfo");
                responses += (int) types.stream().filter("response"::equals).count();
                assertThat(Files.size(f)).as(f.toString()).isLessThan(20000 + 64 * 1024);
            }
            assertThat(responses).isGreaterThan(PAGES);
        }
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeTheFirstRequest() throws IOException {
        Path missing = dir.resolve("no-such-dir").resolve("crawl.warc.gz");
        CrawlCommandTest.Run r = run("-q", "--warc", missing.toString(), "http://127.0.0.1:9/");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("crawl: --warc " + missing + ": cannot write there")
                .contains("does not exist").doesNotContain("\n");
    }
}
