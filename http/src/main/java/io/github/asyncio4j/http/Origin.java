package io.github.asyncio4j.http;

import java.net.URI;
import java.util.Locale;

/**
 * Where a request goes: scheme ({@code http} or {@code https}), lower-cased host and port (the scheme's default
 * when the URI has none). The connection pool keeps one set of connections per origin.
 *
 * <p>{@link #equals} and {@link #hashCode} are written out: a record's generated ones are linked through
 * {@code invokedynamic} at their first call, which the crawler's AOT cache cannot hold (~10 ms of every crawl's
 * start-up, on the connection pool's first lookup).
 */
public record Origin(String scheme, String host, int port) {

    /** The origin of an absolute {@code http}/{@code https} URI. @throws IllegalArgumentException otherwise */
    public static Origin of(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException("not an absolute URL (no scheme): " + uri);
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("unsupported URL scheme \"" + scheme + "\" (http or https): " + uri);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URL has no host: " + uri);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Origin(scheme, host.toLowerCase(Locale.ROOT), port);
    }

    public boolean isHttps() {
        return scheme.equals("https");
    }

    /** The {@code Host} header value: the host, plus the port when it is not the scheme's default. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = port == (isHttps() ? 443 : 80);
        return defaultPort ? h : h + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Origin other && port == other.port && host.equals(other.host)
                && scheme.equals(other.scheme);
    }

    @Override
    public int hashCode() {
        return (scheme.hashCode() * 31 + host.hashCode()) * 31 + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader();
    }
}
