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
        String plain = alreadyNormal(absolute);
        if (plain != null) {
            return URI.create(plain);
        }
        return normalizeFully(absolute);
    }

    /**
     * {@code url} itself when it is in its normal form already (a link a page gave, say), else {@link #normalize} of
     * its text: a followed link is not parsed a second time.
     */
    static URI normalize(URI url) {
        String text = url.toString();
        return alreadyNormal(text) == text ? url : normalize(text);
    }

    /** {@link #normalize} by crawler-commons' normaliser alone (the fast path's reference, in tests). */
    static URI normalizeFully(String absolute) {
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

    /**
     * The fast path of {@link #normalize}: {@code url} without its fragment when that is already its normal form (most
     * links on most sites are), else null. Normal here: {@code http} or {@code https} in lower case, a lower-case
     * host of letters, digits, '-' and '.', no port or a non-default one, a path starting with '/' without dot
     * segments or empty segments, and nothing in the path or query but unreserved characters and
     * {@code / ? = & + , ; :}: nothing the normaliser would change. A URL without a fragment is returned itself.
     */
    static String alreadyNormal(String url) {
        int hostStart = url.startsWith("http://") ? 7 : url.startsWith("https://") ? 8 : -1;
        if (hostStart < 0) {
            return null;
        }
        int n = url.indexOf('#');
        n = n < 0 ? url.length() : n;
        int i = hostStart;
        while (i < n && (isLowerAlnum(url.charAt(i)) || url.charAt(i) == '-' || url.charAt(i) == '.')) {
            i++;
        }
        if (i == hostStart || url.charAt(i - 1) == '.' || url.charAt(hostStart) == '.') {
            return null;
        }
        if (i < n && url.charAt(i) == ':') {
            int portStart = ++i;
            while (i < n && url.charAt(i) >= '0' && url.charAt(i) <= '9') {
                i++;
            }
            String port = url.substring(portStart, i);
            if (port.isEmpty() || port.length() > 5 || port.charAt(0) == '0'
                    || port.equals(hostStart == 7 ? "80" : "443")) {
                return null;
            }
        }
        if (i >= n || url.charAt(i) != '/') {
            return null;
        }
        boolean inQuery = false;
        for (int j = i; j < n; j++) {
            char c = url.charAt(j);
            if (c == '?') {
                if (inQuery || j == n - 1) {
                    return null;
                }
                inQuery = true;
            } else if (c == '/') {
                if (!inQuery && j + 1 < n && (url.charAt(j + 1) == '/' || url.charAt(j + 1) == '.'
                        && (j + 2 == n || "/.?".indexOf(url.charAt(j + 2)) >= 0))) {
                    return null;    // "//", "/.", "/./", "/..": the normaliser's business
                }
            } else if (!(isLowerAlnum(c) || c >= 'A' && c <= 'Z' || "-._~=&+,;:".indexOf(c) >= 0)) {
                return null;
            }
        }
        return url.substring(0, n);
    }

    private static boolean isLowerAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
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
