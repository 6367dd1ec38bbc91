"""The TCP echo benchmark's driver (bench/run echo): runs every server at once (idle until measured), measures
them with the load client (bench/echo/echo_client.c, one epoll thread in C, none of the servers), prints a table
and writes echo.json.

Every server binds 127.0.0.1 on an ephemeral port and prints the port on its first line of output. Each server
gets one warm-up run; then, `repeats` rounds, each of which measures every cell of the matrix (message size x
connections) on every server in turn, so a burst of load from elsewhere on the machine hits one round of every
server rather than all rounds of one. A cell's figure is its best round (highest req/s, with that round's
latencies): on a shared machine the least disturbed round is the most faithful one. Every round is kept in the
JSON, with the CPU time other processes used meanwhile. By default the servers run on CPU 0 and the client on
CPU 1 (taskset): every server gets one core and never competes with the client for it.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

SIZES = [1024, 16384]
CONNECTIONS = [100, 10]


def servers(args):
    """(name, description, command) of every server, in table order; command None means skipped (reason)."""
    java = [args.java, "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", args.jar]
    main = "io.github.asyncio4j.bench.echo.EchoServer"
    py = os.path.join(args.bench, "python", "twins", "echo_server.py")
    node = shutil.which("node")
    return [
        ("asyncio4j", "asyncio4j streams, fast engine, one loop thread", java[:1] + [args.fast_flag] + java[1:] + [main, "asyncio4j"]),
        ("asyncio4j-compiled", "asyncio4j streams, fast engine + compiled coroutines (-Dasyncio4j.coroutines=compiled)",
         java[:1] + [args.fast_flag, "-Dasyncio4j.coroutines=compiled"] + java[1:] + [main, "asyncio4j"]),
        ("asyncio4j-protocol", "asyncio4j Protocol (loop.createServer), fast engine, one loop thread",
         java[:1] + [args.fast_flag] + java[1:] + [main, "asyncio4j-protocol"]),
        ("netty-nio", "Netty 4.2.18.Final, 1 event-loop thread, NIO", java + [main, "netty-nio"]),
        ("netty-epoll", "Netty 4.2.18.Final, 1 event-loop thread, native epoll", java + [main, "netty-epoll"]),
        ("vthreads", "JDK virtual threads, blocking sockets", java + [main, "vthreads"]),
        ("uvloop-protocol", "uvloop Protocol (Debian python3-uvloop)", [args.debian_python, py, "protocol", "--uvloop"]),
        ("uvloop-streams", "uvloop streams (Debian python3-uvloop)", [args.debian_python, py, "streams", "--uvloop"]),
        ("node", "Node.js net", [node, os.path.join(args.bench, "echo", "echo_server.js")] if node else None),
        ("asyncio-protocol", "CPython asyncio Protocol", [args.python, py, "protocol"]),
        ("asyncio-streams", "CPython asyncio streams", [args.python, py, "streams"]),
    ]


def pinned(cmd, cpu, pin):
    return (["taskset", "-c", str(cpu)] + cmd) if pin else cmd


class ServerProcess:
    def __init__(self, cmd, log_path):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()   # the port, or EOF if the server died
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"did not start (exit {self.proc.returncode}); see {log_path}")
        self.port = int(line)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks_by_pid():
    """utime + stime of every process, by pid (ticks); the driver's own children are left out."""
    me = os.getpid()
    ticks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(pid) == me or int(fields[1]) == me:   # fields[1]: the parent
            continue
        ticks[int(pid)] = int(fields[11]) + int(fields[12])
    return ticks


def run_client(args, port, conns, size, warmup, measure, exclude=(), server=None):
    """One client run; adds "others_cpu": CPU used meanwhile by processes other than this driver's children (in
    CPUs: 1.0 is one core busy all along), so a disturbed round can be recognised, and "server_cpu_us_per_req":
    the server process's CPU time (all its threads, user + system) per request of the run, which others' load
    hardly changes."""
    cmd = pinned([args.client, "127.0.0.1", str(port), str(conns), str(size), str(warmup), str(measure)], 1, args.pin)
    server_before = cpu_ticks_of(server) if server is not None else 0
    before, t0 = cpu_ticks_by_pid(), time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=warmup + measure + 60)
    after, wall = cpu_ticks_by_pid(), time.monotonic() - t0
    if out.returncode != 0:
        raise RuntimeError(f"client failed (exit {out.returncode}): {out.stderr.strip()}")
    result = json.loads(out.stdout)
    others = sum(t - before.get(pid, 0) for pid, t in after.items() if pid not in exclude)
    result["others_cpu"] = round(others / TICK / wall, 2)
    if server is not None:
        me = cpu_ticks_of(server)
        result["server_cpu_us_per_req"] = round((me - server_before) / TICK * 1e6 / max(1, result["total_requests"]), 2)
    return result


