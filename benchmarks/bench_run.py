"""How long one baseline run takes, against named baselines measured side by side in one process.

- model: a full baseline run (Mesa agents, events, decisions, records), 84 quarters.
- baseline "pure": the same 84 quarters of sim.dynamics.advance alone, no Mesa, no events.
- stacked: 100 replications advanced together in one vectorised call per quarter,
  against baseline "looped": the same 100 advanced one call each.
Prints medians of repeated rounds (interleaved, so machine noise hits both alike) and ratios.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from sim import dynamics as dyn
from sim.loader import load
from sim.model import AlignmentModel

ROUNDS = 15
SCENARIO = load(Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml").scenario


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def full_run():
    AlignmentModel(SCENARIO, seed=1).run()


def pure_world(batch=()):
    m = AlignmentModel(SCENARIO, seed=1)
    tile = lambda x: np.broadcast_to(x, batch + np.shape(x)).copy()
    coef = dyn.Coefficients(*(tile(np.asarray(x, dtype=float)) for x in m.coef))
    A, S, L = tile(m.A), tile(m.S), tile(m.L)
    return A, S, L, dyn.make_anchor(A, S, coef), coef, m.n_steps


def pure_run(world=pure_world()):
    A, S, L, anchor, coef, steps = world
    z = np.zeros(A.shape)
    for _ in range(steps - 1):
        A, S, _ = dyn.advance(A, S, L, anchor, coef, z)


def stacked(world=pure_world((100,))):
    pure_run(world)


def looped(world=pure_world()):
    for _ in range(100):
        pure_run(world)


def main() -> None:
    cases = {"model": full_run, "pure": pure_run, "stacked": stacked, "looped": looped}
    times = {k: [] for k in cases}
    for _ in range(ROUNDS):
        for name, fn in cases.items():
            times[name].append(timed(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"median of {ROUNDS} rounds, 84 quarters, 6 states")
    for name in cases:
        print(f"  {name:<8} {med[name] * 1e3:9.2f} ms")
    print(f"model / pure        = {med['model'] / med['pure']:.2f}  (cost of Mesa, events, decisions and records)")
    print(f"stacked / looped    = {med['stacked'] / med['looped']:.3f}  (100 replications in one vectorised pass)")


if __name__ == "__main__":
    main()
