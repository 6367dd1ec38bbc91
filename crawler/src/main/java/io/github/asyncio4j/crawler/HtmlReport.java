package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The report as one self-contained HTML page (no scripts, no external files): the summary, a bar chart of
 * statuses, a chart of pages done over time, and the slowest and failed pages. Charts are inline SVG.
 */
public final class HtmlReport {
    private static final int W = 640;
    private static final int H = 240;
    private static final int PAD = 40;

    private HtmlReport() {
    }

    public static void write(CrawlReport r, Writer out) throws IOException {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Crawl report</title>\n")
                .append("<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}")
                .append("th{border-bottom:1px solid #999}td.n{text-align:right}")
                .append("svg text{font:11px sans-serif}</style></head><body>\n");
        b.append("<h1>Crawl report</h1>\n<p>Roots: ");
        r.config().roots().forEach(u -> b.append(esc(u.toString())).append(' '));
        b.append("</p>\n<table>");
        row(b, "pages handled", Integer.toString(r.pages().size()));
        row(b, "fetched (responses)", Long.toString(r.fetched()));
        row(b, "errors", Long.toString(r.errors()));
        row(b, "redirects", Long.toString(r.redirects()));
        row(b, "bytes", TextReport.bytes(r.bytes()));
        row(b, "seconds", TextReport.fixed(r.seconds(), 3));
        row(b, "pages per second", TextReport.fixed(r.pagesPerSecond(), 1));
        row(b, "max tasks", Integer.toString(r.config().maxTasks()));
        if (r.interrupted()) {
            row(b, "interrupted, unfinished", Integer.toString(r.unfinished().size()));
        }
        b.append("</table>\n");

        if (!r.recrawl().isEmpty()) {
            b.append("<h2>Re-crawl</h2>\n");
            counts(b, r.recrawl());
        }
        b.append("<h2>Statuses</h2>\n");
        statusChart(b, r.statuses());
        b.append("<h2>Pages over time</h2>\n");
        timeChart(b, r.pages(), r.seconds());
        b.append("<h2>Response times</h2>\n");
        barChart(b, r.responseTimes(), bucket -> "#37c");
        b.append("<h2>Hosts</h2>\n");
        counts(b, TextReport.top(r.hosts(), 50));
        if (!r.sitemaps().isEmpty()) {
            b.append("<h2>Sitemaps</h2>\n");
            b.append("<table>");
            r.sitemaps().forEach((url, what) -> b.append("<tr><td>").append(esc(url)).append("</td><td>")
                    .append(esc(what)).append("</td></tr>"));
            b.append("</table>\n");
        }
        CrawlReport.Recovery recovery = r.recovery();
        if (!recovery.retries().isEmpty()) {
            b.append("<h2>Retries, by cause</h2>\n");
            counts(b, recovery.retries());
        }
        if (!recovery.paused().isEmpty()) {
            b.append("<h2>Hosts paused by Retry-After</h2>\n<table><tr><th>host</th><th>seconds</th></tr>");
            recovery.paused().forEach((host, s) -> b.append("<tr><td>").append(esc(host)).append("</td><td class=n>")
                    .append(TextReport.fixed(s, 1)).append("</td></tr>"));
            b.append("</table>\n");
        }
        if (!recovery.givenUp().isEmpty()) {
            b.append("<h2>Hosts given up</h2>\n<table><tr><th>host</th><th>reason</th></tr>");
            recovery.givenUp().forEach((host, why) -> b.append("<tr><td>").append(esc(host)).append("</td><td>")
                    .append(esc(why)).append("</td></tr>"));
            b.append("</table>\n");
        }
        b.append("<h2>Content types</h2>\n");
        counts(b, r.contentTypes());
        if (!r.exclusions().isEmpty()) {
            b.append("<h2>Excluded URLs, by rule</h2>\n");
            counts(b, r.exclusions());
        }
        List<PageRecord> failed = r.pages().stream().filter(PageRecord::failed).toList();
        if (!failed.isEmpty()) {
            b.append("<h2>Failed</h2>\n<table><tr><th>URL</th><th>error</th><th>tries</th></tr>");
            for (PageRecord p : failed) {
                b.append("<tr><td>").append(esc(p.url())).append("</td><td>").append(esc(p.error()))
                        .append("</td><td class=n>").append(p.tries()).append("</td></tr>");
            }
            b.append("</table>\n");
        }
        List<PageRecord> slowest = r.pages().stream()
                .sorted((x, y) -> Long.compare(y.ms(), x.ms())).limit(10).toList();
        b.append("<h2>Slowest</h2>\n<table><tr><th>URL</th><th>status</th><th>ms</th></tr>");
        for (PageRecord p : slowest) {
            b.append("<tr><td>").append(esc(p.url())).append("</td><td>")
                    .append(p.status() == null ? "error" : p.status()).append("</td><td class=n>").append(p.ms())
                    .append("</td></tr>");
        }
        b.append("</table>\n</body></html>\n");
        out.write(b.toString());
        out.flush();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(esc(k)).append("</th><td class=n>").append(esc(v)).append("</td></tr>");
    }

