"""Does a class's play matter in the shipped game? Whole classes played with simple, stated strategies.

Every role is a team; each class plays the full game (History mode) with one strategy for every
team (:mod:`sim.game.strategies`: purposeful, random, none) over ``SEEDS`` seeds, the same seed on
each side. For each role's objectives it prints how far purposeful and random play move the
objective against the same game without moves (the median over seeds, towards meeting it) and
how often each way of playing meets it; then the three goals:

- with purposeful play, at least half of all objectives move by 0.10 or more (median);
- no team meets all its objectives without moves (in at most a tenth of the seeds);
- purposeful play meets more objectives than random play.

Run: ``python benchmarks/game_balance.py [--seeds 20] [--scenario walk_the_tightrope]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.game import strategies  # noqa: E402
from sim.game.moves import setup  # noqa: E402
from sim.scenario.loader import load  # noqa: E402

MOVES, MET_ALONE = 0.10, 0.1  # the goals' thresholds


def measure(scenario: str, seeds: int, budget: int | None = None) -> dict:
    """Every objective's gaps and met flags, per strategy and seed."""
    loaded = load(scenario)
    roles = list(loaded.scenario.game.roles)
    found = {"purposeful": [], "random": [], "none": []}
    for seed in range(seeds):
        s = setup(loaded, roles, mode="history", seed=seed, budget=budget)
        none = strategies.play_class(s, "none")
        for strategy in ("purposeful", "random"):
            found[strategy].append(strategies.objective_gaps(strategies.play_class(s, strategy, seed), none))
        found["none"].append(strategies.objective_gaps(none, none))
    return {"setup": setup(loaded, roles, mode="history", budget=budget), "found": found}


def report(setup_, found: dict, seeds: int) -> bool:
    game, keys = setup_.game, list(found["none"][0])
    gap = {k: {s: np.median([f[k][0] for f in found[s]]) for s in ("purposeful", "random")} for k in keys}
    met = {k: {s: np.mean([f[k][1] for f in found[s]]) for s in found} for k in keys}
    print(
        f"{game.title}: every role a team, History mode, {setup_.turns} turns, {setup_.budget} points a turn, "
        f"{seeds} seeds"
    )
    print("  moved: the objective at the end against the same game without moves, towards meeting it (median)")
    heads = f"{'moved: purposeful':>17} {'random':>7}   {'met: purposeful':>15} {'random':>6} {'none':>5}"
    print(f"  {'objective':<58} {heads}")
    for code in setup_.teams:
        print(f"  {code} {game.roles[code].title}")
        for k, o in enumerate(game.roles[code].objectives):
            g, m = gap[(code, k)], met[(code, k)]
            print(
                f"    {o.label:<56} {g['purposeful']:>+17.2f} {g['random']:>+7.2f}   "
                f"{m['purposeful']:>15.0%} {m['random']:>6.0%} {m['none']:>5.0%}"
            )
    moved = np.mean([gap[k]["purposeful"] >= MOVES for k in keys])
    alone = {
        code: np.mean([all(f[(code, k)][2] for k in range(len(game.roles[code].objectives))) for f in found["none"]])
        for code in setup_.teams
    }
    total = {s: np.mean([sum(f[k][1] for k in keys) for f in found[s]]) for s in found}
    goals = [
        (f"purposeful play moves at least half of the objectives by {MOVES:.2f} or more", moved >= 0.5, f"{moved:.0%}"),
        (
            f"no team meets all its objectives without moves (in at most {MET_ALONE:.0%} of seeds)",
            max(alone.values()) <= MET_ALONE,
            ", ".join(f"{c} {v:.0%}" for c, v in alone.items()),
        ),
        (
            "purposeful play meets more objectives than random play",
            total["purposeful"] > total["random"],
            f"{total['purposeful']:.1f} against {total['random']:.1f} of {len(keys)} (none: {total['none']:.1f})",
        ),
    ]
    print("\nGoals")
    for said, ok, value in goals:
        print(f"  {'met   ' if ok else 'MISSED'} {said}: {value}")
    return all(ok for _, ok, _ in goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scenario", default="walk_the_tightrope")
    parser.add_argument("--budget", type=int, help="points a turn (default: the game's own)")
    args = parser.parse_args()
    start = time.perf_counter()
    measured = measure(args.scenario, args.seeds, args.budget)
    report(measured["setup"], measured["found"], args.seeds)
    print(f"\n({3 * args.seeds} classes played in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
