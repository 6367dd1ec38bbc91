package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU-heavy part of a crawl, off the loop: a page's links found ({@link LinkScanner}), resolved and normalised
 * on a pool of {@code workers} threads, while the loop goes on with the network and the frontier. The worker
 * threads share nothing but the (immutable) normaliser; the frontier is only touched on the loop, with the result.
 *
 * <p>Back-pressure: the task that fetched a page awaits its links, so no more pages wait for a worker than the
 * crawl has tasks; a page's body is dropped as soon as its links are out, or never held whole when it is scanned as
 * it arrives ({@link #body}: at most two blocks of {@link PageBody#BLOCK} bytes per page in flight).
 */
final class LinkExtractor implements AutoCloseable {
    /**
     * A page's links, ready for the frontier.
     *
     * @param crawlable normalised http(s) links, in document order, without duplicates: as text, a {@code URI} made
     *                  only where one is needed (on the loop, for the links in scope), since what a task holds while
     *                  it waits for the loop to take its page is what the young generation finds alive and promotes
     * @param rejected  links that cannot be crawled, to the rule that keeps them out ({@code invalid-url},
     *                  {@code scheme})
     * @param refresh   the normalised target of the page's {@code <meta http-equiv="refresh">}, or null
     * @param refreshRejected the target of a refresh that cannot be crawled (a rule in {@code rejected}), or null
     */
    record PageLinks(List<String> crawlable, Map<String, String> rejected, URI refresh, String refreshRejected) {
    }

    private final ExecutorService pool;
    /** Blocks for the bodies of pages, given back ({@link #block}); loop thread only. */
    private final java.util.ArrayDeque<byte[]> blocks = new java.util.ArrayDeque<>();
    private final int maxBlocks;

    private static final byte[] WARM_UP = "<base href=/><a href=a>a</a><meta http-equiv=refresh content='0;url=b'>"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * A pool of {@code workers} daemon threads named {@code crawler-links-N}. The extraction's classes (scanner,
     * resolver, normaliser) are initialised here, on the caller's thread: otherwise the first page would
     * initialise them on a worker while the loop, needing the same classes, waits for it with its timeouts running.
     */
    LinkExtractor(int workers) {
        this(workers, 256);
    }

    /** The same, keeping at most {@code maxBlocks} blocks for reuse (two per task the crawl runs). */
    LinkExtractor(int workers, int maxBlocks) {
        this.maxBlocks = maxBlocks;
        extractHere(WARM_UP, null, URI.create("http://warm.up/"));
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "crawler-links-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        pool = Executors.newFixedThreadPool(workers, threads);
    }

    /**
     * Pages smaller than this are scanned on the loop's thread: the hand-off to a worker and back costs about as
     * much as scanning them. Measured (quiet, five interleaved runs each): the PostgreSQL docs (678 of 1,169 pages
     * under 8 KiB) crawl 0.70 s with 8 KiB here, 0.66 s with 2 KiB, 0.65 s with none inline, since the loop's
     * thread is the busiest; the demo site's pages of a few hundred bytes cost 11% more CPU with none inline.
     */
    static final int INLINE_BYTES = 2 * 1024;

    /**
     * The links of an HTML page at {@code url}: extracted on a worker thread (awaited, inside a task), or right
     * here for a page under {@link #INLINE_BYTES}.
     */
    PageLinks extract(byte[] body, Charset charset, URI url) {
        if (body.length < INLINE_BYTES) {
            return extractHere(body, charset, url);
        }
        return await(Async.getRunningLoop().runInExecutor(pool, () -> extractHere(body, charset, url)));
    }

    /**
     * {@code work} on a body of {@code bytes}: on a worker thread, awaited (inside a task), or right here for one
     * under {@link #INLINE_BYTES}: a spider's jsoup document, for one.
     */
    <T> T offload(int bytes, java.util.function.Supplier<T> work) {
        if (bytes < INLINE_BYTES) {
            return work.get();
        }
        return await(Async.getRunningLoop().runInExecutor(pool, work::get));
    }

    /** The same, on the calling thread. */
    static PageLinks extractHere(byte[] body, Charset charset, URI url) {
        return links(LinkScanner.scan(body, charset, url.toString()));
    }

    /**
     * Where the body of a page at {@code url} goes as it arrives: its links found when {@code scan} (a 2xx HTML
     * page, in {@code charset}), the body kept when {@code keep}, counted in {@code budget} (null: not counted)
     * until {@link PageBody#release} (see {@link PageBody}).
     */
    PageBody body(URI url, Charset charset, boolean scan, boolean keep, ByteBudget budget) {
        return new PageBody(this, url, scan ? new LinkScanner(charset) : null, keep, budget);
    }

    /**
     * A block of {@link PageBody#BLOCK} bytes for a page's body: one given back by an earlier page, else a new one.
     * Reusing them keeps a crawl from allocating a block per page, which the young generation would promote while
     * the page streams in (garbage that only a full collection frees). Loop thread only.
     */
    byte[] block() {
        byte[] b = blocks.poll();
        return b != null ? b : new byte[PageBody.BLOCK];
    }

    /** Gives back a block no thread reads any more ({@code null} and other sizes are ignored); at most two per task. */
    void recycle(byte[] block) {
        if (block != null && block.length == PageBody.BLOCK && blocks.size() < maxBlocks) {
            blocks.push(block);
        }
    }

    /** Starts {@code work} on a worker thread; the returned future is awaited by the loop's task that needs it. */
    <T> io.github.asyncio4j.Future<T> start(java.util.concurrent.Callable<T> work) {
        return Async.getRunningLoop().runInExecutor(pool, work);
    }

    /** The links a scanner found, resolved, normalised and sorted into crawlable and rejected. */
    static PageLinks links(LinkScanner.Found found) {
        List<String> crawlable = new ArrayList<>(found.links().size());
        boolean changed = false;     // a link that normalisation changed may now equal another one
        Map<String, String> rejected = new LinkedHashMap<>();
        for (String href : found.links()) {     // each target once: the scanner drops fragments and duplicates
            String plain = Urls.alreadyNormal(href);
            if (plain != null) {
                crawlable.add(plain);
                continue;
            }
            URI link = Urls.normalizeFully(href);
            String rule = rule(link);
            if (rule == null) {
                changed = true;
                crawlable.add(link.toString());
            } else {
                rejected.putIfAbsent(link == null ? href : link.toString(), rule);
            }
        }
        if (changed) {
            crawlable = new ArrayList<>(new LinkedHashSet<>(crawlable));
        }
        URI refresh = null;
        String refreshRejected = null;
        if (found.refresh() != null) {
            URI target = Urls.normalize(found.refresh());
            String rule = rule(target);
            if (rule == null) {
                refresh = target;
            } else {
                refreshRejected = target == null ? found.refresh() : target.toString();
                rejected.putIfAbsent(refreshRejected, rule);
            }
        }
        return new PageLinks(crawlable, rejected, refresh, refreshRejected);
    }

    private static String rule(URI link) {
        return link == null ? "invalid-url" : Urls.isCrawlable(link) ? null : "scheme";
    }

    /** Stops the worker threads; extractions under way are abandoned. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
