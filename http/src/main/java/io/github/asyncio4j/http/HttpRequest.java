package io.github.asyncio4j.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP request: what a client sends, and what a server's handler receives.
 *
 * <pre>{@code
 * HttpRequest r = HttpRequest.get("https://example.org/a?b=1").withHeader("Accept", "text/html");
 * HttpRequest p = HttpRequest.of("POST", URI.create("http://127.0.0.1:8080/form"), "a=1".getBytes(UTF_8));
 * }</pre>
 *
 * <p>A client request has an absolute {@code http} or {@code https} URI; a request a server received has the
 * request target as sent ({@code /path?query}) and its {@code Host} header among the headers. The method is an
 * upper-cased token. The body array is not copied: do not change it after handing it over.
 *
 * @param method  the method, e.g. {@code GET}
 * @param uri     an absolute URI (client) or the request target (server)
 * @param headers header fields (the client adds {@code Host}, {@code User-Agent}, {@code Accept-Encoding} and
 *                {@code Content-Length} when they are missing)
 * @param body    the body, empty for none
 */
public record HttpRequest(String method, URI uri, Headers headers, byte[] body) {
    private static final byte[] NO_BODY = new byte[0];

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("empty HTTP method");
        }
        for (int i = 0; i < method.length(); i++) {
            if (!Http1.isTokenChar(method.charAt(i))) {
                throw new IllegalArgumentException("invalid character in HTTP method: \"" + method + "\"");
            }
        }
    }

    /** A GET of {@code url}. @throws IllegalArgumentException if it is not a valid URI */
    public static HttpRequest get(String url) {
        return new HttpRequest("GET", URI.create(url), Headers.empty(), NO_BODY);
    }

    /** A HEAD of {@code url}. */
    public static HttpRequest head(String url) {
        return new HttpRequest("HEAD", URI.create(url), Headers.empty(), NO_BODY);
    }

    /** A request with the given method (upper-cased), URI and body, and no headers. */
    public static HttpRequest of(String method, URI uri, byte[] body) {
        return new HttpRequest(method.toUpperCase(Locale.ROOT), uri, Headers.empty(), body);
    }

    /** A copy with one more header field. */
    public HttpRequest withHeader(String name, String value) {
        return new HttpRequest(method, uri, headers.with(name, value), body);
    }

    /** A copy with another body. */
    public HttpRequest withBody(byte[] newBody) {
        return new HttpRequest(method, uri, headers, newBody);
    }

    /** The path of the URI ({@code /} when it has none), without the query. */
    public String path() {
        String p = uri.getPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /**
     * True for a WebSocket opening handshake (RFC 6455 section 4.2.1): a {@code GET} with {@code Upgrade: websocket}
     * and {@code Connection: upgrade}. A server's handler answers it with {@link WebSocket#accept}.
     */
    public boolean isWebSocketUpgrade() {
        return method.equals("GET") && headers.hasToken("Upgrade", "websocket")
                && headers.hasToken("Connection", "upgrade");
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HttpRequest[" + method + " " + uri + ", " + headers + ", " + body.length + " body bytes]";
    }
}
