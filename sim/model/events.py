"""Where an event lands: the one definition both engines use.

An event of a type (:data:`sim.scenario.schema.EVENT_KINDS`) from state ``g`` to
its targets adds to the stocks ``S`` (a one-off pulse) or the standing levels ``L``
of its channel, in one direction or, for a mutual event, both. Some levels have a
bound: aid and trade are never below nothing (a cut stops there), sanctions never
above it (lifting them ends them). A standing event with ``until:`` keeps what it
changed, and at its end exactly that is undone. The Mesa model lands events with
:func:`land` and :func:`undo`; the compiled engine reads the same cells from
:func:`cells`. To add an event type, add its kind to ``EVENT_KINDS``: nothing here changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.model import dynamics as dyn
from sim.scenario.schema import EVENT_KINDS

NO_BOUND, FLOOR, CEILING = 0, 1, 2  # a level's bound at zero, by channel
BOUNDS = {
    dyn.CHANNELS.index("aid"): FLOOR,
    dyn.CHANNELS.index("trade"): FLOOR,
    dyn.CHANNELS.index("sanctions"): CEILING,
}


@dataclass(frozen=True)
class Scheduled:
    """An authored event as the model runs it: actor indices, not codes.

    An event with ``until:`` is two: the event itself, whose change is kept under ``slot``, and,
    at its end, the undoing of that change (``undo``, with the same ``slot``; its ``type`` is the
    opposite kind, for the log)."""

    type: str
    source: int
    targets: tuple[int, ...]
    magnitude: float
    label: str
    claims: tuple[str, ...]
    slot: int = -1
    undo: bool = False


@functools.lru_cache(maxsize=4096)  # a game's replays land the same few events thousands of times
def landings(kind: str, g: int, targets: tuple[int, ...]) -> tuple[tuple[bool, int, int, int], ...]:
    """Where an event of ``kind`` from actor ``g`` lands, in order: ``(on a level?, channel, a, b)``
    per cell; a mutual event lands on both directions of each pair."""
    k = EVENT_KINDS[kind]
    c = dyn.CHANNELS.index(k.channel)
    return tuple(
        (k.mode != "pulse", c, a, b) for r in targets for a, b in (((g, r), (r, g)) if k.mutual else ((g, r),))
    )


def bounded(x, bound: int):
    """A level within its bound at zero."""
    if bound == FLOOR:
        return np.maximum(x, 0.0)
    if bound == CEILING:
        return np.minimum(x, 0.0)
    return x


def _put(S: np.ndarray, L: np.ndarray, kind: str, g: int, targets, deltas) -> list:
    """Add one delta per cell, in :func:`landings`' order; what each cell really changed by."""
    applied = []
    for (level, c, a, b), delta in zip(landings(kind, g, targets), deltas):
        table = L if level else S
        before = np.array(table[..., c, a, b], dtype=float)
        table[..., c, a, b] = bounded(before + delta, BOUNDS.get(c, NO_BOUND))
        applied.append(table[..., c, a, b] - before)
    return applied


def land(S: np.ndarray, L: np.ndarray, kind: str, g: int, targets, magnitude) -> list:
    """Put an event of ``kind`` from actor ``g`` on the stocks (pulses) or levels, in place, and
    return what each cell changed by (a cut stops at zero).

    Pulses land on ``S`` alone, not on the standing stocks: those follow ``L`` only.
    Works on any leading batch axes; ``magnitude`` is a number or one per replication.
    """
    delta = EVENT_KINDS[kind].sign * magnitude
    return _put(S, L, kind, g, targets, [delta] * len(landings(kind, g, targets)))


def undo(S: np.ndarray, L: np.ndarray, kind: str, g: int, targets, applied: list) -> list:
    """Take back what an event of ``kind`` changed (``applied``, as :func:`land` returned it)."""
    return _put(S, L, kind, g, targets, [-x for x in applied])


def cells(schedule: tuple[tuple[Scheduled, ...], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A schedule as flat cells for the compiled engine: quarter ``t``'s are rows ``start[t]:start[t + 1]``
    of ``table`` and ``delta``, in :func:`land`'s order. A row of ``table`` is (on a level?, channel,
    a, b, bound, slot, undo?): ``slot`` (or -1) is where the cell keeps what it changed, for the
    row that undoes it (``undo?`` 1) to take back."""
    table, delta, start = [], [], [0] * (len(schedule) + 1)
    first: dict[int, int] = {}  # an event's slot -> its first cell's slot
    kept = 0  # cells kept so far
    for t, events in enumerate(schedule):
        for e in events:
            if e.slot >= 0 and not e.undo:
                first[e.slot] = kept
                kept += len(landings(e.type, e.source, e.targets))
            for k, (level, c, a, b) in enumerate(landings(e.type, e.source, e.targets)):
                slot = first[e.slot] + k if e.slot >= 0 else -1
                table.append((int(level), c, a, b, BOUNDS.get(c, NO_BOUND), slot, int(e.undo)))
                delta.append(0.0 if e.undo else EVENT_KINDS[e.type].sign * e.magnitude)
        start[t + 1] = len(table)
    return (
        np.array(start, dtype=np.int64),
        np.array(table, dtype=np.int64).reshape(-1, 7),
        np.array(delta, dtype=float),
    )
