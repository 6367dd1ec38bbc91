"""What the CPython twins share: their command line, best-of-N timing with the collector off, the JSON they print."""
import argparse
import gc
import json
import platform
import sys


def arguments(doc, quick_ops, full_ops, extra=None):
    """Parses --quick/--ops/--runs (and what extra(parser) adds); returns (args, ops, runs)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"fewer operations and runs ({quick_ops:,} x 3)")
    ap.add_argument("--ops", type=int, help=f"operations per timed run (default {full_ops:,})")
    ap.add_argument("--runs", type=int, help="timed runs per workload; the best is kept (default 5)")
    if extra:
        extra(ap)
    args = ap.parse_args()
    return args, args.ops or (quick_ops if args.quick else full_ops), args.runs or (3 if args.quick else 5)


def best_of(measure, ops, runs, warmup_ops):
    """measure(n) runs n operations and returns ns per operation: once to warm up, then runs times with the
    garbage collector off. Returns (the best, every sample)."""
    measure(warmup_ops)
    samples = []
    for _ in range(runs):
        gc.disable()
        try:
            samples.append(measure(ops))
        finally:
            gc.enable()
    return min(samples), samples


def print_results(results, samples, ops, runs, **fields):
    """Prints the twin's JSON: the interpreter, ops and runs, fields, then the results and samples in ns/op."""
    doc = {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "executable": sys.executable,
        "ops": ops,
        "runs": runs,
        **fields,
        "unit": "ns/op",
        "results": {k: round(v, 2) for k, v in results.items()},
        "samples": {k: [round(s, 2) for s in v] for k, v in samples.items()},
    }
    json.dump(doc, sys.stdout, indent=2)
    print()
