package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The streaming {@link LinkScanner} finds exactly the links jsoup's DOM ({@link Links}) finds. */
class LinkScannerTest {
    private static final String PAGE = "http://docs.example/dir/page.html";

    @ParameterizedTest
    @ValueSource(strings = {"python/index.html", "python/asyncio-task.html", "python/genindex-A.html",
            "python/classes.html", "python/copyright.html", "postgresql/index.html", "postgresql/sql-select.html",
            "postgresql/datatype-numeric.html", "postgresql/tutorial-join.html"})
    void realPagesGiveTheLinksOfJsoupsDom(String name) throws IOException {
        byte[] body;
        try (InputStream in = LinkScannerTest.class.getResourceAsStream("/pages/" + name)) {
            body = in.readAllBytes();
        }
        String url = "http://127.0.0.1:8080/docs/" + name;
        List<String> dom = withoutFragments(Links.extract(body, null, url));
        List<String> scanned = new ArrayList<>(LinkScanner.scan(body, null, url).links());
        assertThat(scanned).isNotEmpty().containsExactlyElementsOf(dom);
    }

    @Test
    void tricksOfTheTokenizerAgreeWithJsoup() {
        String html = """
                <!DOCTYPE html><html><head><title><a href="in-title">no</a></title>
                <script>var s = "<a href='in-script'>"; if (a<b) {}</script>
                <style>a[href="in-style"] {}</style>
                <!-- <a href="in-comment"> --> <!--> <a href="after-short-comment">x</a>
                <?php <a href="in-pi"> ?>
                </head><body>
                <A HREF="upper.html">x</A>
                <a title='a > b' href=quoted-gt.html>x</a>
                <a href = "spaced.html" >x</a>
                <a href=unquoted.html?x=1&amp;y=2>x</a>
                <a href="dup-first.html" href="dup-second.html">x</a>
                <a href="amp.html?a=1&copy=2&lt;">x</a>
                <a href="&#x2F;hex&#47;dec">x</a>
                <a href="#frag">x</a><a href="">empty</a><a href>novalue</a>
                <a href="  spaced-value.html  ">x</a>
                <a href="mailto:x@example.com">x</a><a href="javascript:void(0)">x</a>
                <a href="//other.example/p">x</a><a href="../up.html">x</a><a href="?q=1">x</a>
                <area shape=rect href="area.html"><a name="x">no href</a>
                <textarea><a href="in-textarea"></textarea>
                <svg><a href="svg-link.html">x</a></svg>
                <a href="line
                break.html">x</a>
                <a href="caf\u00e9.html">x</a>
                <p>1 < 2 <a href="after-lt.html">x</a></p>
                <a href="last.html"
                """;
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        assertThat(new ArrayList<>(LinkScanner.scan(body, StandardCharsets.UTF_8, PAGE).links()))
                .containsExactlyElementsOf(withoutFragments(Links.extract(body, StandardCharsets.UTF_8, PAGE)))
                .contains("http://docs.example/dir/upper.html", "http://docs.example/dir/quoted-gt.html",
                        "http://docs.example/dir/unquoted.html?x=1&y=2", "http://docs.example/hex/dec",
                        "http://docs.example/dir/area.html")
                .noneMatch(l -> l.contains("in-"));
    }

    /** jsoup's links as the scanner gives them: fragments dropped, then duplicates. */
    private static List<String> withoutFragments(java.util.Collection<String> links) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String l : links) {
            int hash = l.indexOf('#');
            out.add(hash < 0 ? l : l.substring(0, hash));
        }
        return new ArrayList<>(out);
    }

    @Test
    void commonReferencesDecodeAsJsoupDecodesThemAndTheRestAreLeftToJsoup() {
        for (String v : List.of("a?b=1&amp;c=2", "&lt;&gt;&quot;&apos;", "issue?&#64;action=x&amp;bpo=1",
                "mailto:a&#37;&#52;&#48;b&#46;org", "&#x2F;hex&#X2f;&#0047;", "&amp;amp;", "no-ref", "&amp;")) {
            assertThat(LinkScanner.unescapeCommon(v)).as(v).isEqualTo(org.jsoup.parser.Parser.unescapeEntities(v, true));
        }
        for (String v : List.of("&copy;", "&copy=2", "a&b", "&amp", "&#128;", "&#0;", "&#x1F600;", "&#;", "&#x;",
                "&#xG1;", "&Amp;", "&#10;", "&verylongname;")) {
            assertThat(LinkScanner.unescapeCommon(v)).as(v).isNull();
        }
    }

    @Test
    void theFirstBaseHrefIsTheBaseOfEveryLinkBeforeAndAfterIt() {
        String html = "<a href=a.html>x</a><base href='/other/'><base href='/ignored/'><a href=b.html>y</a>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        assertThat(LinkScanner.scan(body, null, PAGE).links())
                .containsExactly("http://docs.example/other/a.html", "http://docs.example/other/b.html")
                .containsExactlyElementsOf(Links.extract(body, null, PAGE));
    }

    @Test
    void metaRefreshTargetIsFoundAndResolved() {
        String html = "<html><head><META HTTP-EQUIV=\"Refresh\" CONTENT=\"0; URL='next/index.html'\">"
                + "<meta http-equiv=refresh content=\"1;url=second.html\"></head></html>";
        LinkScanner.Found f = LinkScanner.scan(html.getBytes(StandardCharsets.UTF_8), null, PAGE);
        assertThat(f.refresh()).isEqualTo("http://docs.example/dir/next/index.html");
        assertThat(f.links()).isEmpty();
    }

    @Test
    void refreshContentFollowsHtmlsSteps() {
        assertThat(LinkScanner.refreshUrl("5; url=a.html")).isEqualTo("a.html");
        assertThat(LinkScanner.refreshUrl("0;URL = \"b.html\"")).isEqualTo("b.html");
        assertThat(LinkScanner.refreshUrl("0, c.html")).isEqualTo("c.html");
        assertThat(LinkScanner.refreshUrl("3")).isNull();             // reloads the page itself
        assertThat(LinkScanner.refreshUrl("soon; url=x")).isNull();   // no time: not a refresh
    }

    @Test
    void charsetFromTheHeaderOrTheMetaDecodesNonAsciiLinks() {
        byte[] latin1 = "<meta charset=iso-8859-1><a href='caf\u00e9.html'>x</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(LinkScanner.scan(latin1, null, PAGE).links())
                .containsExactlyElementsOf(Links.extract(latin1, null, PAGE))
                .singleElement().asString().contains("caf\u00e9");
        for (String equiv : new String[] {"text/html; charset=ISO-8859-1", "text/html;charset=iso-8859-1; x=y",
                "text/html; charset=iso-8859-1 "}) {
            byte[] legacy = ("<meta http-equiv=Content-Type content='" + equiv + "'><a href='caf\u00e9.html'>x</a>")
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertThat(LinkScanner.scan(legacy, null, PAGE).links()).as(equiv)
                    .containsExactlyElementsOf(Links.extract(legacy, null, PAGE))
                    .singleElement().asString().contains("caf\u00e9");
        }
        Charset utf16 = StandardCharsets.UTF_16;
        byte[] wide = "<a href='wide.html'>x</a>".getBytes(utf16);
        assertThat(LinkScanner.scan(wide, utf16, PAGE).links()).containsExactly("http://docs.example/dir/wide.html");
    }
}
