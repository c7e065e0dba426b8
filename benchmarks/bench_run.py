"""How long one baseline run takes, against named baselines measured side by side in one process.

- model: a full baseline run (Mesa agents, events, decisions, records), 84 quarters.
- baseline "pure": the same 84 quarters of sim.model.dynamics.advance alone, no Mesa, no events.
- stacked: 100 replications advanced together in one vectorised call per quarter,
  against baseline "looped": the same 100 advanced one call each.
Prints medians of repeated rounds (interleaved, so machine noise hits both alike) and ratios.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from sim.model import dynamics as dyn
from sim.model.mesa_model import run
from sim.model.world import compile
from sim.scenario.loader import load

ROUNDS = 15
WORLD = compile(load(Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"))


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def full_run():
    run(WORLD, 1)


def pure_world(batch=()):
    tile = lambda x: np.broadcast_to(x, batch + np.shape(x)).copy()
    coef = WORLD.coef._replace(
        **{f: tile(np.asarray(x, dtype=float)) for f, x in WORLD.coef._asdict().items() if f != "hedging"}
    )  # each actor's doctrine is the same in every run
    A, S, L = tile(WORLD.A0), tile(WORLD.S0), tile(WORLD.L0)
    return A, S, L, dyn.remember(A, S, coef), coef, WORLD.n_steps


SINGLE, HUNDRED = pure_world(), pure_world((100,))


def pure_run(world=SINGLE):
    A, S, L, memory, coef, steps = world
    A0, z = A, np.zeros(A.shape)
    for _ in range(steps - 1):
        A, memory, S, _ = dyn.advance(A, memory, S, L, A0, coef, z)


def stacked(world=HUNDRED):
    pure_run(world)


def looped(world=SINGLE):
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
