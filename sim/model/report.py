"""What a run produced, as tables: the tidy history, the final scores, comparisons and explanations.

No printing here; :mod:`sim.cli` decides what to show. Files are written whole or
not at all (:func:`sim.files.atomic`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from sim.files import atomic
from sim.model import dynamics as dyn
from sim.model.run import Run
from sim.model.tidy import tidy_columns
from sim.scenario import ledger

FORMATS = (".csv", ".parquet", ".json")


def tidy(run: Run) -> pd.DataFrame:
    """One row per (date, source, target): the score and each driver's contribution to its change."""
    return pd.DataFrame(tidy_columns(run.codes, run.world.start, run.alignment[None], run.contributions[None]))


def events_table(run: Run) -> pd.DataFrame:
    return pd.DataFrame([asdict(e) for e in run.log])


def write(run: Run, path: Path) -> None:
    """Write the tidy history to ``path``; the suffix picks the format."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"unknown output format '{suffix}' (expected one of {', '.join(FORMATS)})")
    table = tidy(run)
    with atomic(path) as tmp:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, float_format="%.17g")
        elif suffix == ".parquet":
            table.to_parquet(tmp, index=False)
        else:
            payload = {
                "scenario": run.world.name,
                "seed": run.seed,
                "actors": run.world.names,
                "assumptions": dict(run.world.values),
                "rows": table.to_dict(orient="records"),
                "events": events_table(run).to_dict(orient="records"),
            }
            tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")


def final_scores(run: Run) -> pd.DataFrame:
    """How each state (row) regards each other state (column) at the end, by name."""
    names = [run.world.names[c] for c in run.codes]
    final = run.alignment[-1].copy()
    np.fill_diagonal(final, np.nan)
    return pd.DataFrame(final, index=names, columns=names)


def _gap_row(world, a: str, b: str, gap: np.ndarray, over: np.ndarray, base_end: float, whatif_end: float) -> dict:
    widest = int(np.argmax(np.abs(gap)))
    return {
        "pair": f"{a}-{b}",
        "names": f"{world.names[a]} - {world.names[b]}",
        "diverges_from": world.date_label(int(over[0])) if over.size else "-",
        "widest_gap": float(gap[widest]),
        "widest_at": world.date_label(widest),
        "end_gap": float(gap[-1]),
        "base_end": base_end,
        "whatif_end": whatif_end,
    }


def _widest_first(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    return table.reindex(table["widest_gap"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def compare(base: Run, whatif: Run, threshold: float = 0.05) -> pd.DataFrame:
    """Per pair: when the what-if first departs from the baseline by ``threshold``, the widest gap, the end gap."""
    rows = []
    codes = [c for c in base.codes if c in whatif.world.index]
    for x, a in enumerate(codes):
        for b in codes[x + 1 :]:
            gap = whatif.pair(a, b) - base.pair(a, b)
            over = np.flatnonzero(np.abs(gap) >= threshold)
            rows.append(_gap_row(base.world, a, b, gap, over, float(base.pair(a, b)[-1]), float(whatif.pair(a, b)[-1])))
    return _widest_first(rows)


def compare_many(base, whatif, threshold: float = 0.05, agree: float = 0.9) -> pd.DataFrame:
    """:func:`compare` over many seeds (two :class:`~sim.engine.ensemble.Ensemble` of the same seeds):
    the median gap per pair, and the quarter from which it reaches ``threshold`` with at least
    ``agree`` of the seeds on its side, so that noise does not read as an effect."""
    rows = []
    codes = [c for c in base.world.codes if c in whatif.world.index]
    for x, a in enumerate(codes):
        for b in codes[x + 1 :]:
            gaps = whatif.pair(a, b) - base.pair(a, b)  # (seeds, T)
            median = np.median(gaps, axis=0)
            side = np.mean(np.sign(gaps) == np.sign(median), axis=0)
            over = np.flatnonzero((np.abs(median) >= threshold) & (side >= agree))
            ends = (float(np.median(base.pair(a, b)[:, -1])), float(np.median(whatif.pair(a, b)[:, -1])))
            rows.append({**_gap_row(base.world, a, b, median, over, *ends), "agree_end": float(side[-1])})
    return _widest_first(rows)


def explain(run: Run, a: str, b: str, start: int, end: int) -> dict:
    """Why a->b and b->a moved between steps ``start`` and ``end``: drivers, events and their claims."""
    i, j = run.world.index[a], run.world.index[b]
    window = slice(start + 1, end + 1)
    drivers = {}
    for direction, (x, y) in ((f"{a}->{b}", (i, j)), (f"{b}->{a}", (j, i))):
        sums = run.contributions[window, :, x, y].sum(axis=0)
        drivers[direction] = {
            "from": float(run.alignment[start, x, y]),
            "to": float(run.alignment[end, x, y]),
            "drivers": dict(zip(dyn.DRIVERS, map(float, sums))),
        }
    touching = [e for e in run.log if start < e.step <= end and {e.source, e.target} & {a, b}]
    direct = [e for e in touching if {e.source, e.target} == {a, b}]
    others = [e for e in touching if {e.source, e.target} != {a, b}]
    catalogue = ledger.assumptions()
    basis = {d: {name: catalogue[name].claims for name in names} for d, names in dyn.DRIVER_ASSUMPTIONS.items()}
    return {"directions": drivers, "events": direct, "related_events": others, "basis": basis}