def cpu_ticks_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu_ns_of(pid):
    """The CPU time `pid` has run, in nanoseconds (/proc/PID/schedstat's first field): for runs of a few ms, which
    cpu_ticks_of's clock ticks (10 ms) cannot resolve."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def measure_all(args, chosen, results):
    """Starts every chosen server, warms each up, then measures the rounds; fills results[name]."""
    running = {}
    try:
        for name, desc, cmd in chosen:
            log = os.path.join(args.logs, f"echo-{name}.log")
            try:
                running[name] = ServerProcess(pinned(cmd, 0, args.pin), log)
                results[name] = {"description": desc, "status": "ok", "command": cmd, "cells": []}
            except RuntimeError as e:
                results[name] = {"description": desc, "status": "skipped", "reason": f"{e}"}
                print(f"   {name}: skipped: {e}", file=sys.stderr, flush=True)
        servers_pids = {s.proc.pid for s in running.values()}
        print(f"== warm-up: {args.first_warmup:g} s of 1 KiB x 100 connections on each server", file=sys.stderr)
        for name, server in list(running.items()):
            try:
                run_client(args, server.port, 100, 1024, 0, args.first_warmup)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                fail(results, running, name, e)
        rounds = {}
        for k in range(args.repeats):
            print(f"== round {k + 1} of {args.repeats}", file=sys.stderr, flush=True)
            for size in SIZES:
                for conns in CONNECTIONS:
                    for name, server in list(running.items()):
                        try:
                            r = run_client(args, server.port, conns, size, args.warmup, args.measure,
                                           exclude=servers_pids, server=server.proc.pid)
                        except (RuntimeError, subprocess.TimeoutExpired) as e:
                            fail(results, running, name, e)
                            continue
                        rounds.setdefault((name, size, conns), []).append(r)
                        print(f"   {name:17} {size // 1024:>2} KiB x {conns:>3} conns: {r['rps']:>10,.0f} req/s  "
                              f"p50 {r['p50_us']:>8,.0f} us  p99 {r['p99_us']:>8,.0f} us  "
                              f"server CPU {r['server_cpu_us_per_req']:5.1f} us/req  (others used {r['others_cpu']:.2f} CPUs)", file=sys.stderr, flush=True)
        for name in running:
            for size in SIZES:
                for conns in CONNECTIONS:
                    runs = rounds[(name, size, conns)]
                    best = max(runs, key=lambda r: r["rps"])
                    results[name]["cells"].append({
                        "size": size, "connections": conns, "rps": best["rps"], "p50_us": best["p50_us"],
                        "p99_us": best["p99_us"], "median_rps": statistics.median(r["rps"] for r in runs),
                        "server_cpu_us_per_req": min(r["server_cpu_us_per_req"] for r in runs),
                        "runs": runs})
    finally:
        for server in running.values():
            server.stop()


def fail(results, running, name, error):
    server = running.pop(name)
    server.stop()
    results[name] = {"description": results[name]["description"], "status": "failed", "reason": str(error)}
    print(f"   {name}: failed: {error}", file=sys.stderr, flush=True)


def version_of(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None


def table(results):
    lines = []
    ours = {(c["size"], c["connections"]): c for c in results.get("asyncio4j", {}).get("cells", [])}
    proto = {(c["size"], c["connections"]): c for c in results.get("asyncio4j-protocol", {}).get("cells", [])}
    for size in SIZES:
        for conns in CONNECTIONS:
            lines.append(f"\n{size // 1024} KiB messages, {conns} connections")
            lines.append("| server           |      req/s | median req/s | p50 µs | p99 µs | server CPU µs/req "
                         "| asyncio4j ÷ server (req/s) | protocol ÷ server |")
            lines.append("|------------------|-----------:|-------------:|-------:|-------:|------------------:"
                         "|---------------------------:|------------------:|")
            base = ours.get((size, conns))
            pbase = proto.get((size, conns))
            for name, r in results.items():
                if r["status"] != "ok":
                    lines.append(f"| {name:16} | {r['status']}: {r['reason']} | | | | | | |")
                    continue
                c = next(c for c in r["cells"] if c["size"] == size and c["connections"] == conns)
                ratio = f"{base['rps'] / c['rps']:.2f}x" if base else "-"
                pratio = f"{pbase['rps'] / c['rps']:.2f}x" if pbase else "-"
                lines.append(f"| {name:16} | {c['rps']:>10,.0f} | {c['median_rps']:>12,.0f} | {c['p50_us']:>6,.0f} "
                             f"| {c['p99_us']:>6,.0f} | {c['server_cpu_us_per_req']:>17.1f} | {ratio:>26} | {pratio:>17} |")
    return "\n".join(lines)


def add_server_bench_arguments(ap):
    """The options bench/run gives every server benchmark's driver (echo, websocket, http)."""
    ap.add_argument("--jar", required=True)
    ap.add_argument("--java", required=True)
    ap.add_argument("--fast-flag", required=True, help="the fast engine's JVM option (bench/run passes scripts/lib.sh's FAST_FLAG)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-pin", dest="pin", action="store_false")


