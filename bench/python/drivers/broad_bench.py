"""A broad crawl (`bench/run crawl --broad`): asyncio4j's crawler and Scrapy crawl the same loopback web of many
small sites with the manners real sites have, and the server, not the crawlers, says how they behaved.

The web is DemoWeb (crawler/.../DemoWeb.java) in its own JVM, started afresh for every crawl (its counts are per
crawl): hosts 127.1.x.y on one port, their kinds taking turns (normal, rate-limited: 429 + Retry-After,
flaky: 503 to every third request, slow, dead: connection refused, crawl-delay: robots.txt asks for a Crawl-delay),
each of --pages pages, every answer --latency-ms late. Both crawlers get a seeds file of every host's root, the
same total concurrency (--concurrency, 100), two requests per host at most, --tries attempts per URL (retries of
429 and 503 on) and obey robots.txt:

  asyncio4j   ./asyncio4j crawl --seeds FILE --per-host 2 --max-tasks 100 --max-tries TRIES [--delay D]
  Scrapy      Debian's python3-scrapy with the settings of Scrapy's "Broad Crawls" page (twins/scrapy_broad.py),
              [DOWNLOAD_DELAY=D, not randomised]

The server reports per kind of host the pages answered 200 of those reachable (coverage), the most requests in
flight to one host, the shortest gap between two requests to one host, and the requests made. The bench computes
the politeness bound (politeness.py: the shortest wall time the web's rules allow) and compares each crawl's wall
time (the whole command, JVM or Python start-up included) with it. Peak RSS from /usr/bin/time.

Runs: --hosts (200) hosts with --delays (0 and 1), then --big-hosts (10,000) hosts with delay 0 (--big-hosts 0:
none); Scrapy gets --scrapy-timeout seconds per crawl (default: 3x asyncio4j's wall time of the same crawl, at least
300 s) and is reported as not finished past it. Writes bench/results/broad.json.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from launcher import LAUNCHER, ROOT
import launcher
import politeness

DEBIAN_PYTHON = "/usr/bin/python3"
SCRAPY_TWIN = os.path.join(ROOT, "bench", "python", "twins", "scrapy_broad.py")
KIND_CYCLE = "normal,rate-limited,flaky,slow,dead,crawl-delay"
RATE_WINDOW = 0.5      # DemoWeb.RATE_WINDOW
SLOW_SECONDS = 0.5     # DemoWeb.SLOW_SECONDS
FDS = 65536            # a 10,000-host web: a listening socket per host, and the crawlers' connections


def more_files():
    """Raises the open-file limit of a child (DemoWeb and the crawlers) where allowed; keeps it otherwise."""
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (FDS, FDS))
    except (ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def classpath():
    jar = os.path.join(ROOT, "crawler", "target", "asyncio4j-crawler-0.1.0-SNAPSHOT.jar")
    with open(os.path.join(ROOT, "crawler", "target", "classpath.txt")) as f:
        return jar + ":" + f.readline().strip()


def kill_group(p):
    """Ends a child started in its own session, and whatever it started."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


