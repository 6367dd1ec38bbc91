"""asyncio4j's launcher as the crawl benchmarks run it: built, with the crawler's AOT cache trained, before anything
is timed; and a JVM warning on a crawl's stderr (an unusable cache, say) fails the run instead of skewing it."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LAUNCHER = os.path.join(ROOT, "asyncio4j")


def prepare():
    """Builds the crawler and trains its AOT cache if the build is new (the launcher does both on the first crawl
    after a build, which would otherwise land in the first timed run)."""
    p = subprocess.run([LAUNCHER, "crawl", "--version"], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("asyncio4j crawl --version failed: " + p.stderr[-2000:])


def check_jvm(stderr):
    """Raises if the crawler's JVM warned: its start-up is then not what a user gets."""
    bad = [line for line in stderr.splitlines() if re.search(r"\]\[(error|warning) *\]", line)]
    if bad:
        raise RuntimeError("asyncio4j's JVM warned; its start-up is not the measured one:\n" + "\n".join(bad[:5]))
