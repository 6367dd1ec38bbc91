#!/usr/bin/env python3
"""Combines the generator benchmarks' results (JMH on both engines, CPython) into one table and one JSON file.

usage: report_generators.py --fast JMH.json --fallback JMH.json [--compiled JMH.json] --python PY.json
                            --out COMBINED.json

--compiled: the compiled engine's run, which also holds IteratorBaseline (hand-written Iterators, the floor)
and GeneratorCompileBench (the one-time cost of compiling a body).

The table goes to stdout, as Markdown. A missing or unreadable input shows as "n/a".
"""
import argparse
import datetime

from common import fmt, jmh_meta, jmh_scores, load, machine, print_floor, print_table, write_json

WORKLOADS = [
    ("yieldResume", "yield + resume (`next(g)`)"),
    ("send", "`send(v)` echo"),
    ("forEachDrain", "`for x in gen` (1000 values), per value"),
]
PREFIX = "io.github.asyncio4j.bench.GeneratorBench."
ITERATOR_PREFIX = "io.github.asyncio4j.bench.IteratorBaseline."
COMPILE_PREFIX = "io.github.asyncio4j.bench.GeneratorCompileBench."
# The compiled engine's targets (issue 16): ns per value, and at most this fraction of CPython's time.
TARGETS = {"yieldResume": 10.0, "forEachDrain": 5.0}
TARGET_FRACTION_OF_CPYTHON = 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fast", required=True)
    ap.add_argument("--fallback", required=True)
    ap.add_argument("--compiled")
    ap.add_argument("--python", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="mark the results as coming from a --quick run")
    args = ap.parse_args()

    fast_doc, fallback_doc, py_doc = load(args.fast), load(args.fallback), load(args.python)
    fast, fallback = jmh_scores(fast_doc, PREFIX), jmh_scores(fallback_doc, PREFIX)
    compiled_doc = load(args.compiled)
    compiled, iterator = jmh_scores(compiled_doc, PREFIX), jmh_scores(compiled_doc, ITERATOR_PREFIX)
    compile_cost = jmh_scores(compiled_doc, COMPILE_PREFIX).get("compileBody")
    py = (py_doc or {}).get("results", {})

    rows, combined = [], {}
    for key, label in WORKLOADS:
        f = fast.get(key, {}).get("score")
        fb = fallback.get(key, {}).get("score")
        c = py.get(key)
        ratio = (c / f) if (c is not None and f) else None
        cc = compiled.get(key, {}).get("score")
        combined[key] = {
            "description": label.replace("`", ""),
            "fast": fast.get(key),
            "fallback": fallback.get(key),
            "compiled": compiled.get(key),
            "iterator": iterator.get(key),
            "cpython": {"score": c, "unit": "ns/op"} if c is not None else None,
            "cpythonOverFast": round(ratio, 3) if ratio is not None else None,
        }
        rows.append((label, fmt(cc), fmt(f), fmt(fb, 0), fmt(iterator.get(key, {}).get("score")), fmt(c),
                     "n/a" if ratio is None else f"{ratio:.2f}x",
                     "n/a" if (c is None or not cc) else f"{c / cc:.2f}x"))

    header = ("workload", "compiled ns/op", "fast ns/op", "fallback ns/op", "hand-written Iterator ns/op",
              "CPython ns/op", "CPython/fast", "CPython/compiled")
    print_table(header, rows)
    print()
    print("CPython/fast: CPython's time divided by the fast engine's; above 1 the fast engine is that many times")
    print("faster, below 1 it is slower.")
    print("CPython/compiled: the same against the compiled engine (-Dasyncio4j.generators=compiled).")
    targets = {}
    for key, limit in TARGETS.items():
        cc = compiled.get(key, {}).get("score")
        c = py.get(key)
        if cc is None:
            continue
        ok = cc <= limit and (c is None or cc <= TARGET_FRACTION_OF_CPYTHON * c)
        targets[key] = {"limit": limit, "compiled": cc, "cpython": c, "met": ok}
        print(f"Target {key}: compiled {fmt(cc)} ns, at most {limit:g} ns and half of CPython's"
              f" ({fmt(None if c is None else c / 2)} ns): {'met' if ok else 'NOT met'}.")
    if compile_cost:
        print(f"Compiling a body (once per body, cached): {compile_cost['score'] / 1000:,.1f} us"
              " (GeneratorCompileBench, warmed up; the first compile in a JVM also loads the ClassFile API).")
    baseline = print_floor(fast_doc, fast, "yieldResume", "asyncio4j's yieldResume")

    py_meta = {k: (py_doc or {}).get(k) for k in ("implementation", "version", "ops", "runs")} if py_doc else None
    if py_doc:
        py_meta["loopOverhead"] = py.get("loopOverhead")
    out = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "java": {"fast": jmh_meta(fast_doc), "fallback": jmh_meta(fallback_doc),
                 "compiled": jmh_meta(compiled_doc)},
        "python": py_meta,
        "unit": "ns/op",
        "workloads": combined,
        "continuationBaseline": baseline,
        "compiledTargets": targets,
        "compileBody": compile_cost,
    }
    write_json(args.out, out)


if __name__ == "__main__":
    main()
