package io.github.asyncio4j.crawler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Link extraction from an HTML page with jsoup's DOM: {@code a[href]} and {@code area[href]}, resolved against the
 * page's URL or its {@code <base href>}. Undecodable bytes become replacement characters, never an error. The
 * crawler uses the streaming {@link LinkScanner}; this is its reference: {@code LinkScannerTest} holds the two to the
 * same links, and the bench measures one against the other.
 */
final class Links {
    private static final Evaluator LINKS = QueryParser.parse("a[href], area[href]");

    private Links() {
    }

    /** The absolute URLs the page links to, in document order, without duplicates; not yet normalised. */
    static Set<String> extract(byte[] body, Charset charset, String pageUrl) {
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(body), charset == null ? null : charset.name(), pageUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // reading a byte array does not fail
        }
        Set<String> links = new LinkedHashSet<>();
        for (Element a : doc.select(LINKS)) {
            String abs = a.absUrl("href");
            if (!abs.isEmpty()) {
                links.add(abs);
            }
        }
        return links;
    }
}
