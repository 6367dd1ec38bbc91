package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * robots.txt, read per origin as RFC 9309 (section 2.3.1) says, and parsed by crawler-commons. The first worker to
 * need an origin's rules starts the fetch; the others await the same future.
 * <ul>
 * <li>A 2xx answer is parsed.</li>
 * <li>Up to five redirects are followed; past them the file is "unavailable".</li>
 * <li>A 4xx answer other than 408 and 429 (or an unavailable file) allows everything.</li>
 * <li>408, 429, 5xx and failures to fetch make the file "unreachable". That read ends as {@link Later}: the host is
 *     paused for a {@code Retry-After} (at most {@code maxRetryAfter}) or the pages' backoff, and the next worker to
 *     need the rules fetches again. After {@code maxTries} reads, or a {@code Retry-After} over the bound, it ends
 *     as {@link Unreachable}, and the origin is not crawled (RFC 9309: "MUST assume complete disallow"). A
 *     connection failure always ends as {@link Later}: it is the host's, and the crawler gives a host up after a
 *     few in a row, as it does when a page's connection fails.</li>
 * </ul>
 * Invariant: an origin's future is replaced only after it ended {@link Later}; {@link Rules} and
 * {@link Unreachable} are final for the crawl. Loop-confined.
 */
final class Robots {
    private static final BaseRobotRules ALLOW_ALL = new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL);
    private static final BaseRobotRules DISALLOW_ALL =
            new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE);
    /** RFC 9309: "crawlers SHOULD follow at least five consecutive redirects". */
    static final int MAX_REDIRECTS = 5;

    /** What reading an origin's robots.txt gave. */
    sealed interface Outcome {
    }

    /** The rules to apply to the origin. */
    record Rules(BaseRobotRules rules) implements Outcome {
    }

    /**
     * Unreachable this time ({@code status}, or {@code error} if fetching threw): try again after {@code after}
     * seconds; {@code tries} reads so far.
     */
    record Later(double after, int status, Exception error, int tries) implements Outcome {
        /** What a retry is counted under in the report ({@link RetryPolicy#cause}). */
        String cause() {
            return error != null ? RetryPolicy.cause(error) : RetryPolicy.cause(status);
        }
    }

    /** Unreachable for good: the origin is not crawled, for {@code reason}. */
    record Unreachable(String reason) implements Outcome {
    }

    private final Fetcher fetcher;
    private final String agentName;
    private final int maxTries;
    private final double maxRetryAfter;
    private final SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
    private final Map<String, Future<Outcome>> byOrigin = new HashMap<>();
    private final Map<String, Integer> tries = new HashMap<>();

    /** Reads with {@code fetcher}, {@code maxTries} times at most per origin, waiting at most {@code maxRetryAfter} s. */
    Robots(Fetcher fetcher, String userAgent, int maxTries, double maxRetryAfter) {
        this.fetcher = fetcher;
        String first = userAgent.strip().split("[/\\s]", 2)[0];
        this.agentName = first.toLowerCase(Locale.ROOT);
        this.maxTries = maxTries;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** True if {@code url}'s origin's robots.txt was read for good ({@link #read} would not wait). */
    boolean isRead(URI url) {
        Future<Outcome> outcome = byOrigin.get(Urls.origin(url));
        return outcome != null && outcome.isDone();
    }

    /** Reads {@code url}'s origin's robots.txt (or awaits the read in progress, or gives the one done). */
    Outcome read(URI url) {
        String origin = Urls.origin(url);
        Future<Outcome> outcome = byOrigin.computeIfAbsent(origin, o -> Async.ensureFuture(load(o)));
        return await(Async.shield(outcome));    // a cancelled worker must not cancel the others' fetch
    }

    /**
     * The rules for {@code url}'s origin, read first if need be: everything disallowed if it is unreachable for
     * good, everything allowed if it is unreachable this time (for the sitemaps read before the crawl: its pages
     * read it again).
     */
    BaseRobotRules rulesFor(URI url) {
        // An instanceof chain over the sealed Outcome, not a pattern switch, which is linked through invokedynamic
        // at its first run in every JVM (a class spun, which the AOT cache cannot hold): docs/DESIGN.md, "The
        // crawler's JVM".
        Outcome outcome = read(url);
        if (outcome instanceof Rules r) {
            return r.rules();
        } else if (outcome instanceof Later) {
            return ALLOW_ALL;
        } else if (outcome instanceof Unreachable) {
            return DISALLOW_ALL;
        }
        throw new AssertionError("a robots.txt outcome this class does not know: " + outcome);   // Outcome is sealed
    }

    private Coroutine<Outcome> load(String origin) {
        return Coroutine.of(() -> {
            Outcome outcome = fetch(origin);
            if (outcome instanceof Later) {
                byOrigin.remove(origin);   // the next worker to need the rules reads again
            }
            return outcome;
        });
    }

    private Outcome fetch(String origin) {
        int tried = tries.merge(origin, 1, Integer::sum);
        URI url = URI.create(origin + "/robots.txt");
        FetchResponse r;
        try {
            for (int redirects = 0; ; redirects++) {
                r = fetcher.fetch(url);
                if (!r.isRedirect()) {
                    break;
                }
                URI next = Urls.resolve(url, r.location());
                if (redirects == MAX_REDIRECTS || next == null || !Urls.isCrawlable(next)) {
                    return new Rules(ALLOW_ALL);     // unavailable
                }
                url = next;
            }
        } catch (Exception e) {      // CancelledError is an Error: a stop goes through
            if (RetryPolicy.isConnectionFailure(e)) {   // the host's failure: the crawler gives the host up
                return new Later(RetryPolicy.backoff(tried), 0, e, tried);
            }
            return unreachable(origin, tried, 0, e, null);
        }
        int status = r.status();
        if (status >= 200 && status < 300) {
            String type = r.contentType() == null ? "text/plain" : r.contentType();
            return new Rules(parser.parseContent(url.toString(), r.body(), type, List.of(agentName)));
        }
        if (status >= 500 || status == 408 || status == 429) {
            return unreachable(origin, tried, status, null, r.retryAfter());
        }
        return new Rules(ALLOW_ALL);      // 4xx: unavailable (and any other status)
    }

    private Outcome unreachable(String origin, int tried, int status, Exception error, String retryAfter) {
        String what = error != null ? ErrorText.of(error) : "status " + status;
        double after = RetryPolicy.retryAfter(retryAfter, System.currentTimeMillis());
        if (after > maxRetryAfter) {
            return new Unreachable("robots.txt of " + origin + " unreachable: Retry-After "
                    + TextReport.fixed(after, 0) + " s (" + what + ") is over --max-retry-after "
                    + TextReport.fixed(maxRetryAfter, 0) + " s");
        }
        if (tried >= maxTries) {
            return new Unreachable("robots.txt of " + origin + " unreachable after " + tried
                    + (tried == 1 ? " try" : " tries") + " (" + what + "): RFC 9309 disallows the whole site");
        }
        return new Later(after >= 0 ? after : RetryPolicy.backoff(tried), status, error, tried);
    }
}
