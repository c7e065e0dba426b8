"""How long the command line takes as a user meets it: whole processes, start-up included.

Each case is a fresh ``tightrope`` process, timed from launch to exit, against the baseline
"python -c 'import numpy'" (an interpreter that loads numpy and does nothing else):
- ``tightrope --help`` and ``tightrope validate`` on a shipped what-if (the quick commands);
- ``tightrope batch`` of 10,000 baseline replications on 2 jobs, into a new folder each time
  (the compiled engine loaded from its disk cache, Parquet files written);
- the same command with 2 replications: what a batch costs before it computes anything (start-up,
  the sweep read and checked, the engine loaded, the files written); the 10,000 runs' own time is
  the difference.
Rounds are interleaved so machine noise hits every case alike; prints the median of
``ROUNDS`` processes per case and its ratio to the baseline.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7
TIGHTROPE = [sys.executable, "-m", "sim"]
SWEEP = """name: baseline runs
scenario: {scenario}
seed: 1
sampler: grid
replications: {replications}
vary:
  noise_sd: {{values: [0.01]}}
outputs:
  - {{name: pak_rus_2025, measure: score, pair: PAK-RUS, at: 2025Q1}}
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tightrope-startup-"))
    sweep, two = work / "ten_thousand.yaml", work / "two.yaml"
    sweep.write_text(SWEEP.format(scenario=ROOT / "scenarios" / "baseline.yaml", replications=10_000))
    two.write_text(SWEEP.format(scenario=ROOT / "scenarios" / "baseline.yaml", replications=2))
    cases = {
        "python -c 'import numpy'": lambda k: [sys.executable, "-c", "import numpy"],
        "tightrope --help": lambda k: [*TIGHTROPE, "--help"],
        "tightrope validate WHATIF": lambda k: [
            *TIGHTROPE,
            "validate",
            str(ROOT / "scenarios" / "us_ties_mended.yaml"),
        ],
        "tightrope batch 10,000 runs, 2 jobs": lambda k: [
            *TIGHTROPE,
            "batch",
            str(sweep),
            "--jobs",
            "2",
            "--out",
            str(work / f"out{k}"),
        ],
        "tightrope batch 2 runs, 2 jobs": lambda k: [
            *TIGHTROPE,
            "batch",
            str(two),
            "--jobs",
            "2",
            "--out",
            str(work / f"two{k}"),
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    try:
        timed(cases["tightrope batch 10,000 runs, 2 jobs"]("warm"), ROOT)  # the disk caches, once
        for k in range(ROUNDS):
            for name, command in cases.items():
                times[name].append(timed(command(k), ROOT))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(times["python -c 'import numpy'"])
    print(f"whole processes, median of {ROUNDS} (interleaved), against python -c 'import numpy'")
    for name, t in times.items():
        median = statistics.median(t)
        print(f"  {name:36s} {median:6.2f} s   x{median / base:5.1f}   (min {min(t):.2f}, max {max(t):.2f})")
    medians = {name: statistics.median(t) for name, t in times.items()}
    alone = medians["tightrope batch 2 runs, 2 jobs"]
    runs = medians["tightrope batch 10,000 runs, 2 jobs"] - alone
    print(f"  of the 10,000-run batch: {alone:.2f} s before any run is computed, {runs:.2f} s for the runs")


if __name__ == "__main__":
    main()
