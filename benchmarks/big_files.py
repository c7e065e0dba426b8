"""How long ``tightrope validate`` takes on the largest files a classroom server accepts.

Each case is one file at most the 1 MB upload cap (the shapes that were slow before: many events,
long labels), checked in this process, against the baseline "validate a shipped what-if". Rounds are
interleaved so machine noise hits every case alike; prints the median of ``ROUNDS`` checks per case,
its ratio to the baseline, and whether it meets the goal of two seconds.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import cli  # noqa: E402
from tests.test_robustness import big  # noqa: E402  (the same files the suite checks)

ROUNDS = 7
GOAL_S = 2.0
SHAPES = {
    "4,999 events": (4999, 20),
    "9,000 events": (9000, 30),
    "2,000 long labels": (2000, 420),
    "30 labels of 30 kB": (30, 30000),
}


def checked(path: Path) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["validate", str(path)])
    return time.perf_counter() - start


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tightrope-big-files-"))
    files = {"baseline: a shipped what-if": ROOT / "scenarios" / "us_ties_mended.yaml"}
    for name, shape in SHAPES.items():
        files[name] = work / f"{shape[0]}x{shape[1]}.yaml"
        files[name].write_text(big(*shape))
    times: dict[str, list[float]] = {name: [] for name in files}
    for _ in range(ROUNDS):
        for name, path in files.items():
            times[name].append(checked(path))
    base = statistics.median(times["baseline: a shipped what-if"])
    print(f"tightrope validate in one process, median of {ROUNDS} (interleaved)")
    for name, t in times.items():
        median = statistics.median(t)
        size = files[name].stat().st_size
        goal = "" if name.startswith("baseline") else ("  goal <= 2 s: met" if median <= GOAL_S else "  goal: MISSED")
        print(f"  {name:30s} {size:>9,} B {median:6.3f} s  x{median / base:6.1f}{goal}")


if __name__ == "__main__":
    main()
