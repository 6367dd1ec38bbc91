"""Collects every suite's results (bench/results/*.json, written by `bench/run SUITE`) into
bench/results/latest.json, draws one SVG chart per suite into bench/results/charts/, and writes BENCHMARKS.md:
the machine, the exact command, a table and a chart per suite, and the analysis in bench/ANALYSIS.md.

Run by `bench/run all` (the default of `./asyncio4j bench`); it only reads results, it measures nothing.
"""
import argparse
import datetime
import html
import json
import os
import platform
import subprocess

import common

SUITES = ["generators", "loop", "sync", "echo", "websocket", "http", "crawl"]
TITLES = {
    "generators": "Generators: one yield + resume",
    "loop": "Event loop: task switch, spawn, memory per suspended task",
    "sync": "Locks and queues",
    "echo": "TCP echo server over loopback",
    "websocket": "WebSocket echo server over loopback",
    "http": "HTTP/2 server and client over loopback",
    "crawl": "Crawling a generated 10,000-page site",
}
BROAD_TITLE = "A broad crawl: many hosts with real sites' manners"
PEER_NAMES = {"cpython": "CPython asyncio", "virtualThreads": "JDK virtual threads", "fallback": "asyncio4j fallback",
              "kotlin": "Kotlin coroutines", "iterator": "hand-written Iterator", "netty-h2": "Netty HTTP/2",
              "asyncio4j-http1": "asyncio4j HTTP/1.1", "curl-h2": "curl --parallel --http2",
              "h2load-h2": "h2load HTTP/2", "h2load-http1": "h2load HTTP/1.1 (6 connections)"}
# The engines' columns: the Continuation engine (the default), the compiled one (-Dasyncio4j.generators=compiled,
# -Dasyncio4j.coroutines=compiled where a suite measures it), the fallback (no --add-exports).
ENGINE_NAMES = {"generators": "asyncio4j compiled", "loop": "asyncio4j compiled", "sync": "asyncio4j compiled"}


def load(results, name):
    return common.load(os.path.join(results, name + ".json"))


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, float) and v >= 1000 or isinstance(v, int):
        return "{:,.0f}{}".format(v, unit)
    return "{:,.1f}{}".format(v, unit)


def ns_suite(data):
    """generators, loop, sync: workloads with fast / fallback / peers, in ns/op (lower is better)."""
    rows = []
    for key, w in data["workloads"].items():
        if not isinstance(w.get("fast"), dict):
            continue
        row = {"workload": w.get("description", key), "unit": "ns/op", "asyncio4j": w["fast"]["score"],
               "compiled": (w.get("compiled") or {}).get("score"),
               "fallback": (w.get("fallback") or {}).get("score"), "peers": {}}
        for peer in ("cpython", "virtualThreads", "kotlin", "iterator"):
            if isinstance(w.get(peer), dict):
                row["peers"][peer] = w[peer]["score"]
        rows.append(row)
    return rows


def memory_rows(loop):
    rows = []
    for key, w in loop.get("workloads", {}).items():
        if key.startswith("memory-"):
            rows.append({"workload": w["description"], "unit": "bytes", "asyncio4j": w.get("fast"),
                         "compiled": w.get("compiled"), "fallback": w.get("fallback"),
                         "peers": {k: w[src] for k, src in (("cpython", "cpythonTracemalloc"),
                                                            ("virtualThreads", "virtualThreads"),
                                                            ("kotlin", "kotlin")) if w.get(src) is not None}})
    return rows


