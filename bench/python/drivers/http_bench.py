"""The HTTP benchmark's driver (bench/run http), two regimes, both synthetic (loopback, small bodies):

server: HTTP/2 servers answering GET / with a 39-byte text body, loaded by h2load (Debian's nghttp2-client) with
  100 streams in flight on 10 connections (-c 10 -m 10), h2c with prior knowledge: asyncio4j's HttpServer and
  Netty's Http2FrameCodec (bench's HttpBenchServer), each on one event-loop thread; and asyncio4j's HttpServer
  over HTTP/1.1 with the same 100 requests in flight (100 connections, one request each: HTTP/1.1 cannot
  multiplex). Server on CPU 0, h2load (one thread) on CPU 1 unless --no-pin; every server is warmed up, then
  `repeats` rounds measure each in turn; a server's figure is its best round.

client: 1,000 files of 1 KiB fetched all at once from nginx (`http2 on`, TLS with a throwaway CA,
  real_sites.Nginx) by asyncio4j's HttpClient over HTTP/2 on one connection (bench's HttpClientBench), by the
  same client over HTTP/1.1 with 6 connections, and by `curl --parallel --http2` (one connection, 128 transfers
  at once: nginx's default limit of concurrent streams). Wall time of the whole fetch including the TLS
  handshake; the JVM's figure is its best round of 10 in one JVM after a cold first one (reported beside it: the
  JIT needs a few rounds), curl's the best of 10 processes (--quick: 3). nginx on CPU 0, the client on CPU 1 unless --no-pin.
  Beside them, the protocol's own ceiling on this server: h2load (nghttp2's C client) fetching the same files over
  HTTP/2 on one connection (-c 1 -m 128) and over HTTP/1.1 on 6 connections (--h1 -c 6 -m 1), best of as many
  processes; and for every row nginx's worker CPU per round (its schedstat run time): no client's round can take
  less than that, however little it costs itself.

Prints two tables and writes http.json.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import echo  # noqa: E402  (the echo driver's server process and pinning)
import real_sites  # noqa: E402  (nginx with a throwaway CA)

FILES = 1000
FILE_SIZE = 1024
CURL_PARALLEL = 128
BODY_SIZE = len("Hello, world! asyncio4j HTTP benchmark\n")   # HttpBenchServer.BODY
H2LOAD = "/usr/bin/h2load"
# name: (server, description, h2load options)
SERVER_ROWS = [
    ("asyncio4j-h2", "asyncio4j", "asyncio4j HttpServer, HTTP/2 (h2c), one loop thread, 10 connections x 10 streams",
     ["-c", "10", "-m", "10"]),
    ("netty-h2", "netty-h2", "Netty Http2FrameCodec (example-style handler), h2c, one event-loop thread, "
     "10 connections x 10 streams", ["-c", "10", "-m", "10"]),
    ("asyncio4j-http1", "asyncio4j", "asyncio4j HttpServer, HTTP/1.1, one loop thread, 100 connections x 1 request",
     ["--h1", "-c", "100", "-m", "1"]),
]


def h2load(args, port, opts, warmup, measure):
    cmd = echo.pinned([H2LOAD, "-t", "1", *opts, "-D", str(measure), "--warm-up-time", str(warmup),
                       f"http://127.0.0.1:{port}/"], 1, args.pin)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=warmup + measure + 60)
    text = out.stdout
    m = re.search(r"finished in [\d.]+\w*, ([\d.]+) req/s", text)
    done = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                     text)
    lat = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)", text)
    if out.returncode != 0 or not m or not done:
        raise RuntimeError(f"h2load failed (exit {out.returncode}): {out.stderr.strip() or text[-400:]}")
    if int(done.group(4)) or int(done.group(5)):
        raise RuntimeError(f"h2load: {done.group(4)} requests failed, {done.group(5)} errored:\n{text[-600:]}")
    return {"rps": float(m.group(1)), "succeeded": int(done.group(3)), "mean_latency": lat.group(3) if lat else None}


def server_suite(args, repeats, warmup, measure, first):
    java = [args.java, args.fast_flag, "-Xmx1g", "-cp", args.jar, "io.github.asyncio4j.bench.http.HttpBenchServer"]
    results, running = {}, {}
    try:
        for server in ("asyncio4j", "netty-h2"):
            try:
                running[server] = echo.ServerProcess(echo.pinned(java + [server], 0, args.pin),
                                                     os.path.join(args.logs, f"http-{server}.log"))
            except RuntimeError as e:
                for name, s, desc, _ in SERVER_ROWS:
                    if s == server:
                        results[name] = {"description": desc, "status": "skipped", "reason": str(e)}
        rows = [(n, s, d, o) for n, s, d, o in SERVER_ROWS if s in running]
        for name, server, desc, opts in rows:
            results[name] = {"description": desc, "status": "ok", "h2load": opts, "runs": []}
        print(f"== warm-up: {first} s on each server and protocol", file=sys.stderr, flush=True)
        for name, server, desc, opts in rows:
            h2load(args, running[server].port, opts, 0, first)
        for k in range(repeats):
            print(f"== round {k + 1} of {repeats}", file=sys.stderr, flush=True)
            for name, server, desc, opts in rows:
                r = h2load(args, running[server].port, opts, warmup, measure)
                results[name]["runs"].append(r)
                print(f"   {name:16} {r['rps']:>10,.0f} req/s  mean {r['mean_latency']}", file=sys.stderr, flush=True)
    finally:
        for s in running.values():
            s.stop()
    for r in results.values():
        if r["status"] == "ok":
            r["rps"] = max(x["rps"] for x in r["runs"])
    return results


def children(pid):
    """The pids of `pid`'s children (/proc/PID/task/PID/children)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def pin_tree(pid, cpu):
    """Pins a process and its children (nginx's master and worker) to `cpu`."""
    pids = [pid]
    try:
        pids += children(pid)
    except OSError:
        pass
    for p in pids:
        os.sched_setaffinity(p, {cpu})


