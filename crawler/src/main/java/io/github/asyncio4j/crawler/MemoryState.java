package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.TimerHandle;
import java.util.ArrayDeque;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A crawl's state in this process's memory (the default): a {@link Frontier} of per-host queues, and the workers
 * that wait for it. A worker that finds no host it may fetch now waits (FIFO) until something changes: a URL
 * added or released, or the frontier's next wake time, for which one timer is armed. A worker that got a URL wakes
 * the next waiter if another host is ready, so no worker waits while a host may be fetched.
 *
 * <p>Invariant: {@code seen} = waiting + in flight + {@code done}; when the first two are empty and no feeder runs
 * ({@link #startFeeding}: a seeds file being read), every waiting worker is woken and told "complete".
 * Loop-confined.
 */
final class MemoryState implements CrawlState {
    private final Frontier frontier;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> done = new HashSet<>();
    private final Map<String, String> excluded = new LinkedHashMap<>();
    private final List<PageRecord> pages = new ArrayList<>();
    /** Host to the URLs admitted there, all of {@code seen}; null until an {@link #add} bounds them per host. */
    private Map<String, Long> admittedPerHost;
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    /** Feeders ({@link #startFeeding}) still running: the crawl is not complete while one is. */
    private int feeders;
    /** Hosts paused by an earlier run, not yet handed to the frontier: host to the pause's end, epoch ms. */
    private final Map<String, Long> restoredPauses = new LinkedHashMap<>();
    /** URLs an earlier run retried, not yet handed to the frontier: URL to its not-before time, epoch ms. */
    private final Map<Item, Long> restoredRetries = new LinkedHashMap<>();
    private EventLoop loop;
    private TimerHandle wakeTimer;
    private double wakeAt = Double.POSITIVE_INFINITY;

    /** A state for a crawl of {@code config}: its per-host limit and delay are each host's to start with. */
    MemoryState(CrawlConfig config) {
        this.frontier = new Frontier(config.perHost(), config.delay().toNanos() / 1e9, config.obeyRobots());
    }

    /** A state with no per-host limit or delay, and no robots.txt to read first. */
    MemoryState() {
        this.frontier = new Frontier(0, 0, false);
    }

    /** The loop's time; -infinity before the crawl's loop runs (a state filled before the crawl). */
    private double now() {
        if (loop == null) {
            try {
                loop = Async.getRunningLoop();
            } catch (IllegalStateException e) {
                return Double.NEGATIVE_INFINITY;
            }
            long wall = System.currentTimeMillis();
            double t = loop.time();
            restoredPauses.forEach((host, until) -> frontier.pause(host, t + (until - wall) / 1000.0, t));
            restoredPauses.clear();
            restoredRetries.forEach((item, at) -> frontier.addDelayed(item, t + (at - wall) / 1000.0, t));
            restoredRetries.clear();
        }
        return loop.time();
    }

    @Override
    public boolean isSeen(String url) {
        return seen.contains(url);
    }

    /** True if {@code url} is recorded as kept out (and not admitted since). */
    boolean isExcluded(String url) {
        return excluded.containsKey(url);
    }

    @Override
    public Admission add(Item item, long maxPages, long maxPerHost) {
        String key = item.url().toString();
        if (seen.contains(key)) {
            return Admission.SEEN;
        }
        if (maxPerHost != Long.MAX_VALUE && admittedPerHost == null) {
            admittedPerHost = new HashMap<>();  // counted once, a resumed run's URLs included; then kept up
            seen.forEach(url -> admittedPerHost.merge(CrawlState.hostOf(URI.create(url)), 1L, Long::sum));
        }
        if (admittedPerHost != null && admittedPerHost.getOrDefault(item.host(), 0L) >= maxPerHost) {
            return Admission.HOST_FULL;
        }
        if (seen.size() >= maxPages) {
            return Admission.FULL;
        }
        if (admittedPerHost != null) {
            admittedPerHost.merge(item.host(), 1L, Long::sum);
        }
        seen.add(key);
        excluded.remove(key);   // kept out once (say, past max-redirect), reached now by another way
        frontier.add(item, now());
        changed();
        return Admission.ADDED;
    }

    @Override
    public Item claim() {
        while (true) {
            double now = now();
            Item item = frontier.poll(now);
            if (item != null) {
                changed();      // another host may be ready too: its waiter goes on
                return item;
            }
            if (frontier.isEmpty() && feeders == 0) {
                wakeAll();      // complete
                return null;
            }
            Future<Void> woken = loop.createFuture();
            waiters.add(woken);
            arm();
            await(woken);
        }
    }

    /** Wakes the first waiter if a host may be fetched now, else arms the timer for the next time one may. */
    private void changed() {
        if (waiters.isEmpty()) {
            return;
        }
        double now = now();
        if (frontier.hasReady(now) || frontier.isEmpty() && feeders == 0) {
            wakeOne();
        } else {
            arm();
        }
    }

    /** One timer, at the frontier's next wake time: it wakes the first waiter, who re-arms it if needed. */
    private void arm() {
        double at = frontier.nextWake();
        if (at == Double.POSITIVE_INFINITY || at >= wakeAt) {
            return;
        }
        if (wakeTimer != null) {
            wakeTimer.cancel();
        }
        wakeAt = at;
        wakeTimer = loop.callAt(at, () -> {
            wakeTimer = null;
            wakeAt = Double.POSITIVE_INFINITY;
            wakeOne();      // who re-arms it, as it waits again or as it takes a URL and others still wait
        });
    }

    private void wakeOne() {
        Future<Void> f;
        while ((f = waiters.poll()) != null) {
            if (!f.isDone()) {      // a cancelled worker's future is done already
                f.setResult(null);
                return;
            }
        }
    }

    private void wakeAll() {
        Future<Void> f;
        while ((f = waiters.poll()) != null) {
            if (!f.isDone()) {
                f.setResult(null);
            }
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
        frontier.release(item, now());
        changed();
    }

    @Override
    public void putBack(Item item) {
        frontier.putBack(item, now());
        changed();
    }

    @Override
    public void retry(Item item, double delaySeconds) {
        double now = now();
        frontier.retry(item, now + delaySeconds, now);
        changed();
    }

    @Override
    public void pauseHost(String host, double seconds) {
        double now = now();
        frontier.pause(host, now + seconds, now);
        changed();
    }

    @Override
    public void giveUpHost(String host, String reason) {
        frontier.giveUp(host, reason, now());
        changed();
    }

    @Override
    public String givenUp(String host) {
        return frontier.givenUp(host);
    }

    @Override
    public void hostPolicy(String host, int limit, double delaySeconds) {
        frontier.policy(host, limit, delaySeconds, now());
        changed();
    }

    @Override
    public void awaitHostTurn(String host) {
        double wait;
        while ((wait = frontier.reserve(host, now())) > 0) {
            await(Async.sleep(wait));
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
        changed();      // the last feeder's end may complete the crawl
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
        return frontier.queued() + restoredRetries.size();
    }

    @Override
    public boolean hasReady() {
        return frontier.hasReady(now());
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

    /**
     * Puts back a URL a previous run admitted and did not finish (a resumed {@link SqliteState}), in the order they
     * were admitted; one retried then waits until {@code notBeforeEpochMillis} (0: none) as it did.
     */
    void restoreWaiting(Item item, long notBeforeEpochMillis) {
        seen.add(item.url().toString());
        long wait = notBeforeEpochMillis - System.currentTimeMillis();
        double now = now();
        if (wait > 0 && now != Double.NEGATIVE_INFINITY) {
            frontier.addDelayed(item, now + wait / 1000.0, now);
        } else if (wait > 0) {
            restoredRetries.put(item, notBeforeEpochMillis);    // in loop time once the loop is known
        } else {
            frontier.add(item, now());
        }
    }

    /** Puts back a host's pause (until {@code untilEpochMillis}) and the reason it was given up (or null). */
    void restoreHost(String host, long untilEpochMillis, String givenUp) {
        if (givenUp != null) {
            frontier.giveUp(host, givenUp, now());
        }
        long left = untilEpochMillis - System.currentTimeMillis();
        double now = now();
        if (left > 0 && now != Double.NEGATIVE_INFINITY) {
            frontier.pause(host, now + left / 1000.0, now);
        } else if (left > 0) {
            restoredPauses.put(host, untilEpochMillis);
        }
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
        if (wakeTimer != null) {
            wakeTimer.cancel();
        }
    }
}
