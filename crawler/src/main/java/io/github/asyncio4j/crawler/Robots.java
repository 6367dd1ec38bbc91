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
 * robots.txt, read once per origin (the first worker to need it starts the fetch, the others await the same
 * future) and parsed by crawler-commons. A robots.txt that is missing or cannot be fetched allows everything.
 */
final class Robots {
    private static final BaseRobotRules ALLOW_ALL = new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL);

    private final Fetcher fetcher;
    private final String agentName;
    private final SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
    private final Map<String, Future<BaseRobotRules>> byOrigin = new HashMap<>();

    Robots(Fetcher fetcher, String userAgent) {
        this.fetcher = fetcher;
        String first = userAgent.strip().split("[/\\s]", 2)[0];
        this.agentName = first.toLowerCase(Locale.ROOT);
    }

    /** True if the rules for {@code url}'s origin are at hand ({@link #rulesFor} would not wait). */
    boolean isRead(URI url) {
        Future<BaseRobotRules> rules = byOrigin.get(Urls.origin(url));
        return rules != null && rules.isDone();
    }

    /** The rules for {@code url}'s origin; awaits the fetch of its robots.txt the first time. */
    BaseRobotRules rulesFor(URI url) {
        String origin = Urls.origin(url);
        Future<BaseRobotRules> rules = byOrigin.computeIfAbsent(origin, o -> Async.ensureFuture(load(o)));
        return await(Async.shield(rules));    // a cancelled worker must not cancel the others' fetch
    }

    private Coroutine<BaseRobotRules> load(String origin) {
        return Coroutine.of(() -> {
            String robotsUrl = origin + "/robots.txt";
            FetchResponse r;
            try {
                r = fetcher.fetch(URI.create(robotsUrl));
            } catch (Exception e) {
                return ALLOW_ALL;
            }
            if (r.status() != 200) {
                return ALLOW_ALL;
            }
            String type = r.contentType() == null ? "text/plain" : r.contentType();
            return parser.parseContent(robotsUrl, r.body(), type, List.of(agentName));
        });
    }
}
