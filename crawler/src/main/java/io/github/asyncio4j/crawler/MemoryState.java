package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.queue.Queue;
import io.github.asyncio4j.queue.QueueShutDown;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A crawl's state in this process's memory (the default): a {@link Queue} of waiting URLs, shut down when the
 * last in-flight URL is done with none waiting, which wakes every idle worker with "complete".
 *
 * <p>Invariant: {@code seen} = waiting + in flight + {@code done}; the queue is shut down exactly when the first
 * two are empty and no feeder runs. Loop-confined.
 */
final class MemoryState implements CrawlState {
    private final Queue<Item> queue = new Queue<>();
    private final Set<String> seen = new HashSet<>();
    private final Set<String> done = new HashSet<>();
    private final Map<String, String> excluded = new LinkedHashMap<>();
    private final List<PageRecord> pages = new ArrayList<>();
    private int inFlight;
    /** Feeders ({@link #startFeeding}) still running: the crawl is not complete while one is. */
    private int feeders;

    @Override
    public boolean isSeen(String url) {
        return seen.contains(url);
    }

    /** True if {@code url} is recorded as kept out (and not admitted since). */
    boolean isExcluded(String url) {
        return excluded.containsKey(url);
    }

    @Override
    public Admission add(Item item, long maxPages) {
        String key = item.url().toString();
        if (seen.contains(key)) {
            return Admission.SEEN;
        }
        if (seen.size() >= maxPages) {
            return Admission.FULL;
        }
        seen.add(key);
        excluded.remove(key);   // kept out once (say, past max-redirect), reached now by another way
        queue.putNowait(item);
        return Admission.ADDED;
    }

    @Override
    public Item claim() {
        if (queue.empty() && inFlight == 0 && feeders == 0) {
            queue.shutdown();
        }
        try {
            Item item = await(queue.get());
            inFlight++;
            return item;
        } catch (QueueShutDown e) {
            return null;
        }
    }

    @Override
    public void done(Item item, PageRecord page) {
        pages.add(page);
        finish(item);
    }

    @Override
    public void refused(Item item, String rule) {
        excluded.put(item.url().toString(), rule);
        finish(item);
    }

    private void finish(Item item) {
        done.add(item.url().toString());
        inFlight--;
        completeIfIdle();
    }

    private void completeIfIdle() {
        if (inFlight == 0 && feeders == 0 && queue.empty()) {
            queue.shutdown();   // complete: the workers waiting in claim() return null
        }
    }

    @Override
    public boolean startFeeding() {
        feeders++;
        return true;
    }

    @Override
    public void endFeeding() {
        feeders--;
        completeIfIdle();
    }

    @Override
    public void exclude(String url, String rule) {
        recordExclusion(url, rule);
    }

    /** {@link #exclude}, saying whether the exclusion is new. */
    boolean recordExclusion(String url, String rule) {
        return !seen.contains(url) && excluded.putIfAbsent(url, rule) == null;
    }

    @Override
    public long waiting() {
        return queue.qsize();
    }

    @Override
    public List<PageRecord> pages() {
        return List.copyOf(pages);
    }

    @Override
    public Map<String, String> excluded() {
        return new LinkedHashMap<>(excluded);
    }

    @Override
    public List<String> unfinished() {
        List<String> left = new ArrayList<>();
        for (String url : seen) {
            if (!done.contains(url)) {
                left.add(url);
            }
        }
        return left;
    }

    /** Puts back a URL a previous run admitted and did not finish (a resumed {@link SqliteState}). */
    void restoreWaiting(Item item) {
        seen.add(item.url().toString());
        queue.putNowait(item);
    }

    /** Puts back a URL a previous run finished (its page or exclusion is restored separately). */
    void restoreDone(String url) {
        seen.add(url);
        done.add(url);
    }

    /** Puts back a page a previous run recorded. */
    void restorePage(PageRecord page) {
        pages.add(page);
    }

    /** Puts back an exclusion a previous run recorded. */
    void restoreExcluded(String url, String rule) {
        excluded.put(url, rule);
    }

    @Override
    public void close() {
    }
}
