package io.github.asyncio4j.crawler;

/** How the crawler writes an exception on one line: in page records, WARC metadata and its one-line errors. */
final class ErrorText {
    private ErrorText() {
    }

    /** {@code e}'s simple class name, then the first line of its message if it has one: never a line break. */
    static String of(Throwable e) {
        String m = e.getMessage();
        int nl = m == null ? -1 : m.indexOf('\n');
        String first = m == null ? "" : (nl < 0 ? m : m.substring(0, nl)).strip();
        return e.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }
}
