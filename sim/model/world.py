"""A scenario compiled into a world: everything the engines need, as plain immutable arrays.

:func:`compile` is the one step from a validated :class:`~sim.scenario.schema.Scenario`
(and any assumption overrides) to a :class:`World`: actor codes and names, the 2010
anchor, the stocks and standing levels of every channel, the coefficients, the
states' doctrines and the schedule of authored events by quarter. The Mesa model
(:mod:`sim.model.mesa_model`) and the compiled engine (:mod:`sim.engine`) each take
a World and read nothing else; neither reads the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.model import dynamics as dyn
from sim.model.events import Scheduled
from sim.scenario import dates, ledger
from sim.scenario.loader import Loaded
from sim.scenario.schema import EVENT_KINDS, Scenario


class FrozenMap(dict):
    """A dict that refuses changes (a World's assumption values); it pickles, for Dask workers."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("a World's values cannot change: compile another World with overrides")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __reduce__(self):
        return FrozenMap, (dict(self),)


def assumption_values(scenario: Scenario, overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Catalogue defaults, then the scenario's settings, then the caller's overrides."""
    values = {name: a.default for name, a in ledger.assumptions().items()}
    for name, setting in scenario.assumptions.items():
        values[name] = float(setting if isinstance(setting, float | int) else setting.value)
    values.update(overrides or {})
    return values


def coefficients(values, hedging: np.ndarray, enduring: np.ndarray) -> dyn.Coefficients:
    """The dynamics' coefficients from assumption values: numbers, or one per run ``(R,)``."""

    def stacked(names):
        return np.stack(np.broadcast_arrays(*(np.asarray(values[n], dtype=float) for n in names)), axis=-1)

    return dyn.Coefficients(
        **{name: values[name] for name in dyn.Coefficients._fields if name in values},  # the gains, by name
        channel_weight=stacked([f"weight_{c}" for c in dyn.BENEFIT_CHANNELS]),
        relax_rate=np.stack(
            np.broadcast_arrays(
                *(np.asarray(0.0 if c in dyn.LEVEL_ONLY else values[f"relax_{c}"], dtype=float) for c in dyn.CHANNELS)
            ),
            axis=-1,
        ),
        hedging=hedging,
        enduring=enduring,
    )


def _frozen(x, dtype=float) -> np.ndarray:
    x = np.array(x, dtype=dtype)
    x.flags.writeable = False
    return x


@dataclass(frozen=True, eq=False)
class World:
    """A compiled scenario. Arrays are read-only; ``values`` refuses changes."""

    name: str
    description: str
    seed: int  # the scenario's own seed, used when a run names none
    codes: tuple[str, ...]
    names: dict[str, str]  # code -> name shown to readers
    actor_claims: dict[str, tuple[str, ...]]
    start: int  # the first quarter, as a quarter ordinal (sim.scenario.dates)
    n_steps: int  # quarters in the horizon, the first included
    rank: np.ndarray  # each actor's place in alphabetical order: the order of every draw
    A0: np.ndarray  # (n, n) alignment at the start: where memory starts, and what frayed ties fell from
    S0: np.ndarray  # (channels, n, n) stocks at the start
    L0: np.ndarray  # (channels, n, n) standing levels at the start
    values: FrozenMap  # every assumption's value
    coef: dyn.Coefficients
    memory: dyn.Memory  # what the states are used to at the start (memory then drifts in a run)
    enduring: np.ndarray  # (n, n): +1 an enduring partnership, -1 an enduring rivalry, 0 neither
    export: np.ndarray  # (n,) each state's arms_export doctrine
    conditionality: np.ndarray  # (n,) aid_conditionality doctrine
    schedule: tuple[tuple[Scheduled, ...], ...]  # authored events landing in each quarter

    @cached_property
    def index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    @property
    def hedging(self) -> np.ndarray:
        return self.coef.hedging

    def date_label(self, step: int) -> str:
        return dates.label(self.start + step)

    def step_of(self, date: str) -> int:
        """The step of a date such as ``2014Q2`` (not clipped to the horizon)."""
        return dates.ordinal(date) - self.start


def _schedule(s: Scenario, index: dict[str, int], start: int, n_steps: int) -> list[list[Scheduled]]:
    """The authored events by the quarter they land in; an event with ``until:`` also where it ends
    (if that is within the horizon), undoing what it changed."""
    schedule: list[list[Scheduled]] = [[] for _ in range(n_steps)]
    dropped = set(s.drop_events)
    slots = 0
    for e in s.events:
        if e.id is not None and e.id in dropped:
            continue
        when = max(dates.ordinal(e.date) - start, 1)  # events of the first quarter act from the second
        if when >= n_steps:
            continue
        label = e.label or EVENT_KINDS[e.type].meaning
        source, targets = index[e.from_], tuple(index[t] for t in e.targets())
        ends = dates.ordinal(e.until) - start if e.until is not None else n_steps
        slot = slots if ends < n_steps else -1
        slots += slot >= 0
        schedule[when].append(Scheduled(e.type, source, targets, e.magnitude, label, tuple(e.claims), slot))
        if slot >= 0:
            opposite = EVENT_KINDS[e.type].opposite
            ended = f"{label} ends ({e.until})"
            schedule[ends].append(Scheduled(opposite, source, targets, e.magnitude, ended, tuple(e.claims), slot, True))
    return schedule


def compile(scenario: Scenario | Loaded, overrides: dict[str, float] | None = None) -> World:  # noqa: A001
    """The world a scenario describes, with ``overrides`` of its assumptions (checked by the caller)."""
    s = scenario.scenario if isinstance(scenario, Loaded) else scenario
    codes = tuple(s.actors)
    index = {code: i for i, code in enumerate(codes)}
    n = len(codes)
    start = dates.ordinal(s.horizon.start)
    n_steps = dates.ordinal(s.horizon.end) - start + 1

    A0 = np.zeros((n, n))
    for entry in s.initial:
        for a, b in entry.pairs():
            A0[index[a], index[b]] = entry.value
    L0 = np.zeros((len(dyn.CHANNELS), n, n))
    S0 = np.zeros_like(L0)
    for tie in s.ties:
        c, g, r = dyn.CHANNELS.index(tie.channel), index[tie.from_], index[tie.to]
        L0[c, g, r] = tie.level
        S0[c, g, r] = tie.level if tie.start is None else tie.start

    enduring = np.zeros((n, n))
    for sign, ties in ((-1.0, s.rivalries), (+1.0, s.partnerships)):
        for tie in ties:
            a, b = (index[code] for code in tie.between)
            enduring[a, b] = enduring[b, a] = sign

    values = assumption_values(s, overrides)
    doctrine = lambda field: np.array([getattr(a.doctrine, field) for a in s.actors.values()], dtype=float)
    coef = coefficients(values, _frozen(doctrine("hedging")), _frozen(enduring))
    memory = dyn.Memory(*(_frozen(x) for x in dyn.remember(A0, S0, L0, coef)))
    schedule = _schedule(s, index, start, n_steps)
    order = sorted(codes)
    return World(
        name=s.name,
        description=s.description,
        seed=s.seed,
        codes=codes,
        names={code: a.name for code, a in s.actors.items()},
        actor_claims={code: tuple(a.claims) for code, a in s.actors.items()},
        start=start,
        n_steps=n_steps,
        rank=_frozen([order.index(code) for code in codes], np.int64),
        A0=_frozen(A0),
        S0=_frozen(S0),
        L0=_frozen(L0),
        values=FrozenMap(values),
        coef=coef,
        memory=memory,
        enduring=coef.enduring,
        export=_frozen(doctrine("arms_export")),
        conditionality=_frozen(doctrine("aid_conditionality")),
        schedule=tuple(tuple(events) for events in schedule),
    )
