package io.github.asyncio4j.crawler;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A URL a spider asks the crawl to fetch, with a {@code label} that routes it (the spider's {@code parse} looks at
 * {@code page.request().label()}) and metadata that travel with it to the page it leads to, through redirects (a
 * redirect's target is fetched as a request with the same label and metadata). Both are kept with the URL in the
 * crawl's state ({@code --state}, {@code --frontier}): a resumed crawl has them. Equal requests have the same URL,
 * label and metadata; {@link #depth()} is not compared.
 *
 * @param url   the URL (resolved against the page when followed from one, then normalised by the crawl)
 * @param label a name the spider routes on, or null
 * @param meta  the spider's own key-value pairs (unmodifiable, in the order they were added)
 * @param depth links from a root: known on the request a {@link Page} returns, {@code -1} on one not yet crawled
 */
public record Request(URI url, String label, Map<String, String> meta, int depth) {
    public Request {
        Objects.requireNonNull(url, "url");
        meta = meta == null || meta.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy(meta));
        if (depth < -1) {
            throw new IllegalArgumentException("depth cannot be below -1: " + depth);
        }
    }

    /** A request not yet crawled: its depth is {@code -1} until the crawl admits it. */
    public Request(URI url, String label, Map<String, String> meta) {
        this(url, label, meta, -1);
    }

    /**
     * A request for {@code url}, without label or metadata.
     * @throws IllegalArgumentException naming {@code url} if it is not a URI
     */
    public static Request of(String url) {
        Objects.requireNonNull(url, "url");
        try {
            return new Request(URI.create(url.strip()), null, Map.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: '" + url + "' (" + e.getMessage() + ")", e);
        }
    }

    /** This request with {@code label} (null for none). */
    public Request withLabel(String label) {
        return new Request(url, label, meta, depth);
    }

    /** This request with {@code key} set to {@code value} in its metadata (neither may be null). */
    public Request withMeta(String key, String value) {
        Objects.requireNonNull(key, "meta key");
        Objects.requireNonNull(value, "meta value");
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put(key, value);
        return new Request(url, label, m, depth);
    }

    /** The same label and metadata for another URL, at {@code depth}. */
    Request at(URI otherUrl, int atDepth) {
        return new Request(otherUrl, label, meta, atDepth);
    }

    private static Map<String, String> copy(Map<String, String> meta) {
        Map<String, String> m = new LinkedHashMap<>();
        meta.forEach((k, v) -> m.put(Objects.requireNonNull(k, "meta key"), Objects.requireNonNull(v, "meta value")));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Request r && url.equals(r.url) && Objects.equals(label, r.label) && meta.equals(r.meta);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, label, meta);
    }
}
