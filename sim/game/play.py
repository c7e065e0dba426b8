"""A game played: each turn's moves resolved against the world as it stands, the year run, the news.

The world is never stored: :func:`play` replays it from the setup and the log of moves
(and a teacher's injections), turn by turn, through one Mesa model stepped a year at a
time. The model is deterministic, so the same log gives the same game, whoever replays it.
A game can also run on the compiled quarter (:class:`sim.engine.stepper.Stepper`: the same
scores to 1e-12, no news log), which the debrief uses for its many replays.

A turn: the moves are resolved against the scores at the end of the year before
(:func:`resolve`): a state's own move happens; a joint one happens when the partner's team
makes the same move back in the same turn, or, for a state no team plays, when its
regard for the mover is above the game's ``accept_above``; a request to buy arms happens
when the seller's own rule (:func:`sim.model.decisions.arms_offer`) would offer. What
happens lands in the year's first quarter; then the model runs the year's four quarters,
and every other state acts by its own rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.game.moves import Move, Setup
from sim.model import decisions
from sim.model import dynamics as dyn
from sim.model.events import Scheduled
from sim.model.mesa_model import AlignmentModel
from sim.model.run import LoggedEvent, Run
from sim.model.world import World, compile
from sim.scenario import dates

ARMS, AID, SANCTIONS = (dyn.CHANNELS.index(c) for c in ("arms", "aid", "sanctions"))


@dataclass(frozen=True)
class Injection:
    """An event a teacher puts into a turn (the facilitator's lever): it has no source quote."""

    type: str
    source: str
    target: str
    magnitude: float
    label: str


@dataclass(frozen=True)
class Outcome:
    move: Move
    status: str  # done, agreed, accepted, unanswered, declined, refused
    reason: str

    @property
    def happened(self) -> bool:
        return self.status in ("done", "agreed", "accepted")


@dataclass(frozen=True)
class Turn:
    year: int
    outcomes: tuple[Outcome, ...]
    injections: tuple[Injection, ...]


@dataclass(frozen=True, eq=False)
class Played:
    """A game through its resolved turns: the run so far (quarters after ``step`` are not run yet)."""

    setup: Setup
    turns: tuple[Turn, ...]
    run: Run
    step: int

    @property
    def world(self) -> World:
        return self.run.world

    def year_steps(self, year: int) -> tuple[int, int]:
        """The first and last step of a year, within the horizon."""
        w = self.world
        return max(w.step_of(f"{year}Q1"), 1), min(w.step_of(f"{year}Q4"), w.n_steps - 1)

    def news(self, year: int) -> list[LoggedEvent]:
        """What landed in ``year``: the teams' moves, the teacher's, the scenario's, the states' own."""
        first, last = self.year_steps(year)
        return [e for e in self.run.log if first <= e.step <= last]


def world_for(s: Setup) -> World:
    """The game's world: in Sandbox mode without the scenario's events from the first turn on."""
    scenario = s.loaded.scenario
    if s.mode == "sandbox":
        first = dates.ordinal(f"{s.game.first_year}Q1")
        scenario = scenario.model_copy(update={"events": [e for e in scenario.events if dates.ordinal(e.date) < first]})
    return compile(scenario)


def _offers(model: AlignmentModel) -> np.ndarray:
    """Where each seller's own rule would offer arms now (a chance above zero)."""
    w = model.world
    flows = dyn.benefit_flows(model.S, w.coef.channel_weight)
    return decisions.arms_offer(model.A, flows, model.L[ARMS], model.L[SANCTIONS], w.export, 1.0) > 0


def _seller_refuses(model: AlignmentModel, offers: np.ndarray, seller: int, buyer: int) -> str | None:
    """Why the seller's own rule would not offer arms to the buyer now (None if it would): ``offers``
    is :func:`_offers` of the model as it stands."""
    w, A = model.world, model.A
    if offers[seller, buyer]:
        return None
    name = w.names
    s, b = w.codes[seller], w.codes[buyer]
    if w.export[seller] <= 0:
        return f"{name[s]} does not sell arms abroad (its doctrine: arms_export 0)"
    if model.L[ARMS, seller, buyer] < 0:
        return f"an arms embargo of {name[s]} on {name[b]} is in force"
    if model.L[SANCTIONS, seller, buyer] < 0:
        return f"{name[s]}'s sanctions on {name[b]} are in force"
    if A[seller, buyer] <= 0 or A[buyer, seller] <= 0:
        return (
            f"{name[s]} sells only where both sides regard each other well "
            f"({name[s]} regards {name[b]} at {A[seller, buyer]:+.2f}, {name[b]} it at {A[buyer, seller]:+.2f})"
        )
    return f"{name[s]}'s other clients' displeasure outweighs the sale"


def _decide(s: Setup, model: AlignmentModel, m: Move, moves: set[Move], offers) -> tuple[Outcome, Scheduled | None]:
    """One move's outcome against the scores as they stand, and the event it lands (None if none);
    ``offers()`` gives :func:`_offers` (computed once a turn, when a request needs it)."""
    w, spec = model.world, s.game.actions[m.action]
    i, j = w.index[m.state], w.index[m.partner]
    name = w.names
    magnitude, source, target = spec.magnitude, i, j
    if spec.kind == "own":
        status, reason = "done", f"{name[m.state]} acted"
        if spec.event == "aid_cut":
            level = float(model.L[AID, i, j])
            if level <= 0:
                return Outcome(m, "refused", f"{name[m.state]} gives {name[m.partner]} no aid to cut"), None
            magnitude = spec.magnitude * level
        elif spec.event == "aid_restored":
            short = float(w.L0[AID, i, j] - model.L[AID, i, j])
            if short <= 0:
                return Outcome(m, "refused", f"aid to {name[m.partner]} is not below its 2010 level"), None
            magnitude = spec.magnitude * short
        elif spec.event == "sanctions_lifted":
            standing = -float(model.L[SANCTIONS, i, j])
            if standing <= 0:
                return Outcome(m, "refused", f"{name[m.state]} has no sanctions on {name[m.partner]} to lift"), None
            magnitude = min(spec.magnitude, standing)
    elif spec.kind == "joint" and m.partner in s.teams:
        if Move(m.partner, m.action, m.state) not in moves:
            return Outcome(m, "unanswered", f"{name[m.partner]}'s team did not make the same move this turn"), None
        status, reason = "agreed", f"both teams chose {spec.label}"
        if m.partner < m.state:
            return Outcome(m, status, reason), None  # the pair's event lands once, from the first of the two
    elif spec.kind == "joint":
        regard = float(model.A[j, i])
        said = f"{name[m.partner]} regards {name[m.state]} at {regard:+.2f}"
        if regard <= s.game.accept_above:
            return Outcome(m, "declined", f"{said}, not above {s.game.accept_above:+.2f}"), None
        status, reason = "accepted", f"{said}, above {s.game.accept_above:+.2f}"
    else:  # a request: the partner sells
        refused = _seller_refuses(model, offers(), j, i)
        if refused:
            return Outcome(m, "refused", refused), None
        status, reason, source, target = "accepted", f"{name[m.partner]}'s own rule would offer the sale", j, i
    label = m.label(s.game, name)
    return Outcome(m, status, reason), Scheduled(spec.event, source, (target,), magnitude, label, tuple(spec.claims))


WORLDLY = ("aid_cut", "aid_restored", "sanctions_lifted")  # a state's own moves that hang on the world


def _fixed(s: Setup, m: Move) -> bool:
    """Whether a move's outcome does not hang on the world as it stands: a state's own move that needs
    nothing of it, or a joint move with another team (agreed or not by the turn's moves alone)."""
    spec = s.game.actions[m.action]
    return (spec.kind == "own" and spec.event not in WORLDLY) or (spec.kind == "joint" and m.partner in s.teams)


def resolve(
    s: Setup,
    model: AlignmentModel,
    moves: Sequence[Move],
    injections: Sequence[Injection],
    year: int,
    plans: dict | None = None,
):
    """Decide the turn's moves against the model as it stands, put what happens in the year's first
    quarter, and return the outcomes (in a fixed order: the order moves were made in does not matter).

    ``plans`` keeps, by the turn's moves, the outcomes that do not hang on the world (:func:`_fixed`):
    a game replayed many times (the debrief) decides them once."""
    w = model.world
    first = max(w.step_of(f"{year}Q1"), 1)
    key = tuple(moves)
    plan = plans.get(key) if plans is not None else None
    outcomes = []
    found: list[np.ndarray] = []  # the events are added, not landed: the offers stand all turn

    def offers() -> np.ndarray:
        if not found:
            found.append(_offers(model))
        return found[0]

    if plan is None:
        made = set(moves)
        plan = (made, [(m, _decide(s, model, m, made, offers) if _fixed(s, m) else None) for m in sorted(made)])
        if plans is not None:
            plans[key] = plan
    made = plan[0]
    for m, fixed in plan[1]:
        outcome, event = fixed or _decide(s, model, m, made, offers)
        outcomes.append(outcome)
        if event is not None:
            model.add(first, event, f"team {m.state}")
    for inj in injections:
        index = w.index
        event = Scheduled(inj.type, index[inj.source], (index[inj.target],), inj.magnitude, inj.label, ())
        model.add(first, event, "teacher")
    return tuple(outcomes)


ENGINES = ("mesa", "compiled")


class Live:
    """A game in progress, a turn at a time: one Mesa model kept between turns (a solo game keeps
    one in its session). :func:`play` replays the same from a log; a test holds the two equal.
    On the ``compiled`` engine the model is a :class:`~sim.engine.stepper.Stepper`, which keeps
    no news but can go back to a snapshot (:meth:`back_to`)."""

    def __init__(self, s: Setup, engine: str = "mesa"):
        if engine not in ENGINES:
            raise ValueError(f"engine {engine!r} (expected one of: {', '.join(ENGINES)})")
        self.setup = s
        self.world = world_for(s)
        if engine == "compiled":
            from sim.engine.stepper import Stepper

            self.model = Stepper(self.world, s.seed)
        else:
            self.model = AlignmentModel(self.world, s.seed)
        self.turns: list[Turn] = []
        self.plans: dict = {}  # each turn's outcomes that do not hang on the world (resolve)
        self.model.run_to(max(self.world.step_of(f"{s.game.first_year}Q1"), 1) - 1)

    def turn(self, moves: Sequence[Move], injections: Sequence[Injection] = ()) -> Turn:
        """Resolve the next turn's moves and run its year."""
        if len(self.turns) >= self.setup.turns:
            raise ValueError(f"the game is over: all {self.setup.turns} turns are played")
        year = self.setup.game.first_year + len(self.turns)
        outcomes = resolve(self.setup, self.model, moves, injections, year, self.plans)
        self.model.run_to(min(self.world.step_of(f"{year}Q4"), self.world.n_steps - 1))
        self.turns.append(Turn(year, outcomes, tuple(injections)))
        return self.turns[-1]

    def back_to(self, k: int, start) -> None:
        """Back to the start of turn ``k`` (counted from 0), as if the turns from it were never played:
        ``start`` is the compiled model's snapshot taken then."""
        self.model.restore(start)
        del self.turns[k:]

    def played(self) -> Played:
        """The game so far, as an immutable record (copies of the model's arrays)."""
        m = self.model
        run = Run(self.world, self.setup.seed, m.alignment.copy(), m.contributions.copy(), tuple(m.log))
        return Played(self.setup, tuple(self.turns), run, m.quarter)


def play(
    s: Setup, submitted: Sequence[Sequence[Move]], injections: Sequence[Sequence[Injection]] = (), engine: str = "mesa"
) -> Played:
    """The game replayed from its log: ``submitted[k]`` are every team's moves in turn k (as many
    turns as have been played), ``injections[k]`` the teacher's events in it."""
    if len(submitted) > s.turns:
        raise ValueError(f"{len(submitted)} turns of moves for a game of {s.turns}")
    live = Live(s, engine)
    for k, moves in enumerate(submitted):
        live.turn(moves, tuple(injections[k]) if k < len(injections) else ())
    return live.played()


@dataclass(frozen=True)
class Meter:
    """An objective's gauge: its value at the end of each turn played, and whether it is met so far."""

    label: str
    pair: tuple[str, str]
    directed: bool
    values: tuple[float, ...]  # at the start (the end of the year before the first turn), then each turn's end
    above: float | None
    below: float | None
    when: str
    met: bool


def meters(p: Played, code: str) -> list[Meter]:
    """The gauges of ``code``'s objectives."""
    w, out = p.world, []
    ends = [max(w.step_of(f"{p.setup.game.first_year}Q1"), 1) - 1] + [p.year_steps(t.year)[1] for t in p.turns]
    for o in p.setup.game.roles[code].objectives:
        a, b = o.codes()
        directed = o.pair is None
        series = p.run.directed(a, b) if directed else p.run.pair(a, b)
        values = tuple(float(series[t]) for t in ends)
        passes = [(v > o.above) if o.above is not None else (v < o.below) for v in values]
        met = all(passes[1:] or passes) if o.when == "throughout" else passes[-1]
        out.append(Meter(o.label, (a, b), directed, values, o.above, o.below, o.when, bool(met)))
    return out


def score(p: Played, code: str) -> tuple[int, int]:
    """(objectives met, objectives) of ``code``: a modest score, shown beside the gauges."""
    got = meters(p, code)
    return sum(m.met for m in got), len(got)


def judged(m: Meter, played: int, over: bool) -> bool:
    """Whether an objective can be judged yet: one for every year once a year is played, one for the
    end once the game is over."""
    return over if m.when == "end" else played > 0


def standing(p: Played, code: str, over: bool) -> tuple[int, int, int]:
    """(met, judged, objectives) of ``code`` so far: an objective for the end counts only when the
    game is over, one for every year once a year has been played."""
    got = meters(p, code)
    counted = [m for m in got if judged(m, len(p.turns), over)]
    return sum(m.met for m in counted), len(counted), len(got)


def values_at(s: Setup, world: World, alignment: np.ndarray, step: int) -> dict[tuple[str, int], float]:
    """Every role's objectives in quarter ``step`` of a run's scores, by (state, objective's index)."""
    A, index, out = alignment[step], world.index, {}
    for c, role in s.game.roles.items():
        for k, o in enumerate(role.objectives):
            a, b = o.codes()
            i, j = index[a], index[b]
            out[(c, k)] = float(A[i, j]) if o.pair is None else float((A[i, j] + A[j, i]) / 2.0)
    return out


def end_step(p: Played) -> int:
    """The last quarter of the game so far: the end of the last turn played (or the year before the first)."""
    if not p.turns:
        return max(p.world.step_of(f"{p.setup.game.first_year}Q1"), 1) - 1
    return p.year_steps(p.turns[-1].year)[1]


def objective_values(p: Played) -> dict[tuple[str, int], float]:
    """Every role's objectives at the end of the game so far, by (state, objective's index): the last
    values of their gauges (:func:`meters`)."""
    return values_at(p.setup, p.world, p.run.alignment, end_step(p))


def spent(s: Setup, moves: Sequence[Move]) -> int:
    return int(np.sum([s.game.actions[m.action].cost for m in moves]))
