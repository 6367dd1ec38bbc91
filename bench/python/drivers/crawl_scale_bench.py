"""What persistence and sharing cost the crawler (`bench/run crawl --scale`): the same generated site, served by
one demo server (`asyncio4j crawl --serve-demo`) in its own JVM on loopback, crawled

  memory     in memory (the default), the baseline;
  state      with --state DIR (SQLite, WAL, batched writer thread), a fresh DIR each run;
  warc       with --warc FILE.warc.gz (jwarc, gzip per record);
  redis x1   one process with --frontier redis:// (a fresh --crawl-id each run);
  redis x2   two processes sharing that frontier (wall time until both are done).

A redis-server (Debian's) is started on a free loopback port in a temporary directory, without persistence.
Each configuration runs --repeats times after one warm-up crawl; the table gives the median wall time of the
whole command (JVM start-up included), pages per second and the slowdown against `memory` (the target for
`state` is at most 1.15x).
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LAUNCHER = os.path.join(ROOT, "asyncio4j")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crawl(url, tmp, name, extra, processes=1):
    """Runs `processes` crawls of url at once with extra options; returns (pages, wall seconds)."""
    start = time.monotonic()
    procs, outs = [], []
    for i in range(processes):
        out = os.path.join(tmp, "%s-%d.json" % (name, i))
        outs.append(out)
        procs.append(subprocess.Popen([LAUNCHER, "crawl", "-q", "--max-tasks", "100", "--json", out] + extra + [url],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError("crawl %s failed (%d): %s" % (name, p.returncode, err[-2000:]))
    wall = time.monotonic() - start
    pages = 0
    for out in outs:
        with open(out) as f:
            s = json.load(f)["summary"]
        pages += s["fetched"] + s["errors"]
    return pages, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "crawl-scale.json"))
    args = ap.parse_args()
    redis_server = shutil.which("redis-server")
    if not redis_server:
        sys.exit("crawl --scale: redis-server is needed (apt-get install redis-server)")

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        redis = subprocess.Popen([redis_server, "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp,
                                  "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        server = subprocess.Popen([LAUNCHER, "crawl", "--serve-demo", "--pages", str(args.pages)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            url = server.stdout.readline().strip()
            if not url.startswith("http"):
                raise RuntimeError("the demo server did not start (it printed %r)" % url)
            print("crawl --scale: %d-page demo site at %s, Redis at 127.0.0.1:%d" % (args.pages, url, port),
                  file=sys.stderr)
            frontier = "redis://127.0.0.1:%d" % port
            n = [0]

            def fresh(kind):
                n[0] += 1
                return os.path.join(tmp, "%s-%d" % (kind, n[0]))

            configs = [
                ("memory", lambda: crawl(url, tmp, "memory", [])),
                ("state", lambda: crawl(url, tmp, "state", ["--state", fresh("state")])),
                ("warc", lambda: crawl(url, tmp, "warc", ["--warc", fresh("warc") + ".warc.gz"])),
                ("redis x1", lambda: crawl(url, tmp, "redis1", ["--frontier", frontier, "--crawl-id",
                                                                os.path.basename(fresh("id"))])),
                ("redis x2", lambda: crawl(url, tmp, "redis2", ["--frontier", frontier, "--crawl-id",
                                                                os.path.basename(fresh("id"))], processes=2)),
            ]
            crawl(url, tmp, "warmup", [])    # warms the shared server's JIT, not any crawler
            results = {name: [] for name, _ in configs}
            for i in range(args.repeats):
                for name, fn in configs:
                    pages, wall = fn()
                    results[name].append({"pages": pages, "wall": wall})
                    print("  run %d %-9s %6d pages in %6.2f s" % (i + 1, name, pages, wall), file=sys.stderr)
        finally:
            server.terminate()
            redis.terminate()
            server.wait(timeout=30)
            redis.wait(timeout=30)

    table = []
    for name, runs in results.items():
        wall = statistics.median(r["wall"] for r in runs)
        pages = statistics.median(r["pages"] for r in runs)
        table.append({"config": name, "pages": pages, "wall_seconds": wall, "pages_per_second": pages / wall})
    base = table[0]["wall_seconds"]
    print()
    print("| configuration | pages | wall s (median of %d) | pages/s | time vs memory |" % args.repeats)
    print("|---------------|------:|------:|------:|------:|")
    for row in table:
        row["vs_memory"] = row["wall_seconds"] / base
        print("| %-13s | %5d | %6.2f | %6.0f | %.2fx |" % (row["config"], row["pages"], row["wall_seconds"],
                                                          row["pages_per_second"], row["vs_memory"]))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "site_pages": args.pages,
                   "repeats": args.repeats, "results": table}, f, indent=2)
    print("\nwrote " + os.path.relpath(args.out, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
