#!/usr/bin/env python3
"""Combines the event-loop benchmarks' results (JMH on both engines and on virtual threads, CPython asyncio, and
TaskMemory's heap per suspended task) into one table and one JSON file.

usage: report_loop.py --fast JMH.json --fallback JMH.json --vthreads JMH.json --python PY.json
                      --memory MEM.jsonl --out COMBINED.json [--compiled JMH.json] [--kotlin JMH.json] [--quick]

--compiled: LoopBench with -Dasyncio4j.coroutines=compiled; --kotlin: KotlinCoroutinesBench (kotlinx.coroutines).

The table goes to stdout, as Markdown. A missing or unreadable input shows as "n/a".
"""
import argparse
import datetime
import json
import os

from common import fmt, jmh_baseline, jmh_meta, jmh_scores, load, machine, print_floor, print_table, write_json

TIMED = [
    # key, label, target ns (fast engine)
    ("taskSwitch", "task switch (`await(sleep(0))`, 2 tasks), ns per step", 150),
    ("spawn", "spawn + complete a task, ns per task", 300),
]
LOOP = "io.github.asyncio4j.bench.LoopBench."
VT = "io.github.asyncio4j.bench.VirtualThreadBench."
KOTLIN = "io.github.asyncio4j.bench.KotlinCoroutinesBench."
MEMORY_TARGET = 1024


def load_memory(path):
    """{(kind, engine, tasks): bytesPerTask} from TaskMemory's JSON lines."""
    out, raw = {}, []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    raw.append(d)
                    out[(d["kind"], d["engine"], d["tasks"])] = d["bytesPerTask"]
    return out, raw


def ratio(other, ours):
    return None if other is None or not ours else other / ours


def rfmt(r):
    return "n/a" if r is None else f"{r:.2f}x"


def verdict(value, target):
    if value is None:
        return "n/a"
    return f"≤ {target:,}: {'met' if value <= target else 'missed'}"


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--fast", "--fallback", "--vthreads", "--python", "--memory", "--out"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--compiled", help="LoopBench's JMH JSON with compiled coroutines")
    ap.add_argument("--kotlin", help="KotlinCoroutinesBench's JMH JSON")
    ap.add_argument("--quick", action="store_true", help="mark the results as coming from a --quick run")
    args = ap.parse_args()
    compiled_doc, kotlin_doc = load(args.compiled) if args.compiled else None, load(args.kotlin) if args.kotlin else None
    compiled = jmh_scores(compiled_doc, LOOP, best=True) if compiled_doc else {}
    kotlin = jmh_scores(kotlin_doc, KOTLIN, best=True) if kotlin_doc else {}

    fast_doc, fallback_doc, vt_doc, py_doc = (load(p) for p in (args.fast, args.fallback, args.vthreads, args.python))
    fast, fallback, vt = jmh_scores(fast_doc, LOOP, best=True), jmh_scores(fallback_doc, LOOP, best=True), jmh_scores(vt_doc, VT, best=True)
    py = (py_doc or {}).get("results", {})
    mem, mem_raw = load_memory(args.memory)
    py_mem = (py_doc or {}).get("memory", {})

    rows, combined = [], {}
    for key, label, target in TIMED:
        f = fast.get(key, {}).get("score")
        fb = fallback.get(key, {}).get("score")
        v = vt.get(key, {}).get("score")
        c = py.get(key)
        cc = compiled.get(key, {}).get("score")
        k = kotlin.get(key, {}).get("score")
        combined[key] = {
            "description": label.replace("`", ""),
            "fast": fast.get(key), "fallback": fallback.get(key), "virtualThreads": vt.get(key),
            "compiled": compiled.get(key), "kotlin": kotlin.get(key), "kotlinOverCompiled": ratio(k, cc),
            "cpython": {"score": c, "unit": "ns/op"} if c is not None else None,
            "cpythonOverFast": ratio(c, f), "virtualThreadsOverFast": ratio(v, f), "targetFast": target,
        }
        best = fast.get(key, {}).get("best")
        rows.append((label, fmt(f) + ("" if best is None else f" (best {fmt(best)})"), fmt(cc), fmt(fb, 0), fmt(v),
                     fmt(k), fmt(c, 0), rfmt(ratio(c, f)), rfmt(ratio(v, f)), verdict(f, target)))

    counts = sorted({k[2] for k in mem} | {d["tasks"] for d in py_mem.values()}, reverse=True)
    for n in counts:
        for kind, what, vt_kind in (("future", "awaiting one future", "virtual-thread"), ("sleep", "sleeping", None)):
            f = mem.get((kind, "continuation", n))
            cc = mem.get((kind, "continuation+compiled", n))
            k = mem.get(("kotlin", "kotlinx", n)) if kind == "future" else None
            fb = mem.get((kind, "thread", n))
            v = mem.get((vt_kind, "jdk", n)) if vt_kind else None
            c = (py_mem.get(f"{kind}-{n}") or {}).get("tracemallocBytesPerTask")
            label = f"heap per suspended task, {n:,} tasks {what}, bytes"
            combined[f"memory-{kind}-{n}"] = {
                "description": label, "tasks": n, "fast": f, "fallback": fb, "virtualThreads": v,
                "compiled": cc, "kotlin": k,
                "cpythonTracemalloc": c, "cpythonRss": (py_mem.get(f"{kind}-{n}") or {}).get("rssBytesPerTask"),
                "cpythonOverFast": ratio(c, f), "virtualThreadsOverFast": ratio(v, f), "targetFast": MEMORY_TARGET,
            }
            rows.append((label, fmt(f, 0), fmt(cc, 0), fmt(fb, 0), "—" if not vt_kind else fmt(v, 0),
                         "—" if kind != "future" else fmt(k, 0), fmt(c, 0),
                         rfmt(ratio(c, f)), "—" if not vt_kind else rfmt(ratio(v, f)), verdict(f, MEMORY_TARGET)))

    header = ("workload", "asyncio4j fast", "asyncio4j compiled", "asyncio4j fallback", "virtual threads",
              "Kotlin coroutines", "CPython asyncio", "CPython/fast", "VT/fast", "target (fast)")
    print_table(header, rows, left=(0, -1))
    print()
    print("Times: JMH's mean over the measured iterations (for the fast engine, its best iteration in")
    print("brackets); CPython's best run. CPython/fast and VT/fast: the peer's figure divided by the fast")
    print("engine's (means); above 1 the fast engine is that many times faster (or smaller). Targets are checked")
    print("against the mean. Memory: Java rows are the used heap after full GCs, CPython's the tracemalloc")
    print("delta (its RSS delta is in the JSON). asyncio4j compiled: the fast engine with")
    print("-Dasyncio4j.coroutines=compiled; Kotlin coroutines: kotlinx.coroutines in runBlocking (one thread),")
    print("yield() ping-pong, launch + join, coroutines suspended in CompletableDeferred.await().")
    print_floor(fast_doc, fast, "taskSwitch", "a task step")

    out = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "java": {"fast": jmh_meta(fast_doc), "fallback": jmh_meta(fallback_doc), "virtualThreads": jmh_meta(vt_doc),
                 "compiled": jmh_meta(compiled_doc) if compiled_doc else None,
                 "kotlin": jmh_meta(kotlin_doc) if kotlin_doc else None},
        "python": {k: (py_doc or {}).get(k) for k in ("implementation", "version", "loop", "ops", "runs", "batch")}
        if py_doc else None,
        "workloads": combined,
        "memoryRuns": mem_raw,
        "continuationBaseline": jmh_baseline(fast_doc),
    }
    write_json(args.out, out)


if __name__ == "__main__":
    main()
