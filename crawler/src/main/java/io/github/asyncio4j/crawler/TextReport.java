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
        // No printf in what every crawl prints: java.util.Formatter's first use costs a crawl ~9 ms of start-up
        out.println("Finished " + r.pages().size() + " URLs in " + fixed(r.seconds(), 3) + " s (max-tasks="
                + r.config().maxTasks() + "): " + fixed(r.pagesPerSecond(), 1) + " pages/s");
        long spiderErrors = r.spiderErrors();
        out.println("  fetched " + r.fetched() + ", errors " + r.errors() + ", redirects " + r.redirects() + ", "
                + bytes(r.bytes()) + (spiderErrors == 0 ? "" : ", spider errors " + spiderErrors));
        table(out, "Re-crawl", r.recrawl());
        table(out, "Statuses", r.statuses());
        table(out, "Content types", r.contentTypes());
        table(out, "Excluded", r.exclusions());
        Map<String, Long> hosts = r.hosts();
        if (hosts.size() > 1 || verbose) {
            table(out, "Hosts", top(hosts, 20));
        }
        histogram(out, r.responseTimes());
        CrawlReport.Recovery recovery = r.recovery();
        table(out, "Retries", recovery.retries());
        if (!recovery.paused().isEmpty()) {
            out.println("Hosts paused by Retry-After:");
            recovery.paused().forEach((host, s) -> out.println("  " + host + " " + fixed(s, 1) + " s"));
        }
        if (!recovery.givenUp().isEmpty()) {
            out.println("Hosts given up:");
            recovery.givenUp().forEach((host, why) -> out.println("  " + host + ": " + why));
        }
        if (!r.sitemaps().isEmpty()) {
            out.println("Sitemaps:");
            r.sitemaps().forEach((url, what) -> out.println("  " + url + ": " + what));
        }
        if (r.interrupted()) {
            out.println("Interrupted: " + r.unfinished().size() + " admitted URLs were left unfinished");
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
                p.contentType() == null ? "-" : p.contentType(), p.bytes(), p.newLinks(), p.links(), p.ms())
                + (p.error() == null ? "" : " spider error: " + p.error());
    }

    private static void table(PrintStream out, String title, Map<?, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        out.println(title + ":");
        int width = counts.keySet().stream().mapToInt(k -> k.toString().length()).max().orElse(0);
        counts.forEach((k, n) -> out.println("  " + padRight(k.toString(), width) + " " + padLeft(n, 8)));
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
        buckets.forEach((label, n) -> out.println("  " + padRight(label, width) + " " + padLeft(n, 8) + " "
                + "#".repeat((int) Math.ceil(40.0 * n / max))));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return fixed(n / 1024.0, 1) + " KiB";
        }
        return fixed(n / (1024.0 * 1024), 1) + " MiB";
    }

    /**
     * {@code String.format(Locale.ROOT, "%.<places>f", v)} for a report's numbers, without a Formatter (or
     * BigDecimal, whose class initialisation costs more): the shortest decimal form of {@code v}, rounded half up,
     * as the Formatter does. Other values (negative, below 0.001, 10^7 and over, not finite) go to the Formatter.
     */
    static String fixed(double v, int places) {
        String s = Double.toString(v);
        if (!(v >= 0) || Double.isInfinite(v) || s.indexOf('E') >= 0 || places < 1 || places > 6) {
            return String.format(Locale.ROOT, "%." + places + "f", v);
        }
        int dot = s.indexOf('.');
        String fraction = s.substring(dot + 1);
        long unscaled = Long.parseLong(s.substring(0, dot) + (fraction + "000000").substring(0, places));
        if (fraction.length() > places && fraction.charAt(places) >= '5') {
            unscaled++;
        }
        String digits = Long.toString(unscaled);
        if (digits.length() <= places) {
            digits = "0".repeat(places + 1 - digits.length()) + digits;
        }
        return digits.substring(0, digits.length() - places) + "." + digits.substring(digits.length() - places);
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String padLeft(long n, int width) {
        String s = Long.toString(n);
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
