package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import com.google.gson.JsonObject;
import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpRequest;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.http.RawHttpHandler;
import io.github.asyncio4j.net.Connection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A loopback "web" of many small sites for crawls that meet the manners of real hosts: host {@code i} is
 * {@code 127.1.(i / 250).(i % 250 + 1)}, all on one port (Linux routes the whole of 127.0.0.0/8 to loopback), each
 * of a {@link Kind}, each {@code pages} pages ({@code /} links to every {@code /p/N}, each page back to {@code /}
 * and to the next host's {@code /}). The server, not the crawler, counts: requests and pages answered 200 per
 * kind, the most requests in flight to one host, the shortest gap between two requests to a host. The start of the
 * broad-crawl benchmark ({@code bench crawl --broad}); {@link #main} serves one from the command line.
 *
 * <p>Every server runs on the loop that {@link #start} is awaited on; the counters may be read from any thread.
 */
public final class DemoWeb implements RawHttpHandler {
    /** How a host behaves. */
    public enum Kind {
        /** Answers at once (after the web's latency). */
        NORMAL,
        /** At most one request per {@link #RATE_WINDOW} s; more are answered 429 with {@code Retry-After: 1}. */
        RATE_LIMITED,
        /** Every third request is answered 503 (no {@code Retry-After}). */
        FLAKY,
        /** Answers after {@link #SLOW_SECONDS}. */
        SLOW,
        /** Nothing listens: connections are refused. */
        DEAD,
        /** Its robots.txt asks for a {@code Crawl-delay} (the web's). */
        CRAWL_DELAY;

        /** The name as the command line spells it: {@code rate-limited}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The rate-limited hosts' window, in seconds. */
    public static final double RATE_WINDOW = 0.5;
    /** The slow hosts' answer time, in seconds. */
    public static final double SLOW_SECONDS = 0.5;

    /** What the server saw of one host. */
    private static final class Host {
        final Kind kind;
        int requests;
        int ok;
        int inFlight;
        int maxInFlight;
        long last = Long.MIN_VALUE;
        long minGap = Long.MAX_VALUE;
        /** A rate-limited host's last request let through (nanoTime). */
        long lastAllowed = Long.MIN_VALUE;

        Host(Kind kind) {
            this.kind = kind;
        }
    }

    private final List<Kind> kinds;
    private final int pages;
    private final double latency;
    private final double crawlDelay;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private int port;
    /** The first request's arrival (nanoTime), of any host. */
    private long first = Long.MIN_VALUE;

    /**
     * A web of {@code kinds.size()} hosts, host {@code i} of {@code kinds.get(i)}, each of {@code pages} pages;
     * every answer waits {@code latency} seconds; Crawl-delay hosts ask for {@code crawlDelay} seconds.
     */
    public DemoWeb(List<Kind> kinds, int pages, double latency, double crawlDelay) {
        if (kinds.isEmpty() || kinds.size() > 62_500 || pages < 1 || !(latency >= 0) || !(crawlDelay >= 0)) {
            throw new IllegalArgumentException("a web of 1 to 62500 hosts of at least one page, latency and "
                    + "Crawl-delay 0 or more");
        }
        this.kinds = List.copyOf(kinds);
        this.pages = pages;
        this.latency = latency;
        this.crawlDelay = crawlDelay;
        for (int i = 0; i < kinds.size(); i++) {
            hosts.put(address(i), new Host(kinds.get(i)));
        }
    }

    /** {@code n} hosts whose kinds take turns through {@code cycle}. */
    public static List<Kind> cycle(int n, List<Kind> cycle) {
        List<Kind> k = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            k.add(cycle.get(i % cycle.size()));
        }
        return k;
    }

    /** Host {@code i}'s address. */
    public static String address(int i) {
        return "127.1." + (i / 250) + "." + (i % 250 + 1);
    }

    /** Starts a server on every live host's address, all on one port (a free one for the first if 0). */
    public Coroutine<DemoWeb> start(int wantedPort) {
        return Coroutine.of(() -> {
            port = wantedPort;
            try {
                for (int i = 0; i < kinds.size(); i++) {
                    if (kinds.get(i) != Kind.DEAD) {
                        HttpServer s = await(HttpServer.startRaw(this, address(i), port));
                        servers.add(s);
                        port = s.port();
                    }
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
            return this;
        });
    }

    /** The roots: every host's {@code /}, in host order. */
    public List<String> roots() {
        List<String> r = new ArrayList<>(kinds.size());
        for (int i = 0; i < kinds.size(); i++) {
            r.add("http://" + address(i) + ":" + port + "/");
        }
        return r;
    }

    /** Pages (robots.txt aside) of the live hosts: what a complete crawl fetches with status 200. */
    public int livePages() {
        return (int) kinds.stream().filter(k -> k != Kind.DEAD).count() * pages;
    }

    @Override
    public Coroutine<HttpResponse> handle(HttpRequest request, Connection connection) {
        return Coroutine.of(() -> {
            String authority = request.headers().get("Host");
            String name = authority == null ? "" : authority.replaceFirst(":\\d+$", "");
            Host host;
            long now = System.nanoTime();
            synchronized (this) {
                host = hosts.get(name);
                if (host == null) {
                    return HttpResponse.status(404);
                }
                host.requests++;
                if (first == Long.MIN_VALUE) {
                    first = now;
                }
                if (host.last != Long.MIN_VALUE) {
                    host.minGap = Math.min(host.minGap, now - host.last);
                }
                host.last = now;
                host.inFlight++;
                host.maxInFlight = Math.max(host.maxInFlight, host.inFlight);
            }
            try {
                double wait = latency + (host.kind == Kind.SLOW ? SLOW_SECONDS : 0);
                if (wait > 0) {
                    await(Async.sleep(wait));
                }
                HttpResponse r = answer(host, name, request.path(), now);
                if (r.status() == 200 && !request.path().equals("/robots.txt")) {
                    synchronized (this) {
                        host.ok++;
                    }
                }
                return r;
            } finally {
                synchronized (this) {
                    host.inFlight--;
                }
            }
        });
    }

    private HttpResponse answer(Host host, String name, String path, long arrived) {
        if (path.equals("/robots.txt")) {
            String rules = "User-agent: *\nDisallow: /private/\n"
                    + (host.kind == Kind.CRAWL_DELAY ? "Crawl-delay: " + crawlDelay + "\n" : "");
            return HttpResponse.of(200, "text/plain", rules.getBytes(StandardCharsets.US_ASCII));
        }
        synchronized (this) {
            if (host.kind == Kind.RATE_LIMITED) {
                if (host.lastAllowed != Long.MIN_VALUE && arrived - host.lastAllowed < RATE_WINDOW * 1e9) {
                    return HttpResponse.text(429, "slow down\n").withHeader("Retry-After", "1");
                }
                host.lastAllowed = arrived;
            }
            if (host.kind == Kind.FLAKY && host.requests % 3 == 0) {
                return HttpResponse.text(503, "try again\n");
            }
        }
        int n;
        if (path.equals("/")) {
            n = 0;
        } else if (path.startsWith("/p/")) {
            try {
                n = Integer.parseInt(path.substring(3));
            } catch (NumberFormatException e) {
                return HttpResponse.status(404);
            }
            if (n < 1 || n >= pages) {
                return HttpResponse.status(404);
            }
        } else {
            return HttpResponse.status(404);
        }
        return HttpResponse.html(200, page(name, n));
    }

    private String page(String name, int n) {
        StringBuilder b = new StringBuilder(256 + 24 * pages).append("<!DOCTYPE html><html><head><title>")
                .append(name).append(" page ").append(n).append("</title></head><body><h1>").append(name)
                .append("</h1>\n");
        if (n == 0) {
            for (int i = 1; i < pages; i++) {
                b.append("<a href=\"/p/").append(i).append("\">page ").append(i).append("</a>\n");
            }
        } else {
            b.append("<a href=\"/\">home</a>\n");
        }
        int self = indexOf(name);
        String next = address((self + 1) % kinds.size());
        b.append("<a href=\"http://").append(next).append(':').append(port).append("/\">next site</a>\n");
        return b.append("</body></html>\n").toString();
    }

    private static int indexOf(String address) {
        String[] parts = address.split("\\.");
        return Integer.parseInt(parts[2]) * 250 + Integer.parseInt(parts[3]) - 1;
    }

    /** Pages answered 200 (robots.txt aside), by kind. */
    public synchronized Map<Kind, Integer> okByKind() {
        Map<Kind, Integer> m = new LinkedHashMap<>();
        hosts.values().forEach(h -> m.merge(h.kind, h.ok, Integer::sum));
        return m;
    }

    /** Requests received, every host and path. */
    public synchronized int requests() {
        return hosts.values().stream().mapToInt(h -> h.requests).sum();
    }

    /** The most requests that were in flight to one host at once. */
    public synchronized int maxInFlight() {
        return hosts.values().stream().mapToInt(h -> h.maxInFlight).max().orElse(0);
    }

    /** The shortest gap between two requests to one host of {@code kind}, in seconds (+infinity if none). */
    public synchronized double minGap(Kind kind) {
        return hosts.values().stream().filter(h -> h.kind == kind && h.minGap != Long.MAX_VALUE)
                .mapToDouble(h -> h.minGap / 1e9).min().orElse(Double.POSITIVE_INFINITY);
    }

    /** The server's counts on a few lines. */
    public synchronized String summary() {
        StringBuilder b = new StringBuilder();
        b.append("requests ").append(requests()).append(", most in flight to one host ").append(maxInFlight())
                .append('\n');
        Map<Kind, Integer> hostsByKind = new LinkedHashMap<>();
        kinds.forEach(k -> hostsByKind.merge(k, 1, Integer::sum));
        okByKind().forEach((k, ok) -> b.append("  ").append(k.label()).append(": ").append(ok).append(" of ")
                .append(k == Kind.DEAD ? 0 : hostsByKind.get(k) * pages).append(" pages, shortest gap ")
                .append(TextReport.fixed(Math.min(minGap(k), 9999), 3)).append(" s\n"));
        return b.toString();
    }

    /**
     * The server's counts as one JSON object: {@code requests}, {@code max_in_flight}, and per kind (by its
     * {@linkplain Kind#label label}) {@code hosts}, {@code pages} (what a complete crawl fetches), {@code ok}
     * (pages answered 200), {@code requests}, {@code max_in_flight}, {@code min_gap} (seconds; null if no host of
     * the kind was asked twice) and {@code last_request} (seconds from the web's first request to the last one to a
     * host of the kind; null if none was asked). What {@code bench crawl --broad} reads.
     */
    public synchronized String json() {
        JsonObject byKind = new JsonObject();
        for (Kind k : Kind.values()) {
            List<Host> of = hosts.values().stream().filter(h -> h.kind == k).toList();
            if (of.isEmpty()) {
                continue;
            }
            JsonObject o = new JsonObject();
            o.addProperty("hosts", of.size());
            o.addProperty("pages", k == Kind.DEAD ? 0 : of.size() * pages);
            o.addProperty("ok", of.stream().mapToInt(h -> h.ok).sum());
            o.addProperty("requests", of.stream().mapToInt(h -> h.requests).sum());
            o.addProperty("max_in_flight", of.stream().mapToInt(h -> h.maxInFlight).max().orElse(0));
            double gap = minGap(k);
            o.addProperty("min_gap", Double.isInfinite(gap) ? null : gap);
            long last = of.stream().mapToLong(h -> h.last).max().orElse(Long.MIN_VALUE);
            o.addProperty("last_request", last == Long.MIN_VALUE ? null : (last - first) / 1e9);
            byKind.add(k.label(), o);
        }
        JsonObject all = new JsonObject();
        all.addProperty("requests", requests());
        all.addProperty("max_in_flight", maxInFlight());
        all.add("kinds", byKind);
        return all.toString();
    }

    /** Closes every server. */
    public void close() {
        servers.forEach(HttpServer::close);
    }

    /**
     * {@code DemoWeb HOSTS PAGES [KIND,KIND...] [LATENCY] [CRAWL_DELAY]}: serves a web (kinds taking turns; default
     * {@code normal}) and prints its roots, one a line; when standard input ends, prints the server's counts, on
     * standard error as {@link #summary} and on standard output as one line of {@link #json}.
     */
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int pages = Integer.parseInt(args[1]);
        List<Kind> cycle = new ArrayList<>();
        for (String k : (args.length > 2 ? args[2] : "normal").split(",")) {
            cycle.add(Kind.valueOf(k.toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        double latency = args.length > 3 ? Double.parseDouble(args[3]) : 0;
        double crawlDelay = args.length > 4 ? Double.parseDouble(args[4]) : 1;
        DemoWeb web = new DemoWeb(cycle(n, cycle), pages, latency, crawlDelay);
        Async.run(Coroutine.of(() -> {
            await(web.start(0));
            web.roots().forEach(System.out::println);
            System.out.flush();
            await(Async.toThread(() -> System.in.readAllBytes()));
            System.err.print(web.summary());
            System.out.println(web.json());
            System.out.flush();
            web.close();
            return null;
        }));
    }
}