def echo_rows(data):
    rows = []
    servers = data["results"]
    cells = {}
    for name, r in servers.items():
        if r.get("status") != "ok":
            continue
        for c in r["cells"]:
            cells.setdefault((c["size"], c["connections"]), {})[name] = c
    for (size, conns), by in sorted(cells.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        a = by.get("asyncio4j")
        rows.append({"workload": "{} KiB x {} connections".format(size // 1024, conns), "unit": "req/s",
                     "asyncio4j": a["rps"] if a else None, "fallback": None,
                     "peers": {n: c["rps"] for n, c in by.items() if n != "asyncio4j"},
                     "p99": {n: c.get("p99_us") for n, c in by.items()}})
    skipped = {n: r.get("status") for n, r in servers.items() if r.get("status") != "ok"}
    return rows, skipped


def websocket_rows(data):
    """WebSocket echo: messages per second and the server's CPU per message, asyncio4j's server against each peer."""
    servers = {n: r for n, r in data["servers"].items() if r.get("status") == "ok"}
    size = "{} KiB x {} connections".format(data["size"] // 1024, data["connections"])
    rows = []
    for unit, key in (("msg/s", "rps"), ("us CPU/msg", "server_cpu_us_per_msg")):
        a = servers.get("asyncio4j", {}).get(key)
        rows.append({"workload": size + (", server CPU per message" if unit != "msg/s" else ""), "unit": unit,
                     "asyncio4j": a, "fallback": None,
                     "peers": {n: r.get(key) for n, r in servers.items() if n != "asyncio4j" and r.get(key)}})
    skipped = {n: r.get("status") for n, r in data["servers"].items() if r.get("status") != "ok"}
    return rows, skipped


def http_rows(data):
    """HTTP/2: the server's requests/s under h2load against Netty's and our HTTP/1.1 server's; the client's wall
    time for 1,000 files from nginx against our HTTP/1.1 client's, curl's and h2load's over both protocols."""
    rows, skipped = [], {}
    servers = {n: r for n, r in data["servers"].items() if r.get("status") == "ok"}
    skipped.update({n: r.get("status") for n, r in data["servers"].items() if r.get("status") != "ok"})
    if "asyncio4j-h2" in servers:
        rows.append({"workload": "server, 39 B responses, 100 streams on 10 connections (HTTP/1.1: 100 "
                                 "connections)", "unit": "req/s", "asyncio4j": servers["asyncio4j-h2"]["rps"],
                     "fallback": None, "peers": {n: r["rps"] for n, r in servers.items() if n != "asyncio4j-h2"}})
    client = data.get("client", {})
    if client.get("status") == "ok":
        ok = {n: r for n, r in client["rows"].items() if r.get("status") == "ok"}
        skipped.update({n: r.get("status") for n, r in client["rows"].items() if r.get("status") != "ok"})
        if "asyncio4j-h2" in ok:
            rows.append({"workload": "client, {:,} files of {} B from nginx over TLS, one connection (HTTP/1.1: "
                                     "6)".format(client["files"], client["file_size"]), "unit": "ms",
                         "asyncio4j": ok["asyncio4j-h2"]["ms"], "fallback": None,
                         "peers": {n: r["ms"] for n, r in ok.items() if n != "asyncio4j-h2"}})
    elif client:
        skipped["client"] = client.get("reason", client.get("status"))
    return rows, skipped


def crawl_rows(data):
    rows = []
    base = next((r for r in data["results"] if r["crawler"] == "asyncio4j"), None)
    rows.append({"workload": "{:,} pages (wall time of the whole command)".format(data["site_pages"]), "unit": "pages/s",
                 "asyncio4j": base["pages_per_second"] if base else None, "fallback": None,
                 "peers": {r["crawler"]: r["pages_per_second"] for r in data["results"] if r["crawler"] != "asyncio4j"}})
    if base and base.get("in_crawl_pages_per_second"):
        rows.append({"workload": "the same, inside the crawl (no process start-up)", "unit": "pages/s",
                     "asyncio4j": base["in_crawl_pages_per_second"], "fallback": None,
                     "peers": {r["crawler"]: r["in_crawl_pages_per_second"] for r in data["results"]
                               if r["crawler"] != "asyncio4j" and r.get("in_crawl_pages_per_second")}})
    return rows, data.get("skipped", {})


def ratio(row, peer_value):
    """How many times better asyncio4j is than the peer (>1: asyncio4j wins)."""
    a = row["asyncio4j"]
    if a is None or peer_value is None or a == 0 or peer_value == 0:
        return None
    lower_is_better = row["unit"] in ("ns/op", "bytes", "us CPU/msg", "ms")
    return peer_value / a if lower_is_better else a / peer_value


def table(rows):
    """A row per workload: asyncio4j on the Continuation engine, on the compiled engine beside it (when measured),
    on the fallback, the peers, then each engine's ratio to each peer."""
    peers = []
    for r in rows:
        for p in r["peers"]:
            if p not in peers:
                peers.append(p)
    has_compiled = any(r.get("compiled") is not None for r in rows)
    has_fallback = any(r.get("fallback") is not None for r in rows)
    head = ["workload", "unit", "asyncio4j (Continuation)" if has_compiled else "asyncio4j"] + \
           (["asyncio4j compiled"] if has_compiled else []) + (["asyncio4j fallback"] if has_fallback else []) + \
           [PEER_NAMES.get(p, p) for p in peers] + ["asyncio4j vs " + PEER_NAMES.get(p, p) for p in peers] + \
           (["compiled vs " + PEER_NAMES.get(p, p) for p in peers if p != "iterator"] if has_compiled else [])
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["--:"] * (len(head) - 2)) + "|"]
    for r in rows:
        cells = [r["workload"], r["unit"], fmt(r["asyncio4j"])] + ([fmt(r.get("compiled"))] if has_compiled else []) \
            + ([fmt(r.get("fallback"))] if has_fallback else [])
        cells += [fmt(r["peers"].get(p)) for p in peers]
        for p in peers:
            x = ratio(r, r["peers"].get(p))
            cells.append("-" if x is None else "{:.2f}x".format(x))
        if has_compiled:
            for p in peers:
                if p != "iterator":
                    x = ratio(dict(r, asyncio4j=r.get("compiled")), r["peers"].get(p))
                    cells.append("-" if x is None else "{:.2f}x".format(x))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def real_sites_table(real):
    """The crawl suite's real sites (--real): per site and regime, each crawler's median wall time, CPU, RSS and
    pages, and asyncio4j's wall-time ratio to it."""
    head = ["site", "regime", "crawler", "wall s", "CPU s", "peak RSS MB", "pages", "asyncio4j vs it (wall)"]
    out = ["| " + " | ".join(head) + " |", "|---|---|---|--:|--:|--:|--:|--:|"]
    base = {(r["site"], r["regime"]): r["wall_seconds"] for r in real["results"] if r["crawler"] == "asyncio4j"}
    for r in real["results"]:
        a = base.get((r["site"], r["regime"]))
        x = "-" if r["crawler"] == "asyncio4j" or not a or not r.get("wall_seconds") else \
            "{:.2f}x".format(r["wall_seconds"] / a)
        out.append("| " + " | ".join([r["site"], r["regime"], r["crawler"], "{:.2f}".format(r["wall_seconds"]),
                                      "-" if r.get("cpu_seconds") is None else "{:.2f}".format(r["cpu_seconds"]),
                                      "-" if r.get("rss_mb") is None else "{:.0f}".format(r["rss_mb"]),
                                      "-" if r.get("pages") is None else "{:,}".format(r["pages"]), x]) + " |")
    return "\n".join(out)


BROAD_KINDS = ("normal", "rate-limited", "flaky", "slow", "crawl-delay")


def broad_section(data, commit):
    """`bench crawl --broad` (bench/results/broad.json): per web and --delay, each crawler's wall time against the
    politeness bound, peak RSS and what the server counted (requests, most in flight to one host, the shortest gap to
    a Crawl-delay host, coverage per kind of live host); then issue 28's targets as met or missed. Shown only when
    measured at this run's commit, as every table is."""
    md = ["## " + BROAD_TITLE, ""]
    if data.get("commit") != commit:
        return md + ["Not run at this commit (`./asyncio4j bench crawl --broad`; its last results, of commit `{}`, "
                     "are not shown).".format(data.get("commit")), ""]
    md += ["A loopback web (DemoWeb: hosts 127.1.x.y on one port, {kinds} taking turns, every answer {lat:g} ms late, "
           "Crawl-delay {cd:g} s) crawled by asyncio4j and by Scrapy with its \"Broad Crawls\" settings: {c} requests "
           "at once, {ph} per host, {t} tries per URL, robots.txt obeyed. The server counts; the politeness bound is "
           "the shortest time the web's rules allow (bench/python/drivers/politeness.py). Wall time of the whole "
           "command, one run each.".format(kinds=data["kinds"].replace(",", ", "), lat=data["latency_ms"],
                                           cd=data["crawl_delay"], c=data["concurrency"], ph=data["per_host"],
                                           t=data["tries"]), "",
           "| web | --delay | crawler | wall s | vs bound | CPU s: crawler / server | peak RSS MB | requests | "
           "most in flight to a host | shortest gap, Crawl-delay hosts | coverage: " + " / ".join(BROAD_KINDS) + " |",
           "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|"]
    for sc in data["scenarios"]:
        web = "{:,} hosts x {}".format(sc["hosts"], sc["pages"])
        for r in sc["runs"]:
            gap = r["server"]["kinds"].get("crawl-delay", {}).get("min_gap")
            wall = "{:.1f}".format(r["wall_seconds"]) if r["finished"] else \
                "did not finish in {:.0f} s".format(r["timeout_seconds"])
            md.append("| " + " | ".join([
                web, "{:g}".format(sc["delay"]), r["crawler"], wall,
                "-" if r.get("vs_bound") is None else "{:.2f}x".format(r["vs_bound"]),
                "-" if r.get("cpu_seconds") is None else "{:.0f} / {}".format(
                    r["cpu_seconds"], "-" if r.get("server_cpu_seconds") is None
                    else "{:.0f}".format(r["server_cpu_seconds"])),
                "-" if r.get("rss_mb") is None else "{:.0f}".format(r["rss_mb"]),
                "{:,}".format(r["server"]["requests"]), str(r["server"]["max_in_flight"]),
                "-" if gap is None else "{:.3f} s".format(gap),
                " / ".join("-" if r["coverage"].get(k) is None else "{:.1f}%".format(100 * r["coverage"][k])
                           for k in BROAD_KINDS)]) + " |")
        md.append("| {} | {:g} | politeness bound | {:.1f} | 1.00x | | | | | | {} |".format(
            web, sc["delay"], sc["bound"]["seconds"], sc["bound"]["dominant"]))
    md += ["", "Commit `{}`, measured {}{}.".format(data["commit"], data["date"], " (--quick)" if data.get("quick") else ""),
           "", "Issue 28's targets, per web:", ""]
    for sc in data["scenarios"]:
        md.append("- {:,} hosts, --delay {:g}: ".format(sc["hosts"], sc["delay"]) + "; ".join(
            "{}: {}".format(k, "-" if v is None else v if isinstance(v, str) else "met" if v else "**missed**")
            for k, v in sc["targets"].items()))
    for peer, why in data.get("skipped", {}).items():
        md.append("- skipped: {} ({})".format(peer, why))
    return md + [""]


def find_row(rows, prefix):
    return next((r for r in rows if r["workload"].startswith(prefix)), None)


def summary(suites, commit):
    """README's "How fast" summary: the same figures as BENCHMARKS.md's tables, from the same run (a test holds the
    README's copy to latest.json's)."""
    def ns(v):
        return "-" if v is None else ("{:,.0f} ns".format(v) if v >= 20 else "{:.1f} ns".format(v))

    def x(row, peer, engine="asyncio4j"):
        v = ratio(dict(row, asyncio4j=row.get(engine)), row["peers"].get(peer)) if row else None
        return "-" if v is None else "{:.1f}x".format(v)

    parts = []
    loop = suites.get("loop", {})
    if loop.get("status") == "ok":
        switch, spawn = find_row(loop["rows"], "task switch"), find_row(loop["rows"], "spawn")
        mem = find_row(loop["rows"], "heap per suspended task, 1,000,000 tasks awaiting")
        if switch:
            text = "a task switch costs {} ({} CPython asyncio's, {} a virtual thread's `Thread.yield()`)".format(
                ns(switch["asyncio4j"]), x(switch, "cpython"), x(switch, "virtualThreads"))
            if switch.get("compiled") is not None:
                text += ", {} with compiled coroutines".format(ns(switch["compiled"]))
            parts.append(text)
        if spawn:
            parts.append("spawning and completing a task {}".format(ns(spawn["asyncio4j"])))
        if mem and mem.get("asyncio4j"):
            parts.append("a suspended task holds {:,.0f} bytes of heap at 1,000,000 tasks".format(mem["asyncio4j"]))
    gen = suites.get("generators", {})
    if gen.get("status") == "ok":
        y = gen["rows"][0] if gen["rows"] else None
        if y:
            text = "a generator's yield + resume costs {} on the Continuation engine ({} CPython's)".format(
                ns(y["asyncio4j"]), x(y, "cpython"))
            if y.get("compiled") is not None:
                text += " and {} compiled to a state machine ({} CPython's)".format(ns(y["compiled"]),
                                                                                x(y, "cpython", "compiled"))
            parts.append(text)
    echo = suites.get("echo", {})
    if echo.get("status") == "ok":
        r = find_row(echo["rows"], "1 KiB x 100")
        if r and r.get("asyncio4j"):
            parts.append("the TCP echo server answers {:,.0f} requests/s at 1 KiB x 100 connections ({} uvloop's "
                         "protocol server, {} Netty's epoll)".format(r["asyncio4j"], x(r, "uvloop-protocol"),
                                                                     x(r, "netty-epoll")))
    ws = suites.get("websocket", {})
    if ws.get("status") == "ok" and ws["rows"] and ws["rows"][0].get("asyncio4j"):
        r = ws["rows"][0]
        parts.append("the WebSocket echo server {:,.0f} messages/s at 1 KiB x 100 connections ({} Node's ws, {} "
                     "Python's websockets on uvloop)".format(r["asyncio4j"], x(r, "node-ws"), x(r, "websockets-uvloop")))
    http = suites.get("http", {})
    if http.get("status") == "ok":
        server, client = find_row(http["rows"], "server"), find_row(http["rows"], "client")
        if server and server.get("asyncio4j"):
            parts.append("the HTTP/2 server {:,.0f} requests/s with 100 streams on 10 connections ({} Netty's "
                         "Http2FrameCodec, {} our HTTP/1.1)".format(server["asyncio4j"], x(server, "netty-h2"),
                                                                    x(server, "asyncio4j-http1")))
        if client and client.get("asyncio4j"):
            parts.append("the HTTP/2 client fetches 1,000 files from nginx over one connection in {:,.0f} ms ({} our "
                         "HTTP/1.1 on 6 connections, {} `curl --parallel --http2`)".format(
                             client["asyncio4j"], x(client, "asyncio4j-http1"), x(client, "curl-h2")))
    crawl = suites.get("crawl", {})
    if crawl.get("status") == "ok" and crawl["rows"]:
        r = crawl["rows"][0]
        parts.append("the crawler fetches a generated 10,000-page site at {:,.0f} pages/s ({} Scrapy, {} "
                     "`wget -r`)".format(r["asyncio4j"], x(r, "scrapy"), x(r, "wget")))
    if not parts:
        return "No suite ran in the last `./asyncio4j bench`."
    return ("In the last full run (commit `{}`, {}), on the 2-core machine here: ".format(commit, suites_date(suites))
            + "; ".join(parts) + ". Ratios above 1x: asyncio4j is that many times better.")


def suites_date(suites):
    dates = sorted(s["date"] for s in suites.values() if s.get("status") == "ok" and s.get("date"))
    return dates[-1][:10] if dates else "?"


README_START, README_END = "<!-- bench-summary: written by ./asyncio4j bench -->", "<!-- bench-summary end -->"


def write_readme_summary(readme, text):
    with open(readme) as f:
        s = f.read()
    i, j = s.find(README_START), s.find(README_END)
    if i < 0 or j < i:
        raise SystemExit("report: README.md has no bench-summary markers")
    wrapped, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > 116:
            wrapped.append(line)
            line = word
        else:
            line = word if not line else line + " " + word
    wrapped.append(line)
    s = s[:i + len(README_START)] + "\n" + "\n".join(wrapped) + "\n" + s[j:]
    with open(readme, "w") as f:
        f.write(s)


def echo_table(rows):
    """Echo: a row per server, a column per cell (req/s, and asyncio4j's ratio to it)."""
    servers = ["asyncio4j"] + sorted({p for r in rows for p in r["peers"]})
    head = ["server"]
    for r in rows:
        head += [r["workload"] + " req/s", "asyncio4j vs it"]
    out = ["| " + " | ".join(head) + " |", "|---|" + "|".join(["--:"] * (len(head) - 1)) + "|"]
    for srv in servers:
        cells = [srv]
        for r in rows:
            v = r["asyncio4j"] if srv == "asyncio4j" else r["peers"].get(srv)
            x = None if srv == "asyncio4j" else ratio(r, v)
            cells += [fmt(v), "-" if x is None else "{:.2f}x".format(x)]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def chart(rows, path, title):
    """Horizontal bars of asyncio4j-vs-peer ratios (log scale; right of 1x: asyncio4j better)."""
    import math
    bars = []
    for r in rows:
        for p, v in r["peers"].items():
            x = ratio(r, v)
            if x:
                bars.append(("{} / {}".format(r["workload"][:46], PEER_NAMES.get(p, p)), x))
    if not bars:
        return False
    w, left, bar_h, top = 860, 380, 18, 34
    h = top + len(bars) * (bar_h + 6) + 30
    lo, hi = math.log10(min(0.1, min(b[1] for b in bars))), math.log10(max(10, max(b[1] for b in bars)))
    scale = (w - left - 20) / (hi - lo)
    x0 = left + (0 - lo) * scale
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (w, h),
         '<text x="10" y="18" font-size="13" font-weight="bold">%s: asyncio4j vs peer (log scale, &gt;1x = asyncio4j better)</text>' % html.escape(title)]
    for i, (label, x) in enumerate(bars):
        y = top + i * (bar_h + 6)
        xv = left + (math.log10(x) - lo) * scale
        colour = "#3a7" if x >= 1 else "#d64"
        s.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + 13, html.escape(label)))
        s.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (min(x0, xv), y, abs(xv - x0), bar_h, colour))
        s.append('<text x="%.1f" y="%d">%.2fx</text>' % (max(x0, xv) + 4, y + 13, x))
    s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"/>' % (x0, top - 4, x0, h - 20))
    s.append('<text x="%.1f" y="%d" text-anchor="middle">1x</text>' % (x0, h - 6))
    s.append("</svg>")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")
    return True


