package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LinkScanner} fed block by block finds exactly what a scan of the whole page finds, wherever the page is
 * cut, and keeps only a few bytes between blocks.
 */
class LinkScannerStreamingTest {
    private static final String PAGE = "http://docs.example/dir/page.html";

    /** Every construct whose end a block boundary can cut. */
    private static final String TRICKS = """
            <!DOCTYPE html><html><head><title><a href="in-title">no</a></title>
            <script>var s = "<a href='in-script'>"; if (a<b) {} "</scrip" + "</script"</script >
            <style>a[href="in-style"] {} </STYLE><a href=after-style>s</a>
            <!-- <a href="in-comment"> -- - --> <!--> <a href="after-short-comment">x</a>
            <!---> <a href="after-shortest-comment">x</a> <!-- x --!> <a href=after-bang>x</a>
            <![CDATA[ <a href="in-cdata"> ] ]] ]]> <a href=after-cdata>x</a>
            <?php <a href="in-pi"> ?> </ bogus <a href=in-bogus> > </> <a href=after-bogus>x</a>
            <meta http-equiv=refresh content="0; url='next.html'">
            <base href="/base/"><base href="/ignored/">
            </head><body>
            <A HREF="upper.html">x</A> <a title='a > b' href=quoted-gt.html>x</a>
            <a href = "spaced.html" >x</a> <a href=unquoted.html?x=1&amp;y=2>x</a>
            <a href="dup-first.html" href="dup-second.html">x</a>
            <textarea><a href="in-textarea"></textarea><a href=after-textarea>x</a>
            <a href="caf\u00e9.html">x</a>
            <p>1 < 2 <a href="after-lt.html">x</a> <</p> <!-
            <a href="in-bogus-too.html">x</a>
            <plaintext><a href="in-plaintext">
            """;

    private static LinkScanner.Found streamed(byte[] body, Charset charset, int... cuts) {
        LinkScanner s = new LinkScanner(charset);
        int at = 0;
        for (int cut : cuts) {
            s.feed(body, at, cut - at);
            at = cut;
        }
        s.feed(body, at, body.length - at);
        return s.finish(PAGE);
    }

    private static LinkScanner.Found inBlocks(byte[] body, Charset charset, int size) {
        LinkScanner s = new LinkScanner(charset);
        byte[] block = new byte[size];   // one reused array, as a fetch reads into one
        for (int at = 0; at < body.length; at += size) {
            int n = Math.min(size, body.length - at);
            System.arraycopy(body, at, block, 0, n);
            s.feed(block, 0, n);
            java.util.Arrays.fill(block, (byte) '<');   // the scanner keeps no reference to a fed array
        }
        return s.finish(PAGE);
    }

    @Test
    void theTricksPageCutAtEveryByteAndAtEveryPairOfBytesGivesTheWholePagesLinks() {
        byte[] body = TRICKS.getBytes(StandardCharsets.UTF_8);
        LinkScanner.Found whole = LinkScanner.scan(body, null, PAGE);
        assertThat(whole.links()).contains("http://docs.example/base/after-style",
                        "http://docs.example/base/after-shortest-comment", "http://docs.example/base/after-bang",
                        "http://docs.example/base/after-cdata", "http://docs.example/base/after-bogus",
                        "http://docs.example/base/after-textarea", "http://docs.example/base/caf\u00e9.html")
                .noneMatch(l -> l.contains("in-"));
        assertThat(whole.refresh()).isEqualTo("http://docs.example/base/next.html");
        for (int i = 0; i <= body.length; i++) {
            assertThat(streamed(body, null, i)).as("cut at %d", i).isEqualTo(whole);
        }
        for (int i = 0; i <= body.length; i += 31) {
            for (int j = i; j <= body.length; j++) {
                assertThat(streamed(body, null, i, j)).as("cut at %d and %d", i, j).isEqualTo(whole);
            }
        }
        assertThat(inBlocks(body, null, 1)).isEqualTo(whole);
    }

    @ParameterizedTest
    @ValueSource(strings = {"python/copyright.html", "postgresql/tutorial-join.html", "postgresql/index.html"})
    void realPagesCutAtEveryByteGiveTheWholePagesLinks(String name) throws IOException {
        byte[] body = page(name);
        LinkScanner.Found whole = LinkScanner.scan(body, null, PAGE);
        assertThat(whole.links()).isNotEmpty();
        for (int i = 0; i <= body.length; i++) {
            assertThat(streamed(body, null, i)).as("cut at %d", i).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"python/index.html", "python/asyncio-task.html", "python/genindex-A.html",
            "python/classes.html", "postgresql/index.html", "postgresql/sql-select.html",
            "postgresql/datatype-numeric.html"})
    void realPagesInBlocksOfAnySizeGiveTheWholePagesLinks(String name) throws IOException {
        byte[] body = page(name);
        LinkScanner.Found whole = LinkScanner.scan(body, null, PAGE);
        for (int size : new int[] {1, 2, 3, 5, 64, 1000, 4096, 4097, 10_000, 65_536}) {
            assertThat(inBlocks(body, null, size)).as("blocks of %d", size).isEqualTo(whole);
        }
        Random random = new Random(name.hashCode());
        for (int run = 0; run < 20; run++) {
            int[] cuts = random.ints(8, 0, body.length + 1).sorted().toArray();
            assertThat(streamed(body, null, cuts)).as("cuts %s", java.util.Arrays.toString(cuts)).isEqualTo(whole);
        }
    }

