package io.github.asyncio4j.crawler;

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
 */
public record CrawlReport(CrawlConfig config, List<PageRecord> pages, Map<String, String> excluded,
                          List<String> unfinished, double seconds, boolean interrupted) {

    /** Responses received, redirects and error statuses included. */
    public long fetched() {
        return pages.stream().filter(p -> !p.failed()).count();
    }

    /** URLs that failed after every try. */
    public long errors() {
        return pages.stream().filter(PageRecord::failed).count();
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

    /** Rule to number of URLs it kept out. */
    public Map<String, Long> exclusions() {
        Map<String, Long> m = new TreeMap<>();
        excluded.values().forEach(rule -> m.merge(rule, 1L, Long::sum));
        return m;
    }
}
