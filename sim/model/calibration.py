"""Calibration targets: facts from the sources the baseline must reproduce, checked over many seeds.

A pair's score "X-Y" is the mean of X->Y and Y->X. Each target is a predicate on
one run (a :class:`~sim.model.run.Run`) (or on a what-if run against the baseline run with the same seed); the
share of seeds where it holds is what the tests and the closing table report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.model.mesa_model import run
from sim.model.world import compile
from sim.scenario import shipped
from sim.scenario.loader import load


@dataclass(frozen=True)
class Target:
    name: str
    claims: tuple[str, ...]
    holds: Callable[..., bool]
    whatif: str | None = None  # scenario file compared with the baseline, same seed


TARGETS: tuple[Target, ...] = (
    Target("PAK->RUS <= 0 in 2010Q1", ("ne.sworn-enemies",), lambda b: b.at(b.directed("PAK", "RUS"), "2010Q1") <= 0),
    Target("RUS->PAK <= 0 in 2010Q1", ("nf.war-1971",), lambda b: b.at(b.directed("RUS", "PAK"), "2010Q1") <= 0),
    Target(
        "PAK->RUS > 0.15 in 2018Q4",
        ("po.partnership-offer-2018", "an.no-disputes"),
        lambda b: b.at(b.directed("PAK", "RUS"), "2018Q4") > 0.15,
    ),
    Target(
        "RUS->PAK > 0.15 in 2018Q4",
        ("yk.putin-reliable-partner", "ne.fatf-russia"),
        lambda b: b.at(b.directed("RUS", "PAK"), "2018Q4") > 0.15,
    ),
    Target(
        "PAK-USA lower by > 0.1 in 2018Q4 than in 2011Q1",
        ("po.perpetual-nose-dive", "ne.tighten-noose"),
        lambda b: b.at(b.pair("PAK", "USA"), "2011Q1") - b.at(b.pair("PAK", "USA"), "2018Q4") > 0.1,
    ),
    Target(
        "RUS-IND > 0 in every quarter",
        ("po.russia-untangle-india", "yk.india-diversified"),
        lambda b: bool(np.all(b.pair("RUS", "IND") > 0)),
    ),
    Target(
        "RUS-IND lower in 2018Q4 than in 2010Q1",
        ("ne.india-drifting",),
        lambda b: b.at(b.pair("RUS", "IND"), "2018Q4") < b.at(b.pair("RUS", "IND"), "2010Q1"),
    ),
    Target(
        "IND-USA higher in 2018Q4 than in 2010Q1",
        ("ne.india-drifting", "ne.india-buys-us-hardware"),
        lambda b: b.at(b.pair("IND", "USA"), "2018Q4") > b.at(b.pair("IND", "USA"), "2010Q1"),
    ),
    Target(
        "PAK-CHN > 0.4 in every quarter",
        ("po.china-heavy-lifting", "yk.sino-pak-entente"),
        lambda b: bool(np.all(b.pair("PAK", "CHN") > 0.4)),
    ),
    Target(
        "us_ties_mended: PAK->RUS lower by 2025",
        ("nf.romance-frays-mends",),
        lambda b, w: w.at(w.directed("PAK", "RUS"), "2025Q1") < b.at(b.directed("PAK", "RUS"), "2025Q1"),
        whatif="us_ties_mended.yaml",
    ),
    Target(
        "india_foots_the_bill: RUS->PAK lower in 2025",
        ("yk.foot-the-bill",),
        lambda b, w: w.at(w.directed("RUS", "PAK"), "2025Q1") < b.at(b.directed("RUS", "PAK"), "2025Q1"),
        whatif="india_foots_the_bill.yaml",
    ),
    Target(
        "daesh_threat_fades: RUS-PAK lower after the threat is gone",
        ("nf.shared-animosities",),
        lambda b, w: w.at(w.pair("RUS", "PAK"), "2025Q1") < b.at(b.pair("RUS", "PAK"), "2025Q1"),
        whatif="daesh_threat_fades.yaml",
    ),
)


def shares(seeds: range | list[int], targets: tuple[Target, ...] = TARGETS, progress=None) -> dict[str, float]:
    """The share of seeds on which each target holds."""
    base = compile(load(shipped.scenarios() / "baseline.yaml"))
    whatifs = {t.whatif: compile(load(shipped.scenarios() / t.whatif)) for t in targets if t.whatif}
    held = {t.name: 0 for t in targets}
    for seed in seeds:
        b = run(base, seed)
        runs = {name: run(world, seed) for name, world in whatifs.items()}
        for t in targets:
            held[t.name] += bool(t.holds(b, runs[t.whatif]) if t.whatif else t.holds(b))
        if progress:
            progress()
    return {name: count / len(seeds) for name, count in held.items()}
