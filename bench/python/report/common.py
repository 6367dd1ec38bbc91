"""What the report scripts share: reading result files, JMH's JSON, the machine's CPU, number formatting."""
import json
import os
import platform

BASELINE = "io.github.asyncio4j.bench.ContinuationBaseline.runYield"


def load(path):
    if not path or not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def jmh_scores(doc, prefix, best=False):
    """{workload: {"score", "error", "unit"}} of the benchmarks named prefix + workload in a JMH JSON result list,
    scores in ns/op; with best, also each one's best iteration ("best")."""
    out = {}
    for entry in doc or []:
        name = entry.get("benchmark", "")
        if not name.startswith(prefix):
            continue
        m = entry["primaryMetric"]
        if m.get("scoreUnit") != "ns/op":
            raise SystemExit(f"report: {name} is in {m.get('scoreUnit')}, expected ns/op")
        err = m.get("scoreError")
        score = {
            "score": round(m["score"], 2),
            "error": round(err, 2) if isinstance(err, (int, float)) and err == err else None,  # NaN: 1 sample
        }
        if best:
            raw = [x for fork in m.get("rawData") or [] for x in fork]
            score["best"] = round(min(raw), 2) if raw else None
        score["unit"] = "ns/op"
        out[name[len(prefix):]] = score
    return out


def jmh_baseline(doc):
    """The bare JDK Continuation's run + yield, when the fast run measured it."""
    for entry in doc or []:
        if entry.get("benchmark") == BASELINE:
            m = entry["primaryMetric"]
            err = m.get("scoreError")
            return {"score": round(m["score"], 2),
                    "error": round(err, 2) if isinstance(err, (int, float)) and err == err else None,
                    "unit": m.get("scoreUnit")}
    return None


def jmh_meta(doc):
    if not doc:
        return None
    e = doc[0]
    return {k: e.get(k) for k in ("jdkVersion", "vmName", "vmVersion", "jvmArgs", "forks",
                                  "warmupIterations", "warmupTime", "measurementIterations", "measurementTime")}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def machine():
    """The machine the results come from, as every report records it."""
    return {"cpus": os.cpu_count(), "cpu": cpu_model(), "os": platform.platform()}


def print_table(header, rows, left=(0,)):
    """Prints a Markdown table, its columns padded; the columns in left are left-aligned, the others right."""
    widths = [max(len(r[i]) for r in list(rows) + [header]) for i in range(len(header))]
    left = {i % len(widths) for i in left}

    def line(cells):
        return "| " + " | ".join(c.ljust(w) if i in left else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    print(line(header))
    print("|" + "|".join(("-" * (w + 2)) if i in left else ("-" * (w + 1) + ":") for i, w in enumerate(widths)) + "|")
    for r in rows:
        print(line(r))


def write_json(path, doc):
    """Writes doc to path atomically (a temporary file, then a rename), and says so."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    print(f"written: {path}")