def nginx_worker(nginx):
    """nginx's worker process (worker_processes 1): the master's one child."""
    return children(nginx.proc.pid)[0]


def h2load_fetch(args, uris, opts):
    """h2load fetching the URIs in `uris` once: its own "finished in" (connections and handshakes included), in ms."""
    cmd = echo.pinned([H2LOAD, "-n", str(FILES), *opts, "-i", uris], 1, args.pin)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    m = re.search(r"finished in ([\d.]+)(ms|s)\b", out.stdout)
    ok = f"requests: {FILES} total, {FILES} started, {FILES} done, {FILES} succeeded" in out.stdout
    if out.returncode != 0 or not m or not ok:
        raise RuntimeError(f"h2load failed (exit {out.returncode}): {out.stderr.strip() or out.stdout[-400:]}")
    return float(m.group(1)) * (1000 if m.group(2) == "s" else 1)


# name: (description, h2load options); h2load fetches the same files as the other clients, in the same order.
H2LOAD_CLIENT_ROWS = [
    ("h2load-h2", "h2load (nghttp2's C client, which checks no certificate), HTTP/2, one connection, 128 streams",
     ["-c", "1", "-m", "128"]),
    ("h2load-http1", "h2load (checks no certificate), HTTP/1.1, 6 connections", ["--h1", "-c", "6", "-m", "1"]),
]


def curl_fetch(args, base, ca, config):
    cmd = echo.pinned(["curl", "--parallel", "--parallel-max", str(CURL_PARALLEL), "--http2", "--cacert", ca,
                       "--silent", "--show-error", "-K", config], 1, args.pin)
    start = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    ms = (time.monotonic() - start) * 1000
    lines = out.stdout.split()
    bad = [x for x in lines if x != "200,2"]
    if out.returncode != 0 or len(lines) != FILES or bad:
        raise RuntimeError(f"curl failed (exit {out.returncode}, {len(lines)} transfers, {len(bad)} not 200 over "
                           f"HTTP/2): {out.stderr.strip()[:300]}")
    return ms


