"""How one run's cost grows with the number of states: the Mesa model and the compiled engine.

Worlds of 25, 50, 100 and 200 states over 100 quarters, made by two seeded recipes:

- sparse: each state has a handful of significant ties (friends and enemies);
- dense: every pair starts with a signed regard, as in a world of UN members: states in
  blocs, warm within a bloc, warm or cold between blocs by the blocs' own standing; every
  regard between 0.2 and 0.8 in size, so every pair is a significant friend or enemy.

In both, each state has a few flows of arms, aid and trade and a doctrine, and a few authored
events land over the horizon. One seeded run each, median of ``ROUNDS``; the compiled
engine's time is of a run alone (its compiled code loaded first). Prints the times, their
ratio, and each engine's cost exponent: the slope of log(time) against log(states) over the
four sizes (2 would be a cost in proportion to the number of pairs).

    .venv/bin/python benchmarks/scale.py [--recipe sparse|dense|both] [--rounds 3] [--no-mesa]
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
BLOCS = 6  # the dense recipe's blocs


def regards(rng, n: int, dense: bool) -> list[tuple[int, int, float]]:
    """The initial regards: a few signed ties a state (sparse), or every pair signed by its blocs (dense)."""
    if not dense:
        return [
            (i, int(j), float(rng.choice([-1, 1]) * rng.uniform(0.2, 0.8)))
            for i in range(n)
            for j in rng.choice(n, TIES // 2, replace=False)
            if j != i
        ]
    bloc = rng.integers(0, BLOCS, n)
    standing = rng.choice([-1.0, 1.0], (BLOCS, BLOCS))  # blocs friendly or hostile to each other
    standing = np.triu(standing, 1) + np.triu(standing, 1).T + np.eye(BLOCS)  # and warm within
    return [
        (i, j, float(standing[bloc[i], bloc[j]] * rng.uniform(0.2, 0.8))) for i in range(n) for j in range(i + 1, n)
    ]


def world(n: int, seed: int = 1, dense: bool = False):
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
    initial = [{"between": [codes[i], codes[j]], "value": v} for i, j, v in regards(rng, n, dense)]
    ties, events = [], []
    for i in range(n):
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
            "name": f"{n} states, {'dense' if dense else 'sparse'}",
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


def measure(recipe: str, rounds: int, mesa_too: bool) -> None:
    worlds = {n: world(n, dense=recipe == "dense") for n in SIZES}
    mesa, compiled = {n: [] for n in SIZES}, {n: [] for n in SIZES}
    for _ in range(rounds):
        for n, w in worlds.items():
            if mesa_too:
                mesa[n].append(timed(lambda w=w: run(w, 1)))
            compiled[n].append(timed(lambda w=w: ensemble.run(w, [1])))
    print(f"{recipe} worlds: one run of 100 quarters, median of {rounds} (interleaved)")
    print(f"  {'states':>6} {'Mesa model':>12} {'compiled':>10} {'Mesa / compiled':>16}")
    for n in SIZES:
        c = statistics.median(compiled[n])
        if mesa_too:
            m = statistics.median(mesa[n])
            print(f"  {n:>6} {m:>10.3f} s {c:>8.3f} s {m / c:>16.1f}")
        else:
            print(f"  {n:>6} {'':>12} {c:>8.3f} s")
    logn = np.log(SIZES)
    for name, times in (("Mesa model", mesa), ("compiled engine", compiled)):
        if times[SIZES[0]]:
            slope = np.polyfit(logn, np.log([statistics.median(times[n]) for n in SIZES]), 1)[0]
            print(f"  cost exponent, {name}: {slope:.2f}")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", choices=("sparse", "dense", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--no-mesa", action="store_true", help="time the compiled engine only")
    args = parser.parse_args()
    cache.ready()
    for recipe in ("sparse", "dense") if args.recipe == "both" else (args.recipe,):
        measure(recipe, args.rounds, not args.no_mesa)


if __name__ == "__main__":
    main()
