package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Future;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.function.Supplier;
import org.jsoup.nodes.Document;

/**
 * A page's body as it arrives ({@link Fetcher.BodySink}): counted, its links found block by block (for a 2xx HTML
 * page) and kept whole only when asked (a spider that may read it: {@link Crawler#keepsBody}). The bytes are
 * gathered into a block of {@link #BLOCK} bytes, which is scanned on one of the {@link LinkExtractor}'s threads
 * while the next block fills; a page that ends under {@link LinkExtractor#INLINE_BYTES} is scanned right here, as
 * {@link LinkExtractor#extract} does. So a page costs at most two blocks, whatever its size, and its links are those
 * of a scan of the whole page ({@link LinkScanner#feed}). The last block's scan may take the page's DOM with it
 * ({@link #links(Supplier)}): one hand-off for both.
 *
 * <p>One page, one task: written by the fetch, then {@link #links()} (or {@link #links(Supplier)}) once. The block being scanned is not touched
 * until its scan is awaited.
 */
final class PageBody implements Fetcher.BodySink {
    /** The bytes handed to a worker at a time. */
    static final int BLOCK = 64 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private final LinkExtractor extractor;
    private final URI url;
    /** Null for a body that is not scanned. */
    private final LinkScanner scanner;
    /** The body so far, when kept; else null. */
    private final ByteArrayOutputStream kept;
    /** Where kept bytes are counted (null: not counted). */
    private final ByteBudget budget;
    private long size;
    private byte[] fill;
    private int filled;
    /** The other block: being scanned while {@link #pending}, else free. */
    private byte[] other;
    private Future<Void> pending;

    PageBody(LinkExtractor extractor, URI url, LinkScanner scanner, boolean keep, ByteBudget budget) {
        this.extractor = extractor;
        this.url = url;
        this.scanner = scanner;
        this.kept = keep ? new ByteArrayOutputStream() : null;
        this.budget = keep ? budget : null;
    }

    @Override
    public void write(byte[] block, int offset, int length) {
        size += length;
        if (kept != null) {
            kept.write(block, offset, length);
            if (budget != null) {
                budget.add(length);
            }
        }
        if (scanner == null) {
            return;
        }
        while (length > 0) {
            if (fill == null) {
                fill = extractor.block();
            }
            int n = Math.min(length, BLOCK - filled);
            System.arraycopy(block, offset, fill, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == BLOCK) {
                handOff();
            }
        }
    }

    /** Scans the full block on a worker (after the one before it), and goes on filling the other. */
    private void handOff() {
        awaitPending();
        byte[] b = fill;
        int n = filled;
        pending = extractor.start(() -> {
            scanner.feed(b, 0, n);
            return null;
        });
        fill = other;
        other = b;
        filled = 0;
    }

    private void awaitPending() {
        if (pending != null) {
            Future<Void> p = pending;
            pending = null;
            await(p);
        }
    }

    /** The body's size so far (decoded), kept or not. */
    long size() {
        return size;
    }

    /** Gives the kept bytes back to the budget, once the page is done with (its spider ran, or it failed). */
    void release() {
        if (budget != null) {
            budget.release(kept.size());
        }
    }

    /** The body, if it was kept; else null. */
    byte[] kept() {
        return kept == null ? null : kept.toByteArray();
    }

    /**
     * The page's links, once the whole body was written: the last block scanned (here, for a small page; else on a
     * worker, awaited) and the links resolved. Only for a scanned body.
     */
    LinkExtractor.PageLinks links() {
        return links(null).links();
    }

    /**
     * What a scanned page gives its spider.
     * @param links    the page's links
     * @param document its DOM when it was parsed ahead, else null (also when the parse ahead failed: the spider's
     *                 own parse then fails where it asks)
     */
    record Scanned(LinkExtractor.PageLinks links, Document document) {
    }

    /**
     * {@link #links()}, and {@code parseAhead} (null: none) run in the same hand-off, after the scan: a page's DOM
     * made on the worker that finishes its links (here, for a small page, as {@link LinkExtractor#offload} does),
     * so that a spider that asks for it finds it made, with no second trip to the extraction threads.
     */
    Scanned links(Supplier<Document> parseAhead) {
        if (scanner == null) {
            throw new IllegalStateException("the body of " + url + " was not scanned for links");
        }
        byte[] last = fill == null ? NO_BYTES : fill;
        int n = filled;
        fill = null;
        Scanned scanned;
        if (pending == null && n < LinkExtractor.INLINE_BYTES) {
            scanned = finish(last, n, parseAhead);
        } else {
            awaitPending();
            scanned = await(extractor.start(() -> finish(last, n, parseAhead)));
        }
        recycle(last);     // not after a failure: a worker may still be reading a block, which is left to the GC
        return scanned;
    }

    private Scanned finish(byte[] last, int n, Supplier<Document> parseAhead) {
        LinkExtractor.PageLinks links = finish(last, n);
        Document document = null;
        if (parseAhead != null) {
            try {
                document = parseAhead.get();
            } catch (RuntimeException e) {
                // left to the spider's own parse, which fails the same way where the spider asks
            }
        }
        return new Scanned(links, document);
    }

    private LinkExtractor.PageLinks finish(byte[] last, int n) {
        scanner.feed(last, 0, n);
        return LinkExtractor.links(scanner.finish(url.toString()));
    }

    /** Gives the blocks back for the next page (only once no scan of them is pending). */
    private void recycle(byte[] last) {
        extractor.recycle(last);
        extractor.recycle(other);
        other = null;
    }
}
