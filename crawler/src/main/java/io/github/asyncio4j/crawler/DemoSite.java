package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpRequest;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.RawHttpHandler;
import io.github.asyncio4j.net.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The generated site of {@code crawl --demo}: {@code pages} HTML pages, each reachable from {@code /} (page i links
 * to pages 2i+1 and 2i+2 and to two others), plus every kind of trouble a crawler meets, at fixed places:
 * <ul>
 * <li>{@code /redirect/i} (301 to page i), linked from every 50th page;</li>
 * <li>{@code /missing/i} (404), linked from every 40th page;</li>
 * <li>{@code /slow/i} (answers after 0.2 s), linked from every 100th page;</li>
 * <li>{@code /loop/a} and {@code /loop/b}, redirecting to each other;</li>
 * <li>{@code /reset}: a response cut off mid-body by a connection reset;</li>
 * <li>{@code /huge}: a body of {@link #HUGE_BYTES}, over the crawler's default limit;</li>
 * <li>{@code /long}: a page of about {@link #LONG_BYTES}, a documentation page's size (its links are extracted off
 *     the loop's thread, as a real site's are);</li>
 * <li>{@code /data.json} (not HTML, so its links are not followed), {@code /latin1} (bytes that are not UTF-8),
 *     {@code /private/} (disallowed by {@code /robots.txt}) and a link to another host.</li>
 * </ul>
 * Deterministic: the same {@code pages} gives the same site. Its pages ({@code /} and {@code /page/i}) carry an
 * {@code ETag} (the site's size and the path) and a fixed {@code Last-Modified}, and are answered
 * {@code 304 Not Modified} to a request that names either ({@code --recrawl}). The server's loop runs the handler.
 */
public final class DemoSite implements RawHttpHandler {
    /** Size of {@code /huge}: over {@link HttpFetcher#DEFAULT_MAX_BODY}. */
    public static final int HUGE_BYTES = 12 << 20;
    /** Size of {@code /long}, about: over the size under which a page's links are extracted on the loop's thread. */
    public static final int LONG_BYTES = 24 << 10;

    /**
     * With this system property naming a PKCS12 key store (password {@code changeit}), {@code crawl --demo} serves
     * the site over TLS too, on a second port, and crawls both: the launcher trains the crawler's start-up cache so
     * that the TLS classes an https crawl loads are in it (with {@code --ca-cert} naming the store's certificate).
     */
    public static final String KEY_STORE_PROPERTY = "asyncio4j.crawler.demoKeyStore";

    private final int pages;

    public DemoSite(int pages) {
        if (pages < 1) {
            throw new IllegalArgumentException("the demo site needs at least one page, not " + pages);
        }
        this.pages = pages;
    }

    /**
     * URLs a complete crawl of the site fetches or fails (redirects and errors included, robots.txt not), for
     * checking a crawl against.
     */
    public int expectedUrls() {
        int redirects = count(50);
        int missing = count(40);
        int slow = count(100);
        // "/", the pages, the index's extras (/loop/a, /loop/b, /reset, /huge, /long, /data.json, /latin1), the
        // linked ones
        return 1 + pages + 7 + redirects + missing + slow;
    }

    private int count(int every) {
        return (pages - 1) / every + 1;     // pages 0, every, 2*every, ... below pages
    }

    /** The {@code Last-Modified} of every page: the site never changes. */
    static final String LAST_MODIFIED = "Sat, 01 Jan 2022 00:00:00 GMT";

    @Override
    public Coroutine<HttpResponse> handle(HttpRequest request, Connection connection) {
        return Coroutine.of(() -> {
            String path = request.path();
            if (!path.equals("/") && number(path, "/page/") < 0) {
                return route(path, connection);
            }
            String etag = "\"" + pages + path.replace('/', '-') + "\"";
            String match = request.headers().get("If-None-Match");
            String since = request.headers().get("If-Modified-Since");
            HttpResponse r = (match != null ? match.contains(etag) : LAST_MODIFIED.equals(since))
                    ? HttpResponse.status(304) : route(path, connection);
            return r.withHeader("ETag", etag).withHeader("Last-Modified", LAST_MODIFIED);
        });
    }

    private HttpResponse route(String path, Connection connection) {
        if (path.equals("/")) {
            return HttpResponse.html(200, index());
        }
        if (path.equals("/robots.txt")) {
            return HttpResponse.of(200, "text/plain", "User-agent: *\nDisallow: /private/\n".getBytes(StandardCharsets.US_ASCII));
        }
        int n = number(path, "/page/");
        if (n >= 0) {
            return HttpResponse.html(200, page(n));
        }
        if ((n = number(path, "/redirect/")) >= 0) {
            return HttpResponse.redirect(301, "/page/" + n);
        }
        if (number(path, "/missing/") >= 0) {
            return HttpResponse.text(404, "no such page");
        }
        if ((n = number(path, "/slow/")) >= 0) {
            await(sleep(0.2));
            return HttpResponse.html(200, page(n));
        }
        return switch (path) {
            case "/loop/a" -> HttpResponse.redirect(302, "/loop/b");
            case "/loop/b" -> HttpResponse.redirect(302, "/loop/a");
            case "/data.json" -> HttpResponse.of(200, "application/json",
                    "{\"links\": [\"/page/1\"]}".getBytes(StandardCharsets.UTF_8));
            case "/latin1" -> HttpResponse.of(200, "text/html; charset=utf-8",
                    "<html><body>caf\u00e9 <a href=\"/page/0\">home</a></body></html>"
                            .getBytes(StandardCharsets.ISO_8859_1));     // declared UTF-8, is not
            case "/huge" -> HttpResponse.of(200, "text/html", Huge.BODY);
            case "/long" -> HttpResponse.html(200, longPage());
            case "/reset" -> {
                if (connection == null) {
                    yield null;     // HTTP/2 (the TLS demo): no raw connection; null resets the stream
                }
                connection.writer().write(("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10000\r\n"
                        + "\r\n<html><body>cut off here").getBytes(StandardCharsets.US_ASCII));
                await(connection.writer().drain());
                connection.writer().abort();
                yield null;
            }
            default -> HttpResponse.text(404, "no such page");
        };
    }

    private static int number(String path, String prefix) {
        if (!path.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(path.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String index() {
        return "<html><head><title>asyncio4j demo site</title></head><body><h1>Demo site</h1><ul>"
                + "<li><a href=\"/page/0\">pages</a></li><li><a href=\"/loop/a\">a redirect loop</a></li>"
                + "<li><a href=\"/reset\">a reset</a></li><li><a href=\"/huge\">a huge page</a></li>"
                + "<li><a href=\"/long\">a long page</a></li>"
                + "<li><a href=\"/data.json\">JSON</a></li><li><a href=\"/latin1\">not UTF-8</a></li>"
                + "<li><a href=\"/private/secret\">private</a></li>"
                + "<li><a href=\"http://elsewhere.invalid/\">another host</a></li>"
                + "<li><a href=\"mailto:demo@example.invalid\">mail</a></li></ul></body></html>";
    }

    private String page(int i) {
        if (i >= pages) {
            return "<html><body>beyond the site</body></html>";
        }
        StringBuilder b = new StringBuilder(512).append("<html><head><title>Page ").append(i)
                .append("</title></head><body><h1>Page ").append(i).append("</h1><p>Lorem ipsum dolor sit amet, ")
                .append("consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.</p><ul>");
        link(b, 2 * i + 1);
        link(b, 2 * i + 2);
        link(b, (int) ((i * 7L + 3) % pages));
        link(b, (i + 13) % pages);
        if (i % 50 == 0) {
            b.append("<li><a href=\"/redirect/").append((i + 1) % pages).append("\">moved</a></li>");
        }
        if (i % 40 == 0) {
            b.append("<li><a href=\"/missing/").append(i).append("\">gone</a></li>");
        }
        if (i % 100 == 0) {
            b.append("<li><a href=\"/slow/").append(i).append("\">slow</a></li>");
        }
        b.append("<li><a href=\"/page/").append(i).append("#top\">this page</a></li>");
        return b.append("</ul></body></html>").toString();
    }

    private String longPage() {
        StringBuilder b = new StringBuilder(LONG_BYTES + 512)
                .append("<html><head><title>A long page</title></head><body><h1>A long page</h1>");
        for (int i = 0; b.length() < LONG_BYTES; i++) {
            b.append("<h2 id=\"s").append(i).append("\">Section ").append(i)
                    .append("</h2><p>Lorem ipsum dolor sit amet, ")
                    .append("consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna ")
                    .append("aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.</p><p>See ")
                    .append("<a href=\"/page/").append(i % pages).append("\">page ").append(i % pages)
                    .append("</a> and <a href=\"#s").append(i).append("\">this section</a>.</p>");
        }
        return b.append("</body></html>").toString();
    }

    private void link(StringBuilder b, int target) {
        if (target < pages) {
            b.append("<li><a href=\"/page/").append(target).append("\">page ").append(target).append("</a></li>");
        }
    }

    /** {@code /huge}'s body, made at its first request (a crawl stopped before it, one page say, never pays for it). */
    private static final class Huge {
        static final byte[] BODY = body();

        private static byte[] body() {
            byte[] b = new byte[HUGE_BYTES];
            Arrays.fill(b, (byte) 'x');
            byte[] head = "<html><body>".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, b, 0, head.length);
            return b;
        }
    }

    /** A server TLS context with the key of the PKCS12 {@code keyStore} (password {@code changeit}). */
    static SSLContext tls(Path keyStore) {
        char[] password = "changeit".toCharArray();
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new CrawlSetupException("-D" + KEY_STORE_PROPERTY + "=" + keyStore + ": " + ErrorText.of(e), e);
        }
    }
}
