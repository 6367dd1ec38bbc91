package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpRequest;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpVersion;
import io.github.asyncio4j.http.StreamedResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The crawler's {@link Fetcher} on asyncio4j's {@link HttpClient}: keep-alive connections pooled per host (as
 * many as the crawl can use at once), the crawl's timeout for connecting, for each read and for the whole request,
 * and a bound on body size. Bodies are streamed: the crawler takes them block by block ({@link Fetcher.BodySink})
 * and nothing here holds one whole unless asked to. With a {@link WarcRecorder}, every response is also handed to
 * it with its request (and a redirect's target), its body written as it arrives, and every attempt that got no
 * response with its error.
 */
public final class HttpFetcher implements Fetcher {
    /** The default bound on a body, after decoding. */
    public static final long DEFAULT_MAX_BODY = 10L << 20;
    /** What the client asks for unless told otherwise (see {@link HttpClient}). */
    private static final String ACCEPT_ENCODING = "gzip, deflate, br, zstd";

    /**
     * Set by the launcher when the crawler's JVM runs without C2 ({@code -XX:TieredStopAtLevel=1}): TLS then offers
     * ChaCha20-Poly1305 first, which C1-compiled code decrypts about three times faster than AES-GCM (whose fast
     * path is a C2 intrinsic). Python docs over HTTPS on loopback, loaded machine, three interleaved runs each:
     * 5.2 -> 3.3 s of CPU. The client applies it to the JDK's engine only ({@link NativeTls}'s BoringSSL decrypts
     * AES-GCM faster).
     */
    static final String PREFER_CHACHA20 = "asyncio4j.crawler.preferChaCha20";
    static final String[] CHACHA20_SUITES = {"TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    /** The most of a body read at a time. */
    static final int READ = 16 * 1024;

    /**
     * Read buffers given back by finished fetches, for the next ones (loop-confined, like the fetcher): at most one
     * per fetch in flight. A buffer per fetch would be garbage that lives as long as a page streams in, which the
     * young generation promotes.
     */
    private final java.util.ArrayDeque<byte[]> buffers = new java.util.ArrayDeque<>();
    private final HttpClient client;
    private final String userAgent;
    private final WarcRecorder recorder;

    public HttpFetcher(CrawlConfig config) {
        this(config, DEFAULT_MAX_BODY);
    }

    public HttpFetcher(CrawlConfig config, long maxBodyBytes) {
        this(config, maxBodyBytes, null);
    }

    /** A fetcher that also hands every exchange to {@code recorder} (null for none). */
    HttpFetcher(CrawlConfig config, long maxBodyBytes, WarcRecorder recorder) {
        this(config, maxBodyBytes, recorder, null);
    }

    /**
     * A fetcher that also hands every exchange to {@code recorder} (null for none) and speaks TLS with {@code ssl}
     * (null: the JVM's default context).
     */
    HttpFetcher(CrawlConfig config, long maxBodyBytes, WarcRecorder recorder, SSLContext ssl) {
        client = HttpClient.builder()
                .sslContext(ssl)
                .maxConnections(config.connectionLimit())
                .connectTimeout(config.timeout())
                .readTimeout(config.timeout())
                .totalTimeout(config.timeout())
                .maxConnectionsPerHost(config.perHost() > 0 ? config.perHost() : config.maxTasks())
                .maxBodySize(maxBodyBytes)
                .userAgent(config.userAgent())
                .preferredCipherSuites(Boolean.getBoolean(PREFER_CHACHA20) ? CHACHA20_SUITES : new String[0])
                .version(config.http2() ? HttpVersion.AUTO : HttpVersion.HTTP_1_1)
                .build();
        this.userAgent = config.userAgent();
        this.recorder = recorder;
    }

    @Override
    public FetchResponse fetch(URI url) {
        return fetch(url, null, null);
    }

    @Override
    public FetchResponse fetch(URI url, String etag, String lastModified) {
        return fetch(url, etag, lastModified, head -> null);
    }

    /**
     * Streams the body ({@link HttpClient#stream}) to the sink {@code sinks} gives for the head, a block of at most
     * {@link #READ} bytes at a time, and to the WARC record's {@link WarcRecorder.Payload}, over HTTP/1.1 and
     * HTTP/2 alike.
     */
    @Override
    public FetchResponse fetch(URI url, String etag, String lastModified,
                               Function<FetchResponse, BodySink> sinks) {
        Instant date = Instant.now();
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.get(url.toString());
        if (etag != null) {
            request = request.withHeader("If-None-Match", etag);
        }
        if (lastModified != null) {
            request = request.withHeader("If-Modified-Since", lastModified);
        }
        WarcRecorder.Payload payload = null;
        try {
            HttpResponse head;
            BodySink sink;
            ByteArrayOutputStream whole = null;
            try (StreamedResponse r = await(client.stream(request))) {
                head = r.head();
                sink = sinks.apply(response(head, null));
                if (sink == null) {
                    whole = new ByteArrayOutputStream();
                    sink = whole::write;
                }
                payload = recorder == null ? null : recorder.payload();
                byte[] buffer = buffers.isEmpty() ? new byte[READ] : buffers.pop();
                for (int n; (n = await(r.readInto(buffer, 0, buffer.length))) >= 0; ) {
                    if (payload != null) {
                        payload.write(buffer, 0, n);
                    }
                    sink.write(buffer, 0, n);
                }
                buffers.push(buffer);   // not after a failure (a read may have been cut off mid-copy)
            }
            return recorded(url, date, etag, lastModified, head,
                    response(head, whole == null ? null : whole.toByteArray()), payload);
        } catch (Throwable e) {
            if (payload != null && !payload.handedOver()) {
                try {
                    payload.discard();
                } catch (RuntimeException d) {
                    e.addSuppressed(d);
                }
            }
            if (recorder != null && e instanceof Exception) {   // CancelledError is an Error: a stop is no failure
                recorder.record(new WarcRecorder.Failure(url, date, ErrorText.of(e),
                        (System.nanoTime() - start) / 1_000_000));
            }
            throw e;
        }
    }

    /** {@code r}'s head with {@code body} (null: empty). */
    private static FetchResponse response(HttpResponse r, byte[] body) {
        return new FetchResponse(r.status(), r.contentType(), r.charset(), body, r.location(),
                r.header("Retry-After"), r.headers());
    }

    /** Hands the exchange to the WARC recorder, if any, and returns {@code response}. */
    private FetchResponse recorded(URI url, Instant date, String etag, String lastModified, HttpResponse head,
                                   FetchResponse response, WarcRecorder.Payload payload) {
        if (recorder != null) {
            URI redirectTo = response.isRedirect() ? Urls.resolve(url, head.location()) : null;
            recorder.record(new WarcRecorder.Exchange(url, date, requestHead(url, etag, lastModified),
                    responseHead(head, payload.length()), payload, redirectTo));
        }
        return response;
    }

    /**
     * The request head {@link HttpClient} sends for a GET of {@code url} with no fields of its own but the
     * validators (each null for none).
     */
    private byte[] requestHead(URI url, String etag, String lastModified) {
        URI uri = URI.create(url.toASCIIString());
        String path = uri.getRawPath();
        String target = (path == null || path.isEmpty() ? "/" : path)
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        String host = uri.getHost().indexOf(':') >= 0 ? "[" + uri.getHost() + "]" : uri.getHost();
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        StringBuilder head = new StringBuilder(256).append("GET ").append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(defaultPort ? host : host + ":" + port).append("\r\n");
        if (userAgent != null) {
            head.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        head.append("Accept-Encoding: ").append(ACCEPT_ENCODING).append("\r\n");
        if (etag != null) {
            head.append("If-None-Match: ").append(etag).append("\r\n");
        }
        if (lastModified != null) {
            head.append("If-Modified-Since: ").append(lastModified).append("\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The response's head as an HTTP message's: status line and fields as received, with the framing fields
     * ({@code Transfer-Encoding}, {@code Content-Encoding}, {@code Content-Length}) replaced by the
     * {@code Content-Length} of the decoded body, {@code length} bytes; then the blank line.
     */
    static byte[] responseHead(HttpResponse r, long length) {
        StringBuilder head = new StringBuilder(512).append(r.version()).append(' ').append(r.status());
        head.append(' ').append(r.reason()).append("\r\n");
        for (Map.Entry<String, String> f : r.headers()) {
            String name = f.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("transfer-encoding") && !name.equals("content-encoding")
                    && !name.equals("content-length")) {
                head.append(f.getKey()).append(": ").append(f.getValue()).append("\r\n");
            }
        }
        head.append("Content-Length: ").append(length).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        client.close();
    }
}
