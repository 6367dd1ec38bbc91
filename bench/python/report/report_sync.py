#!/usr/bin/env python3
"""Combines the sync/queue benchmarks' results (JMH on both engines, CPython) into one table and one JSON file.

usage: report_sync.py --fast JMH.json --fallback JMH.json --python PY.json --out COMBINED.json [--quick]

The table goes to stdout, as Markdown. A missing or unreadable input shows as "n/a".
"""
import argparse
import datetime

from common import fmt, jmh_meta, jmh_scores, load, machine, print_table, write_json

WORKLOADS = [
    ("lockAcquireRelease", "`await lock.acquire(); lock.release()`, uncontended"),
    ("lockHold", "`async with lock: pass` (`try (var h = lock.hold())`), uncontended"),
    ("queuePutGet", "`await q.put(x); await q.get()`, no waiting"),
    ("queuePingPong", "ping-pong between two tasks via two queues, per round trip"),
]

PREFIX = "io.github.asyncio4j.bench.SyncBench."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fast", required=True)
    ap.add_argument("--fallback", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="mark the results as coming from a --quick run")
    args = ap.parse_args()

    fast_doc, fallback_doc, py_doc = load(args.fast), load(args.fallback), load(args.python)
    fast, fallback = jmh_scores(fast_doc, PREFIX), jmh_scores(fallback_doc, PREFIX)
    py = (py_doc or {}).get("results", {})

    rows, combined = [], {}
    for key, label in WORKLOADS:
        f = fast.get(key, {}).get("score")
        fb = fallback.get(key, {}).get("score")
        c = py.get(key)
        ratio = (c / f) if (c is not None and f) else None
        ratio_fb = (c / fb) if (c is not None and fb) else None
        combined[key] = {
            "description": label.replace("`", ""),
            "fast": fast.get(key),
            "fallback": fallback.get(key),
            "cpython": {"score": c, "unit": "ns/op"} if c is not None else None,
            "cpythonOverFast": round(ratio, 3) if ratio is not None else None,
            "cpythonOverFallback": round(ratio_fb, 3) if ratio_fb is not None else None,
        }
        rows.append((label, fmt(f), fmt(fb), fmt(c),
                     "n/a" if ratio is None else f"{ratio:.2f}x",
                     "n/a" if ratio_fb is None else f"{ratio_fb:.2f}x"))

    header = ("workload", "asyncio4j fast ns/op", "asyncio4j fallback ns/op", "CPython ns/op",
              "CPython/fast", "CPython/fallback")
    print_table(header, rows)
    print()
    print("CPython/fast: CPython's time divided by asyncio4j's; above 1 asyncio4j is that many times faster,")
    print("below 1 it is slower. Each figure is per operation, averaged over coroutine runs of 1000 operations.")

    py_meta = ({k: (py_doc or {}).get(k) for k in ("implementation", "version", "eventLoop", "ops", "runs")}
               if py_doc else None)
    out = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "java": {"fast": jmh_meta(fast_doc), "fallback": jmh_meta(fallback_doc)},
        "python": py_meta,
        "unit": "ns/op",
        "workloads": combined,
    }
    write_json(args.out, out)


if __name__ == "__main__":
    main()
