package io.github.asyncio4j.crawler;

import crawlercommons.domains.EffectiveTldFinder;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which links a crawl follows ({@code --scope}): a URL is in scope if its host is a root's ({@link Kind#HOST}), if
 * its registrable domain is a root's ({@link Kind#DOMAIN}), or always ({@link Kind#ANY}). Roots are the crawl's
 * {@code ROOT} arguments and every seed read from {@code --seeds} ({@link #addRoot}). Registrable domains come from
 * the public suffix list as crawler-commons ships it ({@link EffectiveTldFinder}, private suffixes such as
 * {@code github.io} counted as public, as browsers do): {@code docs.example.co.uk} and {@code www.example.co.uk}
 * share {@code example.co.uk}; an IP address, or a name under no known suffix ({@code localhost}), is its own.
 *
 * <p>The class also says which options decide what a stored crawl fetches ({@link #of(CrawlConfig)}): a crawl in
 * {@code --state} or a shared {@code --frontier} is resumed or joined only with the same ones. Loop-confined.
 */
public final class CrawlScope {
    /** The kinds of scope, as {@code --scope} names them. */
    public enum Kind {
        /** A root's host (the default; {@code --lenient} ignores a leading {@code www.}). */
        HOST,
        /** A root's registrable domain (public suffix list). */
        DOMAIN,
        /** Every http(s) URL: bound the crawl by depth, pages or pages per host. */
        ANY;

        /** The kind {@code --scope} names ({@code host}, {@code domain}, {@code any}; any case). */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(name.strip())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--scope must be host, domain or any, not '" + name + "'");
        }

        /** The name as {@code --scope} takes it. */
        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final HostFilter hosts;
    private final Set<String> domains = new HashSet<>();

    private CrawlScope(Kind kind, boolean strict) {
        this.kind = kind;
        this.hosts = new HostFilter(List.of(), strict);
    }

    /** The scope of a crawl of {@code config}, with its roots added. */
    static CrawlScope forCrawl(CrawlConfig config) {
        CrawlScope scope = new CrawlScope(config.scope(), config.strict());
        config.roots().forEach(scope::addRoot);
        return scope;
    }

    /** Widens the scope by a root (a {@code ROOT} or a seed): its host, or its registrable domain. */
    void addRoot(URI root) {
        switch (kind) {
            case HOST -> hosts.add(root.getHost());
            case DOMAIN -> domains.add(registrableDomain(root.getHost()));
            case ANY -> { }
        }
    }

    /** True if links to {@code url} are followed. */
    boolean accepts(URI url) {
        String host = url.getHost();
        return host != null && switch (kind) {
            case HOST -> hosts.accepts(url);
            case DOMAIN -> domains.contains(registrableDomain(host));
            case ANY -> true;
        };
    }

    /** The registrable domain of {@code host} (lower case), or the host itself if it has none. */
    static String registrableDomain(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.startsWith("[") || h.indexOf(':') >= 0 || h.matches("[0-9.]+")) {
            return h;       // an IP address is its own domain
        }
        String domain = EffectiveTldFinder.getAssignedDomain(h, true, false);
        return domain == null || domain.isEmpty() ? h : domain;
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
        // Options added later are stored only when set, so that a stored crawl made before them still resumes.
        if (config.scope() != Kind.HOST) {
            m.put("--scope", config.scope().option());
        }
        if (config.maxPagesPerHost() != Long.MAX_VALUE) {
            m.put("--max-pages-per-host", Long.toString(config.maxPagesPerHost()));
        }
        if (config.seeds() != null) {
            m.put("--seeds", config.seeds().toString());
        }
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