def main():
    ap = argparse.ArgumentParser()
    add_server_bench_arguments(ap)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--python", default=shutil.which("python3") or "python3")
    ap.add_argument("--debian-python", default="/usr/bin/python3")
    ap.add_argument("--only", help="comma-separated server names")
    args = ap.parse_args()
    if args.quick:     # the 100-connection cells only, one short round: part of `bench --quick`'s 3 minutes
        global CONNECTIONS
        CONNECTIONS = [100]
        args.first_warmup, args.warmup, args.measure, args.repeats = 1, 0.3, 0.7, 1
    else:
        args.first_warmup, args.warmup, args.measure, args.repeats = 4, 0.5, 2, 3
    if not args.pin and args.out.endswith("echo.json"):
        args.out = args.out[:-len("echo.json")] + "echo-unpinned.json"   # keep the pinned results
    if args.pin and (shutil.which("taskset") is None or (os.cpu_count() or 1) < 2):
        print("echo: no taskset or fewer than 2 CPUs: not pinning", file=sys.stderr)
        args.pin = False
    os.makedirs(args.logs, exist_ok=True)

    results = {}
    started = time.time()
    chosen = []
    for name, desc, cmd in servers(args):
        if args.only and name not in args.only.split(","):
            continue
        if cmd is None or cmd[0] is None:
            results[name] = {"description": desc, "status": "skipped", "reason": "not installed"}
        elif name.startswith("uvloop") and subprocess.run([args.debian_python, "-c", "import uvloop"],
                                                          capture_output=True).returncode != 0:
            results[name] = {"description": desc, "status": "skipped",
                             "reason": f"uvloop not importable by {args.debian_python} (bench/peers/install)"}
        else:
            chosen.append((name, desc, cmd))
            continue
        print(f"== {name}: skipped: {results[name]['reason']}", file=sys.stderr)
    print("== servers: " + ", ".join(name for name, _, _ in chosen), file=sys.stderr, flush=True)
    measure_all(args, chosen, results)
    order = [name for name, _, _ in servers(args)]
    results = {name: results[name] for name in order if name in results}

    doc = {
        "benchmark": "TCP echo over loopback: N connections each doing request/response round-trips",
        "settings": {"quick": args.quick, "figure": "best round (highest req/s) of each cell", "first_warmup_s": args.first_warmup, "warmup_s": args.warmup,
                     "measure_s": args.measure, "repeats": args.repeats, "pinned": args.pin,
                     "server_cpu": 0 if args.pin else None, "client_cpu": 1 if args.pin else None,
                     },
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                       if l.startswith("model name")), None) if os.path.exists("/proc/cpuinfo") else None,
                    "java": version_of([args.java, "-version"]) or version_of([args.java, "--version"]),
                    "python": version_of([args.python, "--version"]),
                    "debian_python": version_of([args.debian_python, "--version"]),
                    "uvloop": version_of([args.debian_python, "-c", "import uvloop; print(uvloop.__version__)"]),
                    "node": version_of(["node", "--version"]) if shutil.which("node") else None},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seconds": round(time.time() - started, 1),
        "results": results,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    print(table(results))
    print(f"\n{'quick run' if args.quick else 'full run'} in {doc['seconds']:.0f} s; "
          f"{'server on CPU 0, client on CPU 1' if args.pin else 'not pinned'}; results: {args.out}")
    return 0 if all(r["status"] != "failed" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
