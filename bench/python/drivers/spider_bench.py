"""`bench spider`: the Python-docs spider (examples/.../spiders/PythonFunctions.java, run with `./asyncio4j spider`)
against its twins for Scrapy (python/twins/scrapy_functions.py, parsel CSS) and Crawlee (peers/crawlee/functions.mjs,
CheerioCrawler), over Debian's Python 3.11 docs served by nginx on loopback (real_sites.py); and, for scale, a
plain `./asyncio4j crawl` of the same site and a spider that never calls select (it emits each page's URL).

For each: wall time, CPU seconds and peak RSS (/usr/bin/time), median of --repeats runs, interleaved; the items of
each peer compared with asyncio4j's as sets of (name, signature, page). A peer that is not installed is skipped
(bench/peers/install).

Start-up, on one page of the same site (--max-pages 1), interleaved too: a plain crawl, the spider from its compile
cache, and the spider's first run (a copy of its file with a new comment each time, so the cache has no entry for
it: javac in process included). The issue's targets are printed against the figures (issue 27: the spider at least
10x Scrapy's and 5x Crawlee's wall time, at most 2x a plain crawl's; the spider that never selects within 10% of
it; the first run under 10 s; a cached spider's start-up within 0.3 s of a crawl's). Results: a table, and
--out FILE (JSON).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_sites  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
LAUNCHER = os.path.join(ROOT, "asyncio4j")
SPIDER = os.path.join(ROOT, "examples", "src", "main", "java", "io", "github", "asyncio4j", "examples", "spiders",
                      "PythonFunctions.java")
CRAWLEE = os.path.join(ROOT, "bench", "peers", "crawlee")
DEBIAN_PYTHON = "/usr/bin/python3"

NO_SELECT = """import io.github.asyncio4j.crawler.Page;
import io.github.asyncio4j.crawler.Spider;

public class NoSelect implements Spider {
    record Seen(String url) {
    }

    public void parse(Page page) {
        page.emit(new Seen(page.url().toString()));
        page.followAll(page.links());
    }
}
"""


def timed(cmd):
    """(process, wall s, cpu s, peak RSS MB) of cmd under /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", t.name] + cmd, capture_output=True, text=True)
        wall = time.monotonic() - start
        fields = t.read().split()[-3:]
    user, system, rss_kb = float(fields[0]), float(fields[1]), int(fields[2])
    return p, wall, user + system, rss_kb / 1024


def items(path):
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out.add((d["name"], d["signature"], d["page"]))
    return out


def start_up(root, tmp, repeats):
    """Start-up on one page: a crawl, the spider from its cache, and its first run (compile included)."""
    with open(SPIDER, encoding="utf-8") as f:
        source = f.read()
    out = os.path.join(tmp, "start-up.jsonl")
    cmds = {
        "crawl": lambda i: [LAUNCHER, "crawl", "-q", "--max-pages", "1", root],
        "spider (cached)": lambda i: [LAUNCHER, "spider", SPIDER, "-q", "--max-pages", "1", "--output", out, root],
        "spider (first run)": lambda i: [LAUNCHER, "spider", fresh_copy(source, tmp, i), "-q", "--max-pages", "1",
                                         "--output", out, root],
    }
    runs = {name: [] for name in cmds}
    for i in range(repeats):
        for name, cmd in cmds.items():
            p, wall, cpu, rss = timed(cmd(i))
            if p.returncode != 0:
                raise RuntimeError("start-up, %s, failed (%d): %s" % (name, p.returncode, p.stderr[-2000:]))
            runs[name].append({"wall": wall, "cpu": cpu})
    return {name: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu")} for name, rs in runs.items()}


def fresh_copy(source, tmp, i):
    """The spider's source with a comment of its own: a compile cache entry of its own (the key is the text)."""
    d = os.path.join(tmp, "fresh-%d" % i)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, os.path.basename(SPIDER))
    with open(path, "w", encoding="utf-8") as f:
        f.write(source + "// bench spider start-up, run %d, %f\n" % (i, time.time()))
    return path