    @Test
    void aByteOrderMarkAndACharsetNamedLaterAreHonouredAcrossBlocks() {
        byte[] bom = ("\uFEFF<a href='caf\u00e9.html'>x</a>").getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = ("<p>" + "x".repeat(100) + "<meta charset=iso-8859-1><a href='caf\u00e9.html'>x</a>")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] wide = "\uFEFF<a href='wide.html'>x</a><a href='caf\u00e9.html'>y</a>".getBytes(StandardCharsets.UTF_16BE);
        for (byte[] body : List.of(bom, latin1, wide)) {
            LinkScanner.Found whole = LinkScanner.scan(body, null, PAGE);
            assertThat(whole.links()).anyMatch(l -> l.contains("caf\u00e9"));
            for (int i = 0; i <= body.length; i++) {
                assertThat(streamed(body, null, i)).as("cut at %d", i).isEqualTo(whole);
            }
        }
        byte[] utf16 = "<a href='wide.html'>x</a>".getBytes(StandardCharsets.UTF_16LE);
        assertThat(inBlocks(utf16, StandardCharsets.UTF_16LE, 3).links())
                .containsExactly("http://docs.example/dir/wide.html");
    }

    @Test
    void betweenBlocksOnlyAFewBytesAreKeptInLongCommentsScriptsAndText() {
        String filler = "x".repeat(10_000);
        byte[] body = ("<p>" + filler + "<!-- " + filler + " --><script>" + filler + "</script>"
                + "<![CDATA[" + filler + "]]><!DOCTYPE " + filler + "><a href=end.html>x</a>")
                .getBytes(StandardCharsets.US_ASCII);
        LinkScanner s = new LinkScanner(null);
        int most = 0;
        for (int at = 0; at < body.length; at += 1000) {
            s.feed(body, at, Math.min(1000, body.length - at));
            most = Math.max(most, s.carried());
        }
        assertThat(s.finish(PAGE).links()).containsExactly("http://docs.example/dir/end.html");
        assertThat(most).isLessThanOrEqualTo(16);
    }

    @Test
    void aTagSpanningManyBlocksIsKeptWholeAndScannedALinearNumberOfTimes() {
        byte[] body = ("<a title='" + "t".repeat(200_000) + "' href=long.html>x</a><a href=next.html>")
                .getBytes(StandardCharsets.US_ASCII);
        LinkScanner.Found whole = LinkScanner.scan(body, null, PAGE);
        assertThat(whole.links()).containsExactly("http://docs.example/dir/long.html",
                "http://docs.example/dir/next.html");
        assertThat(inBlocks(body, null, 100)).isEqualTo(whole);   // 2,000 blocks: quadratic would take long
    }

    @Test
    void aTagCutByABlocksEndIsDecidedWithTheNextBlocksFirstBytesWhateverItsLength() {
        // blocks of 10,000 bytes: each tag below is cut by a block's end; the next block's first 4 KiB decide the
        // short ones (the rest of that block is then scanned in place), not the 6,000-byte one (carried on)
        StringBuilder html = new StringBuilder();
        for (int i = 0; html.length() < 200_000; i++) {
            int pad = Math.floorMod(9_990 - html.length(), 10_000);    // "<a" starts 7 bytes before a block's end
            html.append("<p>").append("x".repeat(pad)).append("<a href=cut").append(i)
                    .append(".html title='").append(i % 3 == 0 ? "t".repeat(6_000) : "t").append("'>a</a>");
        }
        byte[] body = html.toString().getBytes(StandardCharsets.US_ASCII);
        LinkScanner.Found whole = LinkScanner.scan(body, null, PAGE);
        assertThat(whole.links()).hasSizeGreaterThan(15)
                .allMatch(l -> l.matches("http://docs.example/dir/cut\\d+\\.html"));
        for (int size : new int[] {4097, 9_999, 10_000, 10_001, 65_536}) {
            assertThat(inBlocks(body, null, size)).as("blocks of %d", size).isEqualTo(whole);
        }
    }

    private static byte[] page(String name) throws IOException {
        try (InputStream in = LinkScannerStreamingTest.class.getResourceAsStream("/pages/" + name)) {
            return in.readAllBytes();
        }
    }
}
