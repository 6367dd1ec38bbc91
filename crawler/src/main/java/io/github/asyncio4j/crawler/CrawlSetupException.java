package io.github.asyncio4j.crawler;

/**
 * A crawl that cannot start as asked, for a reason the user can fix (a {@code --state} made by another crawl, a
 * locked or corrupted state, an output that cannot be written, an unreachable frontier): the command prints
 * {@code crawl: MESSAGE} on one line, with no stack trace, and exits with 2.
 */
public final class CrawlSetupException extends RuntimeException {
    public CrawlSetupException(String message) {
        super(message);
    }

    public CrawlSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
