"""Does the model say what the sources say? The tables of the app's check against the sources.

The claims scorecard (:mod:`sim.model.scorecard`) and the expectations panel as tables, beside the baseline's path over
the years the sources cover (2010-2019), its dated events and the flows of arms and aid as
they were entered from SIPRI and CRS (the ties and events of the baseline, before the
states' own decisions add to them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import dynamics as dyn
from sim.model import events, scorecard
from sim.model.world import World
from sim.scenario import dates

PAIRS = (("PAK", "RUS"), ("PAK", "USA"), ("RUS", "IND"), ("IND", "USA"), ("PAK", "CHN"))
SPAN = ("2010Q1", "2019Q4")
FLOWS = ("arms", "aid")


def scorecard_table(rows: list[scorecard.Row]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "claim": r.check.claim,
                "the source says": r.quote,
                "so the model should show": r.check.says,
                "checked as": r.check.describe(),
                "holds in": f"{r.share:.0%} of seeds",
                "verdict": r.verdict,
                "why the model departs": r.check.departs if r.share < scorecard.HOLDS and r.check.departs else "",
            }
            for r in rows
        ]
    )


def expectations_table(rows) -> pd.DataFrame:
    """The expectations panel (:mod:`sim.engine.expectations`): each case, its measured gap, its share of seeds."""
    return pd.DataFrame(
        [
            {
                "case": r.case.id,
                "IR teaching expects": r.case.says,
                "kind": r.case.kind,
                "checked as": r.case.describe(),
                "measured (median)": f"{r.gap:+.2f} at {r.when}",
                "holds in": f"{r.share:.0%} of seeds",
                "rests on": ", ".join(r.case.claims) or "the public record",
                "the record": r.case.record or "",
            }
            for r in rows
        ]
    )


def path(world: World, alignment: np.ndarray) -> pd.DataFrame:
    """The baseline's pairs over the sources' years: median and 10-90 % over the runs ``(R, T, n, n)``."""
    lo, hi = world.step_of(SPAN[0]), world.step_of(SPAN[1])
    rows = []
    for a, b in PAIRS:
        i, j = world.index[a], world.index[b]
        low, mid, high = np.percentile((alignment[:, :, i, j] + alignment[:, :, j, i]) / 2, [10, 50, 90], axis=0)
        for t in range(lo, hi + 1):
            rows.append(
                {
                    "year": dates.decimal_year(world.start + t),
                    "quarter": world.date_label(t),
                    "pair": f"{world.names[a]} - {world.names[b]}",
                    "score": mid[t],
                    "low": low[t],
                    "high": high[t],
                }
            )
    return pd.DataFrame(rows)


def authored_flows(world: World) -> pd.DataFrame:
    """Arms and aid as the scenario enters them (US$bn a year): its ties and dated events, relaxed
    quarter by quarter as in the model, without the states' own decisions."""
    S, L = np.array(world.S0), np.array(world.L0)
    rate = np.asarray(world.coef.relax_rate)[:, None, None]
    lo, hi = world.step_of(SPAN[0]), world.step_of(SPAN[1])
    channels = [dyn.CHANNELS.index(c) for c in FLOWS]
    stocks = []
    for t in range(hi + 1):
        for e in world.schedule[t] if t else ():
            events.land(S, L, e.type, e.source, e.targets, e.magnitude)
        stocks.append(S[channels].copy())
        S = S + rate * (L - S)
    stocks = np.array(stocks)  # (T, channels, n, n)
    rows = []
    for k, channel in enumerate(FLOWS):
        for g, r in zip(*np.nonzero(np.abs(stocks[:, k]).max(axis=0) > 0.01)):
            for t in range(lo, hi + 1):
                rows.append(
                    {
                        "year": dates.decimal_year(world.start + t),
                        "quarter": world.date_label(t),
                        "flow": f"{channel}: {world.codes[g]} -> {world.codes[r]}",
                        "US$bn a year": stocks[t, k, g, r],
                    }
                )
    return pd.DataFrame(rows)
