"""Where an event lands: the one definition both engines use.

An event of a type (:data:`sim.scenario.schema.EVENT_KINDS`) from state ``g`` to
its targets adds to the stocks ``S`` (a one-off pulse) or the standing levels ``L``
of its channel, in one direction or, for a mutual event, both. The Mesa model lands
events with :func:`land`; the compiled engine reads the same cells from
:func:`cells`. To add an event type, add its kind to ``EVENT_KINDS``: nothing here changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import dynamics as dyn
from sim.scenario.schema import EVENT_KINDS

AID = dyn.CHANNELS.index("aid")


@dataclass(frozen=True)
class Scheduled:
    """An authored event as the model runs it: actor indices, not codes."""

    type: str
    source: int
    targets: tuple[int, ...]
    magnitude: float
    label: str
    claims: tuple[str, ...]


def landings(kind: str, g: int, targets) -> list[tuple[bool, int, int, int]]:
    """Where an event of ``kind`` from actor ``g`` lands, in order: ``(on a level?, channel, a, b)``
    per cell; a mutual event lands on both directions of each pair."""
    k = EVENT_KINDS[kind]
    c = dyn.CHANNELS.index(k.channel)
    return [(k.mode != "pulse", c, a, b) for r in targets for a, b in (((g, r), (r, g)) if k.mutual else ((g, r),))]


def land(S: np.ndarray, L: np.ndarray, kind: str, g: int, targets, magnitude) -> None:
    """Put an event of ``kind`` from actor ``g`` on the stocks (pulses) or levels, in place.

    Pulses land on ``S`` alone, not on the standing stocks: those follow ``L`` only.
    Works on any leading batch axes; ``magnitude`` is a number or one per replication.
    """
    sign = EVENT_KINDS[kind].sign
    for level, c, a, b in landings(kind, g, targets):
        table = L if level else S
        table[..., c, a, b] += sign * magnitude
        if c == AID:
            table[..., c, a, b] = np.maximum(table[..., c, a, b], 0.0)  # aid cannot be cut below nothing


def cells(schedule: tuple[tuple[Scheduled, ...], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A schedule as flat cells for the compiled engine: quarter ``t``'s are rows ``start[t]:start[t + 1]``
    of ``table`` (on a level?, channel, a, b, clamp at zero?) and ``delta``, in :func:`land`'s order."""
    table, delta, start = [], [], [0] * (len(schedule) + 1)
    for t, events in enumerate(schedule):
        for e in events:
            for level, c, a, b in landings(e.type, e.source, e.targets):
                table.append((int(level), c, a, b, int(c == AID)))
                delta.append(EVENT_KINDS[e.type].sign * e.magnitude)
        start[t + 1] = len(table)
    return (
        np.array(start, dtype=np.int64),
        np.array(table, dtype=np.int64).reshape(-1, 5),
        np.array(delta, dtype=float),
    )
