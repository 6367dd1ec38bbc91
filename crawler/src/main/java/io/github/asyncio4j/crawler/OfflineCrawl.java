package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcMetadata;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;

/**
 * Runs a {@link Spider} without a network, for its tests: against pages kept as files in a directory (served under
 * a base URL, {@code index.html} for a path ending in {@code /}), as the responses of a WARC file (and its
 * {@code fetchError} metadata records, as the crawler's {@code --warc} writes them, as failures), or given here
 * one by one ({@link #page}, {@link #redirect}, {@link #failure}: these win over the directory's and the WARC's).
 * The crawl is the real one (scope, robots.txt if the pages hold one, depth, redirects, the spider's follows,
 * items), on a loop of its own; a URL with no page is a 404.
 *
 * <pre>{@code
 * OfflineCrawl.Result r = OfflineCrawl.directory(Path.of("src/test/resources/docs"), "http://docs.test/")
 *         .run(new MySpider(), "http://docs.test/");
 * assertThat(r.items()).contains(new Function("print", "print(*objects)", "http://docs.test/functions.html"));
 * }</pre>
 */
public final class OfflineCrawl {
    /**
     * What a run gave.
     *
     * @param items    every item emitted, as the spider emitted it, in the order they were written
     * @param requests every request the spider followed (admitted or not), with the depth it would have, in order
     * @param report   the crawl's report (pages, exclusions and their rules, the spider's errors)
     */
    public record Result(List<Object> items, List<Request> requests, CrawlReport report) {
        /** The items of type {@code type}. */
        public <T> List<T> items(Class<T> type) {
            return items.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private final Map<String, FetchResponse> pages;
    /** URL to the error its fetch fails with. */
    private final Map<String, String> failures = new HashMap<>();
    private final Path directory;
    private final URI base;
    private UnaryOperator<CrawlConfig.Builder> config = UnaryOperator.identity();

    private OfflineCrawl(Map<String, FetchResponse> pages, Path directory, URI base) {
        this.pages = pages;
        this.directory = directory;
        this.base = base;
    }

    /**
     * Pages as files under {@code directory}, served at {@code baseUrl} (an http(s) URL ending in {@code /}): the
     * URL {@code baseUrl + "a/b.html"} is the file {@code a/b.html}; its media type is the extension's.
     */
    public static OfflineCrawl directory(Path directory, String baseUrl) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        URI base = URI.create(baseUrl);
        if (!Urls.isCrawlable(base) || !baseUrl.endsWith("/")) {
            throw new IllegalArgumentException("the base must be an http(s) URL ending in '/', not " + baseUrl);
        }
        return new OfflineCrawl(new HashMap<>(), directory, base);
    }

    /** No pages yet: give them with {@link #page}, {@link #redirect} and {@link #failure}. */
    public static OfflineCrawl pages() {
        return new OfflineCrawl(new HashMap<>(), null, null);
    }

    /** {@code url} answers {@code status} with {@code body} (UTF-8) of {@code contentType} (null for none). */
    public OfflineCrawl page(String url, int status, String contentType, String body) {
        pages.put(key(url), new FetchResponse(status, contentType, java.nio.charset.StandardCharsets.UTF_8,
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), null));
        return this;
    }

    /** {@code url} answers 200 with the HTML page {@code body}. */
    public OfflineCrawl html(String url, String body) {
        return page(url, 200, "text/html", body);
    }

    /** {@code url} redirects ({@code status}, a 3xx) to {@code location}. */
    public OfflineCrawl redirect(String url, int status, String location) {
        pages.put(key(url), new FetchResponse(status, "text/html", null, new byte[0], location));
        return this;
    }

    /** Fetching {@code url} fails (no response) with an {@code IOException} saying {@code error}. */
    public OfflineCrawl failure(String url, String error) {
        failures.put(key(url), error);
        return this;
    }

    private static String key(String url) {
        URI u = Urls.normalize(url);
        if (u == null || !Urls.isCrawlable(u)) {
            throw new IllegalArgumentException("not an http(s) URL: " + url);
        }
        return u.toString();
    }

