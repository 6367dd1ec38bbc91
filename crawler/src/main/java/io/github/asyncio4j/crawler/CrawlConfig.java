package io.github.asyncio4j.crawler;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a crawl runs; the chapter's {@code Crawler(roots, exclude, strict, max_redirect, max_tries, max_tasks)}
 * plus the tool's limits. Build one with {@link #builder(List)}.
 *
 * @param roots       where the crawl starts; their hosts (or domains: {@code scope}) bound it; may be empty if
 *                    {@code seeds} is set
 * @param maxTasks    worker coroutines
 * @param maxRedirect redirects followed from one URL
 * @param maxTries    attempts per URL when fetching fails or is answered 408, 429, 500, 502, 503 or 504 (retried
 *                    with backoff and jitter; after the last, the answer is the page's status)
 * @param exclude     URLs matching it (anywhere, {@code find()}) are not fetched; null for none
 * @param strict      true: a host must equal a root's host; false: a leading {@code www.} is ignored on both
 * @param maxPages    URLs admitted at most (roots included); later ones are excluded by rule {@code max-pages}
 * @param perHost     concurrent requests per host at most; 0 for no limit
 * @param obeyRobots  read each host's {@code /robots.txt} and skip what it disallows
 * @param userAgent   the {@code User-Agent}; its first word is the name looked up in robots.txt
 * @param timeout     per request (connect, and each read, and the whole request)
 * @param maxDepth    links followed from a root at most (a root is at depth 0; a redirect, or a meta refresh,
 *                    keeps its page's depth); deeper URLs are excluded by rule {@code max-depth}
 * @param delay       between the starts of two requests to one host at least (and at least the host's robots.txt
 *                    {@code Crawl-delay} when robots.txt is obeyed); zero for none
 * @param sitemaps    also start from the sitemaps the roots' robots.txt files name
 * @param workers     threads that extract links from pages (the network stays on the crawl's loop)
 * @param maxRetryAfter the longest {@code Retry-After} honoured (the host is paused that long); a longer one
 *                    fails the URL with that reason
 * @param autoThrottle adapt each host's requests in flight and delay to its response times and to 429/503
 *                    answers, within {@code perHost} and {@code delay}
 * @param scope       which links are followed: to a root's host, a root's registrable domain, or any
 * @param maxPagesPerHost URLs admitted per host at most; later ones are excluded by rule {@code max-pages-per-host}
 * @param seeds       a file of more roots, one URL a line ({@code -}: standard input), read as the crawl goes; or
 *                    null
 * @param maxConnections open connections in all (idle ones closed oldest first); 0: twice {@code maxTasks}, at
 *                    least 256
 * @param recrawl     fetch every page a stored crawl recorded again, conditionally (a resumed {@code --state})
 * @param http2       speak HTTP/2 where a site offers it over TLS (ALPN {@code h2}: one connection per origin
 *                    carries its requests as streams); false: HTTP/1.1 only
 */
public record CrawlConfig(List<URI> roots, int maxTasks, int maxRedirect, int maxTries, Pattern exclude,
                          boolean strict, long maxPages, int perHost, boolean obeyRobots, String userAgent,
                          Duration timeout, int maxDepth, Duration delay, boolean sitemaps, int workers,
                          Duration maxRetryAfter, boolean autoThrottle, CrawlScope.Kind scope,
                          long maxPagesPerHost, Path seeds, int maxConnections, boolean recrawl,
                          boolean http2) {
    public static final String DEFAULT_USER_AGENT =
            "asyncio4j-crawler/0.1 (+https://github.com/asyncio4j/asyncio4j)";

    public CrawlConfig {
        roots = List.copyOf(roots);
        if (roots.isEmpty() && seeds == null) {
            throw new IllegalArgumentException("a crawl needs at least one root URL or a seeds file");
        }
        for (URI r : roots) {
            if (!"http".equalsIgnoreCase(r.getScheme()) && !"https".equalsIgnoreCase(r.getScheme())
                    || r.getHost() == null) {
                throw new IllegalArgumentException("a root must be an http or https URL with a host: " + r);
            }
        }
        positive("maxTasks", maxTasks);
        positive("maxTries", maxTries);
        positive("maxPages", maxPages);
        positive("workers", workers);
        positive("maxPagesPerHost", maxPagesPerHost);
        Objects.requireNonNull(scope, "scope");
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections cannot be negative: " + maxConnections);
        }
        if (maxRedirect < 0 || perHost < 0 || maxDepth < 0) {
            throw new IllegalArgumentException("maxRedirect, perHost and maxDepth cannot be negative");
        }
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay cannot be negative: " + delay);
        }
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter cannot be negative: " + maxRetryAfter);
        }
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }

    /** {@link #maxConnections}, with 0 read as its default: twice {@code maxTasks}, at least 256. */
    public int connectionLimit() {
        return maxConnections > 0 ? maxConnections : (int) Math.min(Integer.MAX_VALUE, Math.max(256L, 2L * maxTasks));
    }

    /**
     * The chapter's defaults: 100 tasks, 10 redirects, 4 tries, strict hosts; robots.txt obeyed; 10 s timeout; no
     * depth limit, no delay, no sitemaps; a link-extraction thread per core; Retry-After honoured up to 120 s; no
     * auto-throttle; host scope, no per-host limit, no seeds file, 0 connections (the default limit), no re-crawl;
     * HTTP/2 where a site offers it.
     */
    public static Builder builder(List<URI> roots) {
        return new Builder(roots);
    }

    /** Defaults for everything but the roots. */
    public static final class Builder {
        private final List<URI> roots;
        private int maxTasks = 100;
        private int maxRedirect = 10;
        private int maxTries = 4;
        private Pattern exclude;
        private boolean strict = true;
        private long maxPages = Long.MAX_VALUE;
        private int perHost;
        private boolean obeyRobots = true;
        private String userAgent = DEFAULT_USER_AGENT;
        private Duration timeout = Duration.ofSeconds(10);
        private int maxDepth = Integer.MAX_VALUE;
        private Duration delay = Duration.ZERO;
        private boolean sitemaps;
        private int workers = Runtime.getRuntime().availableProcessors();
        private Duration maxRetryAfter = Duration.ofSeconds(120);
        private boolean autoThrottle;
        private CrawlScope.Kind scope = CrawlScope.Kind.HOST;
        private long maxPagesPerHost = Long.MAX_VALUE;
        private Path seeds;
        private int maxConnections;
        private boolean recrawl;
        private boolean http2 = true;

        private Builder(List<URI> roots) {
            this.roots = roots;
        }

        public Builder maxTasks(int n) { maxTasks = n; return this; }
        public Builder maxRedirect(int n) { maxRedirect = n; return this; }
        public Builder maxTries(int n) { maxTries = n; return this; }
        public Builder exclude(Pattern p) { exclude = p; return this; }
        public Builder strict(boolean s) { strict = s; return this; }
        public Builder maxPages(long n) { maxPages = n; return this; }
        public Builder perHost(int n) { perHost = n; return this; }
        public Builder obeyRobots(boolean b) { obeyRobots = b; return this; }
        public Builder userAgent(String ua) { userAgent = ua; return this; }
        public Builder timeout(Duration d) { timeout = d; return this; }
        public Builder maxDepth(int n) { maxDepth = n; return this; }
        public Builder delay(Duration d) { delay = d; return this; }
        public Builder sitemaps(boolean s) { sitemaps = s; return this; }
        public Builder workers(int n) { workers = n; return this; }
        public Builder maxRetryAfter(Duration d) { maxRetryAfter = d; return this; }
        public Builder autoThrottle(boolean b) { autoThrottle = b; return this; }
        public Builder scope(CrawlScope.Kind k) { scope = k; return this; }
        public Builder maxPagesPerHost(long n) { maxPagesPerHost = n; return this; }
        /** A file of seeds, one URL a line; {@code Path.of("-")} reads standard input. */
        public Builder seeds(Path file) { seeds = file; return this; }
        public Builder maxConnections(int n) { maxConnections = n; return this; }
        public Builder recrawl(boolean r) { recrawl = r; return this; }
        public Builder http2(boolean b) { http2 = b; return this; }

        public CrawlConfig build() {
            return new CrawlConfig(roots, maxTasks, maxRedirect, maxTries, exclude, strict, maxPages, perHost,
                    obeyRobots, userAgent, timeout, maxDepth, delay, sitemaps, workers, maxRetryAfter, autoThrottle,
                    scope, maxPagesPerHost, seeds, maxConnections, recrawl, http2);
        }
    }
}
