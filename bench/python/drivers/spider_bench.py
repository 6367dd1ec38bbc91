"""`bench spider`: the Python-docs spider (examples/.../spiders/PythonFunctions.java, run with `./asyncio4j spider`)
against its twins for Scrapy (python/twins/scrapy_functions.py, parsel CSS) and Crawlee (peers/crawlee/functions.mjs,
CheerioCrawler), over Debian's Python 3.11 docs served by nginx on loopback (real_sites.py); and, for scale, a
plain `./asyncio4j crawl` of the same site and a spider that never calls select (it emits each page's URL).

For each: wall time, CPU seconds and peak RSS (/usr/bin/time), median of --repeats runs, interleaved; the items of
each peer compared with asyncio4j's as sets of (name, signature, page). A peer that is not installed is skipped
(bench/peers/install). Results: a table, and --out FILE (JSON).
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
        result = {"site": root, "repeats": args.repeats, "first_spider_run": first, "skipped": skipped, "peers": {}}
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