def targets(result):
    """Issue 27's targets against this run's figures: what, the figure, met or not."""
    peers = result["peers"]
    spider = peers["asyncio4j spider"]["wall"]
    crawl = peers["asyncio4j crawl"]["wall"]
    out = []
    if "scrapy" in peers:
        r = peers["scrapy"]["wall"] / spider
        out.append({"what": "Scrapy's wall / the spider's (at least 10x)", "figure": "%.1fx" % r, "met": r >= 10})
    if "crawlee" in peers:
        r = peers["crawlee"]["wall"] / spider
        out.append({"what": "Crawlee's wall / the spider's (at least 5x)", "figure": "%.1fx" % r, "met": r >= 5})
    r = spider / crawl
    out.append({"what": "the spider's wall / a plain crawl's (at most 2x)", "figure": "%.2fx" % r, "met": r <= 2})
    r = peers["asyncio4j no select"]["wall"] / crawl
    out.append({"what": "no-select spider's wall / a plain crawl's (at most 1.10x)", "figure": "%.2fx" % r,
                "met": r <= 1.10})
    w = result["first_spider_run"]["wall"]
    out.append({"what": "first spider run, compile included (under 10 s)", "figure": "%.1f s" % w, "met": w < 10})
    s = result["start_up"]
    d = s["spider (cached)"]["wall"] - s["crawl"]["wall"]
    out.append({"what": "cached spider's start-up - a crawl's (at most 0.3 s)", "figure": "%+.2f s" % d,
                "met": d <= 0.3})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="a4j-spider-bench-")
    no_select = os.path.join(tmp, "NoSelect.java")
    with open(no_select, "w") as f:
        f.write(NO_SELECT)
    nginx = real_sites.Nginx()
    try:
        root = nginx.root("python")
        peers = {
            "asyncio4j crawl": lambda out: [LAUNCHER, "crawl", "-q", root],
            "asyncio4j spider": lambda out: [LAUNCHER, "spider", SPIDER, "-q", "--output", out, root],
            "asyncio4j no select": lambda out: [LAUNCHER, "spider", no_select, "-q", "--output", out, root],
        }
        skipped = {}
        if subprocess.run([DEBIAN_PYTHON, "-c", "import scrapy"], capture_output=True).returncode == 0:
            peers["scrapy"] = lambda out: [DEBIAN_PYTHON, os.path.join(ROOT, "bench", "python", "twins",
                                                                        "scrapy_functions.py"), root, out]
        else:
            skipped["scrapy"] = "python3-scrapy is not installed (bench/peers/install)"
        if os.path.isdir(os.path.join(CRAWLEE, "node_modules", "@crawlee", "cheerio")):
            peers["crawlee"] = lambda out: ["node", os.path.join(CRAWLEE, "functions.mjs"), root, out]
        else:
            skipped["crawlee"] = "npm @crawlee/cheerio is not installed in bench/peers/crawlee (bench/peers/install)"
        # one run each first, untimed: the launcher's build, AOT training and the spider's compile cache
        first = {}
        out = os.path.join(tmp, "first.jsonl")
        shutil.rmtree(os.path.join(ROOT, "crawler", "target", "spider-cache"), ignore_errors=True)
        subprocess.run(peers["asyncio4j crawl"](out), capture_output=True)
        p, wall, cpu, rss = timed(peers["asyncio4j spider"](out))
        first = {"wall": wall, "cpu": cpu, "rss_mb": rss, "exit": p.returncode}
        startup = start_up(root, tmp, args.repeats)
        runs = {name: [] for name in peers}
        found = {}
        for _ in range(args.repeats):
            for name, cmd in peers.items():
                out = os.path.join(tmp, name.replace(" ", "-") + ".jsonl")
                p, wall, cpu, rss = timed(cmd(out))
                if p.returncode != 0:
                    raise RuntimeError("%s failed (%d): %s" % (name, p.returncode, p.stderr[-2000:]))
                runs[name].append({"wall": wall, "cpu": cpu, "rss_mb": rss})
                if name in ("asyncio4j spider", "scrapy", "crawlee"):
                    found[name] = items(out)
        ours = found["asyncio4j spider"]
        result = {"site": root, "repeats": args.repeats, "first_spider_run": first, "start_up": startup,
                  "skipped": skipped, "peers": {}}
        for name, rs in runs.items():
            med = {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "rss_mb")}
            entry = dict(med, runs=rs)
            if name in found:
                entry["items"] = len(found[name])
                entry["same_items"] = found[name] == ours
                entry["only_here"] = sorted(found[name] - ours)[:5]
                entry["missing_here"] = sorted(ours - found[name])[:5]
            result["peers"][name] = entry
        spider = result["peers"]["asyncio4j spider"]
        print("Python docs (%s), median of %d runs; first spider run (compile included): %.2f s"
              % (root, args.repeats, first["wall"]))
        print("%-22s %8s %8s %9s %7s %6s %9s" % ("", "wall s", "CPU s", "RSS MB", "items", "same", "wall/ours"))
        for name, e in result["peers"].items():
            print("%-22s %8.2f %8.2f %9.0f %7s %6s %9.2f" % (
                name, e["wall"], e["cpu"], e["rss_mb"], e.get("items", "-"),
                {True: "yes", False: "NO"}.get(e.get("same_items"), "-"), e["wall"] / spider["wall"]))
        print("Start-up (--max-pages 1), median of %d: %s" % (args.repeats, "; ".join(
            "%s %.2f s wall, %.2f s CPU" % (name, e["wall"], e["cpu"]) for name, e in startup.items())))
        result["targets"] = targets(result)
        for t in result["targets"]:
            print("target: %-52s %8s  %s" % (t["what"], t["figure"], "met" if t["met"] else "NOT MET"))
        for name, why in skipped.items():
            print("skipped %s: %s" % (name, why))
        for name, e in result["peers"].items():
            if e.get("same_items") is False:
                print("%s: only there %s; missing there %s" % (name, e["only_here"], e["missing_here"]))
        if args.out:
            with open(args.out, "w") as f:
                json.dump(result, f, indent=2)
    finally:
        nginx.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