def machine():
    java = subprocess.run([os.environ.get("JAVA", "java"), "-version"], capture_output=True, text=True).stderr.splitlines()
    return dict(common.machine(), cpu=common.cpu_model() or "unknown", java=java[0] if java else "?",
                python=platform.python_version())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--analysis", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--commit", required=True, help="the commit every suite of this run was measured at")
    ap.add_argument("--readme", help="README.md, whose bench-summary block is rewritten")
    args = ap.parse_args()

    suites = {}
    for name in SUITES:
        data = load(args.results, name)
        if data is None:
            suites[name] = {"status": "not run"}
            continue
        if data.get("commit") != args.commit:
            # left from an earlier run (this run's failed, or it was not run): not shown as this commit's
            suites[name] = {"status": "not run", "stale_commit": data.get("commit")}
            continue
        skipped = {}
        if name in ("generators", "sync"):
            rows = ns_suite(data)
        elif name == "loop":
            rows = ns_suite(data) + memory_rows(data)
        elif name == "echo":
            rows, skipped = echo_rows(data)
        elif name == "websocket":
            rows, skipped = websocket_rows(data)
        elif name == "http":
            rows, skipped = http_rows(data)
        else:
            rows, skipped = crawl_rows(data)
        suites[name] = {"status": "ok", "date": data.get("date") or data.get("time"), "quick": data.get("quick", data.get("settings", {}).get("quick")),
                        "commit": data["commit"], "rows": rows, "skipped": skipped}
        # The real sites (bench crawl --real) are not part of this command's run: a crawl.json may still hold an
        # earlier run's, which must not appear under this run's commit (they are in bench/HISTORY.md).

    latest = {"generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": args.command, "commit": args.commit, "machine": machine(), "suites": suites,
              "summary": summary(suites, args.commit)}
    with open(os.path.join(args.results, "latest.json"), "w") as f:
        json.dump(latest, f, indent=2)

    md = ["# asyncio4j benchmarks", "",
          "Every figure below was measured by one command on the machine described here; each comparison is a ratio "
          "of figures measured in the same run. JMH figures are means after warm-up (forks, iterations: see each "
          "suite's JSON in `bench/results/`); echo and crawl figures are the best or median of repeated rounds, as "
          "noted. Regenerate with:", "", "```", args.command, "```", "",
          "Machine: {cpus} CPUs ({cpu}), {os}; {java}; driver Python {python}.".format(**latest["machine"]),
          "Generated {} from one run at commit `{}`; each table names the commit and date it was measured "
          "at. Measurements of earlier commits, kept for their analysis, are in "
          "[bench/HISTORY.md](bench/HISTORY.md).".format(latest["generated"], args.commit), ""]
    for name in SUITES:
        s = suites[name]
        md += ["## " + TITLES[name], ""]
        if s["status"] != "ok":
            md += ["Not run in this pass" + (" (its last results, of commit `{}`, are not shown)".format(
                s["stale_commit"]) if s.get("stale_commit") else "") + ".", ""]
            continue
        stamp = "Commit `{}`, measured {}{}.".format(s["commit"], s["date"], " (--quick)" if s.get("quick") else "")
        md += ["Ratios: how many times better asyncio4j is (above 1x asyncio4j wins; "
               "lower time, lower memory or higher throughput counts as better).", "",
               echo_table(s["rows"]) if name == "echo" else table(s["rows"]), "", stamp, ""]
        if s.get("real_sites"):
            real = s["real_sites"]
            md += ["Real sites (Debian's Python 3.11 and PostgreSQL 15 docs served by nginx on loopback; the "
                   "second regime adds {} ms to each response through a proxy): medians of {} runs; the JVM's "
                   "start-up alone (a one-page crawl) {:.2f} s.".format(real.get("latency_ms"), real.get("repeats"),
                                                                        float(real.get("startup_seconds") or 0)), "",
                   real_sites_table(real), "", stamp, ""]
        for peer, why in s["skipped"].items():
            md.append("- skipped: {} ({})".format(peer, why))
        if chart(s["rows"], os.path.join(args.results, "charts", name + ".svg"), TITLES[name]):
            md += ["", "![{}](bench/results/charts/{}.svg)".format(TITLES[name], name), ""]
    broad = load(args.results, "broad")
    if broad is not None:
        md += broad_section(broad, args.commit)
    if os.path.exists(args.analysis):
        with open(args.analysis) as f:
            md += ["", f.read().strip(), ""]
    with open(args.markdown, "w") as f:
        f.write("\n".join(md) + "\n")
    if args.readme:
        write_readme_summary(args.readme, latest["summary"])
    print("wrote {} and {}".format(os.path.relpath(args.markdown), os.path.relpath(os.path.join(args.results, "latest.json"))))


if __name__ == "__main__":
    main()
