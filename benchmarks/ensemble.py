"""Throughput of batch runs against ``mesa.batch_run`` on the same model and seeds, in one process.

The work: baseline runs (84 quarters, 6 states), each measured as PAK-RUS in 2025Q1, with the
seeds a sweep gives its runs (``SeedSequence(seed).spawn``).
- baseline "mesa.batch_run": Mesa's own batch runner over the Mesa model, one process (its
  2-process mode is slower for runs this small); it runs ``MESA_RUNS`` of the seeds.
- "vectorised, 1 job" and "vectorised, 2 jobs": ``tightrope batch``'s engine (chunks of runs
  advanced together over a batch axis; 2 jobs = two worker threads), on ``RUNS`` seeds.
Rounds are interleaved so machine noise hits all alike; prints the median runs/s of each, the
ratios against mesa.batch_run, the time for 10,000 runs on 2 jobs, and checks that both
runners give the same numbers for the seeds they share.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

from sim import batch, executors, outputs
from sim.loader import load
from sim.model import AlignmentModel
from sim.sweep import Output

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = load(ROOT / "scenarios" / "baseline.yaml").scenario
OUTPUT = Output(name="pak_rus_2025", measure="score", pair="PAK-RUS", at="2025Q1")
RUNS, MESA_RUNS, ROUNDS, SEED = 10_000, 100, 3, 7


class Reported(AlignmentModel):
    """The Mesa model with the DataCollector ``mesa.batch_run`` reads its result from."""

    def __init__(self, scenario, seed=None):
        super().__init__(scenario, seed=seed)
        import mesa
        self.datacollector = mesa.DataCollector(model_reporters={
            OUTPUT.name: lambda m: float(outputs.measure(OUTPUT, m.alignment[None], m.codes, m.start)[0])})

    def step(self):
        super().step()
        if not self.running:
            self.datacollector.collect(self)


def seeds(n: int) -> np.ndarray:
    return batch.Plan([], np.zeros((n, 0)), 1, SEED).seeds(np.arange(n))


def mesa_batch_run(n: int) -> np.ndarray:
    import mesa
    rows = mesa.batch_run(Reported, {"scenario": [SCENARIO]}, number_processes=1, rng=[int(s) for s in seeds(n)],
                          max_steps=1000, display_progress=False)
    return np.array([r[OUTPUT.name] for r in sorted(rows, key=lambda r: r["RunId"])])


def vectorised(n: int, jobs: int) -> np.ndarray:
    ids, all_seeds = np.arange(n), seeds(n)
    size = batch.chunk_size(n, jobs, keep_series=False)
    chunks = [batch.Chunk(k, SCENARIO, {}, [], ids[i:i + size], np.zeros((len(ids[i:i + size]), 0)),
                          all_seeds[i:i + size], 1, [OUTPUT], None) for k, i in enumerate(range(0, n, size))]
    got = np.empty(n)

    def done(index, runs, series):
        got[runs["run"].to_numpy()] = runs[OUTPUT.name].to_numpy()

    executors.execute(chunks, done, jobs)
    return got


def main() -> None:
    timings: dict[str, list[float]] = {"mesa.batch_run": [], "vectorised, 1 job": [], "vectorised, 2 jobs": []}
    counts = {"mesa.batch_run": MESA_RUNS, "vectorised, 1 job": RUNS, "vectorised, 2 jobs": RUNS}
    results = {}
    for _ in range(ROUNDS):
        for name, run in (("mesa.batch_run", lambda: mesa_batch_run(MESA_RUNS)),
                          ("vectorised, 1 job", lambda: vectorised(RUNS, 1)),
                          ("vectorised, 2 jobs", lambda: vectorised(RUNS, 2))):
            start = time.perf_counter()
            results[name] = run()
            timings[name].append(time.perf_counter() - start)
    same = max(np.abs(results[name][:MESA_RUNS] - results["mesa.batch_run"]).max() for name in counts)
    rate = {name: counts[name] / statistics.median(t) for name, t in timings.items()}
    print(f"baseline runs of 84 quarters, median of {ROUNDS} rounds (this machine, {len(timings)} runners interleaved)")
    for name in timings:
        print(f"  {name:20s} {counts[name]:6d} runs  {rate[name]:9,.0f} runs/s   "
              f"x{rate[name] / rate['mesa.batch_run']:6.1f} of mesa.batch_run")
    print(f"  10,000 runs on 2 jobs: {statistics.median(timings['vectorised, 2 jobs']) * RUNS / 10_000:.2f} s "
          "(planning the seeds included)")
    print(f"  largest difference from mesa.batch_run on the {MESA_RUNS} shared seeds: {same:.1e}")
    if same > 1e-12:
        sys.exit("the runners disagree")


if __name__ == "__main__":
    main()
