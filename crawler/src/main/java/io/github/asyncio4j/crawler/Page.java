package io.github.asyncio4j.crawler;

import com.google.gson.JsonObject;
import io.github.asyncio4j.http.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.parser.Parser;
import org.jsoup.select.Elements;

/**
 * A fetched page as a {@link Spider} sees it: the response, the {@link Request} that led to it, the in-scope links
 * the crawl's streaming scanner found, a jsoup {@link Document} parsed at the first call that needs one (a spider
 * that never asks pays nothing for it; once a spider has asked, its crawl parses later pages ahead, the same
 * document: {@link Crawler}), and the page's two outputs: requests to follow and items to emit.
 *
 * <p>A page is open while its spider method runs: {@link #follow} and {@link #emit} after it returned throw. Loop
 * thread only, like the spider.
 */
public final class Page {
    /** What a page asks of its crawl. */
    interface Crawl {
        /** Admits {@code request} (absolute, normalised) followed from {@code page}: true if new and queued. */
        boolean follow(Page page, Request request);

        /** Records {@code url} as kept out by {@code rule} (it could not be followed). */
        void exclude(String url, String rule);

        /**
         * Runs {@code parse} for a body of {@code bytes}: off the loop, awaited, for a large one (the crawl's
         * extraction threads), so that jsoup's DOM does not hold up the network; here for a small one.
         */
        Document parse(int bytes, java.util.function.Supplier<Document> parse);
    }

    private final Request request;
    private final URI url;
    private final FetchResponse response;
    private final String error;
    private final List<URI> links;
    private final Crawl crawl;
    private final List<JsonObject> items = new ArrayList<>();
    private final List<Object> emitted = new ArrayList<>();
    private Document document;
    private final boolean parsedAhead;
    /** Whether the spider asked for the DOM ({@link #document()}), parsed ahead or not. */
    private boolean documentAsked;
    private boolean closed;
    private int newLinks;

    Page(Request request, URI url, FetchResponse response, String error, List<URI> links, Crawl crawl) {
        this(request, url, response, error, links, crawl, null);
    }

    /**
     * A page whose DOM was parsed ahead ({@code document}, made by {@link #parse(FetchResponse, URI)} from the
     * same response and URL), or null to parse it when first asked for.
     */
    Page(Request request, URI url, FetchResponse response, String error, List<URI> links, Crawl crawl,
         Document document) {
        this.document = document;
        this.parsedAhead = document != null;
        this.request = request;
        this.url = url;
        this.response = response;
        this.error = error;
        this.links = List.copyOf(links);
        this.crawl = crawl;
    }

    /**
     * The page's URL: the one fetched. The crawl follows a redirect as a request of its own, to the target, with
     * the label and metadata of the request that was redirected: after one, this is the target.
     */
    public URI url() {
        return url;
    }

    /** The request that led here, with its label, metadata and {@link Request#depth() depth}. */
    public Request request() {
        return request;
    }

    /** The response's status; 0 when no response came ({@link Spider#failed}). */
    public int status() {
        return response == null ? 0 : response.status();
    }

    /** The response's header fields (empty when no response came). */
    public Headers headers() {
        return response == null ? Headers.empty() : response.headers();
    }

    /** The media type without parameters, lower case ({@code "text/html"}), or null. */
    public String contentType() {
        return response == null ? null : response.contentType();
    }

    /** The body, decoded from its content coding (the array itself: do not change it). */
    public byte[] body() {
        return response == null ? new byte[0] : response.body();
    }

    /** Why the fetch failed, for {@link Spider#failed}; null when a response came. */
    public String error() {
        return error;
    }

    /**
     * The body as text: in the charset the response named, else (an HTML page) the one its document declares,
     * else UTF-8; bytes that do not decode become replacement characters.
     */
    public String text() {
        Charset cs = response == null ? null : response.charset();
        if (cs == null && isHtml()) {
            cs = document().charset();
        }
        return new String(body(), cs == null ? StandardCharsets.UTF_8 : cs);
    }

    /**
     * The page as a jsoup document, parsed at the first call (XML for an XML media type, HTML otherwise), with the
     * page's URL as its base: {@code absUrl("href")} resolves. A large page is parsed on one of the crawl's
     * extraction threads while the spider's task awaits it, so the first call may await (it is made in the
     * spider's method, in a task); after the method returned, it parses on the calling thread. When the spider
     * asked for the last page's, the crawl has parsed this one's ahead, with the page's links, and it is here.
     */
    public Document document() {
        documentAsked = true;
        if (document == null) {
            document = closed ? parse(response, url) : crawl.parse(body().length, () -> parse(response, url));
        }
        return document;
    }

