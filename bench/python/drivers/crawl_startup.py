"""The crawler's start-up, before and after a change: `./asyncio4j crawl --version` and a one-page crawl
(`crawl -q --demo --pages 1 --max-pages 1`) of this tree against another revision, as whole commands through each
tree's own launcher (its build, its AOT cache, its JVM options).

    python3 bench/python/drivers/crawl_startup.py --base REV [--runs 10]

REV (a commit, branch or tag) is exported with `git archive` into a temporary directory (no worktree is added to
the repository) and built there by its launcher; this tree is built by its own. Each launcher trains its AOT cache
on a first, untimed run. Then the runs are interleaved (base, this, this, base, ...), so that a change in the
machine's load falls on both alike, and the table gives per command and tree the median wall time and the median
CPU time (user + system of the whole process tree, from wait4: less sensitive to other load than wall time), and
the classes the JVM loaded (-Xlog:class+load on the launcher's exact java command): in all, not from the AOT
cache, and from picocli's jar. --json FILE also writes the numbers.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from launcher import LAUNCHER, ROOT, check_jvm

COMMANDS = {"version": ["crawl", "--version"],
            "one page": ["crawl", "-q", "--demo", "--pages", "1", "--max-pages", "1"]}


def export(rev, into):
    """REV's tree in directory `into`, with this tree's private Maven settings (git-ignored, so not exported)."""
    archive = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", into], input=archive.stdout, check=True)
    config = os.path.join(ROOT, ".mvn", "maven.config")
    if os.path.exists(config):
        os.makedirs(os.path.join(into, ".mvn"), exist_ok=True)
        shutil.copy(config, os.path.join(into, ".mvn", "maven.config"))
    return os.path.join(into, "asyncio4j")


def timed(cmd):
    """Runs cmd; returns (exit code, stderr, wall seconds, CPU seconds of the process and its children)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    return os.waitstatus_to_exitcode(status), err, wall, usage.ru_utime + usage.ru_stime


def java_command(launcher, args):
    """The java command line `launcher crawl ARGS` execs (from `bash -x`), as a list."""
    p = subprocess.run(["bash", "-x", launcher] + args, capture_output=True, text=True)
    for line in p.stderr.splitlines():
        if line.startswith("+ exec "):
            return shlex.split(line[len("+ exec "):])
    raise RuntimeError("%s printed no exec line:\n%s" % (launcher, p.stderr[-2000:]))


def class_counts(launcher, args, tmp):
    """Classes loaded by the crawler's JVM for `launcher ARGS`: all, not from the AOT cache, from picocli's jar."""
    cmd = java_command(launcher, args)
    log = os.path.join(tmp, "classes.log")
    cp = cmd.index("-cp")
    cmd = cmd[:cp] + ["-Xlog:class+load:file=" + log] + cmd[cp:]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(log) as f:
        lines = [line for line in f if "class,load" in line]
    return {"classes": len(lines),
            "not_from_cache": sum(1 for line in lines if "source: shared objects file" not in line),
            "picocli": sum(1 for line in lines if re.search(r"/picocli-[^/]*\.jar", line))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="the revision to compare this tree with (commit, branch, tag)")
    ap.add_argument("--runs", type=int, default=10, help="timed runs per command and tree (10)")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = os.path.join(tmp, "base")
        os.makedirs(base_dir)
        trees = {"base " + args.base: export(args.base, base_dir), "this tree": LAUNCHER}
        for name, launcher in trees.items():      # builds, and trains the AOT cache: never timed
            print("preparing %s ..." % name, file=sys.stderr)
            p = subprocess.run([launcher, "crawl", "--version"], capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError("%s: crawl --version failed: %s" % (name, p.stderr[-2000:]))
        classes = {(c, t): class_counts(trees[t], COMMANDS[c], tmp) for c in COMMANDS for t in trees}
        samples = {(c, t): [] for c in COMMANDS for t in trees}
        for i in range(args.runs):
            order = list(trees) if i % 2 == 0 else list(reversed(trees))
            for command, cargs in COMMANDS.items():
                for name in order:
                    code, err, wall, cpu = timed([trees[name]] + cargs)
                    if code != 0:
                        raise RuntimeError("%s: %s failed (%d): %s" % (name, " ".join(cargs), code, err[-2000:]))
                    check_jvm(err)
                    samples[(command, name)].append((wall, cpu))
        rows = []
        for command, cargs in COMMANDS.items():
            for name, launcher in trees.items():
                s = samples[(command, name)]
                rows.append(dict(command=command, tree=name, runs=len(s),
                                 wall_median=statistics.median(w for w, _ in s),
                                 cpu_median=statistics.median(c for _, c in s),
                                 **classes[(command, name)]))
    print("%-9s %-22s %5s %10s %12s %8s %10s %8s" % ("command", "tree", "runs", "wall (s)", "user+sys (s)",
                                                    "classes", "not cached", "picocli"))
    for r in rows:
        print("%-9s %-22s %5d %10.3f %12.3f %8d %10d %8d" % (r["command"], r["tree"], r["runs"], r["wall_median"],
                                                            r["cpu_median"], r["classes"], r["not_from_cache"],
                                                            r["picocli"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"base": args.base, "runs": args.runs, "results": rows}, f, indent=2)


if __name__ == "__main__":
    main()
