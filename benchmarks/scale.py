"""How one run's cost grows with the number of states: the Mesa model and the compiled engine.

Worlds of 25, 50, 100 and 200 states over 100 quarters, made alike by one seeded recipe: each
state has a handful of significant ties (friends and enemies), a few flows of arms, aid and
trade, a doctrine, and a few authored events land over the horizon. One seeded run each,
median of ``ROUNDS``; the compiled engine's time is of a run alone (its compiled code loaded
first). Prints the times, their ratio, and each engine's cost exponent: the slope of
log(time) against log(states) over the four sizes (2 would be a cost in proportion to the
number of pairs).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from sim.engine import cache, ensemble
from sim.model.mesa_model import run
from sim.model.world import compile
from sim.scenario.schema import Scenario

SIZES = (25, 50, 100, 200)
ROUNDS = 3
TIES, FLOWS = 6, 3  # each state's significant ties and outgoing flows


def world(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    codes = [f"{chr(65 + k // 676)}{chr(65 + k // 26 % 26)}{chr(65 + k % 26)}" for k in range(n)]
    actors = {
        c: {
            "name": f"State {c}",
            "doctrine": {
                "hedging": float(rng.uniform(0, 1) < 0.3) * 0.6,
                "arms_export": float(rng.uniform(0, 1) < 0.1) * 0.6,
                "aid_conditionality": float(rng.uniform(0, 1) < 0.1) * 0.6,
            },
        }
        for c in codes
    }
    initial, ties, events = [], [], []
    for i in range(n):
        for j in rng.choice(n, TIES // 2, replace=False):
            if j != i:
                initial.append(
                    {"between": [codes[i], codes[j]], "value": float(rng.choice([-1, 1]) * rng.uniform(0.2, 0.8))}
                )
        for j in rng.choice(n, FLOWS, replace=False):
            if j != i:
                ties.append(
                    {
                        "channel": str(rng.choice(["arms", "aid", "trade"])),
                        "from": codes[i],
                        "to": codes[j],
                        "level": float(rng.uniform(0.1, 1.5)),
                    }
                )
    for k in range(n // 2):
        i, j = rng.choice(n, 2, replace=False)
        kind = str(rng.choice(["visit", "arms_sale", "incident", "joint_exercise", "aid_cut"]))
        events.append(
            {
                "type": kind,
                "from": codes[i],
                "to": codes[j],
                "date": f"{2011 + k % 23}Q{1 + k % 4}",
                "magnitude": float(rng.uniform(0.2, 1.0)),
            }
        )
    s = Scenario.model_validate(
        {
            "name": f"{n} states",
            "description": "A made-up world for timing.",
            "horizon": {"start": "2010Q1", "end": "2034Q4"},
            "actors": actors,
            "initial": initial,
            "ties": ties,
            "events": events,
        }
    )
    return compile(s)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    cache.ready()
    worlds = {n: world(n) for n in SIZES}
    mesa, compiled = {n: [] for n in SIZES}, {n: [] for n in SIZES}
    for _ in range(ROUNDS):
        for n, w in worlds.items():
            mesa[n].append(timed(lambda w=w: run(w, 1)))
            compiled[n].append(timed(lambda w=w: ensemble.run(w, [1])))
    print(f"one run of 100 quarters, median of {ROUNDS} (interleaved)")
    print(f"  {'states':>6} {'Mesa model':>12} {'compiled':>10} {'Mesa / compiled':>16}")
    for n in SIZES:
        m, c = statistics.median(mesa[n]), statistics.median(compiled[n])
        print(f"  {n:>6} {m:>10.3f} s {c:>8.3f} s {m / c:>16.1f}")
    logn = np.log(SIZES)
    for name, times in (("Mesa model", mesa), ("compiled engine", compiled)):
        slope = np.polyfit(logn, np.log([statistics.median(times[n]) for n in SIZES]), 1)[0]
        print(f"  cost exponent, {name}: {slope:.2f}")


if __name__ == "__main__":
    main()
