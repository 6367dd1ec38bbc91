#!/usr/bin/env python3
"""Combines the generator benchmarks' results (JMH on both engines, CPython) into one table and one JSON file.

usage: report_generators.py --fast JMH.json --fallback JMH.json --python PY.json --out COMBINED.json

The table goes to stdout, as Markdown. A missing or unreadable input shows as "n/a".
"""
import datetime

from common import (engines_args, engines_inputs, engines_vs_cpython, jmh_meta, machine, print_floor, print_table,
                    write_json)

WORKLOADS = [
    ("yieldResume", "yield + resume (`next(g)`)"),
    ("send", "`send(v)` echo"),
    ("forEachDrain", "`for x in gen` (1000 values), per value"),
]
PREFIX = "io.github.asyncio4j.bench.GeneratorBench."


def main():
    args = engines_args()
    fast_doc, fallback_doc, py_doc, fast, fallback, py = engines_inputs(args, PREFIX)
    rows, combined = engines_vs_cpython(WORKLOADS, fast, fallback, py, fallback_digits=0)

    header = ("workload", "asyncio4j fast ns/op", "asyncio4j fallback ns/op", "CPython ns/op",
              "CPython/fast")
    print_table(header, rows)
    print()
    print("CPython/fast: CPython's time divided by the fast engine's; above 1 the fast engine is that many times")
    print("faster, below 1 it is slower.")
    baseline = print_floor(fast_doc, fast, "yieldResume", "asyncio4j's yieldResume")

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