class Web:
    """A DemoWeb in its own JVM: start(), roots, then counts() (closes its standard input; it prints its counts)."""

    def __init__(self, hosts, pages, latency, crawl_delay):
        java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
        self.proc = subprocess.Popen(
            [java, "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:+UseParallelGC", "-cp", classpath(),
             "io.github.asyncio4j.crawler.DemoWeb", str(hosts), str(pages), KIND_CYCLE, str(latency),
             str(crawl_delay)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=more_files, start_new_session=True)
        self.roots = []
        try:
            while len(self.roots) < hosts:
                line = self.proc.stdout.readline()
                if not line:
                    raise RuntimeError("the web stopped after %d of %d roots: %s"
                                       % (len(self.roots), hosts, self.proc.stderr.read()[-2000:]))
                self.roots.append(line.strip())
        except BaseException:
            self.close()
            raise

    def cpu_seconds(self):
        """The web's CPU time so far (user + system), from /proc (None where there is none)."""
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def counts(self):
        """The server's counts (DemoWeb.json), after which the web is gone."""
        try:
            out, err = self.proc.communicate(input="", timeout=60)
        except subprocess.TimeoutExpired:
            self.close()
            raise RuntimeError("the web did not print its counts within 60 s")
        if self.proc.returncode != 0 or not out.strip():
            raise RuntimeError("the web failed (%s): %s" % (self.proc.returncode, err[-2000:]))
        return json.loads(out.strip().splitlines()[-1])

    def close(self):
        kill_group(self.proc)


def timed(cmd, timeout, log):
    """Runs cmd (its own session, output to the file log) under /usr/bin/time: (exit code or None if it did not
    finish in `timeout` s, wall s, peak RSS MB, CPU s: user + system)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t, open(log, "w") as out:
        start = time.monotonic()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", t.name] + cmd, stdout=out, stderr=subprocess.STDOUT,
                             preexec_fn=more_files, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(p)
            return None, time.monotonic() - start, None, None
        finally:
            kill_group(p)
        wall = time.monotonic() - start
        try:
            fields = t.read().split()[-3:]
            rss, cpu = int(fields[0]) / 1024, float(fields[1]) + float(fields[2])
        except (ValueError, IndexError):
            rss = cpu = None
    return rc, wall, rss, cpu


def crawl_asyncio4j(seeds, tmp, args, delay, timeout):
    out = os.path.join(tmp, "a4j.json")
    cmd = [LAUNCHER, "crawl", "-q", "--seeds", seeds, "--per-host", str(args.per_host), "--max-tasks",
           str(args.concurrency), "--max-tries", str(args.tries), "--json", out]
    if delay:
        cmd += ["--delay", "%g" % delay]
    log = os.path.join(tmp, "a4j.log")
    rc, wall, rss, cpu = timed(cmd, timeout, log)
    with open(log) as f:
        text = f.read()
    if rc is None:
        return {"finished": False, "wall_seconds": wall, "command": " ".join(cmd[1:])}
    if rc != 0:
        raise RuntimeError("asyncio4j crawl failed (%d): %s" % (rc, text[-2000:]))
    launcher.check_jvm(text)
    with open(out) as f:
        s = json.load(f)["summary"]
    return {"finished": True, "wall_seconds": wall, "rss_mb": rss, "cpu_seconds": cpu, "crawl_seconds": s.get("seconds"),
            "command": "asyncio4j crawl " + " ".join(c for c in cmd[2:] if c != out)}


def crawl_scrapy(seeds, tmp, args, delay, timeout):
    cmd = [DEBIAN_PYTHON, SCRAPY_TWIN, seeds, "--concurrency", str(args.concurrency), "--per-host",
           str(args.per_host), "--tries", str(args.tries), "--delay", "%g" % delay]
    log = os.path.join(tmp, "scrapy.log")
    rc, wall, rss, cpu = timed(cmd, timeout, log)
    if rc is None:
        return {"finished": False, "wall_seconds": wall, "command": " ".join(cmd[1:])}
    with open(log) as f:
        text = f.read()
    if rc != 0:
        raise RuntimeError("scrapy failed (%d): %s" % (rc, text[-2000:]))
    return {"finished": True, "wall_seconds": wall, "rss_mb": rss, "cpu_seconds": cpu,
            "command": "scrapy_broad.py " + " ".join(cmd[2:])}


def one(name, fn, hosts, pages, delay, args, timeout, tmp):
    """One crawl of a fresh web: the crawler's figures and the server's."""
    web = Web(hosts, pages, args.latency_ms / 1000.0, args.crawl_delay)
    try:
        seeds = os.path.join(tmp, "seeds.txt")
        with open(seeds, "w") as f:
            f.writelines(r + "\n" for r in web.roots)
        r = fn(seeds, tmp, args, delay, timeout)
        web_cpu = web.cpu_seconds()
        r["server"] = web.counts()
        r["server_cpu_seconds"] = web_cpu
    finally:
        web.close()
    kinds = r["server"]["kinds"]
    live = {k: v for k, v in kinds.items() if k != "dead"}
    r["coverage"] = {k: (v["ok"] / v["pages"] if v["pages"] else None) for k, v in live.items()}
    r["crawler"], r["hosts"], r["pages"], r["delay"] = name, hosts, pages, delay
    cd = kinds.get("crawl-delay", {}).get("min_gap")
    print("  %-9s %6d hosts, delay %g: %s in %.1f s%s%s; coverage %s; most in flight %d; crawl-delay gap %s"
          % (name, hosts, delay, "finished" if r["finished"] else "NOT finished", r["wall_seconds"],
             ", %.0f MB" % r["rss_mb"] if r.get("rss_mb") else "",
             ", CPU %.1f s (server %.1f s)" % (r["cpu_seconds"], r["server_cpu_seconds"] or 0) if r.get("cpu_seconds")
             else "",
             " ".join("%s %.1f%%" % (k, 100 * c) for k, c in r["coverage"].items()),
             r["server"]["max_in_flight"], "-" if cd is None else "%.3f s" % cd), file=sys.stderr)
    return r


def hosts_by_kind(hosts):
    cycle = KIND_CYCLE.split(",")
    return {k: sum(1 for i in range(hosts) if cycle[i % len(cycle)] == k) for k in cycle}


def scenario(hosts, pages, delay, args, tmp, peers):
    b = politeness.bound(hosts_by_kind(hosts), pages, args.latency_ms / 1000.0, SLOW_SECONDS, args.crawl_delay,
                         delay, args.per_host, args.concurrency, RATE_WINDOW)
    print("broad bench: %d hosts x %d pages, --delay %g: politeness bound %.2f s (%s)"
          % (hosts, pages, delay, b["seconds"], b["dominant"]), file=sys.stderr)
    runs = []
    for name, fn in peers:
        if name == "scrapy":
            timeout = args.scrapy_timeout or max(300.0, 3 * runs[0]["wall_seconds"])
        else:
            timeout = max(600.0, 10 * b["seconds"])
        r = one(name, fn, hosts, pages, delay, args, timeout, tmp)
        r["timeout_seconds"] = timeout
        r["vs_bound"] = r["wall_seconds"] / b["seconds"] if r["finished"] else None
        runs.append(r)
    return {"hosts": hosts, "pages": pages, "delay": delay, "per_host": args.per_host, "crawl_delay": args.crawl_delay,
            "bound": b, "runs": runs}


def targets(s):
    """Issue 28's targets for one scenario, each True/False (None: not measurable here)."""
    a = next(r for r in s["runs"] if r["crawler"] == "asyncio4j")
    sc = next((r for r in s["runs"] if r["crawler"] == "scrapy"), None)
    cd = a["server"]["kinds"].get("crawl-delay", {}).get("min_gap")
    t = {"coverage 100% on every live kind": all(c == 1.0 for c in a["coverage"].values()),
         "at most --per-host in flight": a["server"]["max_in_flight"] <= s["per_host"],
         "no gap below the Crawl-delay": None if cd is None else cd >= s["crawl_delay"] - 1e-3,
         "wall <= 1.2x the politeness bound": a["vs_bound"] is not None and a["vs_bound"] <= 1.2}
    if s["delay"]:
        gaps = [v["min_gap"] for k, v in a["server"]["kinds"].items() if v.get("min_gap") is not None]
        t["no gap below --delay"] = min(gaps) >= s["delay"] - 1e-3 if gaps else None
    if sc is not None:
        better = sc["finished"] is False or all(a["coverage"][k] >= sc["coverage"][k] for k in a["coverage"])
        t[">= 3x Scrapy's wall time"] = sc["wall_seconds"] >= 3 * a["wall_seconds"]    # unfinished: at least
        if sc["finished"] and sc["wall_seconds"] < 3 * s["bound"]["seconds"] and not t[">= 3x Scrapy's wall time"]:
            # Scrapy itself came within 3x of the bound: 3x faster would be faster than the rules allow.
            broke = []
            sgap = sc["server"]["kinds"].get("crawl-delay", {}).get("min_gap")
            if sgap is not None and sgap < s["crawl_delay"] - 1e-3:
                broke.append("ignoring the Crawl-delay")
            short = [k for k, c in sc["coverage"].items() if c < 1.0]
            if short:
                broke.append("not fetching every page of the " + ", ".join(short) + " hosts")
            t[">= 3x Scrapy's wall time"] = "out of reach (Scrapy took %.2fx the bound%s)" % (
                sc["wall_seconds"] / s["bound"]["seconds"], ", " + " and ".join(broke) if broke else "")
        t["coverage at least Scrapy's"] = better
    if s["hosts"] >= 10000:
        t["RSS <= 512 MB"] = a.get("rss_mb") is not None and a["rss_mb"] <= 512
    return t


def cpu(run):
    """The crawler's CPU seconds and the server's (its start included), or '-'."""
    if not run.get("cpu_seconds"):
        return "-"
    return "%.0f / %s" % (run["cpu_seconds"], "-" if run.get("server_cpu_seconds") is None
                          else "%.0f" % run["server_cpu_seconds"])


def print_table(scenarios):
    print("\n| hosts x pages | --delay | crawler | wall s | vs bound | CPU s: crawler / server | peak RSS MB | requests "
          "| most in flight / host | shortest gap, crawl-delay hosts | coverage: "
          + " / ".join(k for k in politeness.KINDS if k != "dead") + " |")
    print("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|")
    for s in scenarios:
        for r in s["runs"]:
            k = r["server"]["kinds"]
            cd = k.get("crawl-delay", {}).get("min_gap")
            wall = "%.1f" % r["wall_seconds"] if r["finished"] else "did not finish in %.0f s" % r["timeout_seconds"]
            print("| %d x %d | %g | %s | %s | %s | %s | %s | %d | %d | %s | %s |" % (
                s["hosts"], s["pages"], s["delay"], r["crawler"], wall,
                "%.2fx" % r["vs_bound"] if r["vs_bound"] else "-", cpu(r),
                "%.0f" % r["rss_mb"] if r.get("rss_mb") else "-", r["server"]["requests"],
                r["server"]["max_in_flight"], "-" if cd is None else "%.3f s" % cd,
                " / ".join("%.1f%%" % (100 * r["coverage"][x]) for x in politeness.KINDS if x in r["coverage"])))
        b = s["bound"]
        print("| | | politeness bound | %.1f | 1.00x | | | | | | %s |" % (b["seconds"], b["dominant"]))


def commit():
    c = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=10", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return c.stdout.strip() + ("-dirty" if dirty else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=200)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--delays", default="0,1", help="--delay values for the --hosts web (comma-separated)")
    ap.add_argument("--big-hosts", type=int, default=10000, help="then a web of this many hosts, delay 0 (0: none)")
    ap.add_argument("--latency-ms", type=float, default=20)
    ap.add_argument("--crawl-delay", type=float, default=1.0)
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--per-host", type=int, default=2)
    ap.add_argument("--tries", type=int, default=10)
    ap.add_argument("--scrapy-timeout", type=float, default=0,
                    help="seconds per Scrapy crawl (0: 3x asyncio4j's wall time of the same crawl, at least 300)")
    ap.add_argument("--no-scrapy", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "broad.json"))
    args = ap.parse_args()
    if args.quick:
        args.hosts, args.pages, args.big_hosts = 50, 10, 0
    launcher.prepare()
    measured_at = commit()     # before the run: the code measured
    peers = [("asyncio4j", crawl_asyncio4j)]
    skipped = {}
    if args.no_scrapy:
        skipped["scrapy"] = "--no-scrapy"
    elif subprocess.run([DEBIAN_PYTHON, "-c", "import scrapy"], capture_output=True).returncode != 0:
        skipped["scrapy"] = "python3-scrapy is not installed (bench/peers/install)"
    else:
        peers.append(("scrapy", crawl_scrapy))
    plan = [(args.hosts, float(d)) for d in args.delays.split(",") if d.strip()]
    if args.big_hosts:
        plan.append((args.big_hosts, 0.0))
    scenarios = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="broad-bench-") as tmp:
        for hosts, delay in plan:
            s = scenario(hosts, args.pages, delay, args, tmp, peers)
            s["targets"] = targets(s)
            scenarios.append(s)
    print_table(scenarios)
    for s in scenarios:
        print("\n%d hosts, --delay %g: %s" % (s["hosts"], s["delay"], "; ".join(
            "%s: %s" % (k, "-" if v is None else v if isinstance(v, str) else "met" if v else "MISSED")
            for k, v in s["targets"].items())))
    data = {"quick": args.quick, "commit": measured_at, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "seconds": time.monotonic() - started, "kinds": KIND_CYCLE, "latency_ms": args.latency_ms,
            "crawl_delay": args.crawl_delay, "concurrency": args.concurrency, "per_host": args.per_host,
            "tries": args.tries, "rate_window": RATE_WINDOW, "slow_seconds": SLOW_SECONDS,
            "scenarios": scenarios, "skipped": skipped}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(data, f, indent=2)
    print("\nwrote " + os.path.relpath(args.out, ROOT), file=sys.stderr)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))    # the finally blocks end the web and the crawlers
    main()
