package io.github.asyncio4j.http;

import java.net.UnknownHostException;

/**
 * A host name did not resolve: the DNS said it has no address, or the lookup failed. It is an
 * {@link UnknownHostException} (code that handles the JDK's keeps working), with a name of its own so that a
 * crawl's report says "DNS" rather than a bare I/O error. The cause, when there is one, is the lookup's own
 * exception; a failure the client's DNS cache remembers is thrown again as it is.
 */
public final class DnsException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    private final String host;

    /** {@code host} did not resolve, because of {@code cause} (may be null). */
    public DnsException(String host, Throwable cause) {
        super("cannot resolve host '" + host + "'" + (cause == null || cause.getMessage() == null
                || cause.getMessage().equals(host) ? "" : ": " + cause.getMessage()));
        this.host = host;
        initCause(cause);
    }

    /** The name that did not resolve. */
    public String host() {
        return host;
    }
}
