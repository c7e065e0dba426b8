"""The record of one run: its scores, each driver's share of every move, and its event log.

A :class:`Run` is what :func:`sim.run` (the Mesa model) returns: small, immutable,
and independent of the agents that made it. It reads by actor code and date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.measures import pair_mean
from sim.model.world import World


@dataclass(frozen=True)
class LoggedEvent:
    step: int
    date: str
    type: str
    source: str
    target: str
    magnitude: float
    origin: str  # "scenario", the code of the state that decided it, "team XXX" or "teacher" (the game)
    reason: str
    claims: tuple[str, ...] = field(default=())

    @property
    def claims_are(self) -> str:
        """What its claims are, said before they are quoted: a dated event's claims report the event
        itself (""); a state's rule and a game team's move cite the sources they are drawn from,
        which may speak of other states (the arms rule's are about Russia and Pakistan, whoever sells)."""
        if self.origin.startswith("team "):
            return "the move rests on"
        if self.origin not in ("scenario", "teacher"):
            return "the rule rests on"
        return ""


@dataclass(frozen=True, eq=False)
class Run:
    """One seeded run of a world."""

    world: World
    seed: int
    alignment: np.ndarray  # (T, n, n): how i regards j in each quarter
    contributions: np.ndarray  # (T, drivers, n, n): each driver's share of the move into quarter t
    log: tuple[LoggedEvent, ...]  # authored events and the states' own decisions, in order

    @property
    def codes(self) -> tuple[str, ...]:
        return self.world.codes

    @property
    def n_steps(self) -> int:
        return self.world.n_steps

    def date_label(self, step: int) -> str:
        return self.world.date_label(step)

    def step(self, date: str) -> int:
        return self.world.step_of(date)

    def directed(self, a: str, b: str) -> np.ndarray:
        """How ``a`` regards ``b`` in each quarter, ``(T,)``."""
        return self.alignment[:, self.world.index[a], self.world.index[b]]

    def pair(self, a: str, b: str) -> np.ndarray:
        """The pair's score in each quarter: the mean of both directions, ``(T,)``."""
        return pair_mean(self.alignment, self.world.index[a], self.world.index[b])

    def at(self, series: np.ndarray, date: str) -> float:
        return float(series[self.step(date)])
