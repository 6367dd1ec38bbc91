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
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The crawler of the "500 Lines or Less" asyncio chapter: a frontier of (URL, redirects left, depth) in a
 * {@link CrawlState}, {@code maxTasks} worker coroutines that claim a URL, fetch it, follow redirects (and
 * {@code <meta http-equiv="refresh">}) by admitting their target with one redirect less, and admit the new links
 * of HTML pages one level deeper; a worker ends when the state says the crawl is complete. The network and the
 * frontier stay on the crawl's loop; link extraction runs on {@code workers} threads ({@link LinkExtractor}).
 * With {@code sitemaps}, the roots' robots.txt sitemaps are read first and seed the crawl.
 *
 * <p>What is followed is a {@link Spider}'s choice: each fetched page (not a redirect) goes to its {@code parse}, in
 * the worker's task, before the page is recorded done; the default spider follows every in-scope link. The items
 * it emits go to the {@link ItemSink}s from the same task, after {@code parse} returned; a URL that failed after
 * its last try goes to {@link Spider#failed}.
 *
 * <p>Invariant: every URL the crawl meets ends in exactly one place: {@link CrawlReport#pages()} (fetched, or
 * failed after every try), {@link CrawlReport#excluded()} (with the rule that kept it out), or, if the crawl was
 * stopped, {@link CrawlReport#unfinished()}. A page is recorded done only after its spider's method returned and its
 * items were written: a crawl stopped in between lists it as unfinished. A crawler runs once, on one loop.
 */
public final class Crawler {
    /** Sitemaps read from one crawl at most (an index can name many; each is fetched). */
    private static final int MAX_SITEMAPS = 1000;
    /**
     * URLs waiting at which reading the seeds file pauses (about 20 MB of them). Large, not a few per worker: a host
     * admitted late finishes late, however free the workers are then, when its politeness (a Crawl-delay, a
     * Retry-After) makes it a chain of seconds; so hosts are admitted as early as memory allows (issue 28: with a
     * high water of 1,000, a 2,000-host web took 1.5x its politeness bound, its last hosts admitted near the end).
     */
    static final long SEED_HIGH_WATER = 50_000;
    /** The most labels whose spider's asking for DOMs is remembered ({@link #parseAhead}); others are parsed lazily. */
    static final int PARSE_AHEAD_LABELS = 1024;

    private final CrawlConfig config;
    private final Fetcher fetcher;
    private final CrawlScope scope;
    /** Where a bad line of the seeds file is reported (its number and why), beside its exclusion. */
    private Consumer<String> seedWarnings = w -> { };
    /** What {@code --seeds -} reads. */
    private java.io.InputStream standardInput = System.in;
    /** The seeds file, open from the start of the crawl until it is read (or the crawl ends). */
    private SeedFile seedFile;
    /** See {@link #seedsPaused()}. */
    private long seedHighWater = SEED_HIGH_WATER;
    private final Robots robots;
    private final CrawlState state;
    private final Spider spider;
    /** Whether a page's body is kept for its spider ({@link #keepsBody}); else it is scanned as it arrives and dropped. */
    private final boolean keepsBody;
    /**
     * Label (null: none) to whether the spider asked for the DOM of the last HTML page of that label it was given:
     * then the next pages' of the label are parsed ahead, on the worker that finishes their links
     * ({@link PageBody#links(java.util.function.Supplier)}), and a spider that asks finds its page's made (the same
     * document: {@link Page#parse(FetchResponse, URI)} either way). By label, because a spider that selects on some
     * pages routes them by label. A spider that never asks never has one parsed; one that stops asking for a label
     * pays for at most that label's pages in flight when it stopped. At most {@link #PARSE_AHEAD_LABELS} labels.
     */
    private final Map<String, Boolean> parseAhead = new HashMap<>();
    /** The kept bodies' bytes in memory at once ({@link #keepsBody}): a fetch waits while they reach the limit. */
    private final ByteBudget keptBodies;
    private final List<ItemSink> sinks;
    /** The first built-in file among the sinks: its length goes into the state with each page ({@link ItemFile}). */
    private final ItemFile output;
    /** Whether this crawler made the fetcher (and closes it). */
    private final boolean ownsFetcher;
    /** Hears every request a spider follows, with its depth (the offline runner's record); null for none. */
    private final java.util.function.Consumer<Request> followed;
    /** Per origin, the last unreachable read of its robots.txt that a worker handled (each is handled once). */
    private final Map<String, Robots.Later> robotsLater = new HashMap<>();
    /** Origins whose robots.txt this process read and applied to their host's policy. */
    private final Set<String> policed = new HashSet<>();
    /** Host to its connection failures in a row (an answer from it clears the count). */
    private final Map<String, Integer> hostFailures = new HashMap<>();
    private final Map<String, Long> retries = new TreeMap<>();
    private final Map<String, Double> paused = new TreeMap<>();
    private final Map<String, String> givenUp = new TreeMap<>();
    private final AutoThrottle throttle;
    /** Host to its least delay (the crawl's, or its robots.txt Crawl-delay), without auto-throttle. */
    private final Map<String, Double> leastDelay = new HashMap<>();
    /** Hosts paused by a Retry-After and not answered well since: one request at a time. */
    private final Set<String> probing = new HashSet<>();
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
        this(config, fetcher, new MemoryState(config));
    }

    /** A crawler keeping its frontier, seen set and records in {@code state} (which its owner closes). */
    public Crawler(CrawlConfig config, Fetcher fetcher, CrawlState state) {
        this(builder(config).fetcher(fetcher).state(state));
    }

    private Crawler(Builder b) {
        this.config = b.config;
        this.ownsFetcher = b.fetcher == null;
        this.fetcher = b.fetcher != null ? b.fetcher : new HttpFetcher(config);
        this.state = b.state != null ? b.state : new MemoryState(config);
        this.spider = b.spider;
        this.keepsBody = keepsBody(spider);
        this.keptBodies = new ByteBudget(b.keptBodyBytes);
        this.sinks = List.copyOf(b.sinks);
        this.output = (ItemFile) sinks.stream().filter(s -> s instanceof ItemFile f && f.position() >= 0)
                .findFirst().orElse(null);
        this.followed = b.followed;
        this.scope = CrawlScope.forCrawl(config);
        this.robots = new Robots(fetcher, config.userAgent(), config.maxTries(), seconds(config.maxRetryAfter()));
        this.throttle = config.autoThrottle() ? new AutoThrottle(config.perHost() > 0 ? config.perHost()
                : config.maxTasks(), seconds(config.delay())) : null;
    }

    /**
     * The one rule for whether a crawl keeps each page's body whole: a spider of the user's may read it
     * ({@link Page#body()}, {@code text()}, {@code document()}, {@code select()}), so it is kept; the default spider
     * reads only the links, so the body is scanned as it arrives and never held whole (a {@code --warc} record
     * streams on its own: {@link HttpFetcher}). Memory then does not grow with page size.
     */
    static boolean keepsBody(Spider spider) {
        return !(spider instanceof DefaultSpider);
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }

    /**
     * A crawler of {@code config}: by default the {@code crawl} command's (the default spider, no item sinks,
     * HTTP through an {@link HttpFetcher} it closes at the end, the state in memory).
     */
    public static Builder builder(CrawlConfig config) {
        return new Builder(config);
    }

    /** What a {@link Crawler} is made of; {@link #build()} makes it. */
    public static final class Builder {
        private final CrawlConfig config;
        private Spider spider = Spider.followingLinks();
        private final List<ItemSink> sinks = new ArrayList<>();
        private Fetcher fetcher;
        private CrawlState state;
        private java.util.function.Consumer<Request> followed;
        private long keptBodyBytes = ByteBudget.DEFAULT_LIMIT;

        private Builder(CrawlConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /** What to do with each page (default: {@link Spider#followingLinks()}). */
        public Builder spider(Spider spider) {
            this.spider = java.util.Objects.requireNonNull(spider, "spider");
            return this;
        }

        /** Where emitted items go, each in turn; the crawl closes them when it ends. */
        public Builder items(ItemSink... sinks) {
            for (ItemSink s : sinks) {
                this.sinks.add(java.util.Objects.requireNonNull(s, "an item sink"));
            }
            return this;
        }

        /** How pages are fetched (its owner closes it); default: an {@link HttpFetcher} the crawler closes. */
        public Builder fetcher(Fetcher fetcher) {
            this.fetcher = fetcher;
            return this;
        }

        /** Where the crawl keeps its frontier and records (its owner closes it); default: in memory. */
        public Builder state(CrawlState state) {
            this.state = state;
            return this;
        }

        /** Hears every request the spider follows (admitted or not), with the depth it would have. */
        Builder followed(java.util.function.Consumer<Request> listener) {
            this.followed = listener;
            return this;
        }

        /** The most bytes of kept bodies in memory at once, softly ({@link ByteBudget}; tests). */
        Builder keptBodyBytes(long bytes) {
            this.keptBodyBytes = bytes;
            return this;
        }

        public Crawler build() {
            return new Crawler(this);
        }
    }

    /** Receives a line for each bad line of the seeds file ({@code "--seeds FILE line 7: ..."}); call before crawl. */
    void seedWarnings(Consumer<String> warnings) {
        this.seedWarnings = warnings;
    }

    /** The seeds file's high water ({@link #seedsPaused()}; tests, default {@link #SEED_HIGH_WATER}); call before crawl. */
    void seedHighWater(long urls) {
        this.seedHighWater = urls;
    }

    /** What a seeds file named {@code -} reads (tests; default {@link System#in}); call before crawl. */
    void standardInput(java.io.InputStream in) {
        this.standardInput = in;
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
            try {
                return run();
            } finally {
                closeOwned();
            }
        });
    }

    /** Closes the item sinks (all of them; the first failure is thrown) and a fetcher the crawler made. */
    private void closeOwned() {
        RuntimeException first = null;
        for (ItemSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            } catch (Exception e) {
                first = first == null ? new CrawlWriteException("an item sink failed to close ("
                        + ErrorText.of(e) + ")", e) : first;
            }
        }
        if (ownsFetcher) {
            fetcher.close();
        }
        if (first != null) {
            throw first;
        }
    }

    private CrawlReport run() {
        {
            loop = Async.getRunningLoop();
            stopRequested = loop.createFuture();
            started = loop.time();
            // opened before the first request: a missing file fails the crawl at once (CrawlSetupException)
            seedFile = config.seeds() == null ? null : SeedFile.open(config.seeds(), standardInput);
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
            boolean feeding = config.seeds() != null && state.startFeeding();
            if (config.seeds() != null && !feeding) {   // a state that cannot wait for seeds: all of them first
                Task<Void> seeding = loop.createTask(feed(false), "crawler-seeds");
                await(Async.wait(List.of(seeding, stopRequested), ReturnWhen.FIRST_COMPLETED));
                if (seeding.isDone()) {
                    seeding.result();
                } else {
                    seeding.cancel();
                }
            }
            if (!stopRequested.isDone()) {
                try (var extractor = new LinkExtractor(config.workers(), 2 * config.maxTasks()); var workers = new TaskGroup()) {
                    this.extractor = extractor;
                    List<Task<Void>> tasks = new ArrayList<>();
                    if (feeding) {
                        workers.createTask(feed(true), "crawler-seeds");
                    }
                    for (int i = 0; i < config.maxTasks(); i++) {
                        tasks.add(workers.createTask(work(), "crawler-worker-" + i));
                    }
                    Future<List<Void>> finished = Async.gather(tasks);
                    await(Async.wait(List.of(finished, stopRequested), ReturnWhen.FIRST_COMPLETED));
                    workers.cancel();
                }
            }
            boolean interrupted = stopRequested.isDone();
            if (seedFile != null) {
                seedFile.close();   // read to its end, or the crawl was stopped
            }
            return new CrawlReport(config, state.pages(), state.excluded(), state.unfinished(),
                    loop.time() - started, interrupted, new LinkedHashMap<>(sitemaps),
                    new CrawlReport.Recovery(retries, paused, givenUp),
                    config.recrawl() ? state.recrawlOutcomes() : Map.of());
        }
    }

    /**
     * True while reading the seeds file waits: {@link #seedHighWater} URLs wait and one of them may be fetched now
     * (the workers have work), or four times as many wait (if all are held back by their hosts' delays and pauses,
     * reading on is the only way to keep the workers busy, up to that bound).
     */
    private boolean seedsPaused() {
        long waiting = state.waiting();
        return waiting >= seedHighWater && (waiting >= 4 * seedHighWater || state.hasReady());
    }

    /**
     * {@code --seeds}: reads the file a batch of lines at a time off the loop and admits each seed as a root
     * (widening the scope by it); with {@code paced}, pauses while {@link #seedsPaused()} (so the file is read as
     * the crawl goes, and hosts that must wait do not idle the workers), and ends {@link CrawlState#startFeeding}
     * when the file is read. A
     * bad line is excluded (its text, by rule {@code invalid-url} or {@code scheme}) and reported with its number;
     * a read that fails ends the reading, reported the same way, and the crawl goes on with what was read.
     */
    private Coroutine<Void> feed(boolean paced) {
        return Coroutine.of(() -> {
            SeedFile file = seedFile;
            try {
                while (true) {
                    while (paced && seedsPaused()) {
                        await(Async.sleep(0.05));
                    }
                    List<SeedFile.Line> lines;
                    try {
                        lines = await(Async.toThread(() -> file.next(512)));
                    } catch (java.io.UncheckedIOException e) {
                        seedWarnings.accept("--seeds " + file.name() + ": reading stopped ("
                                + ErrorText.of(e.getCause()) + "); the seeds read before are crawled");
                        return null;
                    }
                    if (lines.isEmpty()) {
                        return null;
                    }
                    for (SeedFile.Line line : lines) {
                        seed(file, line);
                    }
                }
            } finally {
                file.close();
                if (paced) {
                    state.endFeeding();
                }
            }
        });
    }

    private void seed(SeedFile file, SeedFile.Line line) {
        String text = line.text();
        URI url = text.length() > SeedFile.MAX_LINE ? null : Urls.normalize(text);
        String why = url == null ? (text.length() > SeedFile.MAX_LINE ? "longer than " + SeedFile.MAX_LINE
                + " characters" : "not a URL") : !Urls.isCrawlable(url) ? "not an http(s) URL with a host" : null;
        if (why != null) {
            String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
            seedWarnings.accept("--seeds " + file.name() + " line " + line.number() + ": '" + shown + "' is " + why
                    + " (skipped)");
            exclude(text.length() > SeedFile.MAX_LINE ? shown : text, url == null ? "invalid-url" : "scheme");
            return;
        }
        scope.addRoot(url);
        admit(url, config.maxRedirect(), 0);
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

    /**
     * One claimed URL: failed at once if its host was given up; if its origin's robots.txt is not read yet, read
     * (the claim's request slot is robots.txt's) and the URL put back (an unreachable robots.txt pauses the host
     * until the next read, or, for good, gives it up); else kept out by robots.txt or fetched.
     */
    private void handle(Item item) {
        URI url = item.url();
        String reason = state.givenUp(item.host());
        if (reason != null) {
            fail(item, reason, item.tries(), 0);
            return;
        }
        if (config.obeyRobots()) {
            if (!robots.isRead(url) || !policed.contains(Urls.origin(url))) {
                // An instanceof chain over the sealed Outcome, not a pattern switch: see Robots#rulesFor.
                Robots.Outcome outcome = robots.read(url);
                if (outcome instanceof Robots.Rules r) {
                    police(url, r.rules());
                    state.putBack(item);
                } else if (outcome instanceof Robots.Later later) {
                    robotsLater(item, later);
                } else if (outcome instanceof Robots.Unreachable u) {
                    fail(item, giveUp(item.host(), u.reason()), item.tries(), 0);
                } else {
                    throw new AssertionError("a robots.txt outcome the crawler does not know: " + outcome);
                }
                return;
            }
            if (!robots.rulesFor(url).isAllowed(url.toString())) {
                state.refused(item, "robots");     // admitted, then kept out: done, with its rule
                return;
            }
        }
        fetch(item);
    }

    /**
     * robots.txt was unreachable this time: the host pauses until the next read ({@code Retry-After} or backoff),
     * counted as a retry once per read; a connection failure counts toward giving the host up, as a page's does.
     */
    private void robotsLater(Item item, Robots.Later later) {
        String host = item.host();
        if (robotsLater.put(Urls.origin(item.url()), later) != later) {     // the first worker to see this read
            if (later.error() != null && RetryPolicy.isConnectionFailure(later.error())) {
                String reason = connectionFailed(host, later.error());
                if (reason != null) {
                    fail(item, reason, item.tries(), 0);
                    return;
                }
            }
            retries.merge(later.cause(), 1L, Long::sum);
            progress.retries++;
            state.pauseHost(host, later.after());
        }
        state.putBack(item);
    }

    /**
     * robots.txt's rules for {@code url} (read the first time), and, the first time for its origin that they were
     * read for good, its host's policy ({@link #police}).
     */
    private BaseRobotRules rules(URI url) {
        BaseRobotRules rules = robots.rulesFor(url);
        if (robots.isRead(url) && robots.read(url) instanceof Robots.Rules) {
            police(url, rules);
        }
        return rules;
    }

    /**
     * The first time for {@code url}'s origin: its host's policy from its robots.txt {@code rules}: the crawl's
     * per-host limit, and its delay or the Crawl-delay, whichever is longer.
     */
    private void police(URI url, BaseRobotRules rules) {
        if (policed.add(Urls.origin(url))) {
            double least = seconds(config.delay());
            if (rules.getCrawlDelay() > 0) {
                least = Math.max(least, rules.getCrawlDelay() / 1000.0);
            }
            String host = CrawlState.hostOf(url);
            if (throttle != null) {
                throttle.least(host, least);
            } else {
                leastDelay.put(host, least);
            }
            tell(host, policy(host));
        }
    }

    /** {@code host}'s requests in flight at most and delay: the auto-throttle's, or the crawl's and Crawl-delay. */
    private AutoThrottle.Policy policy(String host) {
        return throttle != null ? throttle.policy(host)
                : new AutoThrottle.Policy(config.perHost(), leastDelay.getOrDefault(host, seconds(config.delay())));
    }

    /** Hands {@code host}'s policy to the frontier; one request at a time while the host is probed after a pause. */
    private void tell(String host, AutoThrottle.Policy p) {
        state.hostPolicy(host, probing.contains(host) ? 1 : p.limit(), p.delay());
    }

    /**
     * The chapter's {@code fetch()}, one try: records the page, or the failure after the last try; an answer
     * 408, 429, 500, 502, 503 or 504, or a failure, before the last try sends the URL back to its host's queue
     * for a later try ({@link RetryPolicy}); a {@code Retry-After} pauses the whole host. A crawl that keeps bodies
     * waits first for room in its {@link ByteBudget}, and gives the body's bytes back when the page is done.
     */
    private void fetch(Item item) {
        if (keepsBody) {
            keptBodies.awaitRoom();
        }
        PageBody[] body = new PageBody[1];
        try {
            fetch(item, body);
        } finally {
            if (body[0] != null) {
                body[0].release();
            }
        }
    }

    /** {@link #fetch(Item)}, the body streamed into {@code body[0]} (made for the response's head). */
    private void fetch(Item item, PageBody[] body) {
        URI url = item.url();
        String host = item.host();
        int tries = item.tries() + 1;
        double start = loop.time();
        FetchResponse response;
        CrawlState.Previous previous = config.recrawl() ? state.previous(url.toString()) : null;
        try {
            response = fetcher.fetch(url, previous == null ? null : previous.etag(),
                    previous == null ? null : previous.lastModified(),
                    head -> body[0] = extractor.body(url, head.charset(), head.isHtml(), keepsBody, keptBodies));
        } catch (CrawlWriteException e) {
            throw e;        // the crawl's own records failed, not the page: the crawl ends
        } catch (Exception e) {     // CancelledError is an Error: a stop or Ctrl-C goes through
            failed(item, tries, e, start);
            return;
        }
        double latency = loop.time() - start;
        long ms = Math.round(latency * 1000);
        long size = body[0] != null ? body[0].size() : response.body().length;
        if (body[0] != null && keepsBody) {
            response = response.withBody(body[0].kept());
        }
        hostFailures.remove(host);
        boolean overloaded = response.status() == 429 || response.status() == 503;
        boolean probed = !overloaded && probing.remove(host);
        AutoThrottle.Policy changed = throttle == null ? null : throttle.observe(host, latency, response.status());
        if (probed || changed != null) {
            tell(host, policy(host));
        }
        if (RetryPolicy.retriable(response.status()) && tries < config.maxTries()) {
            double after = RetryPolicy.retryAfter(response.retryAfter(), System.currentTimeMillis());
            double most = seconds(config.maxRetryAfter());
            if (after > most) {
                fail(item, "Retry-After " + TextReport.fixed(after, 0) + " s (status " + response.status()
                        + ") is over --max-retry-after " + TextReport.fixed(most, 0) + " s", tries, ms);
                return;
            }
            if (after >= 0) {
                state.pauseHost(host, after);
                paused.merge(host, after, Double::sum);
                if (probing.add(host)) {    // after the pause, one request until an answer says the host is well
                    tell(host, policy(host));
                }
            }
            retry(item, tries, after >= 0 ? after : RetryPolicy.backoff(tries), RetryPolicy.cause(response.status()));
            return;
        }
        if (previous != null && recrawled(item, previous, response, ms, tries)) {
            return;
        }
        if (response.status() >= 200 && response.status() < 300
                && (response.etag() != null || response.lastModified() != null)) {
            state.validators(url.toString(), response.etag(), response.lastModified());
        }
        String redirectTo = null;
        int links = 0;
        int newLinks = 0;
        Exception failure = null;
        long offset = -1;
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
        } else {
            List<URI> inScope = List.of();
            org.jsoup.nodes.Document parsed = null;
            if (response.isHtml()) {
                LinkExtractor.PageLinks found;
                if (body[0] != null) {
                    FetchResponse whole = response;
                    boolean ahead = keepsBody && parseAhead.getOrDefault(item.label(), false);
                    PageBody.Scanned scanned = body[0].links(ahead ? () -> Page.parse(whole, url) : null);
                    found = scanned.links();
                    parsed = scanned.document();
                } else {
                    found = extractor.extract(response.body(), response.charset(), url);
                }
                found.rejected().forEach(this::exclude);
                if (found.refresh() != null) {    // a meta refresh: a redirect, and the page's links are still links
                    progress.redirects++;
                    redirectTo = found.refresh().toString();
                    redirect(item, found.refresh());
                } else if (found.refreshRejected() != null) {
                    redirectTo = found.refreshRejected();
                }
                links = found.crawlable().size();
                inScope = inScope(found.crawlable());
            }
            Page page = new Page(requestOf(item), url, response, null, inScope, pageCrawl, parsed);
            failure = runSpider(page, false);
            if (response.isHtml() && (parseAhead.size() < PARSE_AHEAD_LABELS
                    || parseAhead.containsKey(item.label()))) {
                parseAhead.put(item.label(), page.documentAsked());
            }
            newLinks = page.newLinks();
            offset = writeItems(page);
            failure = failure != null ? failure : sinkFailure;
            sinkFailure = null;
        }
        progress.fetched++;     // counted when handled: a crawl stopped before this lists the URL as unfinished
        progress.bytes += size;
        state.done(item, new PageRecord(url.toString(), response.status(), response.contentType(),
                size, links, newLinks, redirectTo, failure == null ? null : ErrorText.of(failure),
                ms, tries, loop.time() - started, stackOf(failure)), offset);
    }

    /** Try {@code tries} of {@code item} threw {@code e}: a retry, the host given up, or the URL failed. */
    private void failed(Item item, int tries, Exception e, double start) {
        long ms = Math.round((loop.time() - start) * 1000);
        String host = item.host();
        if (RetryPolicy.isConnectionFailure(e)) {
            String reason = connectionFailed(host, e);
            if (reason != null) {
                fail(item, reason, tries, ms);
                return;
            }
        }
        if (tries < config.maxTries()) {
            retry(item, tries, RetryPolicy.backoff(tries), RetryPolicy.cause(e));
        } else {
            fail(item, ErrorText.of(e), tries, ms);
        }
    }

    /**
     * A connection to {@code host} failed with {@code e}: after {@link RetryPolicy#GIVE_UP_AFTER} in a row the host
     * is given up, and the reason returned; null while it is not.
     */
    private String connectionFailed(String host, Exception e) {
        int inARow = hostFailures.merge(host, 1, Integer::sum);
        return inARow < RetryPolicy.GIVE_UP_AFTER ? null
                : giveUp(host, "host given up after " + inARow + " connection failures in a row: " + ErrorText.of(e));
    }

    /** Gives {@code host} up for {@code reason}, unless it was given up already: returns the reason it was. */
    private String giveUp(String host, String reason) {
        String first = state.givenUp(host);
        if (first == null) {
            state.giveUpHost(host, reason);
            first = reason;
        }
        givenUp.putIfAbsent(host, first);
        return first;
    }

    private void retry(Item item, int tries, double after, String cause) {
        retries.merge(cause, 1L, Long::sum);
        progress.retries++;
        state.retry(item.withTries(tries), after);
    }

    /**
     * {@code --recrawl}: counts {@code response} to a conditional GET of a page recorded before: a 304 is
     * {@code unchanged} and keeps the page's record (its status, type, size and links; this fetch's time and tries),
     * which is recorded here (true: handled); any other 2xx is {@code changed}, a 404 or 410 {@code gone} (or
     * {@code unchanged} if it was one before), and the response is handled as in a first crawl (false).
     */
    private boolean recrawled(Item item, CrawlState.Previous previous, FetchResponse response, long ms, int tries) {
        String url = item.url().toString();
        int status = response.status();
        if (status == 304) {
            PageRecord p = previous.page();
            state.recrawled(url, "unchanged");
            progress.fetched++;
            state.done(item, new PageRecord(url, p.status(), p.contentType(), p.bytes(), p.links(), 0,
                    p.redirectTo(), p.error(), ms, tries, loop.time() - started, null));
            return true;
        }
        if (status >= 200 && status < 300) {
            state.recrawled(url, "changed");
        } else if (status == 404 || status == 410) {
            Integer before = previous.page().status();
            state.recrawled(url, before != null && (before == 404 || before == 410) ? "unchanged" : "gone");
        }
        return false;
    }

    /**
     * Records {@code item} as failed with {@code error} after {@code tries}, once the spider had its turn
     * ({@link Spider#failed}) and its items were written.
     */
    private void fail(Item item, String error, int tries, long ms) {
        progress.errors++;
        Page page = new Page(requestOf(item), item.url(), null, error, List.of(), pageCrawl);
        Exception failure = runSpider(page, true);
        long offset = writeItems(page);
        failure = failure != null ? failure : sinkFailure;
        sinkFailure = null;
        state.done(item, new PageRecord(item.url().toString(), null, null, 0, 0, 0, null,
                failure == null ? error : error + "; spider: " + ErrorText.of(failure), ms, tries,
                loop.time() - started, stackOf(failure)), offset);
    }

    /** The request a page of {@code item} returns: its URL, label, metadata and depth. */
    private static Request requestOf(Item item) {
        return new Request(item.url(), item.label(), item.meta(), item.depth());
    }

    /**
     * {@code links} (normalised, crawlable) that the scope lets through, as the page's {@code URI}s (made here, in the
     * loop's turn that follows them); the others are recorded as excluded, with their rule.
     */
    private List<URI> inScope(List<String> links) {
        List<URI> in = new ArrayList<>(links.size());
        for (String key : links) {
            URI link = URI.create(key);
            String rule = scopeRule(link, key);
            if (rule == null) {
                in.add(link);
            } else {
                exclude(key, rule);
            }
        }
        return in;
    }

    /**
     * The spider's turn for {@code page}: its exception is returned (the page's error), the crawl's own write
     * failures and a cancellation go through.
     */
    private Exception runSpider(Page page, boolean failed) {
        try {
            if (failed) {
                spider.failed(page);
            } else {
                spider.parse(page);
            }
            return null;
        } catch (CrawlWriteException e) {
            throw e;
        } catch (Exception e) {     // CancelledError is an Error: a stop leaves the page unfinished
            return e;
        } finally {
            page.close();
        }
    }

    /** The first failure of a user's sink while writing the current page's items (read right after). */
    private Exception sinkFailure;

    /**
     * Writes {@code page}'s items: to each user sink (which may await), then to the built-in files, with no await
     * between them and the page's record; returns the output file's length after them, or -1.
     */
    private long writeItems(Page page) {
        List<Object> emitted = page.emitted();
        if (!emitted.isEmpty()) {
            for (ItemSink sink : sinks) {
                if (!(sink instanceof ItemFile)) {
                    for (Object item : emitted) {
                        try {
                            sink.write(item);
                        } catch (CrawlWriteException e) {
                            throw e;
                        } catch (Exception e) {     // recorded as the page's error; the crawl goes on
                            sinkFailure = sinkFailure == null ? e : sinkFailure;
                        }
                    }
                }
            }
            for (ItemSink sink : sinks) {
                if (sink instanceof ItemFile file) {
                    for (var json : page.items()) {
                        file.writeTree(json);
                    }
                    file.flush();
                }
            }
        }
        return output == null ? -1 : output.position();
    }

    private static String stackOf(Exception e) {
        if (e == null) {
            return null;
        }
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    /** What a {@link Page} asks of this crawl (not the crawler's own API: an object of its own). */
    private final Page.Crawl pageCrawl = new Page.Crawl() {
        @Override
        public boolean follow(Page page, Request request) {
            return Crawler.this.follow(page, request);
        }

        @Override
        public void exclude(String url, String rule) {
            Crawler.this.exclude(url, rule);
        }

        @Override
        public org.jsoup.nodes.Document parse(int bytes, java.util.function.Supplier<org.jsoup.nodes.Document> parse) {
            return extractor == null ? parse.get() : extractor.offload(bytes, parse);
        }
    };

    private boolean follow(Page page, Request request) {
        int depth = page.request().depth() + 1;
        if (followed != null) {
            followed.accept(request.at(request.url(), depth));
        }
        return admit(request.url(), config.maxRedirect(), depth, request.label(), request.meta(), true);
    }

    /**
     * Follows a redirect (or a meta refresh) from {@code item} to {@code next}, at the same depth, with its label
     * and metadata.
     */
    private void redirect(Item item, URI next) {
        if (item.redirectsLeft() > 0) {
            admit(next, item.redirectsLeft() - 1, item.depth(), item.label(), item.meta(), false);
        } else {
            exclude(next.toString(), "max-redirect");   // unless it is (or will be) fetched by another way
        }
    }

    /** {@code --delay} for a request outside the frontier (a sitemap): waits for its host's turn. */
    private void pace(URI url) {
        state.awaitHostTurn(CrawlState.hostOf(url));
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
                    for (String s : (config.obeyRobots() ? rules(root) : robots.rulesFor(root)).getSitemaps()) {
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

    private boolean admit(URI url, int redirectsLeft, int depth) {
        return admit(url, redirectsLeft, depth, null, Map.of(), false);
    }

    /**
     * The chapter's {@code add_url()}, with its filters: true if {@code url} is new and was queued. A URL the spider
     * followed ({@code followed}) is also the spider's to refuse ({@link Spider#shouldVisit}), after the scope.
     */
    private boolean admit(URI url, int redirectsLeft, int depth, String label, Map<String, String> meta,
                          boolean followed) {
        String key = url.toString();
        String rule = scopeRule(url, key);
        if (rule == null && followed && !state.isSeen(key) && !spider.shouldVisit(url)) {
            rule = "spider";
        }
        if (rule == null && depth > config.maxDepth()) {
            rule = "max-depth";
        }
        if (rule != null) {
            exclude(key, rule);
            return false;
        }
        Admission admission = state.add(new Item(url, redirectsLeft, depth, 0, label, meta), config.maxPages(),
                config.maxPagesPerHost());
        if (admission == Admission.FULL) {
            exclude(key, "max-pages");
        } else if (admission == Admission.HOST_FULL) {
            exclude(key, "max-pages-per-host");
        }
        return admission == Admission.ADDED;
    }

    /** The rule of the crawl's scope that keeps {@code url} out ({@code host}, {@code exclude}), or null. */
    private String scopeRule(URI url, String key) {
        return !scope.accepts(url) ? "host"
                : config.exclude() != null && config.exclude().matcher(key).find() ? "exclude"
                : null;
    }

    /** Records why {@code url} is not fetched, unless it is (or will be) fetched after all. */
    private void exclude(String url, String rule) {
        state.exclude(url, rule);
    }

}
