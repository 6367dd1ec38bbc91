package io.github.asyncio4j.http;

import io.github.asyncio4j.TimeoutError;
import java.time.Duration;

/**
 * A request took too long; {@link #kind()} says which timeout expired. It is a {@link TimeoutError}, so code that
 * handles asyncio4j timeouts in general handles it too. The connection involved is closed, not reused.
 */
public class HttpTimeoutException extends TimeoutError {
    private static final long serialVersionUID = 1L;

    /** Which timeout expired. */
    public enum Kind {
        /** Opening the connection (TCP connect plus the TLS handshake) took too long. */
        CONNECT,
        /** No bytes arrived from the peer for too long while a response (or request) was expected. */
        READ,
        /** The whole request, from waiting for a pooled connection to the last body byte, took too long. */
        TOTAL
    }

    private final Kind kind;
    private final Duration timeout;

    public HttpTimeoutException(Kind kind, Duration timeout, String what) {
        super(kind.name().toLowerCase(java.util.Locale.ROOT) + " timeout (" + format(timeout) + ") expired "
                + what);
        this.kind = kind;
        this.timeout = timeout;
    }

    public Kind kind() {
        return kind;
    }

    /** The timeout that expired. */
    public Duration timeout() {
        return timeout;
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
