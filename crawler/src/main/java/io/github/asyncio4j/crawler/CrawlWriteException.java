package io.github.asyncio4j.crawler;

/**
 * A crawl's own records could not be written mid-crawl (its {@code --state} database or its {@code --warc} file:
 * a full disk, a file deleted or locked, an I/O error): the crawl ends, the command prints {@code crawl: MESSAGE}
 * on one line, with no stack trace, and exits with 1. What was written before stays: a {@code --state} crawl
 * resumes from it when the same command runs again.
 */
public final class CrawlWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} is the line printed after {@code crawl: }; {@code cause} is kept for debugging. */
    public CrawlWriteException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first {@code CrawlWriteException} in {@code e}, its causes and, for a group, its members; else null. */
    static CrawlWriteException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CrawlWriteException w) {
                return w;
            }
            if (t instanceof io.github.asyncio4j.ExceptionGroup g) {
                for (Throwable member : g.exceptions()) {
                    CrawlWriteException w = in(member);
                    if (w != null) {
                        return w;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
