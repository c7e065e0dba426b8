"""The class debrief's "which moves mattered": today's replays through the Mesa model against the compiled ones.

Two whole classes of Walk the Tightrope, six teams and eight turns each
(:func:`sim.game.strategies.play_class`): one where every team moves at random within its
budget (a seeded class: many of its moves are refused or unanswered), and one where every
team plays purposefully (nearly every move happens: the harder debrief). Each has well over
a hundred moves to weigh. :func:`sim.game.debrief.attribution` replays the game once
without each move:

- ``mesa``: every replay a whole game through the Mesa model (the path the debrief took
  before, and the reference);
- ``compiled``: the game played once on the compiled engine, each replay from the start of
  the turn its move was made in (a move that did not happen changed nothing: no replay).

Prints the median time of each (interleaved, ``--rounds``), their ratio, the goal, and the
largest difference between the two tables' effects (they must agree to 1e-12).

    .venv/bin/python benchmarks/debrief.py [--rounds 3] [--seed 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.engine import cache  # noqa: E402
from sim.game import debrief, moves, strategies  # noqa: E402
from sim.scenario import shipped  # noqa: E402
from sim.scenario.loader import load  # noqa: E402

GOAL = 0.5  # seconds for a class's debrief


def class_game(strategy: str, seed: int):
    loaded = load(shipped.scenarios() / "walk_the_tightrope.yaml")
    s = moves.setup(loaded, loaded.scenario.game.roles)
    played = strategies.play_class(s, strategy, seed)
    submitted = [[o.move for o in t.outcomes] for t in played.turns]
    return played, submitted


def largest_difference(a: list[dict], b: list[dict]) -> float:
    assert [(r["turn"], r["move"], r["status"]) for r in a] == [(r["turn"], r["move"], r["status"]) for r in b]
    return max(abs(x[k] - y[k]) for x, y in zip(a, b) for k in x if isinstance(x[k], float))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4, help="the random class's seed")
    args = parser.parse_args()
    cache.ready()
    for strategy in ("random", "purposeful"):
        measure(strategy, args.seed, args.rounds)


def measure(strategy: str, seed: int, rounds: int) -> None:
    played, submitted = class_game(strategy, seed)
    made = sum(len(set(m)) for m in submitted)
    happened = sum(o.happened for t in played.turns for o in t.outcomes)
    times: dict[str, list[float]] = {"mesa": [], "compiled": []}
    tables = {}
    for _ in range(rounds):
        for engine in times:
            start = time.perf_counter()
            tables[engine] = debrief.attribution(played, submitted, engine=engine)
            times[engine].append(time.perf_counter() - start)
    mesa, compiled = (statistics.median(times[e]) for e in ("mesa", "compiled"))
    said = f"a random class, seed {seed}" if strategy == "random" else "a purposeful class"
    print(
        f"the class debrief: {len(played.setup.teams)} teams, {len(submitted)} turns, {made} moves, "
        f"{happened} of them happened ({said}), median of {rounds} (interleaved)"
    )
    print(f"  {'replays':<44} {'time':>8} {'per move':>10}")
    print(f"  {'mesa: whole games, Mesa model (before)':<44} {mesa:>6.3f} s {1000 * mesa / made:>7.1f} ms")
    print(f"  {'compiled: from the move turn, compiled':<44} {compiled:>6.3f} s {1000 * compiled / made:>7.1f} ms")
    print(f"  compiled is x{mesa / compiled:.0f} faster")
    print(f"  goal <= {GOAL} s: {'met' if compiled <= GOAL else 'MISSED'}")
    print(f"  largest difference between the two tables: {largest_difference(tables['mesa'], tables['compiled']):.1e}")


if __name__ == "__main__":
    main()
