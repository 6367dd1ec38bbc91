package io.github.asyncio4j.crawler;

import java.net.URI;
import java.util.function.Function;

/**
 * What the crawler needs from HTTP: one GET, awaited inside a task. Redirects come back as responses (status and
 * {@code Location}); the crawler decides what to do with them. Loop-confined, like the tasks that call it.
 */
public interface Fetcher extends AutoCloseable {

    /**
     * Takes a response's (decoded) body block by block as it arrives ({@link #fetch(URI, String, String, Function)}).
     * A block is the fetcher's buffer: read it during the call, do not keep it. A write may await (it runs in the
     * fetching task); what it throws fails the fetch.
     */
    interface BodySink {
        void write(byte[] block, int offset, int length);
    }

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

    /**
     * GETs {@code url} as {@link #fetch(URI, String, String)} does, but the body goes to the sink that
     * {@code sinks} gives for the response's head (the response with an empty body), block by block as it arrives,
     * and is not kept: the response returned has an empty body. When {@code sinks} gives null, the body is kept
     * and returned as by {@link #fetch(URI, String, String)}. Fails as that method does, and with what a write
     * throws. The default fetches the whole body and writes it in one block; {@link HttpFetcher} streams it, so
     * that a page's size costs the sink's memory, not the page's.
     */
    default FetchResponse fetch(URI url, String etag, String lastModified, Function<FetchResponse, BodySink> sinks)
            throws Exception {
        FetchResponse whole = fetch(url, etag, lastModified);
        BodySink sink = sinks.apply(whole.withBody(null));
        if (sink == null) {
            return whole;
        }
        sink.write(whole.body(), 0, whole.body().length);
        return whole.withBody(null);
    }

    /** Closes pooled connections. */
    @Override
    void close();
}
