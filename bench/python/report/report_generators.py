#!/usr/bin/env python3
"""Combines the generator benchmarks' results (JMH on both engines, CPython) into one table and one JSON file.

usage: report_generators.py --fast JMH.json --fallback JMH.json --python PY.json --out COMBINED.json

The table goes to stdout, as Markdown. A missing or unreadable input shows as "n/a".
"""
import argparse
import datetime

from common import fmt, jmh_baseline, jmh_meta, jmh_scores, load, machine, print_table, write_json

WORKLOADS = [
    ("yieldResume", "yield + resume (`next(g)`)"),
    ("send", "`send(v)` echo"),
    ("forEachDrain", "`for x in gen` (1000 values), per value"),
]
PREFIX = "io.github.asyncio4j.bench.GeneratorBench."


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
        combined[key] = {
            "description": label.replace("`", ""),
            "fast": fast.get(key),
            "fallback": fallback.get(key),
            "cpython": {"score": c, "unit": "ns/op"} if c is not None else None,
            "cpythonOverFast": round(ratio, 3) if ratio is not None else None,
        }
        rows.append((label, fmt(f), fmt(fb, 0), fmt(c), "n/a" if ratio is None else f"{ratio:.2f}x"))

    header = ("workload", "asyncio4j fast ns/op", "asyncio4j fallback ns/op", "CPython ns/op",
              "CPython/fast")
    print_table(header, rows)
    print()
    print("CPython/fast: CPython's time divided by the fast engine's; above 1 the fast engine is that many times")
    print("faster, below 1 it is slower.")
    baseline = jmh_baseline(fast_doc)
    if baseline:
        f = fast.get("yieldResume", {}).get("score")
        extra = f" (asyncio4j's yieldResume adds {f - baseline['score']:.1f} ns)" if f is not None else ""
        print(f"Floor: the bare JDK Continuation.run() + yield() costs {fmt(baseline['score'])} ns{extra}.")

    py_meta = {k: (py_doc or {}).get(k) for k in ("implementation", "version", "ops", "runs")} if py_doc else None
    if py_doc:
        py_meta["loopOverhead"] = py.get("loopOverhead")
    out = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "java": {"fast": jmh_meta(fast_doc), "fallback": jmh_meta(fallback_doc)},
        "python": py_meta,
        "unit": "ns/op",
        "workloads": combined,
        "continuationBaseline": baseline,
    }
    write_json(args.out, out)


if __name__ == "__main__":
    main()
