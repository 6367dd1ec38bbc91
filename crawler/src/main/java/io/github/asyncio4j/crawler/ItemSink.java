package io.github.asyncio4j.crawler;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a crawl's items go ({@link Page#emit}). {@link #write} runs in the task of the page that emitted the item,
 * after the spider's method for it returned, and may {@code await} (a database, an API): the page's task waits for
 * it, so a slow sink slows the crawl instead of piling items up in memory. Items of one page arrive in the order
 * they were emitted; pages' items arrive as the pages finish. Loop thread only.
 */
public interface ItemSink extends AutoCloseable {
    /** Takes one item, as the spider emitted it (a record, a {@code Map}, an object Gson writes). */
    void write(Object item) throws Exception;

    /** Called once, when the crawl is over. */
    @Override
    default void close() throws Exception {
    }

    /**
     * The items as JSON Lines in {@code file} (created or truncated): one JSON object per line, UTF-8, written
     * as they come and flushed after each page's items.
     */
    static ItemSink jsonLines(Path file) {
        return ItemFile.open(file, ItemFile.Format.JSON_LINES, null, 0);
    }

    /**
     * The items as CSV in {@code file} (created or truncated), RFC 4180: a header row of the first item's fields,
     * then a row per item (a field it lacks is empty; a field the header lacks is left out; a nested object or list
     * is written as its JSON), quoted where a value holds a comma, a quote or a line break; lines end in CRLF.
     */
    static ItemSink csv(Path file) {
        return ItemFile.open(file, ItemFile.Format.CSV, null, 0);
    }

    /** The same with the declared {@code columns}, in that order (the header is written at once). */
    static ItemSink csv(Path file, List<String> columns) {
        return ItemFile.open(file, ItemFile.Format.CSV, List.copyOf(columns), 0);
    }
}
