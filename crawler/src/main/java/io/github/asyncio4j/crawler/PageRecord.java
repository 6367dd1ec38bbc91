package io.github.asyncio4j.crawler;

/**
 * One fetched (or failed) URL: a row of the report.
 *
 * @param url         the normalised URL
 * @param status      the response's status, or null if the fetch failed
 * @param contentType media type, or null
 * @param bytes       body size
 * @param links       distinct crawlable links found on the page
 * @param newLinks    of those, how many were new to the crawl and admitted
 * @param redirectTo  the normalised redirect target, or null
 * @param error       why the fetch failed (after every try), or null
 * @param ms          the last try's time, in milliseconds (a retried URL waits between tries)
 * @param tries       attempts made
 * @param at          seconds from the start of the crawl to the end of this fetch
 */
public record PageRecord(String url, Integer status, String contentType, long bytes, int links, int newLinks,
                         String redirectTo, String error, long ms, int tries, double at) {
    /** Boxed statuses 100-999, shared: a crawl keeps one record per URL, often a million. */
    private static final Integer[] STATUSES = new Integer[900];

    static {
        for (int i = 0; i < STATUSES.length; i++) {
            STATUSES[i] = 100 + i;
        }
    }

    /** Shares the status box and the content type's string between records (values, not identities, matter). */
    public PageRecord {
        if (status != null && status >= 100 && status <= 999) {
            status = STATUSES[status - 100];
        }
        contentType = contentType == null ? null : contentType.intern();
    }

    /** True if no response arrived. */
    public boolean failed() {
        return status == null;
    }
}
