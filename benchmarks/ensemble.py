"""Throughput of batch runs against ``mesa.batch_run`` on the same model and seeds, in one process.

The work: baseline runs (84 quarters, 6 states), each measured as PAK-RUS in 2025Q1, with the
seeds a sweep gives its runs (``SeedSequence(seed).spawn``).
- baseline "mesa.batch_run": Mesa's own batch runner over the Mesa model, one process (its
  2-process mode is slower for runs this small); it runs ``MESA_RUNS`` of the seeds.
- "compiled, 1 job" and "compiled, 2 jobs": ``tightrope batch`` as it runs by default (chunks of
  runs through :mod:`sim.engine.kernel`; 2 jobs = two worker threads), on ``RUNS`` seeds;
Rounds are interleaved so machine noise hits all alike; prints the median runs/s of each, the
ratios against mesa.batch_run, the time for 10,000 runs on 2 jobs, and checks that all runners
give the same numbers for the seeds they share. It also prints how long the compiled engine
took to be ready in this process (loaded from its disk cache; compiled if there is none).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

from sim.batch import executors, outputs
from sim.batch import plan as planning
from sim.batch.sweep import Output
from sim.engine import cache
from sim.model.mesa_model import AlignmentModel
from sim.model.world import compile
from sim.scenario.loader import load

ROOT = Path(__file__).resolve().parent.parent
WORLD = compile(load(ROOT / "scenarios" / "baseline.yaml"))
OUTPUT = Output(name="pak_rus_2025", measure="score", pair="PAK-RUS", at="2025Q1")
RUNS, MESA_RUNS, ROUNDS, SEED = 10_000, 100, 3, 7


class Reported(AlignmentModel):
    """The Mesa model with the DataCollector ``mesa.batch_run`` reads its result from."""

    def __init__(self, world, seed=None):
        super().__init__(world, seed=seed)
        import mesa

        self.datacollector = mesa.DataCollector(
            model_reporters={
                OUTPUT.name: lambda m: float(
                    outputs.measure(OUTPUT, m.alignment[None], list(m.world.codes), m.world.start)[0]
                )
            }
        )

    def step(self):
        super().step()
        if not self.running:
            self.datacollector.collect(self)


def seeds(n: int) -> np.ndarray:
    return planning.Plan([], np.zeros((n, 0)), 1, SEED).seeds(np.arange(n))


def mesa_batch_run(n: int) -> np.ndarray:
    import mesa

    rows = mesa.batch_run(
        Reported,
        {"world": [WORLD]},
        number_processes=1,
        rng=[int(s) for s in seeds(n)],
        max_steps=1000,
        display_progress=False,
    )
    return np.array([r[OUTPUT.name] for r in sorted(rows, key=lambda r: r["RunId"])])


def vectorised(n: int, jobs: int) -> np.ndarray:
    ids, all_seeds = np.arange(n), seeds(n)
    size = planning.chunk_size(n, jobs, keep_series=False)
    chunks = [
        planning.Chunk(
            k,
            WORLD,
            [],
            ids[i : i + size],
            np.zeros((len(ids[i : i + size]), 0)),
            all_seeds[i : i + size],
            1,
            [OUTPUT],
            None,
        )
        for k, i in enumerate(range(0, n, size))
    ]
    got = np.empty(n)

    def done(index, runs, series):
        got[runs["run"]] = runs[OUTPUT.name]

    executors.execute(chunks, done, jobs)
    return got


def main() -> None:
    start = time.perf_counter()
    cache.ready()
    ready = time.perf_counter() - start
    runners = {
        "mesa.batch_run": (MESA_RUNS, lambda: mesa_batch_run(MESA_RUNS)),
        "compiled, 1 job": (RUNS, lambda: vectorised(RUNS, 1)),
        "compiled, 2 jobs": (RUNS, lambda: vectorised(RUNS, 2)),
    }
    timings: dict[str, list[float]] = {name: [] for name in runners}
    results = {}
    for _ in range(ROUNDS):
        for name, (_, run) in runners.items():
            start = time.perf_counter()
            results[name] = run()
            timings[name].append(time.perf_counter() - start)
    same = max(np.abs(results[name][:MESA_RUNS] - results["mesa.batch_run"]).max() for name in runners)
    rate = {name: runners[name][0] / statistics.median(t) for name, t in timings.items()}
    print(f"baseline runs of 84 quarters, median of {ROUNDS} rounds (this machine, {len(timings)} runners interleaved)")
    for name in timings:
        print(
            f"  {name:22s} {runners[name][0]:6d} runs  {rate[name]:9,.0f} runs/s   "
            f"x{rate[name] / rate['mesa.batch_run']:6.1f} of mesa.batch_run"
        )
    print(
        f"  10,000 runs on 2 jobs: {statistics.median(timings['compiled, 2 jobs']) * 10_000 / RUNS:.2f} s "
        "(planning the seeds included)"
    )
    print(f"  compiled engine ready in {ready:.2f} s in this process (from its disk cache, or compiled if none)")
    print(f"  largest difference from mesa.batch_run on the {MESA_RUNS} shared seeds: {same:.1e}")
    if same > 1e-12:
        sys.exit("the runners disagree")


if __name__ == "__main__":
    main()
