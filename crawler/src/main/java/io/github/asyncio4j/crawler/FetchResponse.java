package io.github.asyncio4j.crawler;

import io.github.asyncio4j.http.Headers;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * A complete HTTP response as the crawler uses it.
 *
 * @param status      the status code
 * @param contentType the media type without parameters, lower case ({@code "text/html"}), or null if none
 * @param charset     the charset the {@code Content-Type} names, or null
 * @param body        the (decoded) body
 * @param location    the {@code Location} header, or null
 * @param retryAfter  the {@code Retry-After} header, or null
 * @param headers     every header field as received (for a {@link Page}; empty if the fetcher keeps none)
 */
public record FetchResponse(int status, String contentType, Charset charset, byte[] body, String location,
                            String retryAfter, Headers headers) {
    /** A response without {@code Retry-After} or header fields. */
    public FetchResponse(int status, String contentType, Charset charset, byte[] body, String location) {
        this(status, contentType, charset, body, location, null, null);
    }

    /** A response without header fields. */
    public FetchResponse(int status, String contentType, Charset charset, byte[] body, String location,
                         String retryAfter) {
        this(status, contentType, charset, body, location, retryAfter, null);
    }

    public FetchResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        contentType = contentType == null ? null : contentType.toLowerCase(Locale.ROOT);
        body = body == null ? new byte[0] : body;
        headers = headers == null ? Headers.empty() : headers;
    }

    /** The same response with {@code body} (null: empty) instead of its own. */
    public FetchResponse withBody(byte[] body) {
        return new FetchResponse(status, contentType, charset, body, location, retryAfter, headers);
    }

    /** The {@code ETag} header, a validator for a conditional re-crawl ({@code --recrawl}), or null. */
    public String etag() {
        return headers.get("ETag");
    }

    /** The {@code Last-Modified} header, the other validator, or null. */
    public String lastModified() {
        return headers.get("Last-Modified");
    }

    /** True for a 3xx with a {@code Location}. */
    public boolean isRedirect() {
        return status >= 300 && status < 400 && location != null;
    }

    /** True when links should be taken from it: a 2xx {@code text/html} page. */
    public boolean isHtml() {
        return status >= 200 && status < 300 && "text/html".equals(contentType);
    }
}
