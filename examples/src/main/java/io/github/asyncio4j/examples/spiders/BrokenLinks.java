package io.github.asyncio4j.examples.spiders;

import io.github.asyncio4j.crawler.Page;
import io.github.asyncio4j.crawler.Request;
import io.github.asyncio4j.crawler.Spider;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A broken-link checker: for each page, the links on it (in the crawl's scope) that end in a 4xx or 5xx status,
 * after redirects, or that fail (no response):
 * {@code ./asyncio4j spider examples/src/main/java/io/github/asyncio4j/examples/spiders/BrokenLinks.java
 * --output broken.csv https://example.com/}.
 *
 * <p>A URL is fetched once however many pages link to it, so the spider remembers which pages link where
 * ({@code referrers}) until the link's fate is known, and which links were broken ({@code broken}) for the pages
 * found later. A link that redirects is judged by where it ends: each link is followed with its own URL in the
 * request's metadata ({@code link}), which travels through redirects to the page that ends it. The spider's maps
 * need no locks: its methods run on the crawl's loop.
 */
public class BrokenLinks implements Spider {
    /** A link on {@code page} to {@code link} that ended in {@code status} (0: no response, {@code error} why). */
    public record BrokenLink(String page, String link, int status, String error) {
    }

    private static final String LINK = "link";
    /** Link to the pages that link to it, while its fate is not known. */
    private final Map<URI, List<URI>> referrers = new HashMap<>();
    /** Broken link to its status and error. */
    private final Map<URI, BrokenLink> broken = new HashMap<>();

    @Override
    public void parse(Page page) {
        if (page.status() >= 400) {
            judged(page, new BrokenLink(null, link(page).toString(), page.status(), null));
            return;
        }
        referrers.remove(link(page));     // it works: forget who linked to it
        for (URI link : page.links()) {
            BrokenLink b = broken.get(link);
            if (b != null) {
                page.emit(new BrokenLink(page.url().toString(), b.link(), b.status(), b.error()));
            } else if (!link.equals(page.url())) {
                referrers.computeIfAbsent(link, k -> new ArrayList<>()).add(page.url());
            }
        }
        for (URI link : page.links()) {
            page.follow(new Request(link, null, Map.of(LINK, link.toString())));
        }
    }

    @Override
    public void failed(Page page) {
        judged(page, new BrokenLink(null, link(page).toString(), 0, page.error()));
    }

    /** The link that led to {@code page}: before any redirect. */
    private static URI link(Page page) {
        String link = page.request().meta().get(LINK);
        return link != null ? URI.create(link) : page.request().url();
    }

    private void judged(Page page, BrokenLink link) {
        URI url = link(page);
        broken.put(url, link);
        for (URI from : referrers.getOrDefault(url, List.of())) {
            page.emit(new BrokenLink(from.toString(), link.link(), link.status(), link.error()));
        }
        referrers.remove(url);
    }
}
