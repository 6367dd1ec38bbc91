package io.github.asyncio4j.crawler;

import crawlercommons.filters.basic.BasicURLNormalizer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * URL normalisation, so each page is fetched once: scheme and host in lower case, the default port dropped, dot
 * segments resolved, the fragment dropped, percent-encoding made canonical (crawler-commons' normaliser).
 */
final class Urls {
    private static final BasicURLNormalizer NORMALIZER = new BasicURLNormalizer();

    private Urls() {
    }

    /** The normalised form of an absolute URL, or null if it cannot be parsed. Any scheme is accepted. */
    static URI normalize(String absolute) {
        String n = NORMALIZER.filter(absolute.strip());
        if (n == null) {
            return null;
        }
        try {
            URI u = new URI(n);
            return u.isAbsolute() ? u : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** {@code href} resolved against {@code base} and normalised, or null if it cannot be parsed. */
    static URI resolve(URI base, String href) {
        try {
            return normalize(base.resolve(href.strip()).toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True for http and https. */
    static boolean isCrawlable(URI u) {
        String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return (s.equals("http") || s.equals("https")) && u.getHost() != null;
    }

    /** {@code scheme://host[:port]}: the key for robots.txt. */
    static String origin(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority();
    }
}
