package io.github.asyncio4j.crawler;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The chapter's host rule: strict, a URL's host must equal a root's; lenient, a leading {@code www.} is ignored on
 * both sides ({@code www.example.com} and {@code example.com} match). Ports are not compared.
 */
final class HostFilter {
    private final boolean strict;
    private final Set<String> hosts = new HashSet<>();

    HostFilter(List<URI> roots, boolean strict) {
        this.strict = strict;
        for (URI r : roots) {
            hosts.add(key(r.getHost()));
        }
    }

    /** Adds {@code host} (a seed's) to the roots' hosts. */
    void add(String host) {
        hosts.add(key(host));
    }

    boolean accepts(URI url) {
        String host = url.getHost();
        return host != null && hosts.contains(key(host));
    }

    private String key(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return !strict && h.startsWith("www.") ? h.substring(4) : h;
    }
}
