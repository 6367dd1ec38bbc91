#!/usr/bin/env python3
"""Combines the sync/queue benchmarks' results (JMH on both engines, CPython) into one table and one JSON file.

usage: report_sync.py --fast JMH.json --fallback JMH.json --python PY.json --out COMBINED.json [--quick]

The table goes to stdout, as Markdown. A missing or unreadable input shows as "n/a".
"""
import datetime

from common import engines_args, engines_inputs, engines_vs_cpython, jmh_meta, machine, print_table, write_json

WORKLOADS = [
    ("lockAcquireRelease", "`await lock.acquire(); lock.release()`, uncontended"),
    ("lockHold", "`async with lock: pass` (`try (var h = lock.hold())`), uncontended"),
    ("queuePutGet", "`await q.put(x); await q.get()`, no waiting"),
    ("queuePingPong", "ping-pong between two tasks via two queues, per round trip"),
]

PREFIX = "io.github.asyncio4j.bench.SyncBench."


def main():
    args = engines_args()
    fast_doc, fallback_doc, py_doc, fast, fallback, py = engines_inputs(args, PREFIX)
    rows, combined = engines_vs_cpython(WORKLOADS, fast, fallback, py, over_fallback=True)

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
