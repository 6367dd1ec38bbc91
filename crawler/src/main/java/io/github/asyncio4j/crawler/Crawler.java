package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The crawler of the "500 Lines or Less" asyncio chapter: a frontier of (URL, redirects left, depth) in a
 * {@link CrawlState}, {@code maxTasks} worker coroutines that claim a URL, fetch it, follow redirects (and
 * {@code <meta http-equiv="refresh">}) by admitting their target with one redirect less, and admit the new links
 * of HTML pages one level deeper; a worker ends when the state says the crawl is complete. The network and the
 * frontier stay on the crawl's loop; link extraction runs on {@code workers} threads ({@link LinkExtractor}).
 * With {@code sitemaps}, the roots' robots.txt sitemaps are read first and seed the crawl.
 *
 * <p>Invariant: every URL the crawl meets ends in exactly one place: {@link CrawlReport#pages()} (fetched, or
 * failed after every try), {@link CrawlReport#excluded()} (with the rule that kept it out), or, if the crawl was
 * stopped, {@link CrawlReport#unfinished()}. A crawler runs once, on one loop.
 */
public final class Crawler {
    /** Sitemaps read from one crawl at most (an index can name many; each is fetched). */
    private static final int MAX_SITEMAPS = 1000;

    private final CrawlConfig config;
    private final Fetcher fetcher;
    private final HostFilter hosts;
    private final Robots robots;
    private final CrawlState state;
    private final Map<String, Semaphore> hostLimits = new HashMap<>();
    private final HostPacer pacer = new HostPacer();
    /** Sitemap URL to what reading it gave ({@code "N URLs"}, {@code "N sitemaps"} or the error). */
    private final Map<String, String> sitemaps = new LinkedHashMap<>();
    private final CrawlProgress progress = new CrawlProgress();
    private boolean ran;
    private LinkExtractor extractor;
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
                admit(Urls.normalize(root.toString()), config.maxRedirect(), 0);
            }
            if (config.sitemaps()) {    // first: the workers end when the frontier is empty
                Task<Void> seeding = loop.createTask(seedFromSitemaps(), "crawler-sitemaps");
                await(Async.wait(List.of(seeding, stopRequested), ReturnWhen.FIRST_COMPLETED));
                if (seeding.isDone()) {
                    seeding.result();   // its failure (it records each sitemap's own) is not lost
                } else {
                    seeding.cancel();
                }
            }
            if (!stopRequested.isDone()) {
                try (var extractor = new LinkExtractor(config.workers()); var workers = new TaskGroup()) {
                    this.extractor = extractor;
                    List<Task<Void>> tasks = new ArrayList<>();
                    for (int i = 0; i < config.maxTasks(); i++) {
                        tasks.add(workers.createTask(work(), "crawler-worker-" + i));
                    }
                    Future<List<Void>> finished = Async.gather(tasks);
                    await(Async.wait(List.of(finished, stopRequested), ReturnWhen.FIRST_COMPLETED));
                    workers.cancel();
                }
            }
            boolean interrupted = stopRequested.isDone();
            return new CrawlReport(config, state.pages(), state.excluded(), state.unfinished(),
                    loop.time() - started, interrupted, new LinkedHashMap<>(sitemaps));
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
            pace(url);
            fetch(item);
        } else {
            try (var held = limit.hold()) {
                Runnable shared = state.holdHost(url.getRawAuthority(), config.perHost());
                try {
                    pace(url);      // once the host's slot is held: the request starts when its turn comes
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
            } catch (CrawlWriteException e) {
                throw e;        // the crawl's own records failed, not the page: the crawl ends
            } catch (Exception e) {     // CancelledError is an Error: a stop or Ctrl-C goes through
                last = e;
            }
        }
        long ms = Math.round((loop.time() - start) * 1000);
        if (response == null) {
            progress.errors++;
            state.done(item, new PageRecord(url.toString(), null, null, 0, 0, 0, null, ErrorText.of(last), ms, tries,
                    loop.time() - started));
            return;
        }
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
                redirect(item, next);
            }
        } else if (response.isHtml()) {
            LinkExtractor.PageLinks found = extractor.extract(response.body(), response.charset(), url);
            found.rejected().forEach(this::exclude);
            if (found.refresh() != null) {    // a meta refresh: a redirect, and the page's links are still links
                progress.redirects++;
                redirectTo = found.refresh().toString();
                redirect(item, found.refresh());
            } else if (found.refreshRejected() != null) {
                redirectTo = found.refreshRejected();
            }
            links = found.crawlable().size();
            for (URI link : found.crawlable()) {
                if (admit(link, config.maxRedirect(), item.depth() + 1)) {
                    newLinks++;
                }
            }
        }
        progress.fetched++;     // counted when handled: a crawl stopped before this lists the URL as unfinished
        progress.bytes += response.body().length;
        state.done(item, new PageRecord(url.toString(), response.status(), response.contentType(),
                response.body().length, links, newLinks, redirectTo, null, ms, tries, loop.time() - started));
    }

    /** Follows a redirect (or a meta refresh) from {@code item} to {@code next}, at the same depth. */
    private void redirect(Item item, URI next) {
        if (item.redirectsLeft() > 0) {
            admit(next, item.redirectsLeft() - 1, item.depth());
        } else {
            exclude(next.toString(), "max-redirect");   // unless it is (or will be) fetched by another way
        }
    }

    /**
     * {@code --delay}: waits for this host's turn, at least the delay (and robots.txt's Crawl-delay) apart: across
     * every process of a shared state, else in this one.
     */
    private void pace(URI url) {
        double delay = config.delay().toNanos() / 1e9;
        if (config.obeyRobots()) {
            long crawlDelayMs = robots.rulesFor(url).getCrawlDelay();
            if (crawlDelayMs > 0) {
                delay = Math.max(delay, crawlDelayMs / 1000.0);
            }
        }
        if (!state.awaitHostTurn(url.getRawAuthority(), delay)) {
            pacer.awaitTurn(url.getRawAuthority(), delay);
        }
    }

    /**
     * {@code --sitemaps}: reads the sitemaps that the roots' robots.txt files name (indexes followed, at most
     * {@link #MAX_SITEMAPS}) and admits their URLs as roots, before the workers start.
     */
    private Coroutine<Void> seedFromSitemaps() {
        return Coroutine.of(() -> {
            ArrayDeque<URI> toRead = new ArrayDeque<>();
            Set<String> origins = new LinkedHashSet<>();
            for (URI root : config.roots()) {
                if (origins.add(Urls.origin(root))) {
                    for (String s : robots.rulesFor(root).getSitemaps()) {
                        URI sitemap = Urls.normalize(s);
                        if (sitemap == null || !Urls.isCrawlable(sitemap)) {
                            sitemaps.putIfAbsent(s, "not an http(s) URL");
                        } else {
                            queueSitemap(sitemap, toRead);
                        }
                    }
                }
            }
            while (!toRead.isEmpty()) {
                readSitemap(toRead.poll(), toRead);
            }
            return null;
        });
    }

    private void queueSitemap(URI sitemap, ArrayDeque<URI> toRead) {
        String key = sitemap.toString();
        if (sitemaps.containsKey(key)) {
            return;
        }
        if (sitemaps.size() >= MAX_SITEMAPS) {
            sitemaps.put(key, "not read: over " + MAX_SITEMAPS + " sitemaps");
            return;
        }
        sitemaps.put(key, "queued");
        toRead.add(sitemap);
    }

    /** Reads a sitemap (crawler-commons' parser): its URLs are admitted as roots, an index's sitemaps queued. */
    private void readSitemap(URI url, ArrayDeque<URI> toRead) {
        String key = url.toString();
        pace(url);
        try {
            FetchResponse r = fetcher.fetch(url);
            if (r.status() != 200) {
                sitemaps.put(key, "status " + r.status());
                return;
            }
            AbstractSiteMap map = new SiteMapParser(false).parseSiteMap(
                    r.contentType() == null ? "text/xml" : r.contentType(), r.body(), url.toURL());
            if (map instanceof SiteMapIndex index) {
                sitemaps.put(key, index.getSitemaps().size() + " sitemaps");
                for (AbstractSiteMap child : index.getSitemaps()) {
                    URI c = Urls.normalize(child.getUrl().toString());
                    if (c != null && Urls.isCrawlable(c)) {
                        queueSitemap(c, toRead);
                    }
                }
            } else if (map instanceof SiteMap list) {
                int admitted = 0;
                for (SiteMapURL u : list.getSiteMapUrls()) {
                    URI page = Urls.normalize(u.getUrl().toString());
                    if (page == null || !Urls.isCrawlable(page)) {
                        exclude(u.getUrl().toString(), page == null ? "invalid-url" : "scheme");
                    } else if (admit(page, config.maxRedirect(), 0)) {
                        admitted++;
                    }
                }
                sitemaps.put(key, list.getSiteMapUrls().size() + " URLs, " + admitted + " new");
            }
        } catch (Exception e) {     // CancelledError is an Error: a stop goes through
            sitemaps.put(key, ErrorText.of(e));
        }
    }

    /** The chapter's {@code add_url()}, with its filters: true if {@code url} is new and was queued. */
    private boolean admit(URI url, int redirectsLeft, int depth) {
        String key = url.toString();
        String rule = !hosts.accepts(url) ? "host"
                : config.exclude() != null && config.exclude().matcher(key).find() ? "exclude"
                : depth > config.maxDepth() ? "max-depth"
                : null;
        if (rule != null) {
            exclude(key, rule);
            return false;
        }
        Admission admission = state.add(new Item(url, redirectsLeft, depth), config.maxPages());
        if (admission == Admission.FULL) {
            exclude(key, "max-pages");
        }
        return admission == Admission.ADDED;
    }

    /** Records why {@code url} is not fetched, unless it is (or will be) fetched after all. */
    private void exclude(String url, String rule) {
        state.exclude(url, rule);
    }

}
