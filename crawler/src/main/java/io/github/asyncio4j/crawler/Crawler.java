package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import crawlercommons.robots.BaseRobotRules;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.ReturnWhen;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TaskGroup;
import io.github.asyncio4j.crawler.CrawlState.Admission;
import io.github.asyncio4j.crawler.CrawlState.Item;
import io.github.asyncio4j.sync.Semaphore;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The crawler of the "500 Lines or Less" asyncio chapter: a frontier of (URL, redirects left) in a {@link CrawlState},
 * {@code maxTasks} worker coroutines that claim a URL, fetch it, follow redirects by admitting their target with one
 * redirect less, and admit the new links of HTML pages; a worker ends when the state says the crawl is complete.
 *
 * <p>Invariant: every URL the crawl meets ends in exactly one place: {@link CrawlReport#pages()} (fetched, or
 * failed after every try), {@link CrawlReport#excluded()} (with the rule that kept it out), or, if the crawl was
 * stopped, {@link CrawlReport#unfinished()}. A crawler runs once, on one loop.
 */
public final class Crawler {
    private final CrawlConfig config;
    private final Fetcher fetcher;
    private final HostFilter hosts;
    private final Robots robots;
    private final CrawlState state;
    private final Map<String, Semaphore> hostLimits = new HashMap<>();
    /** Absolute link as found to its normalised form: a page is usually linked from many others. */
    private final Map<String, URI> normalized = new HashMap<>();
    private final CrawlProgress progress = new CrawlProgress();
    private boolean ran;
    private Future<Void> stopRequested;
    private EventLoop loop;
    private double started;

    /** A crawler whose state lives in memory. */
    public Crawler(CrawlConfig config, Fetcher fetcher) {
        this(config, fetcher, new MemoryState());
    }

    /** A crawler keeping its frontier, seen set and records in {@code state} (which its owner closes). */
    public Crawler(CrawlConfig config, Fetcher fetcher, CrawlState state) {
        this.config = config;
        this.fetcher = fetcher;
        this.state = state;
        this.hosts = new HostFilter(config.roots(), config.strict());
        this.robots = new Robots(fetcher, config.userAgent());
    }

    /** Live counters, for a progress display (read them on the loop's thread). */
    public CrawlProgress progress() {
        return progress;
    }

    /**
     * The crawl: runs until every admitted URL is handled, or {@link #stop()}; returns the report either way.
     * @throws IllegalStateException if this crawler has run already
     */
    public Coroutine<CrawlReport> crawl() {
        return Coroutine.of(() -> {
            if (ran) {
                throw new IllegalStateException("a Crawler runs once; make a new one");
            }
            ran = true;
            loop = Async.getRunningLoop();
            stopRequested = loop.createFuture();
            started = loop.time();
            for (URI root : config.roots()) {
                admit(Urls.normalize(root.toString()), config.maxRedirect());
            }
            try (var workers = new TaskGroup()) {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < config.maxTasks(); i++) {
                    tasks.add(workers.createTask(work(), "crawler-worker-" + i));
                }
                Future<List<Void>> finished = Async.gather(tasks);
                await(Async.wait(List.of(finished, stopRequested), ReturnWhen.FIRST_COMPLETED));
                workers.cancel();
            }
            boolean interrupted = stopRequested.isDone();
            return new CrawlReport(config, state.pages(), state.excluded(), state.unfinished(),
                    loop.time() - started, interrupted);
        });
    }

    /** Stops the crawl soon: workers are cancelled, and the report lists what was left. Loop thread only. */
    public void stop() {
        if (stopRequested != null && !stopRequested.isDone()) {
            stopRequested.setResult(null);
        }
    }

    /** A worker: the chapter's {@code work()}: claim a URL and handle it, until the crawl is complete. */
    private Coroutine<Void> work() {
        return Coroutine.of(() -> {
            Item item;
            while ((item = state.claim()) != null) {
                handle(item);
                progress.queued = (int) state.waiting();
            }
            return null;
        });
    }

    private void handle(Item item) {
        URI url = item.url();
        String key = url.toString();
        if (config.obeyRobots()) {
            BaseRobotRules rules = robots.rulesFor(url);
            if (!rules.isAllowed(key)) {
                state.refused(item, "robots");     // admitted, then kept out: done, with its rule
                return;
            }
        }
        Semaphore limit = config.perHost() == 0 ? null
                : hostLimits.computeIfAbsent(url.getRawAuthority(), h -> new Semaphore(config.perHost()));
        if (limit == null) {
            fetch(item);
        } else {
            try (var held = limit.hold()) {
                Runnable shared = state.holdHost(url.getRawAuthority(), config.perHost());
                try {
                    fetch(item);
                } finally {
                    if (shared != null) {
                        shared.run();
                    }
                }
            }
        }
    }

    /** The chapter's {@code fetch()}: tries up to {@code maxTries} times, then records the page or the failure. */
    private void fetch(Item item) {
        URI url = item.url();
        double start = loop.time();
        FetchResponse response = null;
        Exception last = null;
        int tries = 0;
        while (tries < config.maxTries()) {
            tries++;
            try {
                response = fetcher.fetch(url);
                break;
            } catch (Exception e) {     // CancelledError is an Error: a stop or Ctrl-C goes through
                last = e;
            }
        }
        long ms = Math.round((loop.time() - start) * 1000);
        if (response == null) {
            progress.errors++;
            state.done(item, new PageRecord(url.toString(), null, null, 0, 0, 0, null, describe(last), ms, tries,
                    loop.time() - started));
            return;
        }
        progress.fetched++;
        progress.bytes += response.body().length;
        String redirectTo = null;
        int links = 0;
        int newLinks = 0;
        if (response.isRedirect()) {
            progress.redirects++;
            URI next = Urls.resolve(url, response.location());
            if (next == null || !Urls.isCrawlable(next)) {
                redirectTo = response.location();
                exclude(response.location(), next == null ? "invalid-url" : "scheme");
            } else {
                redirectTo = next.toString();
                if (item.redirectsLeft() > 0) {
                    admit(next, item.redirectsLeft() - 1);
                } else if (!state.isSeen(redirectTo)) {
                    exclude(redirectTo, "max-redirect");
                }
            }
        } else if (response.isHtml()) {
            Set<URI> found = new LinkedHashSet<>();
            for (String href : Links.extract(response.body(), response.charset(), url.toString())) {
                URI link = normalized.computeIfAbsent(href, Urls::normalize);
                if (link == null) {
                    exclude(href, "invalid-url");
                } else if (!Urls.isCrawlable(link)) {
                    exclude(link.toString(), "scheme");
                } else {
                    found.add(link);
                }
            }
            links = found.size();
            for (URI link : found) {
                if (admit(link, config.maxRedirect())) {
                    newLinks++;
                }
            }
        }
        state.done(item, new PageRecord(url.toString(), response.status(), response.contentType(),
                response.body().length, links, newLinks, redirectTo, null, ms, tries, loop.time() - started));
    }

    /** The chapter's {@code add_url()}, with its filters: true if {@code url} is new and was queued. */
    private boolean admit(URI url, int redirectsLeft) {
        String key = url.toString();
        String rule = !hosts.accepts(url) ? "host"
                : config.exclude() != null && config.exclude().matcher(key).find() ? "exclude"
                : null;
        if (rule != null) {
            exclude(key, rule);
            return false;
        }
        Admission admission = state.add(new Item(url, redirectsLeft), config.maxPages());
        if (admission == Admission.FULL) {
            exclude(key, "max-pages");
        }
        return admission == Admission.ADDED;
    }

    /** Records why {@code url} is not fetched, unless it is (or will be) fetched after all. */
    private void exclude(String url, String rule) {
        state.exclude(url, rule);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
