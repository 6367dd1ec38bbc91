package io.github.asyncio4j.examples.spiders;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.crawler.OfflineCrawl;
import io.github.asyncio4j.examples.spiders.BrokenLinks.BrokenLink;
import io.github.asyncio4j.examples.spiders.PythonFunctions.Function;
import io.github.asyncio4j.examples.spiders.SqlSynopses.Command;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example spiders, run offline ({@link OfflineCrawl}) on small pages shaped like the docs they read. */
@Timeout(60)
class SpidersTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SpidersTest.class.getResource("/spiders/" + name).toURI());
    }

    @Test
    void pythonFunctionsListsEverySignatureOfEveryDocumentedFunctionWithItsPage() throws Exception {
        String base = "http://docs.test/3/";
        OfflineCrawl.Result r = OfflineCrawl.directory(fixture("python"), base).run(new PythonFunctions(), base);
        String functions = base + "library/functions.html";
        assertThat(r.items(Function.class)).containsExactlyInAnyOrder(
                new Function("abs", "abs(x)", functions),
                new Function("max", "max(iterable, *, key=None)", functions),
                new Function("max", "max(arg1, arg2, *args)", functions),
                new Function("nested", "nested()", functions),
                new Function("print", "print(*objects, sep=' ', end='\\n')", functions),
                new Function("os.path.join", "os.path.join(path, *paths)", base + "library/os.path.html"));
        assertThat(r.report().excluded()).containsEntry("https://www.python.org/", "host");
        assertThat(r.report().spiderErrors()).isZero();
    }

    @Test
    void sqlSynopsesReadsTheCommandPagesItLabelledAndNothingElse() throws Exception {
        String base = "http://pg.test/docs/15/";
        OfflineCrawl.Result r = OfflineCrawl.directory(fixture("postgres"), base).run(new SqlSynopses(), base);
        assertThat(r.items(Command.class)).containsExactlyInAnyOrder(
                new Command("ABORT", "ABORT [ WORK | TRANSACTION ] [ AND [ NO ] CHAIN ]", base + "sql-abort.html"),
                new Command("ALTER TABLE", """
                        ALTER TABLE [ IF EXISTS ] [ ONLY ] name [ * ]
                            action [, ... ]

                        where action is one of:

                            ADD [ COLUMN ] [ IF NOT EXISTS ] column_name data_type""", base + "sql-altertable.html"));
        assertThat(r.requests()).filteredOn(q -> "command".equals(q.label())).extracting(q -> q.url().toString())
                .contains(base + "sql-abort.html", base + "sql-altertable.html", base + "sql-rollback.html")
                .doesNotContain(base + "app-pgdump.html", base + "reference.html");
    }

    @Test
    void brokenLinksListsPerPageTheLinksThatEndIn4xxOr5xxOrFail() {
        String s = "http://site.test/";
        OfflineCrawl.Result r = OfflineCrawl.pages()
                .html(s, "<a href=a.html>a</a><a href=gone.html>g</a><a href=moved>m</a><a href=down>d</a>")
                .html(s + "a.html", "<a href=gone.html>g</a><a href=busy>b</a><a href=/>home</a><a href=b.html>b</a>")
                .html(s + "b.html", "<a href=gone.html>g again</a><a href=a.html>a</a>")
                .redirect(s + "moved", 301, "/also-gone.html")
                .page(s + "busy", 503, "text/plain", "try later")
                .failure(s + "down", "connection refused")
                .configure(c -> c.maxTries(1))
                .run(new BrokenLinks(), s);
        assertThat(r.items(BrokenLink.class)).containsExactlyInAnyOrder(
                new BrokenLink(s, s + "gone.html", 404, null),
                new BrokenLink(s, s + "moved", 404, null),
                new BrokenLink(s, s + "down", 0, "IOException: connection refused"),
                new BrokenLink(s + "a.html", s + "gone.html", 404, null),
                new BrokenLink(s + "a.html", s + "busy", 503, null),
                new BrokenLink(s + "b.html", s + "gone.html", 404, null));
    }
}
