"""Side-by-side crawl: asyncio4j's crawler, Scrapy and `wget --recursive` crawl the same generated site, served
by one demo server (`asyncio4j crawl --serve-demo`) in its own JVM on loopback. Run by `bench/run crawl`.

Each crawler runs `--repeats` times after one warm-up crawl (which also warms the server); the table gives the
median wall time of each whole command (start-up included, as a user meets it), pages per second, and the ratio
to asyncio4j. asyncio4j's own in-crawl rate (from its JSON report, without JVM start-up) is shown too.
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LAUNCHER = os.path.join(ROOT, "asyncio4j")
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "crawl.json"))
    ap.add_argument("--skip-wget", action="store_true")
    args = ap.parse_args()

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
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": args.pages < 10000,
                   "site_pages": args.pages, "repeats": args.repeats, "results": table, "skipped": skipped}, f, indent=2)
    print("\nwrote " + os.path.relpath(args.out, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
