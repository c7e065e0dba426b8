"""Simple, stated ways of playing a whole class, for measuring a game's balance.

- **purposeful**: each team spends its budget, every turn, on its objectives' partners: the
  states its objectives name (for an objective between two other states, the one of them the
  team regards best), a minister's visit to each, then support at a forum for each, as far as the
  budget goes. Two purposeful teams that name each other agree their visits.
- **random**: each team picks moves at random among the actions its role may take, towards
  random partners, until the budget is spent (a seeded generator: the same seed, the same class).
- **none**: nobody moves; the states act by their own rules (and, in History mode, the sources'
  dated events happen).

:func:`play_class` plays a whole game with one strategy for every team and returns the
:class:`~sim.game.play.Played` game; :func:`objective_gaps` compares two games objective by objective.
"""

from __future__ import annotations

import numpy as np

from sim.game.moves import Move, Setup, allowed
from sim.game.play import Live, Played, meters

STRATEGIES = ("purposeful", "random", "none")
FRIENDLY = ("minister_visit", "forum_support")  # the purposeful team's moves, in the order it makes them


def partners(s: Setup, code: str, regard: np.ndarray) -> list[str]:
    """The states ``code``'s objectives name, in the objectives' order: for an objective between
    two other states, the one ``code`` regards best (``regard``: the scores as they stand)."""
    index = {c: k for k, c in enumerate(s.loaded.scenario.actors)}
    named: list[str] = []
    for o in s.game.roles[code].objectives:
        a, b = o.codes()
        if code in (a, b):
            other = b if a == code else a
        else:
            other = max((a, b), key=lambda c: regard[index[code], index[c]])
        if other not in named:
            named.append(other)
    return named


def purposeful(s: Setup, code: str, regard: np.ndarray) -> list[Move]:
    """A visit to each objective's partner, then support at a forum for each, while the budget lasts."""
    actions = allowed(s, code)
    moves, left = [], s.budget
    targets = partners(s, code, regard)
    for action in FRIENDLY:
        for partner in targets:
            if action in actions and actions[action].cost <= left:
                moves.append(Move(code, action, partner))
                left -= actions[action].cost
    return moves


def random_moves(s: Setup, code: str, rng: np.random.Generator) -> list[Move]:
    """Moves drawn at random among the role's actions and partners until nothing more fits the budget."""
    actions = allowed(s, code)
    others = [c for c in s.loaded.scenario.actors if c != code]
    moves: set[Move] = set()
    left = s.budget
    for _ in range(4 * s.budget):
        name = list(actions)[int(rng.integers(len(actions)))]
        move = Move(code, name, others[int(rng.integers(len(others)))])
        if actions[name].cost <= left and move not in moves:
            moves.add(move)
            left -= actions[name].cost
    return sorted(moves)


def play_class(s: Setup, strategy: str, seed: int = 0) -> Played:
    """A whole game played by every team with ``strategy`` (``seed`` draws the random class's moves)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy {strategy!r} (expected one of: {', '.join(STRATEGIES)})")
    live, rng = Live(s), np.random.default_rng(seed)
    for _ in range(s.turns):
        regard = live.model.A
        moves: list[Move] = []
        for code in s.teams:
            if strategy == "purposeful":
                moves += purposeful(s, code, regard)
            elif strategy == "random":
                moves += random_moves(s, code, rng)
        live.turn(moves)
    return live.played()


def objective_gaps(played: Played, none: Played) -> dict[tuple[str, int], tuple[float, bool, bool]]:
    """Per (team, objective): how far the game moved it from the game without moves, towards meeting
    it (positive: towards), and whether each game met it."""
    out = {}
    for code in played.setup.teams:
        for k, (m, n) in enumerate(zip(meters(played, code), meters(none, code))):
            sign = 1.0 if m.above is not None else -1.0
            out[(code, k)] = (sign * (m.values[-1] - n.values[-1]), m.met, n.met)
    return out
