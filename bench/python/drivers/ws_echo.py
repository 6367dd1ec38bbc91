"""The WebSocket echo benchmark's driver (bench/run websocket): 1 KiB binary messages, 100 connections, each
connection sending a message and waiting for its echo, measured by the echo suite's load client in its WebSocket
mode (bench/echo/echo_client.c ... ws: one epoll thread in C, masked frames, no compression). Servers: asyncio4j
(bench's WebSocketEchoServer), Node's ws, Python's websockets on uvloop and on asyncio. Servers on CPU 0, client
on CPU 1 unless --no-pin; every server is warmed up, then `repeats` rounds measure each in turn; a server's figure
is its best round (the least disturbed on a shared machine). Prints a table and writes websocket.json.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import echo  # noqa: E402  (the echo driver's server process, pinning and CPU accounting)

SIZE = 1024
CONNECTIONS = 100


def servers(args):
    java = [args.java, args.fast_flag, "-Xmx1g", "-cp", args.jar,
            "io.github.asyncio4j.bench.echo.WebSocketEchoServer"]
    py = os.path.join(args.bench, "websocket", "ws_echo_server.py")
    node = shutil.which("node")
    node_ws = os.path.join(args.bench, "..", "http", "src", "test", "node", "node_modules", "ws")
    return [
        ("asyncio4j", "asyncio4j HttpServer + WebSocket, fast engine, one loop thread", java),
        ("node-ws", "Node.js ws (npm ci --prefix http/src/test/node)",
         [node, os.path.join(args.bench, "websocket", "ws_echo_server.js")] if node and os.path.isdir(node_ws) else None),
        ("websockets-uvloop", "Python websockets on uvloop (Debian python3-websockets, python3-uvloop)",
         [args.debian_python, py, "--uvloop"]),
        ("websockets-asyncio", "Python websockets on asyncio (Debian python3-websockets)", [args.debian_python, py]),
    ]


def run_client(args, port, warmup, measure, server_pid=None):
    cmd = echo.pinned([args.client, "127.0.0.1", str(port), str(CONNECTIONS), str(SIZE), str(warmup), str(measure),
                       "ws"], 1, args.pin)
    before = echo.cpu_ticks_of(server_pid) if server_pid else 0
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=warmup + measure + 60)
    if out.returncode != 0:
        raise RuntimeError(f"client failed (exit {out.returncode}): {out.stderr.strip()}")
    result = json.loads(out.stdout)
    if server_pid:
        used = echo.cpu_ticks_of(server_pid) - before
        result["server_cpu_us_per_req"] = round(used / echo.TICK * 1e6 / max(1, result["total_requests"]), 2)
    return result


def main():
    ap = argparse.ArgumentParser()
    echo.add_server_bench_arguments(ap)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--debian-python", default="/usr/bin/python3")
    args = ap.parse_args()
    args.pin = args.pin and shutil.which("taskset") is not None and os.cpu_count() >= 2
    repeats, warmup, measure, first = (1, 1, 3, 3) if args.quick else (3, 2, 5, 10)
    results, running = {}, {}
    try:
        for name, desc, cmd in servers(args):
            if cmd is None:
                results[name] = {"description": desc, "status": "skipped", "reason": "not installed"}
                continue
            try:
                running[name] = echo.ServerProcess(echo.pinned(cmd, 0, args.pin),
                                                   os.path.join(args.logs, f"websocket-{name}.log"))
                results[name] = {"description": desc, "status": "ok", "command": cmd, "runs": []}
            except RuntimeError as e:
                results[name] = {"description": desc, "status": "skipped", "reason": str(e)}
        print(f"== warm-up: {first} s on each server", file=sys.stderr, flush=True)
        for name, server in list(running.items()):
            run_client(args, server.port, 0, first)
        for k in range(repeats):
            print(f"== round {k + 1} of {repeats}", file=sys.stderr, flush=True)
            for name, server in running.items():
                r = run_client(args, server.port, warmup, measure, server.proc.pid)
                results[name]["runs"].append(r)
                print(f"   {name:19} {r['rps']:>10,.0f} msg/s  p50 {r['p50_us']:>8,.0f} us  p99 {r['p99_us']:>8,.0f} us"
                      f"  server CPU {r['server_cpu_us_per_req']:6.1f} us/msg", file=sys.stderr, flush=True)
    finally:
        for server in running.values():
            server.stop()
    for name, r in results.items():
        if r["status"] == "ok":
            best = max(r["runs"], key=lambda x: x["rps"])
            r.update(rps=best["rps"], p50_us=best["p50_us"], p99_us=best["p99_us"],
                     server_cpu_us_per_msg=min(x["server_cpu_us_per_req"] for x in r["runs"]))
    ours = results.get("asyncio4j", {}).get("rps")
    print(f"\nWebSocket echo, {SIZE} B binary messages, {CONNECTIONS} connections (best of {repeats}):")
    print("| server              |     msg/s | p50 µs | p99 µs | server CPU µs/msg | asyncio4j ÷ server |")
    print("|---------------------|----------:|-------:|-------:|------------------:|-------------------:|")
    for name, r in results.items():
        if r["status"] != "ok":
            print(f"| {name:19} | {r['status']}: {r['reason']} |")
            continue
        ratio = f"{ours / r['rps']:.2f}" if ours else "-"
        print(f"| {name:19} | {r['rps']:>9,.0f} | {r['p50_us']:>6,.0f} | {r['p99_us']:>6,.0f} "
              f"| {r['server_cpu_us_per_msg']:>17.1f} | {ratio:>18} |")
    with open(args.out, "w") as f:
        json.dump({"suite": "websocket", "size": SIZE, "connections": CONNECTIONS, "pinned": args.pin,
                   "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "servers": results}, f, indent=1)


if __name__ == "__main__":
    main()
