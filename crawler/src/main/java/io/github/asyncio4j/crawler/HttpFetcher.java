package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpResponse;
import java.net.URI;

/**
 * The crawler's {@link Fetcher} on asyncio4j's {@link HttpClient}: keep-alive connections pooled per host (as
 * many as the crawl can use at once), the crawl's timeout for connecting, for each read and for the whole request,
 * and a bound on body size.
 */
public final class HttpFetcher implements Fetcher {
    /** The default bound on a body, after decoding. */
    public static final long DEFAULT_MAX_BODY = 10L << 20;

    private final HttpClient client;

    public HttpFetcher(CrawlConfig config) {
        this(config, DEFAULT_MAX_BODY);
    }

    public HttpFetcher(CrawlConfig config, long maxBodyBytes) {
        client = HttpClient.builder()
                .connectTimeout(config.timeout())
                .readTimeout(config.timeout())
                .totalTimeout(config.timeout())
                .maxConnectionsPerHost(config.perHost() > 0 ? config.perHost() : config.maxTasks())
                .maxBodySize(maxBodyBytes)
                .userAgent(config.userAgent())
                .build();
    }

    @Override
    public FetchResponse fetch(URI url) {
        HttpResponse r = await(client.get(url.toString()));
        return new FetchResponse(r.status(), r.contentType(), r.charset(), r.body(), r.location());
    }

    @Override
    public void close() {
        client.close();
    }
}
