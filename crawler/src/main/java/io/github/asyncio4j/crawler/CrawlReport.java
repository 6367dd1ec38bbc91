package io.github.asyncio4j.crawler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The result of a crawl.
 *
 * @param config      how it ran
 * @param pages       every URL fetched or failed, in the order they finished
 * @param excluded    URL to the rule that kept it out: {@code host}, {@code exclude}, {@code max-pages},
 *                    {@code max-redirect}, {@code robots}, {@code scheme}, {@code invalid-url}
 * @param unfinished  URLs admitted but not handled because the crawl was stopped
 * @param seconds     wall time
 * @param interrupted true if the crawl was stopped before the queue ran dry
 * @param sitemaps    sitemap URL to what reading it gave (with {@code sitemaps}; empty otherwise)
 * @param recovery    the retries made, by cause, the hosts paused and the hosts given up
 * @param recrawl     with {@code recrawl}: {@code changed} (a full response), {@code unchanged} (304 Not Modified:
 *                    the record kept; or a 404 or 410 again) and {@code gone} (404 or 410, not so before) to
 *                    URLs, each listed; empty otherwise
 */
public record CrawlReport(CrawlConfig config, List<PageRecord> pages, Map<String, String> excluded,
                          List<String> unfinished, double seconds, boolean interrupted, Map<String, String> sitemaps,
                          Recovery recovery, Map<String, Long> recrawl) {
    /** The outcomes a re-crawl counts, in the order reports list them. */
    public static final List<String> RECRAWL_OUTCOMES = List.of("changed", "unchanged", "gone");

    /**
     * How the crawl dealt with hosts in trouble (this process's share, for a shared frontier).
     *
     * @param retries    cause ({@code "HTTP 503"}, {@code "timeout"}, {@code "connection failure"}, or an
     *                   exception's class) to tries made again for it
     * @param paused     host to the seconds its {@code Retry-After} answers paused it, in all
     * @param givenUp    host to the reason it was given up (every URL of it failed with that reason)
     */
    public record Recovery(Map<String, Long> retries, Map<String, Double> paused, Map<String, String> givenUp) {
        /** Nothing retried, paused or given up. */
        public static final Recovery NONE = new Recovery(Map.of(), Map.of(), Map.of());

        public Recovery {
            retries = Collections.unmodifiableMap(new TreeMap<>(retries));    // sorted: a report's order
            paused = Collections.unmodifiableMap(new TreeMap<>(paused));
            givenUp = Collections.unmodifiableMap(new TreeMap<>(givenUp));
        }

        /** Tries made again, every cause. */
        public long total() {
            return retries.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A report of a crawl that retried nothing. */
    public CrawlReport(CrawlConfig config, List<PageRecord> pages, Map<String, String> excluded,
                       List<String> unfinished, double seconds, boolean interrupted, Map<String, String> sitemaps) {
        this(config, pages, excluded, unfinished, seconds, interrupted, sitemaps, Recovery.NONE);
    }

    /** A report of a crawl that is not a re-crawl. */
    public CrawlReport(CrawlConfig config, List<PageRecord> pages, Map<String, String> excluded,
                       List<String> unfinished, double seconds, boolean interrupted, Map<String, String> sitemaps,
                       Recovery recovery) {
        this(config, pages, excluded, unfinished, seconds, interrupted, sitemaps, recovery, Map.of());
    }

    /** Upper bounds (exclusive, in ms) of the response-time histogram's buckets; the last bucket has none. */
    static final long[] TIME_BUCKETS_MS = {10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

    /** A report without sitemaps. */
    public CrawlReport(CrawlConfig config, List<PageRecord> pages, Map<String, String> excluded,
                       List<String> unfinished, double seconds, boolean interrupted) {
        this(config, pages, excluded, unfinished, seconds, interrupted, Map.of());
    }


    public CrawlReport {
        if (!recrawl.isEmpty()) {
            Map<String, Long> all = new LinkedHashMap<>();
            for (String outcome : RECRAWL_OUTCOMES) {
                all.put(outcome, recrawl.getOrDefault(outcome, 0L));
            }
            recrawl = all;
        }
    }

    /** Responses received, redirects and error statuses included. */
    public long fetched() {
        return pages.stream().filter(p -> !p.failed()).count();
    }

    /** URLs that failed after every try. */
    public long errors() {
        return pages.stream().filter(PageRecord::failed).count();
    }

    /** Pages whose spider method threw (a response came: they count as fetched too). */
    public long spiderErrors() {
        return pages.stream().filter(PageRecord::spiderFailed).count();
    }

    public long redirects() {
        return pages.stream().filter(p -> p.redirectTo() != null).count();
    }

    public long bytes() {
        return pages.stream().mapToLong(PageRecord::bytes).sum();
    }

    /** Pages handled per second of wall time. */
    public double pagesPerSecond() {
        return seconds > 0 ? pages.size() / seconds : 0;
    }

    /** Status code to count, every response included. */
    public Map<Integer, Long> statuses() {
        return countBy(PageRecord::status);
    }

    /** Content type to count, over responses that had one. */
    public Map<String, Long> contentTypes() {
        return countBy(PageRecord::contentType);
    }

    private <K> Map<K, Long> countBy(Function<PageRecord, K> key) {
        Map<K, Long> m = new TreeMap<>();
        for (PageRecord p : pages) {
            K k = key.apply(p);
            if (k != null) {
                m.merge(k, 1L, Long::sum);
            }
        }
        return m;
    }

    /** Host (with its port, if any) to URLs handled there, fetched or failed; most first, then by name. */
    public Map<String, Long> hosts() {
        Map<String, Long> byHost = countBy(p -> host(p.url()));
        List<Map.Entry<String, Long>> entries = new ArrayList<>(byHost.entrySet());
        entries.sort(CrawlReport::mostFirst);   // not a sorted() stream: its spliterator links a JDK lambda at run time
        Map<String, Long> sorted = new LinkedHashMap<>();
        entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Most URLs first, then by name. (Not {@code Map.Entry.comparingByKey}: its lambdas are linked at run time.) */
    private static int mostFirst(Map.Entry<String, Long> a, Map.Entry<String, Long> b) {
        int byCount = Long.compare(b.getValue(), a.getValue());
        return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
    }

    private static String host(String url) {
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return url.substring(start, end);
    }

    /**
     * Response times: bucket label ({@code "< 10 ms"}, ..., {@code ">= 5000 ms"}) to responses in it, every bucket
     * listed in order, empty ones too; failed fetches are not counted.
     */
    public Map<String, Long> responseTimes() {
        long[] counts = new long[TIME_BUCKETS_MS.length + 1];
        for (PageRecord p : pages) {
            if (!p.failed()) {
                int i = 0;
                while (i < TIME_BUCKETS_MS.length && p.ms() >= TIME_BUCKETS_MS[i]) {
                    i++;
                }
                counts[i]++;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            m.put(i < TIME_BUCKETS_MS.length ? "< " + TIME_BUCKETS_MS[i] + " ms"
                    : ">= " + TIME_BUCKETS_MS[TIME_BUCKETS_MS.length - 1] + " ms", counts[i]);
        }
        return m;
    }

    /** Rule to number of URLs it kept out. */
    public Map<String, Long> exclusions() {
        Map<String, Long> m = new TreeMap<>();
        excluded.values().forEach(rule -> m.merge(rule, 1L, Long::sum));
        return m;
    }
}
