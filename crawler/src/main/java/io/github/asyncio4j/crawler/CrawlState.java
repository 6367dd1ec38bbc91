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

    /** A URL to fetch, how many more redirects may be followed from it, and its depth (links from a root). */
    record Item(URI url, int redirectsLeft, int depth) {
    }

    /** What {@link #add} did. */
    enum Admission {
        /** New: now waiting. */
        ADDED,
        /** Seen before (waiting, in flight or done): nothing changed. */
        SEEN,
        /** New, but the crawl has admitted {@code maxPages} URLs already: not added. */
        FULL
    }

    /** True if {@code url} was ever admitted (by this process or, for a shared state, any other). */
    boolean isSeen(String url);

    /** Admits {@code item} unless it was seen or {@code maxPages} URLs were admitted already. */
    Admission add(Item item, long maxPages);

    /**
     * The next URL to handle, now in flight; waits while the frontier is empty but URLs are in flight (they may
     * add more). Returns null when the crawl is complete: nothing waiting and nothing in flight, anywhere.
     */
    Item claim();

    /** {@code item} is handled: fetched or failed, as {@code page} says. */
    void done(Item item, PageRecord page);

    /** {@code item} is handled: kept out after it was admitted, by {@code rule} (robots.txt). */
    void refused(Item item, String rule);

    /**
     * For a state shared by processes: waits for one of the {@code limit} request slots of host {@code authority}
     * that all of them share, and returns what gives it back. Null (the default) when this process's own limit is
     * the whole limit.
     */
    default Runnable holdHost(String authority, int limit) {
        return null;
    }

    /**
     * For a state shared by processes: waits until a request to host {@code authority} may start, at least
     * {@code delay} seconds after the last one any of them started, claims that start, and returns true. False
     * (the default, without waiting) when this process's own pacing ({@link HostPacer}) is the whole pacing.
     */
    default boolean awaitHostTurn(String authority, double delay) {
        return false;
    }

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
