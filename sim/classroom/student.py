"""The student page's reading of a what-if: levers in plain words, a prediction, a verdict.

A lever (``seeds/levers.yaml``) scales the scenario's values of its assumptions by a factor
in plain words, the same on both sides, so the what-if is always read against its base
under the student's assumptions. The verdict is one sentence with a size word, measured
against seed noise over the replications (the same seeds on both sides):

- "about the same": the median gap is under ``SAME`` (0.02, a hundredth of the -1..+1 scale);
- "too small to tell from chance": fewer than ``AGREE`` (90 %) of the seeds put it on one side;
- otherwise by its size: "a small change" from 0.02, "a clear change" from 0.05, "a large
  change" from 0.15 (about the year-to-year spread of the thaw's own pairs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.classroom.tables import Side
from sim.model.dynamics import DRIVERS
from sim.model.measures import pair_mean
from sim.scenario import ledger

# A lever's settings, in the words the page shows, and the factor each puts on its assumptions.
SCALE: dict[str, float] = {
    "none": 0.0,
    "half as much": 0.5,
    "as the sources suggest": 1.0,
    "half as much again": 1.5,
    "twice as much": 2.0,
}
AS_SOURCES = "as the sources suggest"
SAME = 0.02
AGREE = 0.9
SIZES = ((0.15, "a large change"), (0.05, "a clear change"), (SAME, "a small change"))
DIRECTIONS = ("higher", "lower", "about the same")
SAID = {
    "higher": "closer (a higher score)",
    "lower": "further apart (a lower score)",
    "about the same": "about the same",
}
NEGLIGIBLE = 0.005  # a driver share too small to name in a sentence

# What each driver is, for a student.
DRIVER_WORDS: dict[str, str] = {
    "inertia": "the pull of history",
    "memory": "what they remember of each other (years of visits and exercises, clashes, sanctions)",
    "benefits": "what they give each other (arms, aid, trade, exercises, diplomacy)",
    "threat": "a threat they both feel",
    "pressure": "pressure from their partners",
    "displeasure": "resentment of a partner who backs a rival",
    "balance": "friends of friends and enemies of enemies",
    "hedging": "hedging when a patron's ties fray",
    "noise": "chance",
}


def overrides(choices: Mapping[str, str], values: Mapping[str, float]) -> dict[str, float]:
    """The assumption values the levers set: each lever's factor times the scenario's value
    (``values``), kept within the assumption's range. A lever left as the sources suggest sets nothing."""
    catalogue, out = ledger.assumptions(), {}
    for name, setting in choices.items():
        factor = SCALE[setting]
        if factor == 1.0:
            continue
        for a in ledger.levers()[name].assumptions:
            out[a] = float(np.clip(values[a] * factor, catalogue[a].low, catalogue[a].high))
    return out


@dataclass(frozen=True)
class Verdict:
    """How a pair's score in the what-if compares with its base at one quarter."""

    pair: tuple[str, str]
    at: str
    gap: float  # median over the seeds of what-if minus base
    agree: float  # share of the seeds on the median's side (1.0 for a single run)
    runs: int
    base: float
    whatif: float
    word: str
    direction: str  # one of DIRECTIONS
    sentence: str


def size_word(gap: float, agree: float) -> tuple[str, str]:
    """(size word, direction) of a gap, by the thresholds above."""
    if abs(gap) < SAME:
        return "about the same", "about the same"
    if agree < AGREE:
        return "too small to tell from chance", "about the same"
    word = next(w for limit, w in SIZES if abs(gap) >= limit)
    return word, "higher" if gap > 0 else "lower"


def verdict(base: Side, whatif: Side, pair: tuple[str, str], at: str) -> Verdict:
    """The pair's what-if against its base at quarter ``at``, in one sentence with a size word."""
    a, b = pair
    world = whatif.world
    step = min(max(world.step_of(at), 0), world.n_steps - 1)
    many = base.replicas is not None and whatif.replicas is not None
    pick = (lambda side: side.replicas) if many else (lambda side: side.seeded)
    then = {
        k: pair_mean(pick(side).alignment[:, step], side.world.index[a], side.world.index[b])
        for k, side in (("base", base), ("whatif", whatif))
    }
    gaps = then["whatif"] - then["base"]
    gap = float(np.median(gaps))
    agree = float(np.mean(np.sign(gaps) == np.sign(gap))) if gap else 1.0
    word, direction = size_word(gap, agree)
    names = f"{world.names[a]}-{world.names[b]}"
    when = world.date_label(step)
    if direction == "about the same":
        how = f"{names} is about the same in {when} as without the change ({gap:+.2f})"
    else:
        how = f"{names} is {abs(gap):.2f} {direction} in {when} than without the change"
    seeds = f"{int(round(agree * gaps.size))} of {gaps.size} runs agree" if many else "one run; no noise measured"
    sentence = f"{how}: {word} ({seeds})."
    return Verdict(
        pair,
        when,
        gap,
        agree,
        int(gaps.size),
        float(np.median(then["base"])),
        float(np.median(then["whatif"])),
        word,
        direction,
        sentence,
    )


def gap_drivers(base: Side, whatif: Side, pair: tuple[str, str], start: int, end: int) -> dict[str, float]:
    """How much each driver added to the pair's gap between steps ``start`` and ``end``: the
    what-if's contributions minus the base's (same seed), the mean of both directions."""
    a, b = pair

    def summed(side: Side) -> np.ndarray:
        i, j = side.world.index[a], side.world.index[b]
        part = side.contributions[start + 1 : end + 1]
        return (part[:, :, i, j] + part[:, :, j, i]).sum(axis=0) / 2.0

    gaps = summed(whatif) - summed(base)
    return dict(sorted(zip(DRIVERS, gaps.tolist()), key=lambda dv: -abs(dv[1])))


def in_words(drivers: Mapping[str, float], leading: int = 2) -> str:
    """The drivers of a gap as a clause: what carried it, and what worked against it."""
    total = sum(drivers.values())
    sign = 1.0 if total >= 0 else -1.0
    carried = [(d, v) for d, v in drivers.items() if v * sign > NEGLIGIBLE][:leading]
    against = [(d, v) for d, v in drivers.items() if v * sign < -NEGLIGIBLE][:leading]
    named = lambda items: " and ".join(f"{DRIVER_WORDS[d]} ({v:+.2f})" for d, v in items)
    if not carried:
        return f"no driver moved it by more than {NEGLIGIBLE}"
    text = f"it came mostly through {named(carried)}"
    return text + (f", against {named(against)}" if against else "")


def outcome(predicted: str, v: Verdict, drivers: Mapping[str, float]) -> tuple[bool, str]:
    """Whether a prediction ("higher", "lower", "about the same") held, and why, in words."""
    held = predicted == v.direction
    said = f"You predicted {predicted}; the model says {v.direction} ({v.gap:+.2f}, {v.word})"
    return held, f"{said}. {'Your prediction held' if held else 'Your prediction did not hold'}: {in_words(drivers)}."
