#!/usr/bin/env python3
"""The CPython asyncio twins of LoopBench's workloads, and its memory per suspended task.

    taskSwitch   two tasks alternating `await asyncio.sleep(0)`, N times each; ns per task step
    spawn        a coroutine does `asyncio.create_task(noop())` N times and awaits the last; ns per task
    memory       bytes per suspended task: TASKS tasks each awaiting one shared future ("future"), or sleeping
                 an hour ("sleep"), as the tracemalloc delta (live Python allocations) and the RSS delta

Timed workloads: one event loop (asyncio.new_event_loop(), the default selector loop) runs OPS operations per
run, RUNS runs, and the best run is reported (as timeit advises); the garbage collector is off while timing.
Prints one JSON object on stdout.

usage: loop_bench.py [--quick] [--ops N] [--runs N] [--tasks N,N...]
"""
import argparse
import asyncio
import gc
import json
import os
import platform
import sys
import time
import tracemalloc

BATCH = 10_000  # operations per run_until_complete, as in LoopBench.N


async def spin(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def switch_batch(n):
    a = asyncio.create_task(spin(n))
    b = asyncio.create_task(spin(n))
    await a
    await b


async def noop():
    return 1


async def spawn_batch(n):
    last = None
    for _ in range(n):
        last = asyncio.create_task(noop())
    return await last


def timed(loop, batch, per_batch_ops, ops):
    """ns per operation over at least `ops` operations, batches of run_until_complete."""
    batches = max(1, ops // per_batch_ops)
    t0 = time.perf_counter_ns()
    for _ in range(batches):
        loop.run_until_complete(batch())
    return (time.perf_counter_ns() - t0) / (batches * per_batch_ops)


WORKLOADS = {
    "taskSwitch": (lambda: switch_batch(BATCH), 2 * BATCH),
    "spawn": (lambda: spawn_batch(BATCH), BATCH),
}


def best(loop, name, ops, runs):
    batch, per = WORKLOADS[name]
    timed(loop, batch, per, min(ops, 10 * per))  # warm-up
    samples = []
    for _ in range(runs):
        gc.disable()
        try:
            samples.append(timed(loop, batch, per, ops))
        finally:
            gc.enable()
    return min(samples), samples


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def wait_on(fut):
    await fut


async def sleep_long():
    await asyncio.sleep(3600)


def memory(n, kind, traced):
    """Bytes per suspended task: n tasks suspended on one future (or sleeping); tracemalloc or RSS delta."""
    loop = asyncio.new_event_loop()
    try:
        fut = loop.create_future()
        gc.collect()
        if traced:
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
        else:
            before = rss_bytes()

        async def start():
            for _ in range(n):
                asyncio.create_task(wait_on(fut) if kind == "future" else sleep_long())
            await asyncio.sleep(0)   # every task has run to its first await
            await asyncio.sleep(0)

        loop.run_until_complete(start())
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] if traced else rss_bytes()
        if traced:
            tracemalloc.stop()
        suspended = sum(1 for t in asyncio.all_tasks(loop) if not t.done())
        if suspended != n:
            raise SystemExit(f"loop_bench: expected {n} suspended tasks, found {suspended}")
        tasks = list(asyncio.all_tasks(loop))
        for t in tasks:
            t.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        return (after - before) / n
    finally:
        loop.close()


def memory_in_child(n, kind, traced):
    """Each measurement in a fresh interpreter, so one does not inherit another's freed arenas."""
    import subprocess
    out = subprocess.run([sys.executable, __file__, "--memory-one", f"{n},{kind},{int(traced)}"],
                         check=True, capture_output=True, text=True).stdout
    return float(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer operations and runs (200,000 x 3)")
    ap.add_argument("--ops", type=int, help="operations per timed run (default 1,000,000)")
    ap.add_argument("--runs", type=int, help="timed runs per workload; the best is kept (default 5)")
    ap.add_argument("--tasks", default="100000,1000000", help="task counts for the memory figures")
    ap.add_argument("--memory-one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_one:
        n, kind, traced = args.memory_one.split(",")
        print(memory(int(n), kind, traced == "1"))
        return
    ops = args.ops or (200_000 if args.quick else 1_000_000)
    runs = args.runs or (3 if args.quick else 5)

    results, samples = {}, {}
    loop = asyncio.new_event_loop()
    loop_class = type(loop).__name__
    try:
        for name in WORKLOADS:
            results[name], samples[name] = best(loop, name, ops, runs)
    finally:
        loop.close()

    mem = {}
    for n in (int(x) for x in args.tasks.split(",")):
        for kind in ("future", "sleep"):
            mem[f"{kind}-{n}"] = {
                "tasks": n,
                "tracemallocBytesPerTask": round(memory_in_child(n, kind, True), 1),
                "rssBytesPerTask": round(memory_in_child(n, kind, False), 1),
            }
    json.dump({
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "executable": sys.executable,
        "loop": loop_class,
        "ops": ops,
        "runs": runs,
        "batch": BATCH,
        "unit": "ns/op",
        "results": {k: round(v, 2) for k, v in results.items()},
        "samples": {k: [round(s, 2) for s in v] for k, v in samples.items()},
        "memory": mem,
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
