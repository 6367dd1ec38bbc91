"""Side-by-side crawl: asyncio4j's crawler, Scrapy and `wget --recursive` crawl the same sites. Run by
`bench/run crawl`.

- synthetic: the generated site, served by one demo server (`asyncio4j crawl --serve-demo`) in its own JVM on
  loopback. Each crawler runs `--repeats` times after one warm-up crawl (which also warms the server); the table
  gives the median wall time of each whole command (start-up included, as a user meets it), pages per second, and
  the ratio to asyncio4j. asyncio4j's own in-crawl rate (from its JSON report, without JVM start-up) is shown too.
- real sites (--real): Debian's Python 3.11 and PostgreSQL 15 docs (and its Rust docs, rust-doc, when installed:
  32,000 pages up to 10 MB, where peak RSS shows whether memory grows with page size) served by nginx on loopback
  (real_sites.py), then the same behind a proxy that holds each response back 20 ms, then the same over TLS
  (nginx's TLS listener, a throwaway CA each crawler is told to trust: asyncio4j --ca-cert, wget
  --ca-certificate, curl --cacert; Scrapy does not verify certificates). The TLS listener offers HTTP/2 by ALPN, as
  real sites' do: asyncio4j and curl speak it (their default), wget and Scrapy HTTP/1.1; asyncio4j with --http1
  has a row of its own there.
  asyncio4j (100 tasks), wget
  -r (one connection), Scrapy at 100 concurrent requests and at its defaults (16, 8 per domain): median wall time,
  CPU seconds (user + system) and peak RSS of each whole command (/usr/bin/time), pages found, and how the set of
  URLs each found differs from wget's. The JVM's start-up is measured on its own (a crawl of one page). A floor
  row, "curl, all URLs known": curl fetching every page asyncio4j found, 100 transfers at once, told every URL in
  advance: no crawling, no parsing, no waiting for a page's links, no JVM. No crawler can beat it through the same
  server and proxy, so it shows how much of a crawl's time the harness itself sets.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from launcher import LAUNCHER, ROOT
import launcher
DEBIAN_PYTHON = "/usr/bin/python3"


def run(cmd, **kw):
    start = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return p, time.monotonic() - start


def asyncio4j(url, tmp):
    out = os.path.join(tmp, "a4j.json")
    p, wall = run([LAUNCHER, "crawl", "-q", "--max-tasks", "100", "--json", out, url])
    if p.returncode != 0:
        raise RuntimeError("asyncio4j crawl failed: " + p.stderr[-2000:])
    launcher.check_jvm(p.stderr)
    with open(out) as f:
        s = json.load(f)["summary"]
    pages = s["fetched"] + s["errors"]
    return {"pages": pages, "wall": wall, "inner_pages_per_second": s["pages_per_second"]}


def scrapy(url, tmp):
    p, wall = run([DEBIAN_PYTHON, os.path.join(ROOT, "bench", "python", "twins", "scrapy_crawl.py"), url])
    if p.returncode != 0:
        raise RuntimeError("scrapy failed: " + p.stderr[-2000:])
    r = json.loads(p.stdout.strip().splitlines()[-1])
    return {"pages": r["pages"] + r["errors"], "wall": wall, "inner_pages_per_second": (r["pages"] + r["errors"]) / r["seconds"]}


def wget(url, tmp):
    d = tempfile.mkdtemp(dir=tmp)
    p, wall = run(["wget", "--recursive", "--level=inf", "--no-directories", "--delete-after", "--no-verbose",
                   "-e", "robots=on", "--tries=4", "--timeout=10", "--max-redirect=10", "-P", d, url])
    # wget exits 8 when some responses were errors (the site has 404s and a reset): that is expected here
    if p.returncode not in (0, 4, 8):
        raise RuntimeError("wget failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    pages = len(re.findall(r" URL:", p.stderr)) + len(re.findall(r" ERROR \d+", p.stderr))
    shutil.rmtree(d, ignore_errors=True)
    return {"pages": pages, "wall": wall, "inner_pages_per_second": None}


# --- real sites ---------------------------------------------------------------------------------------------------
def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time: (process, wall s, cpu s, peak RSS MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        p, wall = run(["/usr/bin/time", "-f", "%U %S %M", "-o", t.name] + cmd, **kw)
        fields = t.read().split()[-3:]
    try:
        user, system, rss_kb = float(fields[0]), float(fields[1]), int(fields[2])
    except (ValueError, IndexError):
        user = system = rss_kb = 0
    return p, wall, user + system, rss_kb / 1024


def without_fragment(url):
    return url.split("#", 1)[0]


def real_asyncio4j(url, tmp, ca=None, flags=()):
    out = os.path.join(tmp, "a4j.json")
    p, wall, cpu, rss = timed([LAUNCHER, "crawl", "-q", "--max-tasks", "100", "--json", out, *flags]
                              + (["--ca-cert", ca] if ca else []) + [url])
    if p.returncode != 0:
        raise RuntimeError("asyncio4j crawl failed: " + p.stderr[-2000:])
    launcher.check_jvm(p.stderr)
    with open(out) as f:
        report = json.load(f)
    found = {without_fragment(x["url"]) for x in report["pages"] if x["status"] is not None}
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "found": found, "bytes": report["summary"]["bytes"],
            "crawl_seconds": report["summary"]["seconds"]}


def real_wget(url, tmp, ca=None):
    d = tempfile.mkdtemp(dir=tmp)
    p, wall, cpu, rss = timed(["wget", "-r", "-l", "inf", "--delete-after", "--no-verbose", "-P", d]
                              + (["--ca-certificate=" + ca] if ca else []) + [url])
    if p.returncode not in (0, 4, 8):
        raise RuntimeError("wget failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    found = set(re.findall(r"URL:\s*(\S+)", p.stderr))
    found |= set(re.findall(r"^(http\S+):\s*$", p.stderr, re.M))    # the line before an "ERROR 404" line
    shutil.rmtree(d, ignore_errors=True)
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "found": {without_fragment(u) for u in found}}


def is_html_page(url):
    """A URL that names an HTML page (by its path: a directory or .html/.htm), not a requisite or a download."""
    path = url.split("?", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


def real_floor(urls, tmp, ca=None):
    """curl fetching `urls`, 100 at a time, all known in advance: the harness's floor for a 100-wide crawl."""
    config = os.path.join(tmp, "floor.curl")
    with open(config, "w") as f:
        for u in sorted(urls):
            f.write('url = "%s"\noutput = "/dev/null"\n' % u.replace('"', '%22'))
    p, wall, cpu, rss = timed(["curl", "--silent", "--show-error", "--parallel", "--parallel-max", "100",
                               "--config", config] + (["--cacert", ca] if ca else []))
    if p.returncode != 0:
        raise RuntimeError("curl failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "found": set(urls)}


FLOOR = "curl, all URLs known"


def real_scrapy(default_concurrency):
    def crawl(url, tmp, ca=None):   # Scrapy does not verify certificates by default: nothing to trust
        urls = os.path.join(tmp, "scrapy-urls.txt")
        cmd = [DEBIAN_PYTHON, os.path.join(ROOT, "bench", "python", "twins", "scrapy_crawl.py"), url, "--urls", urls]
        if default_concurrency:
            cmd.append("--default-concurrency")
        p, wall, cpu, rss = timed(cmd)
        if p.returncode != 0:
            raise RuntimeError("scrapy failed: " + p.stderr[-2000:])
        if not os.path.exists(urls):
            raise RuntimeError("scrapy wrote no URL list (exit %d): %s" % (p.returncode, p.stderr[-2000:]))
        with open(urls) as f:
            found = {without_fragment(u.strip()) for u in f if u.strip()}
        return {"wall": wall, "cpu": cpu, "rss_mb": rss, "found": found}
    return crawl


def startup():
    """The JVM's start-up as a user meets it: `asyncio4j crawl` of a one-page site (the demo's robots-less page)."""
    walls = []
    for _ in range(3):
        p, wall = run([LAUNCHER, "crawl", "-q", "--demo", "--pages", "1", "--max-pages", "1"])
        launcher.check_jvm(p.stderr)
        if p.returncode == 0:
            walls.append(wall)
    return statistics.median(walls) if walls else None


def real_sites(args):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import real_sites as rs
    gone = rs.missing()
    if gone:
        return {"skipped": "missing " + ", ".join(gone) + " (bench/peers/install)"}
    peers = [("asyncio4j", real_asyncio4j)]
    if shutil.which("wget"):
        peers.append(("wget", real_wget))
    if subprocess.run([DEBIAN_PYTHON, "-c", "import scrapy"], capture_output=True).returncode == 0:
        peers += [("scrapy-100", real_scrapy(False)), ("scrapy-default", real_scrapy(True))]
    # The TLS listener offers HTTP/2 by ALPN, as real sites' do: asyncio4j and curl's floor speak it there (their
    # default), wget and Scrapy HTTP/1.1 (the plain listener serves all as before); "asyncio4j --http1" is asyncio4j
    # over TLS with HTTP/1.1 only, on as many connections as it likes (a full handshake each, unless resumed).
    nginx = rs.Nginx(http2=True)
    proxy = rs.LatencyProxy(nginx.port, args.latency_ms / 1000.0)
    http1 = ("asyncio4j --http1", lambda url, tmp, ca: real_asyncio4j(url, tmp, ca, ["--http1"]))
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for site in rs.available():
                regimes = (("loopback", nginx.port, False), ("%d ms per response" % args.latency_ms, proxy.port, False),
                           ("TLS, loopback", nginx.tls_port, True))
                for regime, port, tls in regimes:
                    url = nginx.root(site, port, tls)
                    ca = nginx.ca if tls else None
                    print("crawl bench: %s docs, %s: %s" % (site, regime, url), file=sys.stderr)
                    crawlers = peers[:1] + [http1] + peers[1:] if tls else peers
                    runs = {name: [] for name, _ in crawlers}
                    for i in range(args.repeats):
                        for name, fn in crawlers:
                            r = fn(url, tmp, ca)
                            runs[name].append(r)
                            inner = " (%.2f s in the crawl)" % r["crawl_seconds"] if "crawl_seconds" in r else ""
                            print("  run %d %-14s %5d pages %7.2f s wall %7.2f s CPU %6.0f MB%s" % (
                                i + 1, name, len(r["found"]), r["wall"], r["cpu"], r["rss_mb"], inner),
                                file=sys.stderr)
                        if shutil.which("curl"):
                            r = real_floor(runs["asyncio4j"][-1]["found"], tmp, ca)
                            runs.setdefault(FLOOR, []).append(r)
                            print("  run %d %-14s %5d pages %7.2f s wall %7.2f s CPU %6.0f MB" % (
                                i + 1, "floor (curl)", len(r["found"]), r["wall"], r["cpu"], r["rss_mb"]),
                                file=sys.stderr)
                    reference = runs["wget"][0]["found"] if "wget" in runs else None
                    for name, rs_ in runs.items():
                        found = rs_[0]["found"]
                        row = {"site": site, "regime": regime, "crawler": name, "pages": len(found),
                               "wall_seconds": statistics.median(r["wall"] for r in rs_),
                               "cpu_seconds": statistics.median(r["cpu"] for r in rs_),
                               "rss_mb": max(r["rss_mb"] for r in rs_),
                               # every run's, so that one slow run (wall far above CPU / 2) can be told from noise
                               "runs": [{k: r[k] for k in ("wall", "cpu", "crawl_seconds") if k in r} for r in rs_]}
                        if "crawl_seconds" in rs_[0]:   # the crawl's own clock (its JSON report): no JVM start or exit
                            row["crawl_seconds"] = statistics.median(r["crawl_seconds"] for r in rs_)
                        if "bytes" in rs_[0]:
                            row["html_mb"] = rs_[0]["bytes"] / 1e6
                        if reference is not None and name not in ("wget", FLOOR):
                            only, missing = sorted(found - reference), sorted(reference - found)
                            row["vs_wget"] = {"only_here": len(only), "only_wget": len(missing),
                                              "examples_only_here": only[:5], "examples_only_wget": missing[:5]}
                            # The pages themselves: wget -r also fetches page requisites (stylesheets, scripts,
                            # images), which the other crawlers do not follow.
                            h_found = {u for u in found if is_html_page(u)}
                            h_ref = {u for u in reference if is_html_page(u)}
                            row["vs_wget_html"] = {"only_here": len(h_found - h_ref), "only_wget": len(h_ref - h_found),
                                                   "examples_only_wget": sorted(h_ref - h_found)[:5]}
                        rows.append(row)
    finally:
        proxy.close()
        nginx.close()
    return {"results": rows, "startup_seconds": startup(), "latency_ms": args.latency_ms, "repeats": args.repeats}


def print_real(real):
    if "skipped" in real:
        print("\nreal sites: skipped: " + real["skipped"])
        return
    print("\n| site | regime | crawler | pages | wall s | CPU s | RSS MB | vs asyncio4j (wall) | differs from wget "
          "(all URLs; HTML pages) |")
    print("|---|---|---|--:|--:|--:|--:|--:|---|")
    base = {(r["site"], r["regime"]): r["wall_seconds"] for r in real["results"] if r["crawler"] == "asyncio4j"}
    for r in real["results"]:
        b = base.get((r["site"], r["regime"]))
        ratio = "%.2fx" % (r["wall_seconds"] / b) if b else "-"
        d = r.get("vs_wget")
        h = r.get("vs_wget_html")
        diff = "-" if d is None else "+%d / -%d" % (d["only_here"], d["only_wget"])
        if h is not None:
            diff += "; " + ("same pages" if h["only_here"] == h["only_wget"] == 0
                            else "+%d / -%d pages" % (h["only_here"], h["only_wget"]))
        print("| %s | %s | %s | %d | %.2f | %.2f | %.0f | %s | %s |" % (r["site"], r["regime"], r["crawler"],
              r["pages"], r["wall_seconds"], r["cpu_seconds"], r["rss_mb"], ratio, diff))
    if real.get("startup_seconds"):
        print("\nJVM start-up (asyncio4j crawl of a one-page site, whole command): %.2f s" % real["startup_seconds"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "crawl.json"))
    ap.add_argument("--skip-wget", action="store_true")
    ap.add_argument("--real", action="store_true", help="also the real sites (nginx, Debian docs), with latency")
    ap.add_argument("--only-real", action="store_true", help="only the real sites")
    ap.add_argument("--latency-ms", type=int, default=20)
    args = ap.parse_args()
    launcher.prepare()
    if args.only_real:
        real = real_sites(args)
        print_real(real)
        write(args, {"real_sites": real})
        return

    peers = [("asyncio4j", asyncio4j)]
    skipped = {}
    if subprocess.run([DEBIAN_PYTHON, "-c", "import scrapy"], capture_output=True).returncode == 0:
        peers.append(("scrapy", scrapy))
    else:
        skipped["scrapy"] = "python3-scrapy is not installed (bench/peers/install)"
    if shutil.which("wget") and not args.skip_wget:
        peers.append(("wget", wget))
    else:
        skipped["wget"] = "wget is not installed" if not shutil.which("wget") else "--skip-wget"

    server = subprocess.Popen([LAUNCHER, "crawl", "--serve-demo", "--pages", str(args.pages)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http"):
            server.kill()
            raise RuntimeError("the demo server did not start (it printed %r): %s" % (url, server.stderr.read()[-2000:]))
        print("crawl bench: %d-page demo site at %s" % (args.pages, url), file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(2):
                asyncio4j(url, tmp)   # warm-up of the shared server (its JIT), not of any crawler
            results = {name: [] for name, _ in peers}
            for i in range(args.repeats):
                for name, fn in peers:
                    r = fn(url, tmp)
                    results[name].append(r)
                    print("  run %d %-9s %6d pages in %6.2f s" % (i + 1, name, r["pages"], r["wall"]), file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)

    table = []
    for name, runs in results.items():
        wall = statistics.median(r["wall"] for r in runs)
        pages = statistics.median(r["pages"] for r in runs)
        inner = [r["inner_pages_per_second"] for r in runs if r["inner_pages_per_second"]]
        table.append({"crawler": name, "pages": pages, "wall_seconds": wall, "pages_per_second": pages / wall,
                      "in_crawl_pages_per_second": statistics.median(inner) if inner else None})
    base = table[0]["pages_per_second"]
    print()
    print("| crawler   | pages | wall s (median of %d) | pages/s (wall) | in-crawl pages/s | asyncio4j / this |" % args.repeats)
    print("|-----------|------:|------:|------:|------:|------:|")
    for row in table:
        row["ratio"] = base / row["pages_per_second"]
        inner = "%.0f" % row["in_crawl_pages_per_second"] if row["in_crawl_pages_per_second"] else "-"
        print("| %-9s | %5d | %6.2f | %7.0f | %s | %.2fx |" % (row["crawler"], row["pages"], row["wall_seconds"],
                                                             row["pages_per_second"], inner, row["ratio"]))
    for name, why in skipped.items():
        print("| %-9s | skipped: %s |" % (name, why))
    data = {"quick": args.pages < 10000, "site_pages": args.pages, "repeats": args.repeats, "results": table,
            "skipped": skipped}
    if args.real:
        data["real_sites"] = real_sites(args)
        print_real(data["real_sites"])
    write(args, data)


def write(args, data):
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    if os.path.exists(args.out):     # keep what this run did not measure (say, the synthetic site with --only-real)
        with open(args.out) as f:
            old = json.load(f)
        data = {**old, **data}
    data["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(args.out, "w") as f:
        json.dump(data, f, indent=2)
    print("\nwrote " + os.path.relpath(args.out, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
