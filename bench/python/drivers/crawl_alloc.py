"""The crawl's allocation, a figure a busy machine does not change much: ./asyncio4j crawl of Debian's Python 3.11 docs
(real_sites.py's nginx on a free loopback port), in the JVM the launcher starts, with async-profiler's allocation
profiler attached. Prints, per run, the bytes allocated in all, those of the stream buffer (net.ByteBuf: socket reads
kept until a reader takes them) and of the HTTP body path (http.MessageReader: the body arrays), and the young
collections; then the medians. How the bytes happen to be split into socket reads varies from run to run, so the
figures do too, by a few percent.

    python3 bench/python/drivers/crawl_alloc.py --agent /path/to/libasyncProfiler.so [--runs 3] [--site postgresql]

The launcher's own java command (bash -x ./asyncio4j crawl --version) is run with the agent and a GC log added and
its AOT cache left out (an agent changes nothing the cache holds, and allocation does not depend on it), then
`-q --max-tasks 100 --json FILE ROOT`.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import launcher  # noqa: E402
import real_sites  # noqa: E402

GROUPS = (("stream buffer", "io/github/asyncio4j/net/ByteBuf."), ("body path", "io/github/asyncio4j/http/MessageReader."))


def java_command():
    """The java command the launcher execs for a crawl, without its trailing --version and AOT cache."""
    p = subprocess.run(["bash", "-x", launcher.LAUNCHER, "crawl", "--version"], capture_output=True, text=True)
    lines = [line for line in p.stderr.splitlines() if line.startswith("+ exec ")]
    if p.returncode != 0 or not lines:
        raise RuntimeError("no java command from 'bash -x ./asyncio4j crawl --version': " + p.stderr[-2000:])
    words = shlex.split(lines[-1][len("+ exec "):])
    if words[-1] != "--version":
        raise RuntimeError("unexpected launcher command: " + lines[-1])
    return [w for w in words[:-1] if not w.startswith("-XX:AOTCache=")]


def profile(collapsed):
    """Total bytes and bytes per group from async-profiler's collapsed allocation stacks (one 'stack bytes' a line)."""
    total = 0
    groups = dict.fromkeys((name for name, _ in GROUPS), 0)
    with open(collapsed) as f:
        for line in f:
            stack, _, n = line.rstrip().rpartition(" ")
            total += int(n)
            for name, frame in GROUPS:
                if frame in stack:
                    groups[name] += int(n)
    return total, groups


def crawl(command, agent, root, out):
    collapsed, gc_log, report = (os.path.join(out, name) for name in ("alloc.collapsed", "gc.log", "crawl.json"))
    jvm = command.index("-cp")   # the GC log after the launcher's -Xlog options, which disable the others first
    cmd = ([command[0], "-agentpath:%s=start,event=alloc,total,file=%s,collapsed" % (agent, collapsed)]
           + command[1:jvm] + ["-Xlog:gc:file=" + gc_log] + command[jvm:]
           + ["-q", "--max-tasks", "100", "--json", report, root])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("the crawl failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    with open(report) as f:
        summary = json.load(f)["summary"]
    with open(gc_log) as f:
        young = sum("Pause Young" in line for line in f)
    total, groups = profile(collapsed)
    return {"pages": summary["fetched"], "bytes": summary["bytes"], "allocated": total, "young_gcs": young, **groups}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agent", default=os.environ.get("ASYNC_PROFILER"),
                    help="libasyncProfiler.so (default: $ASYNC_PROFILER)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--site", choices=sorted(real_sites.SITES), default="python")
    args = ap.parse_args()
    if not args.agent or not os.path.isfile(args.agent):
        sys.exit("crawl_alloc: --agent must name async-profiler's libasyncProfiler.so (or set ASYNC_PROFILER)")
    if args.runs < 1:
        sys.exit("crawl_alloc: --runs must be at least 1, not %d" % args.runs)
    gone = real_sites.missing()
    if gone:
        sys.exit("crawl_alloc: missing " + ", ".join(gone) + " (bench/peers/install)")
    launcher.prepare()
    command = java_command()
    nginx = real_sites.Nginx()
    runs = []
    try:
        for i in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="a4j-alloc-") as out:
                r = crawl(command, args.agent, nginx.root(args.site), out)
            runs.append(r)
            print("run %d: %d pages, %.1f MB of bodies: %.1f MB allocated (stream buffer %.1f MB, body path %.1f MB), "
                  "%d young GCs" % (i + 1, r["pages"], r["bytes"] / 1e6, r["allocated"] / 1e6,
                                    r["stream buffer"] / 1e6, r["body path"] / 1e6, r["young_gcs"]), flush=True)
    finally:
        nginx.close()
    med = {k: statistics.median(r[k] for r in runs) for k in ("allocated", "stream buffer", "body path", "young_gcs")}
    print("median: %.1f MB allocated (stream buffer %.1f MB, body path %.1f MB), %g young GCs"
          % (med["allocated"] / 1e6, med["stream buffer"] / 1e6, med["body path"] / 1e6, med["young_gcs"]))


if __name__ == "__main__":
    main()