    /** The responses recorded in a WARC file (gzip or not): each target URL answers as it did then. */
    public static OfflineCrawl warc(Path warc) {
        OfflineCrawl site = new OfflineCrawl(new HashMap<>(), null, null);
        try (WarcReader reader = new WarcReader(warc)) {
            for (WarcRecord record : reader) {
                if (record instanceof WarcResponse response) {
                    URI target = Urls.normalize(response.target());
                    if (target != null) {
                        site.pages.putIfAbsent(target.toString(), fromWarc(response.http()));
                    }
                } else if (record instanceof WarcMetadata metadata) {
                    URI target = Urls.normalize(metadata.target());
                    var error = metadata.fields().first("fetchError");
                    if (target != null && error.isPresent()) {
                        site.failures.putIfAbsent(target.toString(), error.get());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the WARC file " + warc, e);
        }
        site.failures.keySet().removeAll(site.pages.keySet());   // a later try got a response
        return site;
    }

    private static FetchResponse fromWarc(HttpResponse http) throws IOException {
        byte[] body;
        try (InputStream in = http.bodyDecoded().stream()) {
            body = in.readAllBytes();
        }
        Headers.Builder headers = Headers.builder();
        http.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
        MediaType type = http.contentType();
        Charset charset = null;
        String cs = type == null ? null : type.parameters().get("charset");
        if (cs != null) {
            try {
                charset = Charset.forName(cs);
            } catch (IllegalArgumentException ignored) {
                // an unknown charset: the page's own declaration, or UTF-8, decides
            }
        }
        return new FetchResponse(http.status(), type == null ? null : type.base().toString(), charset, body,
                http.headers().first("Location").orElse(null), http.headers().first("Retry-After").orElse(null),
                headers.build());
    }

    /** Changes the crawl's configuration (default: robots.txt obeyed, 4 tasks, one extraction thread). */
    public OfflineCrawl configure(UnaryOperator<CrawlConfig.Builder> change) {
        this.config = Objects.requireNonNull(change, "change");
        return this;
    }

    /** Runs {@code spider} from {@code roots} (in a loop of its own: not from inside a running loop). */
    public Result run(Spider spider, String... roots) {
        if (roots.length == 0) {
            throw new IllegalArgumentException("give at least one root URL");
        }
        CrawlConfig cfg = config.apply(CrawlConfig.builder(java.util.Arrays.stream(roots).map(URI::create).toList())
                .maxTasks(4).workers(1)).build();
        List<Object> items = new ArrayList<>();
        List<Request> requests = new ArrayList<>();
        ItemSink collect = items::add;
        CrawlReport report = Async.run(Crawler.builder(cfg).fetcher(new Site()).spider(spider).items(collect)
                .followed(requests::add).build().crawl());
        return new Result(List.copyOf(items), List.copyOf(requests), report);
    }

    /** The pages, as a {@link Fetcher}: each fetch yields to the loop once, as a network would. */
    private final class Site implements Fetcher {
        @Override
        public FetchResponse fetch(URI url) throws IOException {
            await(Async.sleep(0));
            String error = failures.get(url.toString());
            if (error != null) {
                throw new IOException(error);
            }
            FetchResponse r = pages.get(url.toString());
            if (r == null && directory != null) {
                r = fromDirectory(url);
            }
            return r != null ? r : new FetchResponse(404, "text/plain", null, "no such page".getBytes(), null);
        }

        private FetchResponse fromDirectory(URI url) throws IOException {
            String u = url.toString();
            String prefix = base.toString();
            if (!u.startsWith(prefix)) {
                return null;
            }
            String rel = URI.create(u).getPath().substring(base.getPath().length());
            if (rel.isEmpty() || rel.endsWith("/")) {
                rel += "index.html";
            }
            Path file = directory.resolve(rel).normalize();
            if (!file.startsWith(directory.normalize()) || !Files.isRegularFile(file)) {
                return null;
            }
            return new FetchResponse(200, mediaType(file), null, Files.readAllBytes(file), null);
        }

        @Override
        public void close() {
        }
    }

    private static String mediaType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html", "htm" -> "text/html";
            case "txt" -> "text/plain";
            case "css" -> "text/css";
            case "js" -> "text/javascript";
            case "json" -> "application/json";
            case "xml" -> "application/xml";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            default -> "application/octet-stream";
        };
    }
}
