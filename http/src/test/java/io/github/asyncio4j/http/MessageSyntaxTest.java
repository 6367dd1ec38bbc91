package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pure parts: headers, origins, start lines, framing rules, content type and charset. */
class MessageSyntaxTest {

    @Test
    void headersAreOrderedCaseInsensitiveAndImmutable() {
        Headers h = Headers.of("Content-Type", "text/html", "Set-Cookie", "a=1", "set-cookie", "b=2");
        assertThat(h.get("CONTENT-TYPE")).isEqualTo("text/html");
        assertThat(h.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(h.get("missing")).isNull();
        Headers more = h.with("Connection", "keep-alive, Upgrade");
        assertThat(h.size()).isEqualTo(3);
        assertThat(more.hasToken("connection", "upgrade")).isTrue();
        assertThat(more.hasToken("connection", "close")).isFalse();
        assertThat(more.without("set-cookie").size()).isEqualTo(2);
        assertThat(more.withReplaced("content-type", "x/y").getAll("Content-Type")).containsExactly("x/y");
        assertThat(Headers.of("A", "1")).isEqualTo(Headers.of("a", "1")).hasSameHashCodeAs(Headers.of("a", "1"));
        assertThatThrownBy(() -> Headers.of("A")).hasMessageContaining("odd number");
    }

    @Test
    void originsNormaliseSchemeHostAndDefaultPort() {
        assertThat(Origin.of(URI.create("HTTP://Example.ORG/x"))).isEqualTo(new Origin("http", "example.org", 80));
        assertThat(Origin.of(URI.create("https://example.org:443/"))).isEqualTo(new Origin("https", "example.org", 443));
        assertThat(Origin.of(URI.create("https://example.org:8443/")).hostHeader()).isEqualTo("example.org:8443");
        assertThat(Origin.of(URI.create("http://[::1]:8080/")).hostHeader()).isEqualTo("[::1]:8080");
        assertThat(Origin.of(URI.create("http://[::1]/")).host()).isEqualTo("::1");
        // equals and hashCode are written out (not the record's): every component counts, equal ones hash alike
        Origin o = new Origin("http", "example.org", 80);
        Origin same = new Origin("http", "example.org", 80);
        assertThat(o).isEqualTo(same).hasSameHashCodeAs(same)
                .isNotEqualTo(new Origin("https", "example.org", 80))
                .isNotEqualTo(new Origin("http", "example.com", 80))
                .isNotEqualTo(new Origin("http", "example.org", 8080))
                .isNotEqualTo(null).isNotEqualTo("http://example.org");
    }

    @Test
    void statusAndRequestLines() {
        assertThat(Http1.parseStatusLine("HTTP/1.1 404 Not Found"))
                .isEqualTo(new Http1.StatusLine("HTTP/1.1", 404, "Not Found"));
        assertThat(Http1.parseStatusLine("HTTP/1.0 200")).isEqualTo(new Http1.StatusLine("HTTP/1.0", 200, ""));
        assertThat(Http1.parseStatusLine("HTTP/1.1 200 ")).isEqualTo(new Http1.StatusLine("HTTP/1.1", 200, ""));
        for (String bad : new String[] {"HTTP/1.1 20 OK", "HTTP/1.1  200 OK", "HTTP/1.1 200OK", "ICY 200 OK",
                "HTTP/1.1 099 Low"}) {
            assertThatThrownBy(() -> Http1.parseStatusLine(bad)).as(bad).isInstanceOf(HttpProtocolException.class);
        }
        assertThat(Http1.parseRequestLine("GET /a?b HTTP/1.1"))
                .isEqualTo(new Http1.RequestLine("GET", "/a?b", "HTTP/1.1"));
        assertThatThrownBy(() -> Http1.parseRequestLine("GET /a b HTTP/1.1")).hasMessageContaining("bad request line");
        assertThat(Http1.parseChunkSize("1aF ;ext")).isEqualTo(0x1af);
        assertThatThrownBy(() -> Http1.parseChunkSize("-1")).hasMessageContaining("bad chunk size");
        assertThatThrownBy(() -> Http1.parseChunkSize("1234567890abcdef0")).hasMessageContaining("bad chunk size");
    }

    @Test
    void responseFramingFollowsRfc9112() {
        Headers none = Headers.empty();
        assertThat(Http1.responseFraming("HEAD", 200, Headers.of("Content-Length", "5"))).isEqualTo(Http1.Framing.NONE);
        assertThat(Http1.responseFraming("GET", 204, none)).isEqualTo(Http1.Framing.NONE);
        assertThat(Http1.responseFraming("GET", 304, Headers.of("Content-Length", "5"))).isEqualTo(Http1.Framing.NONE);
        assertThat(Http1.responseFraming("GET", 200, Headers.of("Transfer-Encoding", "gzip, chunked",
                "Content-Length", "5"))).isEqualTo(Http1.Framing.CHUNKED);
        assertThat(Http1.responseFraming("GET", 200, Headers.of("Transfer-Encoding", "gzip")))
                .isEqualTo(Http1.Framing.UNTIL_EOF);
        assertThat(Http1.responseFraming("GET", 200, Headers.of("Content-Length", "7, 7")))
                .isEqualTo(new Http1.Framing.Length(7));
        assertThat(Http1.responseFraming("GET", 200, none)).isEqualTo(Http1.Framing.UNTIL_EOF);
        assertThatThrownBy(() -> Http1.requestFraming(Headers.of("Transfer-Encoding", "chunked",
                "Content-Length", "3"))).hasMessageContaining("both Transfer-Encoding and Content-Length");
    }

    @Test
    void contentTypeCharsetAndLocation() {
        HttpResponse r = new HttpResponse(301, "Moved", Headers.of("Content-Type", "Text/HTML ; Charset=\"utf-8\"",
                "Location", "/next"), new byte[0]);
        assertThat(r.contentType()).isEqualTo("text/html");
        assertThat(r.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(r.isRedirect()).isTrue();
        assertThat(r.location()).isEqualTo("/next");
        HttpResponse unknown = HttpResponse.of(200, "text/plain; charset=no-such-charset", new byte[] {'a'});
        assertThat(unknown.charset()).isNull();
        assertThat(unknown.text()).isEqualTo("a");
        assertThat(HttpResponse.status(200).contentType()).isNull();
        assertThatThrownBy(() -> HttpResponse.redirect(200, "/x")).hasMessageContaining("not a redirect status");
    }
}