    /**
     * The one way a page's DOM is made, when first asked for or ahead ({@link Crawler}'s parse ahead): the body of
     * {@code response} (null: none) parsed as XML for an XML media type, else as HTML, in the charset the response
     * named (else as jsoup detects it), with {@code url} as its base. Any thread.
     */
    static Document parse(FetchResponse response, URI url) {
        Charset cs = response == null ? null : response.charset();
        String type = response == null ? null : response.contentType();
        Parser parser = type != null && type.endsWith("xml") ? Parser.xmlParser() : Parser.htmlParser();
        byte[] body = response == null ? new byte[0] : response.body();
        try {
            return Jsoup.parse(new ByteArrayInputStream(body), cs == null ? null : cs.name(), url.toString(), parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);     // reading a byte array does not fail
        }
    }

    /** Whether this page's DOM was parsed ahead, before its spider ran. */
    boolean parsedAhead() {
        return parsedAhead;
    }

    /** Whether the spider asked for this page's DOM ({@link #document()}, {@link #select}, {@link #text()}). */
    boolean documentAsked() {
        return documentAsked;
    }

    /** The elements {@code css} selects in {@link #document()}. */
    public Elements select(String css) {
        return document().select(css);
    }

    /**
     * The page's links that the crawl's scope lets through ({@code host} and {@code --exclude}): resolved,
     * normalised, in document order, without duplicates; empty for a page that is not a 2xx HTML page.
     */
    public List<URI> links() {
        return links;
    }

    /**
     * Asks the crawl to fetch {@code url} (resolved against this page), with no label and no metadata.
     * @return true if it was new and is queued; false if it was seen already or is kept out (then the report says
     *         by which rule)
     */
    public boolean follow(String url) {
        Objects.requireNonNull(url, "url");
        open();
        URI target = Urls.resolve(this.url, url);
        if (target == null) {
            crawl.exclude(url, "invalid-url");
            return false;
        }
        return admit(new Request(target, null, null));
    }

    /** Asks the crawl to fetch {@code request} (its URL resolved against this page), label and metadata with it. */
    public boolean follow(Request request) {
        Objects.requireNonNull(request, "request");
        open();
        URI target = request.url().isAbsolute() ? Urls.normalize(request.url())
                : Urls.resolve(this.url, request.url().toString());
        if (target == null) {
            crawl.exclude(request.url().toString(), "invalid-url");
            return false;
        }
        return admit(request.at(target, -1));
    }

    private boolean admit(Request r) {
        if (!Urls.isCrawlable(r.url())) {
            crawl.exclude(r.url().toString(), "scheme");
            return false;
        }
        if (crawl.follow(this, r)) {
            newLinks++;
            return true;
        }
        return false;
    }

    /**
     * {@link #follow} for each of {@code urls}: {@code String}s (resolved against this page), {@code URI}s or
     * {@link Request}s. Returns how many were new.
     * @throws IllegalArgumentException for an element of another type (nothing after it is followed)
     */
    public int followAll(Iterable<?> urls) {
        int added = 0;
        for (Object u : urls) {
            boolean isNew;   // an instanceof chain, not a pattern switch: see Robots#rulesFor
            if (u instanceof String s) {
                isNew = follow(s);
            } else if (u instanceof URI uri) {
                isNew = follow(new Request(uri, null, null));
            } else if (u instanceof Request r) {
                isNew = follow(r);
            } else if (u == null) {
                throw new NullPointerException("followAll: a null URL");
            } else {
                throw new IllegalArgumentException("followAll takes Strings, URIs or Requests, not "
                        + u.getClass().getName());
            }
            if (isNew) {
                added++;
            }
        }
        return added;
    }

    /**
     * Emits {@code item}: a record, a {@code Map} or any object Gson writes as a JSON object. It goes to the
     * crawl's item sinks when the spider method returns, with the page's record.
     * @throws IllegalArgumentException if {@code item} is not written as a JSON object (a string, a number, a
     *                                  list), or Gson cannot write it
     */
    public void emit(Object item) {
        open();
        items.add(Items.toJson(item));
        emitted.add(item);
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the page " + url + " is done: follow and emit work only while the "
                    + "spider's method for it runs");
        }
    }

    boolean isHtml() {
        return response != null && response.isHtml();
    }

    /** Ends the spider's turn: later follows and emits throw. */
    void close() {
        closed = true;
    }

    /** The items emitted, as JSON objects, in order. */
    List<JsonObject> items() {
        return items;
    }

    /** The items emitted, as the spider gave them, in order. */
    List<Object> emitted() {
        return emitted;
    }

    /** Requests followed from this page that were new. */
    int newLinks() {
        return newLinks;
    }
}
