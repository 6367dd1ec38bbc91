package io.github.asyncio4j.crawler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The options that decide which URLs a crawl fetches, as option name to value: a stored crawl ({@code --state},
 * a shared {@code --frontier}) is resumed or joined only with the same ones. Options that change only how fast it
 * goes ({@code --max-tasks}, {@code --timeout}, {@code --per-host}) are left out: a resumed crawl may change them.
 */
final class CrawlScope {
    private CrawlScope() {
    }

    /** The scope of {@code config}, in a fixed order. */
    static Map<String, String> of(CrawlConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ROOT", config.roots().stream().map(Object::toString).collect(Collectors.joining(" ")));
        m.put("--exclude", config.exclude() == null ? "(none)" : config.exclude().pattern());
        m.put("--strict/--lenient", config.strict() ? "--strict" : "--lenient");
        m.put("--max-pages", config.maxPages() == Long.MAX_VALUE ? "(no limit)" : Long.toString(config.maxPages()));
        m.put("--max-redirect", Integer.toString(config.maxRedirect()));
        m.put("--max-depth", Integer.toString(config.maxDepth()));
        m.put("--sitemaps", config.sitemaps() ? "yes" : "no");
        m.put("--ignore-robots", config.obeyRobots() ? "no" : "yes");
        return m;
    }

    /**
     * Null if {@code stored} equals {@code current}, else the first difference as {@code "--exclude: 'a' there,
     * 'b' here"}.
     */
    static String difference(Map<String, String> stored, Map<String, String> current) {
        for (Map.Entry<String, String> e : current.entrySet()) {
            String there = stored.get(e.getKey());
            if (!Objects.equals(there, e.getValue())) {
                return e.getKey() + ": " + (there == null ? "not set" : "'" + there + "'") + " there, '"
                        + e.getValue() + "' here";
            }
        }
        for (String k : stored.keySet()) {
            if (!current.containsKey(k)) {
                return k + ": '" + stored.get(k) + "' there, not set here";
            }
        }
        return null;
    }
}
