package io.github.asyncio4j.crawler;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Where a crawl keeps what it knows: the seen set, the URLs waiting (the frontier), the ones claimed by a worker
 * (in flight), the page records and the exclusions. The {@link Crawler} decides what to admit and fetches; a
 * state only remembers, in memory ({@link MemoryState}), in SQLite ({@link SqliteState}, {@code --state DIR}) or
 * in Redis shared by many processes ({@link RedisState}, {@code --frontier redis://}).
 *
 * <p>Invariant: a URL admitted once is never admitted again, and is in exactly one of: waiting, in flight, done
 * (with a page record, or excluded afterwards by robots.txt). Methods are called on the crawl's loop, from inside
 * its tasks: a state may await (Redis) but never blocks the loop's thread on I/O.
 */
public interface CrawlState extends AutoCloseable {

    /**
     * A URL to fetch, how many more redirects may be followed from it, its depth (links from a root), the tries
     * made so far (a retried URL comes back with one more), and what a spider attached to it: a label (or null) and
     * a small metadata map (empty for none). Its host ({@link #host()}) names its queue in the frontier.
     */
    record Item(URI url, int redirectsLeft, int depth, int tries, String label, Map<String, String> meta) {
        public Item {
            meta = meta == null || meta.isEmpty() ? Map.of()      // in the order given: a spider may rely on it
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(meta));
        }

        /** A URL not tried yet, with no label or metadata. */
        public Item(URI url, int redirectsLeft, int depth) {
            this(url, redirectsLeft, depth, 0, null, Map.of());
        }

        /** The host (with its port, if any) whose queue and politeness this URL shares: the URL's authority. */
        public String host() {
            return hostOf(url);
        }

        /** This item with {@code n} tries made. */
        public Item withTries(int n) {
            return new Item(url, redirectsLeft, depth, n, label, meta);
        }
    }

    /** The key of {@code url}'s host queue: its raw authority ({@code host} or {@code host:port}). */
    static String hostOf(URI url) {
        String a = url.getRawAuthority();
        return a == null ? "" : a;
    }

    /** What {@link #add} did. */
    enum Admission {
        /** New: now waiting. */
        ADDED,
        /** Seen before (waiting, in flight or done): nothing changed. */
        SEEN,
        /** New, but the crawl has admitted {@code maxPages} URLs already: not added. */
        FULL,
        /** New, but its host has had {@code maxPerHost} URLs admitted already: not added. */
        HOST_FULL
    }

    /** True if {@code url} was ever admitted (by this process or, for a shared state, any other). */
    boolean isSeen(String url);

    /**
     * Admits {@code item} unless it was seen, its host had {@code maxPerHost} URLs admitted already (by any process
     * sharing the state, and by the run it resumes), or {@code maxPages} URLs were.
     */
    Admission add(Item item, long maxPages, long maxPerHost);

    /** {@link #add(Item, long, long)} with no bound per host. */
    default Admission add(Item item, long maxPages) {
        return add(item, maxPages, Long.MAX_VALUE);
    }

    /**
     * The next URL to handle, now in flight: one whose host may be fetched now (a slot of its limit free, its delay
     * passed since its last request, no pause), its start recorded. Waits while no host may be fetched but URLs
     * wait or are in flight. Returns null when the crawl is complete: nothing waiting and nothing in flight,
     * anywhere. A URL of a given-up host ({@link #givenUp}) is handed out at once, to be recorded as failed.
     */
    Item claim();

    /** {@code item} is handled: fetched or failed, as {@code page} says. Its host's slot is free again. */
    void done(Item item, PageRecord page);

    /**
     * {@code item} is handled, and its page's items end at {@code itemsOffset} in the crawl's {@code --output}
     * file (-1: none to record). A durable state commits the offset with the page's record, so that a resumed
     * crawl's file holds the items of the pages recorded done, no more, no fewer. By default, {@link #done}.
     */
    default void done(Item item, PageRecord page, long itemsOffset) {
        done(item, page);
    }

    /** {@code item} is handled: kept out after it was admitted, by {@code rule} (robots.txt). */
    void refused(Item item, String rule);

    /** {@code item}, claimed, goes back to the front of its host's queue without a try (robots.txt was read). */
    void putBack(Item item);

    /**
     * {@code item} (its {@link Item#tries()} counting the one that failed) goes back to its host's queue, to be
     * claimed no sooner than {@code delaySeconds} from now; its host's slot is free meanwhile.
     */
    void retry(Item item, double delaySeconds);

    /** No request to {@code host} starts for {@code seconds} (a {@code Retry-After}); a longer pause stays. */
    void pauseHost(String host, double seconds);

    /** {@code host} is given up: its URLs are claimed at once, to fail with {@code reason}. */
    void giveUpHost(String host, String reason);

    /** Why {@code host} was given up (by this process or, for a shared state, any), or null. */
    String givenUp(String host);

    /**
     * Sets {@code host}'s requests in flight at most ({@code 0}: no limit) and seconds between their starts, from
     * now on (its next start is {@code delaySeconds} after its last one). Until this is called for a host, a crawl
     * that reads robots.txt lets one request at a time go to it.
     */
    void hostPolicy(String host, int limit, double delaySeconds);

    /**
     * Waits until a request outside the frontier (a sitemap) may go to {@code host}, as its limit's delay and
     * pause allow, and records it as the host's last request.
     */
    void awaitHostTurn(String host);

    /**
     * Keeps the crawl from completing while this process may still admit URLs that no fetch will bring (a seeds file
     * being read): until {@link #endFeeding()}, {@link #claim()} waits instead of returning null. False (the
     * default) if this state cannot: the caller then admits them all before the workers start.
     */
    default boolean startFeeding() {
        return false;
    }

    /** Ends what {@link #startFeeding()} began; the crawl may complete. */
    default void endFeeding() {
    }

    /** What an earlier crawl recorded for a URL that a re-crawl fetches again: its record and its validators. */
    record Previous(PageRecord page, String etag, String lastModified) {
    }

    /**
     * Remembers {@code url}'s validators ({@code ETag} and {@code Last-Modified}, either may be null) for a later
     * {@code --recrawl}. The default forgets them (a state that does not outlive its crawl).
     */
    default void validators(String url, String etag, String lastModified) {
    }

    /** In a re-crawl: what the crawl being re-crawled recorded for {@code url}, or null (the default: none). */
    default Previous previous(String url) {
        return null;
    }

    /** In a re-crawl: {@code url} turned out {@code changed}, {@code unchanged} or {@code gone}. */
    default void recrawled(String url, String outcome) {
    }

    /** In a re-crawl: outcome ({@code changed}, {@code unchanged}, {@code gone}) to URLs; empty otherwise. */
    default Map<String, Long> recrawlOutcomes() {
        return Map.of();
    }

    /** Records why {@code url} is not fetched, unless it is seen (it is, or will be, fetched after all). */
    void exclude(String url, String rule);

    /** URLs waiting, for the progress display (may be approximate for a shared state). */
    long waiting();

    /**
     * True if a URL may be claimed now: some host's limit, delay and pause allow a request. A hint for reading a
     * seeds file: while the URLs waiting all belong to hosts that must wait (a Crawl-delay, a Retry-After), the
     * workers idle unless more hosts are admitted. True (the default) for a state that cannot tell.
     */
    default boolean hasReady() {
        return true;
    }

    /** The pages this crawl recorded, in the order they finished (for a resumed state: every run's). */
    List<PageRecord> pages();

    /** URL to the rule that kept it out (for a resumed state: every run's). */
    Map<String, String> excluded();

    /** URLs admitted but not handled: waiting or in flight when the crawl stopped (this process's share). */
    List<String> unfinished();

    /** Makes every record durable and releases the state's resources; the crawl is over. */
    @Override
    void close();
}
