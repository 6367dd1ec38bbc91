package io.github.asyncio4j.crawler;

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
 * @param etag        the {@code ETag} header (a validator for a conditional re-crawl), or null
 * @param lastModified the {@code Last-Modified} header (the same), or null
 */
public record FetchResponse(int status, String contentType, Charset charset, byte[] body, String location,
                            String retryAfter, String etag, String lastModified) {
    /** A response without {@code Retry-After} nor validators. */
    public FetchResponse(int status, String contentType, Charset charset, byte[] body, String location) {
        this(status, contentType, charset, body, location, null);
    }

    /** A response without validators. */
    public FetchResponse(int status, String contentType, Charset charset, byte[] body, String location,
                         String retryAfter) {
        this(status, contentType, charset, body, location, retryAfter, null, null);
    }

    public FetchResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        contentType = contentType == null ? null : contentType.toLowerCase(Locale.ROOT);
        body = body == null ? new byte[0] : body;
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