def client_suite(args, repeats):
    missing = real_sites.missing()[:2] + ([] if shutil.which("curl") else ["curl"])
    missing = [m for m in missing if "docs" not in m]
    if missing:
        return {"status": "skipped", "reason": "missing: " + ", ".join(missing)}
    files = tempfile.mkdtemp(prefix="a4j-http-files-")
    os.chmod(files, 0o755)   # nginx's worker runs as another user
    nginx = None
    try:
        for i in range(FILES):
            with open(os.path.join(files, f"f{i:04d}.txt"), "wb") as f:
                f.write((b"%04d " % i + b"x" * FILE_SIZE)[:FILE_SIZE - 1] + b"\n")
        nginx = real_sites.Nginx(sites={"files": files}, http2=True)
        if args.pin:
            pin_tree(nginx.proc.pid, 0)
        base = f"https://127.0.0.1:{nginx.tls_port}/files/"
        results = {"status": "ok", "files": FILES, "file_size": FILE_SIZE, "nginx": nginx_version_text(),
                   "rows": {}}
        java = [args.java, args.fast_flag, "-Xmx1g", "-cp", args.jar, "io.github.asyncio4j.bench.http.HttpClientBench"]
        worker = nginx_worker(nginx)
        for mode, name, desc in (("h2", "asyncio4j-h2", "asyncio4j HttpClient, HTTP/2, one connection"),
                                 ("h1", "asyncio4j-http1", "asyncio4j HttpClient, HTTP/1.1, 6 connections")):
            cmd = echo.pinned(java + [mode, base, str(FILES), nginx.ca, str(repeats + 1), str(FILE_SIZE)], 1, args.pin)
            before = echo.cpu_ns_of(worker)
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            nginx_ms = (echo.cpu_ns_of(worker) - before) / 1e6 / (repeats + 1)
            if out.returncode != 0:
                why = next((x for x in out.stderr.splitlines() if x.startswith("Exception")), out.stderr.strip()[:300])
                results["rows"][name] = {"description": desc, "status": "failed", "reason": why}
                print(f"   {name}: FAILED {why}", file=sys.stderr, flush=True)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            times = r["times_ms"]
            results["rows"][name] = {"description": desc, "status": "ok", "cold_ms": times[0],
                                     "ms": min(times[1:]), "runs_ms": times, "connections": r["connections"],
                                     "nginx_cpu_ms": nginx_ms}
            print(f"   {name:16} best {min(times[1:]):8.1f} ms (cold {times[0]:.1f} ms), rounds {times}; nginx CPU "
                  f"{nginx_ms:.1f} ms a round (the cold one included)", file=sys.stderr, flush=True)
        config = os.path.join(files, "curl.config")
        with open(config, "w") as f:
            f.write('write-out = "%{http_code},%{http_version}\\n"\n')
            for i in range(FILES):
                f.write(f'url = "{base}f{i:04d}.txt"\noutput = "/dev/null"\n')
        try:
            before = echo.cpu_ns_of(worker)
            runs = [curl_fetch(args, base, nginx.ca, config) for _ in range(repeats)]
            nginx_ms = (echo.cpu_ns_of(worker) - before) / 1e6 / repeats
            results["rows"]["curl-h2"] = {"description": f"curl --parallel --parallel-max {CURL_PARALLEL} --http2 "
                                          f"({curl_version()})", "status": "ok", "ms": min(runs), "runs_ms": runs,
                                          "nginx_cpu_ms": nginx_ms}
            print(f"   {'curl-h2':16} best {min(runs):8.1f} ms, rounds {[round(x, 1) for x in runs]}; nginx CPU "
                  f"{nginx_ms:.1f} ms a round", file=sys.stderr, flush=True)
        except RuntimeError as e:
            results["rows"]["curl-h2"] = {"status": "failed", "reason": str(e)}
        uris = os.path.join(files, "uris.txt")
        with open(uris, "w") as f:
            f.writelines(f"{base}f{i:04d}.txt\n" for i in range(FILES))
        if os.access(H2LOAD, os.X_OK):
            runs = {name: ([], []) for name, _, _ in H2LOAD_CLIENT_ROWS}
            try:
                for _ in range(repeats):   # interleaved, so that a noisy moment touches both
                    for name, _, opts in H2LOAD_CLIENT_ROWS:
                        before = echo.cpu_ns_of(worker)
                        runs[name][0].append(h2load_fetch(args, uris, opts))
                        runs[name][1].append((echo.cpu_ns_of(worker) - before) / 1e6)
                for name, desc, opts in H2LOAD_CLIENT_ROWS:
                    ms, cpu = runs[name]
                    results["rows"][name] = {"description": desc, "status": "ok", "ms": min(ms), "runs_ms": ms,
                                             "nginx_cpu_ms": statistics.median(cpu), "nginx_cpu_runs_ms": cpu}
                    print(f"   {name:16} best {min(ms):8.1f} ms, rounds {[round(x, 1) for x in ms]}; nginx CPU "
                          f"{statistics.median(cpu):.1f} ms a round (median)", file=sys.stderr, flush=True)
            except RuntimeError as e:
                for name, _, _ in H2LOAD_CLIENT_ROWS:
                    results["rows"][name] = {"status": "failed", "reason": str(e)}
        else:
            for name, desc, _ in H2LOAD_CLIENT_ROWS:
                results["rows"][name] = {"description": desc, "status": "skipped",
                                         "reason": "h2load not installed (nghttp2-client: bench/peers/install)"}
        return results
    finally:
        if nginx:
            nginx.close()
        shutil.rmtree(files, ignore_errors=True)


