package io.github.asyncio4j.crawler;

import java.net.URI;

/**
 * What a crawl does with the pages it fetches: a user's {@link #parse} takes each one, picks what it wants
 * ({@link Page#select}), emits items ({@link Page#emit}) and says which links to follow ({@link Page#follow}). A spider
 * follows nothing by itself: {@code page.followAll(page.links())} is what the default spider (the {@code crawl}
 * command's) does.
 *
 * <p>Methods run on the crawl's loop, inside the task that fetched the page: they may {@code await} (an API, a
 * database), and while they do, the crawl's other tasks go on. A spider is shared by the crawl's tasks, which run
 * one at a time on the loop: it needs no locks, but state it keeps across an {@code await} may be seen changed.
 */
public interface Spider {
    /**
     * Takes a fetched page: called for every response that is not a redirect (whatever its status: see
     * {@link Page#status()}). An exception is recorded as the page's error, with its stack, in the report, and the
     * crawl goes on; the items emitted and the requests followed before it stay.
     */
    void parse(Page page) throws Exception;

    /**
     * Whether to fetch {@code url}, asked for every URL followed that the crawl's scope ({@code host}) and
     * {@code --exclude} let through; one it refuses is recorded as excluded by rule {@code spider}. robots.txt
     * is applied later still, when the URL's turn comes (it needs the host's robots.txt).
     */
    default boolean shouldVisit(URI url) {
        return true;
    }

    /**
     * Takes a URL whose fetch failed after every try ({@link Page#status()} 0, {@link Page#error()} says why):
     * a broken-link checker's case. By default, nothing.
     */
    default void failed(Page page) throws Exception {
    }

    /** The {@code crawl} command's spider: follows every in-scope link of every page, emits nothing. */
    static Spider followingLinks() {
        return DefaultSpider.INSTANCE;
    }
}
