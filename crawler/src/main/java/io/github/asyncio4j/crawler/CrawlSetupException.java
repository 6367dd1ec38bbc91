package io.github.asyncio4j.crawler;

/**
 * A crawl that cannot start as asked, for a reason the user can fix (a {@code --state} made by another crawl, a
 * locked or corrupted state, an output that cannot be written, an unreachable frontier): the command prints
 * {@code crawl: MESSAGE} on one line, with no stack trace, and exits with 2.
 */
public final class CrawlSetupException extends RuntimeException {
    /** A refusal; {@code message} is the line printed after {@code crawl: }. */
    public CrawlSetupException(String message) {
        super(message);
    }

    /** A refusal caused by {@code cause} (kept for debugging; not printed). */
    public CrawlSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
