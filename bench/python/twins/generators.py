#!/usr/bin/env python3
"""The CPython twins of GeneratorBench's workloads, in ns per yielded value.

    yieldResume   next(g) on a generator that yields forever
    send          v = g.send(v) into a generator that sends back v + 1
    forEachDrain  for x in gen(): pass, over fresh generators of 1000 values

Each workload is timed with time.perf_counter_ns over OPS operations, RUNS times; the best run is reported
(as timeit advises: the slower runs measure other things on the machine). The garbage collector is off while
timing, as in timeit. `loopOverhead` is the cost of the bare `for _ in range(OPS)` loop, for reference; it is
not subtracted. Prints one JSON object on stdout.

usage: generators.py [--quick] [--ops N] [--runs N]
"""
import argparse
import gc
import json
import platform
import sys
import time

N = 1000  # values per generator in forEachDrain


def forever():
    i = 0
    while True:
        yield i
        i += 1


def echo():
    x = yield 0
    while True:
        x = yield x + 1


def gen(n):
    for i in range(n):
        yield i


def loop_overhead(ops):
    t0 = time.perf_counter_ns()
    for _ in range(ops):
        pass
    return time.perf_counter_ns() - t0, ops


def yield_resume(ops):
    g = forever()
    t0 = time.perf_counter_ns()
    for _ in range(ops):
        next(g)
    t = time.perf_counter_ns() - t0
    g.close()
    return t, ops


def send(ops):
    g = echo()
    v = next(g)
    t0 = time.perf_counter_ns()
    for _ in range(ops):
        v = g.send(v)
    t = time.perf_counter_ns() - t0
    g.close()
    return t, ops


def for_each_drain(ops):
    gens = max(1, ops // N)
    t0 = time.perf_counter_ns()
    for _ in range(gens):
        for x in gen(N):
            pass
    return time.perf_counter_ns() - t0, gens * N


WORKLOADS = {
    "yieldResume": yield_resume,
    "send": send,
    "forEachDrain": for_each_drain,
    "loopOverhead": loop_overhead,
}


def best_ns_per_op(fn, ops, runs):
    fn(min(ops, 100_000))  # warm-up
    samples = []
    for _ in range(runs):
        gc.disable()
        try:
            t, n = fn(ops)
        finally:
            gc.enable()
        samples.append(t / n)
    return min(samples), samples


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer operations and runs (500,000 x 3)")
    ap.add_argument("--ops", type=int, help="operations per run (default 2,000,000)")
    ap.add_argument("--runs", type=int, help="runs per workload; the best is kept (default 5)")
    args = ap.parse_args()
    ops = args.ops or (500_000 if args.quick else 2_000_000)
    runs = args.runs or (3 if args.quick else 5)

    results, samples = {}, {}
    for name, fn in WORKLOADS.items():
        results[name], samples[name] = best_ns_per_op(fn, ops, runs)
    json.dump({
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "executable": sys.executable,
        "ops": ops,
        "runs": runs,
        "unit": "ns/op",
        "results": {k: round(v, 2) for k, v in results.items()},
        "samples": {k: [round(s, 2) for s in v] for k, v in samples.items()},
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
