package io.github.asyncio4j.crawler;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The chapter's end-of-crawl report: per-URL lines when verbose, then totals, statuses and content types. */
public final class TextReport {
    private TextReport() {
    }

    public static void write(CrawlReport r, PrintStream out, boolean verbose) {
        if (verbose) {
            for (PageRecord p : r.pages()) {
                out.println(line(p));
            }
            if (!r.excluded().isEmpty()) {
                out.println();
                r.excluded().forEach((url, rule) -> out.println(url + " excluded (" + rule + ")"));
            }
            out.println();
        }
        out.printf(Locale.ROOT, "Finished %d URLs in %.3f s (max-tasks=%d): %.1f pages/s%n", r.pages().size(),
                r.seconds(), r.config().maxTasks(), r.pagesPerSecond());
        out.printf(Locale.ROOT, "  fetched %d, errors %d, redirects %d, %s%n", r.fetched(), r.errors(),
                r.redirects(), bytes(r.bytes()));
        table(out, "Statuses", r.statuses());
        table(out, "Content types", r.contentTypes());
        table(out, "Excluded", r.exclusions());
        Map<String, Long> hosts = r.hosts();
        if (hosts.size() > 1 || verbose) {
            table(out, "Hosts", top(hosts, 20));
        }
        histogram(out, r.responseTimes());
        if (!r.sitemaps().isEmpty()) {
            out.println("Sitemaps:");
            r.sitemaps().forEach((url, what) -> out.println("  " + url + ": " + what));
        }
        if (r.interrupted()) {
            out.printf(Locale.ROOT, "Interrupted: %d admitted URLs were left unfinished%n", r.unfinished().size());
        }
    }

    static String line(PageRecord p) {
        if (p.failed()) {
            return String.format(Locale.ROOT, "%s error after %d tries: %s", p.url(), p.tries(), p.error());
        }
        if (p.redirectTo() != null) {
            return String.format(Locale.ROOT, "%s %d redirect to %s", p.url(), p.status(), p.redirectTo());
        }
        return String.format(Locale.ROOT, "%s %d %s %d bytes %d/%d links %d ms", p.url(), p.status(),
                p.contentType() == null ? "-" : p.contentType(), p.bytes(), p.newLinks(), p.links(), p.ms());
    }

    private static void table(PrintStream out, String title, Map<?, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        out.println(title + ":");
        int width = counts.keySet().stream().mapToInt(k -> k.toString().length()).max().orElse(0);
        counts.forEach((k, n) -> out.printf(Locale.ROOT, "  %-" + width + "s %8d%n", k, n));
    }

    /** The first {@code n} entries of {@code m} (in its order), and the rest summed as "(N others)". */
    static Map<String, Long> top(Map<String, Long> m, int n) {
        if (m.size() <= n) {
            return m;
        }
        Map<String, Long> t = new java.util.LinkedHashMap<>();
        long rest = 0;
        for (var e : m.entrySet()) {
            if (t.size() < n) {
                t.put(e.getKey(), e.getValue());
            } else {
                rest += e.getValue();
            }
        }
        t.put("(" + (m.size() - n) + " others)", rest);
        return t;
    }

    private static void histogram(PrintStream out, Map<String, Long> buckets) {
        long max = buckets.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (max == 0) {
            return;
        }
        out.println("Response times:");
        int width = buckets.keySet().stream().mapToInt(String::length).max().orElse(0);
        buckets.forEach((label, n) -> out.printf(Locale.ROOT, "  %-" + width + "s %8d %s%n", label, n,
                "#".repeat((int) Math.ceil(40.0 * n / max))));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
