package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The normaliser's fast path gives what crawler-commons gives, whenever it answers at all. */
class UrlsTest {
    @Test
    void theFastPathAgreesWithTheNormaliserOnRealLinks() throws IOException {
        Set<String> links = new LinkedHashSet<>();
        for (String name : new String[] {"python/index.html", "python/asyncio-task.html", "python/genindex-A.html",
                "postgresql/sql-select.html", "postgresql/index.html"}) {
            try (InputStream in = UrlsTest.class.getResourceAsStream("/pages/" + name)) {
                links.addAll(LinkScanner.scan(in.readAllBytes(), null, "http://127.0.0.1:8080/" + name).links());
            }
        }
        int fast = 0;
        for (String l : links) {
            String plain = Urls.alreadyNormal(l);
            if (plain != null) {
                fast++;
                assertThat(Urls.normalize(l)).as(l).isEqualTo(Urls.normalizeFully(l));
            }
        }
        assertThat(fast).as("most real links take the fast path").isGreaterThan(links.size() / 2);
    }

    @Test
    void anythingTheNormaliserWouldChangeLeavesTheFastPath() {
        for (String changed : new String[] {"HTTP://h.test/", "http://H.test/", "http://h.test:80/",
                "https://h.test:443/x", "http://h.test", "http://h.test/a/../b", "http://h.test/a/./b",
                "http://h.test//a", "http://h.test/a%7e", "http://h.test/a?", "http://h.test/a b", "http://h.test:080/",
                "http://h.test/caf\u00e9", "ftp://h.test/", "http://.h.test/", "http://h.test./"}) {
            assertThat(Urls.alreadyNormal(changed)).as(changed).isNull();
        }
        assertThat(Urls.alreadyNormal("http://h.test:8080/a/b.html?x=1&y=2#frag"))
                .isEqualTo("http://h.test:8080/a/b.html?x=1&y=2");
        assertThat(Urls.normalize("http://h.test:8080/a/b.html?x=1&y=2#frag"))
                .isEqualTo(Urls.normalizeFully("http://h.test:8080/a/b.html?x=1&y=2#frag"));
    }
}
