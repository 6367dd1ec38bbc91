"""What persistence and sharing cost the crawler (`bench/run crawl --scale`): the same generated site, served by
one demo server (`asyncio4j crawl --serve-demo`) in its own JVM on loopback, crawled

  memory     in memory (the default), the baseline;
  state      with --state DIR (SQLite, WAL, batched writer thread), a fresh DIR each run;
  warc       with --warc FILE.warc.gz (jwarc, gzip per record);
  redis x1   one process with --frontier redis:// (a fresh --crawl-id each run);
  redis x2   two processes sharing that frontier (wall time until both are done).

and then the real sites of `bench/run crawl --only-real` (Debian's Python 3.11 and PostgreSQL 15 docs served by
nginx on loopback, real_sites.py), each crawled `memory`, `state` and `warc`: the overhead of --state and --warc
on real pages (the target for `state` is at most 1.15x `memory`).

A redis-server (Debian's) is started on a free loopback port in a temporary directory, without persistence.
Each configuration runs --repeats times, the configurations interleaved (run 1 of each, then run 2, ...) so that a
change of load hits them all alike, after one warm-up crawl; the tables give the median wall time of the whole
command (JVM start-up included), the median CPU time of the crawler processes (user + system, less sensitive to
other load than wall time), pages per second and both against `memory`.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from launcher import LAUNCHER, ROOT
import launcher
import real_sites as rs


def crawl(url, tmp, name, extra, processes=1):
    """Runs `processes` crawls of url at once with extra options; returns (pages, wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
        launcher.check_jvm(err)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    pages = 0
    for out in outs:
        with open(out) as f:
            s = json.load(f)["summary"]
        pages += s["fetched"] + s["errors"]
    return pages, wall, cpu


def measure(label, configs, repeats):
    """Runs each of configs [(name, fn)] repeats times, interleaved; returns the table rows (first: the base)."""
    results = {name: [] for name, _ in configs}
    for i in range(repeats):
        for name, fn in configs:
            pages, wall, cpu = fn()
            results[name].append({"pages": pages, "wall": wall, "cpu": cpu})
            print("  run %d %-18s %6d pages in %6.2f s wall %6.2f s CPU" % (i + 1, label + " " + name, pages, wall,
                                                                            cpu), file=sys.stderr)
    table = []
    for name, runs in results.items():
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        pages = statistics.median(r["pages"] for r in runs)
        table.append({"site": label, "config": name, "pages": pages, "wall_seconds": wall, "cpu_seconds": cpu,
                      "pages_per_second": pages / wall, "runs": runs})
    for row in table:
        row["vs_memory"] = row["wall_seconds"] / table[0]["wall_seconds"]
        row["cpu_vs_memory"] = row["cpu_seconds"] / table[0]["cpu_seconds"]
    return table


def real_sites(tmp, repeats, fresh):
    """memory, state and warc on each real site (nginx); [] with a note when nginx or the docs are missing."""
    gone = rs.missing()
    if gone:
        print("crawl --scale: real sites skipped: missing " + ", ".join(gone), file=sys.stderr)
        return [], []
    nginx = rs.Nginx(log=True, http2=True)
    rows, recrawls = [], []
    try:
        for site in (s for s in rs.SITES if s not in rs.OPTIONAL):   # rust-doc: for crawl --real
            url = nginx.root(site)
            print("crawl --scale: %s docs at %s" % (site, url), file=sys.stderr)
            crawl(url, tmp, "warmup", [])    # the page cache and nginx, not any crawler
            rows += measure(site, [
                ("memory", lambda: crawl(url, tmp, "memory", [])),
                ("state", lambda: crawl(url, tmp, "state", ["--state", fresh("state")])),
                ("warc", lambda: crawl(url, tmp, "warc", ["--warc", fresh("warc") + ".warc.gz"])),
            ], repeats)
            recrawls.append(recrawl(nginx, site, False, tmp, fresh("recrawl")))
            recrawls.append(recrawl(nginx, site, True, tmp, fresh("recrawl")))
    finally:
        nginx.close()
    return rows, recrawls


def recrawl(nginx, site, tls, tmp, state):
    """A crawl with --state, then --recrawl of the unchanged site, over HTTP/1.1 or (tls) HTTPS, where nginx offers
    HTTP/2: the bytes nginx sent for each (headers included), the second's answers by status and what the
    crawler's report counted."""
    url = nginx.root(site, tls=tls)
    args = ["--state", state] + (["--ca-cert", nginx.ca] if tls else [])
    offset = nginx.log_size()
    pages, wall, _ = crawl(url, tmp, "first", args)
    first, first_sent, offset = nginx.responses_since(offset)
    _, again_wall, _ = crawl(url, tmp, "recrawl", args + ["--recrawl"])
    again, again_sent, _ = nginx.responses_since(offset)
    with open(os.path.join(tmp, "recrawl-0.json")) as f:
        counted = json.load(f)["summary"].get("recrawl", {})
    row = {"site": site, "protocol": "HTTPS (HTTP/2)" if tls else "HTTP/1.1", "pages": pages, "first_bytes": first_sent, "first_seconds": wall,
           "first_statuses": first, "recrawl_bytes": again_sent, "recrawl_seconds": again_wall,
           "recrawl_statuses": again, "recrawl_report": counted, "bytes_ratio": again_sent / first_sent}
    print("  recrawl %-10s %-14s %d pages: %d bytes first, %d bytes again (%.2f%%); answers %s; report %s" % (
        site, row["protocol"], pages, first_sent, again_sent, 100 * row["bytes_ratio"], again, counted), file=sys.stderr)
    return row


def print_recrawl_table(recrawls):
    print()
    print("| site | protocol | pages | first crawl: bytes received | --recrawl: bytes received | ratio "
          "| --recrawl answers |")
    print("|------|----------|------:|------:|------:|------:|------|")
    for r in recrawls:
        answers = ", ".join("%s x%d" % (k, v) for k, v in sorted(r["recrawl_statuses"].items()))
        print("| %s | %s | %d | %d | %d | %.2f%% | %s |" % (r["site"], r["protocol"], r["pages"], r["first_bytes"],
                                                          r["recrawl_bytes"], 100 * r["bytes_ratio"], answers))


def print_table(rows, repeats):
    print()
    print("| site | configuration | pages | wall s (median of %d) | CPU s | pages/s | wall vs memory | CPU vs memory |"
          % repeats)
    print("|------|---------------|------:|------:|------:|------:|------:|------:|")
    for row in rows:
        print("| %s | %-9s | %5d | %6.2f | %6.2f | %6.0f | %.2fx | %.2fx |" % (
            row["site"], row["config"], row["pages"], row["wall_seconds"], row["cpu_seconds"],
            row["pages_per_second"], row["vs_memory"], row["cpu_vs_memory"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-real", action="store_true", help="only the demo site")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "crawl-scale.json"))
    args = ap.parse_args()
    launcher.prepare()
    redis_server = shutil.which("redis-server")
    if not redis_server:
        sys.exit("crawl --scale: redis-server is needed (apt-get install redis-server)")

    with tempfile.TemporaryDirectory() as tmp:
        port = rs.free_port()
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
            rows = measure("demo", configs, args.repeats)
        finally:
            server.terminate()
            redis.terminate()
            server.wait(timeout=30)
            redis.wait(timeout=30)
        recrawls = []
        if not args.no_real:
            real, recrawls = real_sites(tmp, args.repeats, fresh)
            rows += real

    print_table(rows, args.repeats)
    if recrawls:
        print_recrawl_table(recrawls)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "site_pages": args.pages,
                   "repeats": args.repeats, "results": rows, "recrawl": recrawls}, f, indent=2)
    print("\nwrote " + os.path.relpath(args.out, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
