"""What a team may do in a turn: its moves, checked against the game's rules before anything runs.

A move is an action of the scenario's ``game:`` block from the team's state towards a
partner. A team's moves for a turn are refused as a whole, with one line per problem,
when one names an action or a state the game does not have, points at itself, or the
moves together cost more than the turn's budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.errors import did_you_mean
from sim.scenario.loader import Loaded
from sim.scenario.schema import Game


@dataclass(frozen=True, order=True)
class Move:
    """A team's move: ``state`` does ``action`` towards ``partner``."""

    state: str
    action: str
    partner: str

    def label(self, game: Game, names: dict[str, str]) -> str:
        spec = game.actions[self.action]
        joiner = "from" if spec.kind == "request" else "with" if spec.kind == "joint" else "towards"
        return f"{names[self.state]}: {spec.label} {joiner} {names[self.partner]}"


@dataclass(frozen=True)
class Setup:
    """A game as it was set up: the scenario, who plays which state, the mode, the seed, the turns, the budget."""

    loaded: Loaded
    teams: tuple[str, ...]  # the states teams play; the rest are played by their agents
    mode: str  # "history" (the scenario's dated events happen) or "sandbox" (only states and players move)
    seed: int
    turns: int
    budget: int

    @property
    def game(self) -> Game:
        return self.loaded.scenario.game

    @property
    def years(self) -> list[int]:
        return [self.game.first_year + k for k in range(self.turns)]


def setup(
    loaded: Loaded,
    teams,
    mode: str | None = None,
    seed: int | None = None,
    turns: int | None = None,
    budget: int | None = None,
) -> Setup:
    """A game on ``loaded`` (a scenario with a ``game:`` block), its defaults for what is not given;
    raises ValueError with the reason for what cannot be played."""
    game = loaded.scenario.game
    if game is None:
        raise ValueError(f"{loaded.scenario.name} has no game: block (expected a scenario such as walk_the_tightrope)")
    teams = tuple(dict.fromkeys(teams))
    if not teams:
        raise ValueError(f"no state is played by a team (pick at least one of: {', '.join(game.roles)})")
    unknown = [t for t in teams if t not in game.roles]
    if unknown:
        raise ValueError(f"no role for {', '.join(unknown)} (expected some of: {', '.join(game.roles)})")
    mode = mode or game.mode
    if mode not in ("history", "sandbox"):
        raise ValueError(f"mode {mode!r} (expected history or sandbox)")
    turns = game.turns if turns is None else turns
    if not 1 <= turns <= game.turns:
        raise ValueError(f"{turns} turns (expected 1 to {game.turns})")
    budget = game.budget if budget is None else budget
    if not 1 <= budget <= 40:
        raise ValueError(f"a budget of {budget} (expected 1 to 40)")
    return Setup(loaded, teams, mode, loaded.scenario.seed if seed is None else int(seed), turns, budget)


def allowed(s: Setup, state: str) -> dict[str, object]:
    """The actions ``state``'s team may take: every action whose ``by:`` names it, or names nobody."""
    return {name: spec for name, spec in s.game.actions.items() if not spec.by or state in spec.by}


def problems(s: Setup, state: str, moves: list[Move]) -> list[str]:
    """Why ``state``'s moves for a turn cannot be taken (empty if they can), one line each."""
    game, actors = s.game, s.loaded.scenario.actors
    found = []
    if state not in s.teams:
        found.append(f"{state} is not played by a team in this game (teams: {', '.join(s.teams)})")
    for m in moves:
        if m.state != state:
            found.append(f"a move of {m.state} among {state}'s moves")
        if m.action not in game.actions:
            found.append(
                f"unknown action '{m.action}' ({did_you_mean(m.action, game.actions)}expected one of: "
                f"{', '.join(game.actions)})"
            )
        elif game.actions[m.action].by and m.state not in game.actions[m.action].by:
            takers = ", ".join(actors[c].name for c in game.actions[m.action].by)
            found.append(f"{actors[m.state].name} cannot take '{game.actions[m.action].label}' (only: {takers})")
        if m.partner not in actors:
            found.append(f"unknown state '{m.partner}' (expected one of: {', '.join(actors)})")
        elif m.partner == state:
            found.append(f"{m.action} towards {state} itself (expected another state)")
    if len(set(moves)) < len(moves):
        found.append("the same move twice in one turn (expected each move once)")
    cost = sum(game.actions[m.action].cost for m in moves if m.action in game.actions)
    if cost > s.budget:
        found.append(f"the moves cost {cost} points, more than the turn's budget of {s.budget}")
    return found