def nginx_version_text():
    return "nginx " + ".".join(map(str, real_sites.nginx_version()))


def curl_version():
    return subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split()[1]


def main():
    ap = argparse.ArgumentParser()
    echo.add_server_bench_arguments(ap)
    args = ap.parse_args()
    args.pin = args.pin and shutil.which("taskset") is not None and os.cpu_count() >= 2
    repeats, warmup, measure, first = (1, 1, 3, 3) if args.quick else (3, 1, 5, 10)
    if os.access(H2LOAD, os.X_OK):
        servers = server_suite(args, repeats, warmup, measure, first)
    else:
        servers = {n: {"description": d, "status": "skipped", "reason": "h2load not installed (nghttp2-client)"}
                   for n, _, d, _ in SERVER_ROWS}
    print("== client: 1,000 files from nginx over TLS", file=sys.stderr, flush=True)
    client = client_suite(args, 3 if args.quick else 10)

    ours = servers.get("asyncio4j-h2", {}).get("rps")
    print(f"\nHTTP/2 server, {BODY_SIZE} B responses, 100 requests in flight (best of {repeats}):")
    print("| server           |     req/s | asyncio4j HTTP/2 ÷ server |")
    print("|------------------|----------:|--------------------------:|")
    for name, r in servers.items():
        if r["status"] != "ok":
            print(f"| {name:16} | {r['status']}: {r['reason']} |")
            continue
        ratio = f"{ours / r['rps']:.2f}" if ours else "-"
        print(f"| {name:16} | {r['rps']:>9,.0f} | {ratio:>25} |")
    if client["status"] == "ok":
        mine = client["rows"].get("asyncio4j-h2", {}).get("ms")
        print(f"\nHTTP/2 client, {FILES:,} files of {FILE_SIZE} B from {client['nginx']} over TLS (best wall time):")
        print("| client           |      ms | cold ms | nginx CPU ms a round | client ÷ asyncio4j HTTP/2 |")
        print("|------------------|--------:|--------:|---------------------:|--------------------------:|")
        for name, r in client["rows"].items():
            if r["status"] != "ok":
                print(f"| {name:16} | {r['status']}: {r['reason'][:200]} |")
                continue
            ratio = f"{r['ms'] / mine:.2f}" if mine else "-"
            cold = f"{r['cold_ms']:.0f}" if "cold_ms" in r else "-"
            print(f"| {name:16} | {r['ms']:>7,.0f} | {cold:>7} | {r['nginx_cpu_ms']:>20.1f} | {ratio:>25} |")
        h2, h1 = (client["rows"].get(n, {}) for n in ("h2load-h2", "h2load-http1"))
        if h2.get("status") == "ok" and h1.get("status") == "ok":
            print(f"h2load's own HTTP/1.1 ÷ HTTP/2 on this server: {h1['ms'] / h2['ms']:.2f}x "
                  f"(the most an HTTP/2 client gains here over HTTP/1.1 with 6 connections, as a C client sees it)")
    else:
        print(f"\nHTTP/2 client: skipped ({client['reason']})")
    with open(args.out, "w") as f:
        json.dump({"suite": "http", "pinned": args.pin, "quick": args.quick,
                   "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "servers": servers,
                   "client": client}, f, indent=1)


if __name__ == "__main__":
    main()