    private static void counts(StringBuilder b, Map<?, Long> m) {
        b.append("<table>");
        m.forEach((k, n) -> b.append("<tr><td>").append(esc(k.toString())).append("</td><td class=n>").append(n)
                .append("</td></tr>"));
        b.append("</table>\n");
    }

    /** One bar per status code, coloured by class (2xx green, 3xx blue, 4xx orange, 5xx red). */
    private static void statusChart(StringBuilder b, Map<Integer, Long> statuses) {
        Map<String, Long> bars = new LinkedHashMap<>();
        statuses.forEach((status, n) -> bars.put(status.toString(), n));
        barChart(b, bars, status -> switch (status.charAt(0)) {
            case '2' -> "#3a3";
            case '3' -> "#37c";
            case '4' -> "#e90";
            default -> "#c33";
        });
    }

    /** One bar per entry, in order, labelled below with its key and above with its count. */
    private static void barChart(StringBuilder b, Map<String, Long> bars, Function<String, String> colour) {
        svgOpen(b);
        long max = Math.max(1, bars.values().stream().mapToLong(Long::longValue).max().orElse(1));
        int n = Math.max(1, bars.size());
        double slot = (W - 2.0 * PAD) / n;
        int i = 0;
        for (Map.Entry<String, Long> e : bars.entrySet()) {
            double h = (H - 2.0 * PAD) * e.getValue() / max;
            double x = PAD + i * slot + slot * 0.15;
            double y = H - PAD - h;
            b.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x, y, slot * 0.7, h,
                    colour.apply(e.getKey())));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35, H - PAD + 14, esc(e.getKey())));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>",
                    x + slot * 0.35, y - 3, e.getValue()));
            i++;
        }
        b.append("</svg>\n");
    }

    /** Cumulative pages handled against seconds since the start. */
    private static void timeChart(StringBuilder b, List<PageRecord> pages, double seconds) {
        svgOpen(b);
        double t = Math.max(seconds, 1e-3);
        int n = Math.max(1, pages.size());
        StringBuilder points = new StringBuilder(String.format(Locale.ROOT, "%d,%d", PAD, H - PAD));
        int step = Math.max(1, pages.size() / 500);    // at most ~500 points
        double[] ats = pages.stream().mapToDouble(PageRecord::at).sorted().toArray();
        for (int i = 0; i < ats.length; i += step) {
            points.append(String.format(Locale.ROOT, " %.1f,%.1f", PAD + (W - 2.0 * PAD) * ats[i] / t,
                    H - PAD - (H - 2.0 * PAD) * (i + 1) / n));
        }
        if (ats.length > 0) {
            points.append(String.format(Locale.ROOT, " %.1f,%d", PAD + (W - 2.0 * PAD) * ats[ats.length - 1] / t, PAD));
        }
        b.append("<polyline fill=\"none\" stroke=\"#37c\" stroke-width=\"2\" points=\"").append(points)
                .append("\"/>");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text>", PAD, H - PAD + 14));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.2f s</text>", W - PAD,
                H - PAD + 14, seconds));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>", PAD - 4, PAD + 4,
                pages.size()));
        b.append("</svg>\n");
    }

    private static void svgOpen(StringBuilder b) {
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\">", W, H, W, H));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", PAD,
                H - PAD, W - PAD, H - PAD));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", PAD,
                PAD, PAD, H - PAD));
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
