package io.github.asyncio4j.crawler;

/** How the crawler writes an exception on one line: in page records, WARC metadata and its one-line errors. */
final class ErrorText {
    /** All that BoringSSL's engine ({@link NativeTls}) says of a failed handshake: the reason is its cause. */
    private static final String OPENSSL_GENERIC = "General OpenSslEngine problem";

    private ErrorText() {
    }

    /**
     * {@code e}'s simple class name, then the first line of its message if it has one: never a line break. For
     * BoringSSL's generic handshake failure, its cause's text in place of the message (say, the trust manager's
     * {@code CertificateException: No subject alternative names matching ...}).
     */
    static String of(Throwable e) {
        String m = e.getMessage();
        int nl = m == null ? -1 : m.indexOf('\n');
        String first = m == null ? "" : (nl < 0 ? m : m.substring(0, nl)).strip();
        if (first.equals(OPENSSL_GENERIC) && e.getCause() != null) {
            return e.getClass().getSimpleName() + ": " + of(e.getCause());
        }
        return e.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }
}
