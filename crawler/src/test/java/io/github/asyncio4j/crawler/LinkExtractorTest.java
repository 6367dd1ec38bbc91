package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A page's links as the extraction threads hand them to the loop: normalised text, each once, in page order. */
class LinkExtractorTest {
    private static LinkExtractor.PageLinks links(String html) {
        return LinkExtractor.extractHere(html.getBytes(StandardCharsets.UTF_8), null,
                URI.create("http://docs.test/dir/page.html"));
    }

    @Test
    void linksAreNormalisedTextEachOnceInPageOrderAndTheOthersRejectedByRule() {
        LinkExtractor.PageLinks found = links("<a href='b.html'>b</a><a href='HTTP://Docs.Test:80/a.html'>A</a>"
                + "<a href='/a.html#top'>a</a><a href='b.html?'>b?</a><a href='mailto:someone@docs.test'>m</a>"
                + "<a href='../dir/./c.html'>c</a><a href='c.html'>c again</a>");
        // "HTTP://Docs.Test:80/a.html" and "b.html?" are normalised to links already found, "/a.html" and "b.html"
        assertThat(found.crawlable()).containsExactly("http://docs.test/dir/b.html", "http://docs.test/a.html",
                "http://docs.test/dir/c.html");
        assertThat(found.rejected()).containsExactly(java.util.Map.entry("mailto:someone@docs.test", "scheme"));
        assertThat(found.refresh()).isNull();
        for (String link : found.crawlable()) {
            assertThat(Urls.normalize(link)).hasToString(link);     // what the loop makes a URI of is normal
        }
    }

    @Test
    void aFollowedLinkThatIsNormalAlreadyIsTheSameUriAndAnyOtherIsNormalised() {
        URI normal = URI.create("http://docs.test/dir/b.html");
        assertThat(Urls.normalize(normal)).isSameAs(normal);
        assertThat(Urls.normalize(URI.create("HTTP://Docs.Test:80/dir/./b.html#x"))).isEqualTo(normal);
        assertThat(Urls.normalize(URI.create("http://docs.test/dir/b.html#x"))).isEqualTo(normal);
    }
}
