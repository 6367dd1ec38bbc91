package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.net.StreamWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crawler against a server that misbehaves in every way it can: each misbehaviour ends as a report row with
 * a clear error, within the timeouts; the crawl ends, and every URL it met is fetched, failed or excluded.
 */
@Timeout(60)
class HostileServersTest {
    private static final List<String> PATHS = List.of("/slowloris", "/reset", "/badstatus", "/badheader", "/endless",
            "/loop/a", "/huge", "/data.json", "/invalid-utf8", "/refused");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes raw bytes; the peer going away ends it quietly. */
    private static HttpResponse raw(StreamWriter w, String text) {
        w.write(ascii(text));
        return null;
    }

    private static HttpResponse hostile(String path, StreamWriter w) throws Exception {
        switch (path) {
            case "/":
                StringBuilder b = new StringBuilder("<html><body>");
                PATHS.forEach(p -> b.append("<a href=\"").append(p).append("\">x</a>"));
                return HttpResponse.html(200, b.append("</body></html>").toString());
            case "/slowloris":
                w.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"));
                for (int i = 0; i < 10_000; i++) {
                    w.write(ascii("x"));
                    await(w.drain());
                    await(sleep(0.05));
                }
                return null;
            case "/reset":
                w.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html>cut"));
                await(w.drain());
                w.abort();
                return null;
            case "/badstatus":
                return raw(w, "HTTP/1.1 OK 200\r\nContent-Length: 0\r\n\r\n");
            case "/badheader":
                return raw(w, "HTTP/1.1 200 OK\r\nThis header has no colon\r\nContent-Length: 0\r\n\r\n");
            case "/endless":
                w.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"));
                byte[] chunk = ascii("400\r\n" + "y".repeat(1024) + "\r\n");
                while (true) {
                    w.write(chunk);
                    await(w.drain());
                }
            case "/loop/a":
                return HttpResponse.redirect(302, "/loop/b");
            case "/loop/b":
                return HttpResponse.redirect(302, "/loop/a");
            case "/huge":
                return HttpResponse.of(200, "text/html", new byte[1 << 20]);
            case "/data.json":
                return HttpResponse.of(200, "application/json", ascii("{\"a\": \"<a href='/hidden'>\"}"));
            case "/invalid-utf8":
                byte[] bad = {'<', 'a', ' ', 'h', 'r', 'e', 'f', '=', '"', '/', 'o', 'k', '"', '>', (byte) 0xff,
                        (byte) 0xfe, (byte) 0xc3, '<', '/', 'a', '>'};
                return HttpResponse.of(200, "text/html; charset=utf-8", bad);
            case "/ok":
                return HttpResponse.html(200, "<html>fine</html>");
            default:
                return HttpResponse.text(404, "no");
        }
    }

    @Test
    void everyMisbehaviourEndsAsAReportRowAndNoUrlIsLost() {
        CrawlReport report = Async.run(Coroutine.of(() -> {
            HttpServer server = await(HttpServer.startRaw((request, connection) -> Coroutine.of(() -> {
                try {
                    return hostile(request.path(), connection.writer());
                } catch (Exception peerGone) {
                    connection.writer().abort();
                    return null;
                }
            }), "127.0.0.1", 0));
            try {
                // 2 s: a bound the slow loris exceeds (1,000 bytes at 20 a second), with room for a loaded machine
                CrawlConfig config = CrawlConfig.builder(List.of(URI.create(server.url("/")))).maxTasks(8)
                        .maxTries(2).obeyRobots(false).timeout(Duration.ofSeconds(2)).build();
                try (Fetcher f = new HttpFetcher(config, 64 * 1024)) {
                    return await(new Crawler(config, f).crawl());
                }
            } finally {
                server.close();
            }
        }));
        Map<String, PageRecord> pages = new HashMap<>();
        for (PageRecord p : report.pages()) {
            pages.put(URI.create(p.url()).getPath(), p);
        }
        assertThat(pages.keySet()).containsExactlyInAnyOrder("/", "/slowloris", "/reset", "/badstatus", "/badheader",
                "/endless", "/loop/a", "/loop/b", "/huge", "/data.json", "/invalid-utf8", "/ok", "/refused");
        assertThat(pages.get("/slowloris").error()).startsWith("HttpTimeoutException");
        assertThat(pages.get("/reset").error()).isNotBlank();
        assertThat(pages.get("/badstatus").error()).startsWith("HttpProtocolException").containsIgnoringCase("status");
        assertThat(pages.get("/badheader").error()).startsWith("HttpProtocolException").containsIgnoringCase("header");
        assertThat(pages.get("/endless").error()).startsWith("BodyTooLargeException");
        assertThat(pages.get("/huge").error()).startsWith("BodyTooLargeException");
        for (String failed : List.of("/slowloris", "/reset", "/badstatus", "/badheader", "/endless", "/huge")) {
            assertThat(pages.get(failed).status()).as(failed).isNull();
            assertThat(pages.get(failed).tries()).as(failed).isEqualTo(2);
        }
        assertThat(pages.get("/loop/a").redirectTo()).endsWith("/loop/b");
        assertThat(pages.get("/loop/b").redirectTo()).endsWith("/loop/a");
        assertThat(pages.get("/data.json").links()).isZero();
        assertThat(pages.get("/invalid-utf8").links()).isEqualTo(1);
        assertThat(pages.get("/refused").status()).isEqualTo(404);
        assertThat(report.excluded()).isEmpty();
        assertThat(report.unfinished()).isEmpty();
        assertThat(report.interrupted()).isFalse();
    }

    @Test
    void aRefusedConnectionIsAFailedRowAfterEveryTry() {
        CrawlReport report = Async.run(Coroutine.of(() -> {
            int port;
            try (var probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();      // closed again: connecting to it is refused
            }
            CrawlConfig config = CrawlConfig.builder(List.of(URI.create("http://127.0.0.1:" + port + "/")))
                    .maxTries(3).obeyRobots(true).timeout(Duration.ofSeconds(2)).build();
            try (Fetcher f = new HttpFetcher(config)) {
                return await(new Crawler(config, f).crawl());
            }
        }));
        assertThat(report.pages()).hasSize(1);
        PageRecord p = report.pages().get(0);
        assertThat(p.status()).isNull();
        assertThat(p.tries()).as("robots.txt took the three tries that gave the host up").isZero();
        assertThat(p.error()).startsWith("host given up after 3 connection failures in a row")
                .containsIgnoringCase("refused");
    }
}
