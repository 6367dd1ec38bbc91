package io.github.asyncio4j.crawler;

/** Live counters of a running crawl, for a progress display; updated and read on the loop's thread. */
public final class CrawlProgress {
    long fetched;
    long errors;
    long redirects;
    long bytes;
    long retries;
    int queued;

    /** Responses received (any status). */
    public long fetched() {
        return fetched;
    }

    /** URLs that failed after every try. */
    public long errors() {
        return errors;
    }

    /** Tries made again (an answer such as 503, or a failed fetch, before the last try). */
    public long retries() {
        return retries;
    }

    public long redirects() {
        return redirects;
    }

    public long bytes() {
        return bytes;
    }

    /** URLs waiting in the queue. */
    public int queued() {
        return queued;
    }

    /** Pages handled: responses plus failures. */
    public long done() {
        return fetched + errors;
    }
}
