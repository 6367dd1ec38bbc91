#!/usr/bin/env python3
"""The CPython twins of SyncBench's workloads, in ns per operation, on asyncio's default event loop.

    lockAcquireRelease  await lock.acquire(); lock.release()   (uncontended)
    lockHold            async with lock: pass                  (uncontended)
    queuePutGet         await q.put(x); await q.get()          (unbounded queue: neither waits)
    queuePingPong       two tasks echo an item through two queues; per round trip

As in SyncBench, each measurement runs one coroutine of N operations with loop.run_until_complete on a
long-lived loop, OPS // N times, timed with time.perf_counter_ns; each workload runs RUNS times and the best
run is reported (timeit's advice). The garbage collector is off while timing. Prints one JSON object on stdout.

usage: sync_bench.py [--quick] [--ops N] [--runs N]
"""
import argparse
import asyncio
import gc
import json
import platform
import sys
import time

N = 1000  # operations per coroutine run, as SyncBench.N
ITEM = 42


async def lock_acquire_release(lock):
    for _ in range(N):
        await lock.acquire()
        lock.release()


async def lock_hold(lock):
    for _ in range(N):
        async with lock:
            pass


async def queue_put_get(q):
    total = 0
    for _ in range(N):
        await q.put(ITEM)
        total += await q.get()
    return total


async def queue_ping_pong(_):
    ping, pong = asyncio.Queue(), asyncio.Queue()

    async def echo():
        for _ in range(N):
            await pong.put(await ping.get())

    task = asyncio.get_running_loop().create_task(echo())
    total = 0
    for _ in range(N):
        await ping.put(ITEM)
        total += await pong.get()
    await task
    return total


WORKLOADS = {
    "lockAcquireRelease": (lock_acquire_release, asyncio.Lock),
    "lockHold": (lock_hold, asyncio.Lock),
    "queuePutGet": (queue_put_get, asyncio.Queue),
    "queuePingPong": (queue_ping_pong, lambda: None),
}


def measure(loop, fn, make, ops):
    state = loop.run_until_complete(_make(make))  # primitives bind to the loop on first use
    invocations = max(1, ops // N)
    t0 = time.perf_counter_ns()
    for _ in range(invocations):
        loop.run_until_complete(fn(state))
    return time.perf_counter_ns() - t0, invocations * N


async def _make(make):
    return make()


def best_ns_per_op(loop, fn, make, ops, runs):
    measure(loop, fn, make, min(ops, 100_000))  # warm-up
    samples = []
    for _ in range(runs):
        gc.disable()
        try:
            t, n = measure(loop, fn, make, ops)
        finally:
            gc.enable()
        samples.append(t / n)
    return min(samples), samples


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer operations and runs (200,000 x 3)")
    ap.add_argument("--ops", type=int, help="operations per run (default 1,000,000)")
    ap.add_argument("--runs", type=int, help="runs per workload; the best is kept (default 5)")
    args = ap.parse_args()
    ops = args.ops or (200_000 if args.quick else 1_000_000)
    runs = args.runs or (3 if args.quick else 5)

    loop = asyncio.new_event_loop()
    try:
        results, samples = {}, {}
        for name, (fn, make) in WORKLOADS.items():
            results[name], samples[name] = best_ns_per_op(loop, fn, make, ops, runs)
    finally:
        loop.close()
    json.dump({
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "executable": sys.executable,
        "eventLoop": type(loop).__name__,
        "ops": ops,
        "runs": runs,
        "opsPerRun": N,
        "unit": "ns/op",
        "results": {k: round(v, 2) for k, v in results.items()},
        "samples": {k: [round(s, 2) for s in v] for k, v in samples.items()},
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
