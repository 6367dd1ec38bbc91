package io.github.asyncio4j.crawler;

import java.net.URI;

/**
 * What the crawler needs from HTTP: one GET, awaited inside a task. Redirects come back as responses (status and
 * {@code Location}); the crawler decides what to do with them. Loop-confined, like the tasks that call it.
 */
public interface Fetcher extends AutoCloseable {

    /**
     * GETs {@code url}. Returns the response, whatever its status; throws (anything) when no complete response
     * arrived: a refused or reset connection, a timeout, a malformed response, a body over the size limit.
     */
    FetchResponse fetch(URI url) throws Exception;

    /**
     * GETs {@code url} conditionally ({@code --recrawl}): with {@code If-None-Match: etag} and
     * {@code If-Modified-Since: lastModified} for those that are not null, so that an unchanged page is answered
     * {@code 304 Not Modified}. The default ignores the validators.
     */
    default FetchResponse fetch(URI url, String etag, String lastModified) throws Exception {
        return fetch(url);
    }

    /** Closes pooled connections. */
    @Override
    void close();
}
