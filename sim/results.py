"""What a run produced, as tables: the tidy history, the final scores, comparisons and explanations.

No printing here; :mod:`sim.cli` decides what to show. Files are written to a
temporary name and renamed, so a failed write leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from sim import dynamics as dyn, ledger, quarters
from sim.model import DRIVER_ASSUMPTIONS, AlignmentModel

FORMATS = (".csv", ".parquet", ".json")


def tidy(model: AlignmentModel) -> pd.DataFrame:
    """One row per (date, source, target): the score and each driver's contribution to its change."""
    return tidy_arrays(model.codes, model.start, model.alignment[None], model.contributions[None])


def tidy_arrays(codes: list[str], start: int, alignment: np.ndarray, contributions: np.ndarray,
                runs: np.ndarray | None = None, pairs: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """:func:`tidy` for a stack of runs: ``alignment (R, T, n, n)``, ``contributions (R, T, D, n, n)``.

    With ``runs`` (one id per run) the table starts with a ``run`` column; with ``pairs``
    it keeps only those pairs, both directions.
    """
    R, T, n = alignment.shape[0], alignment.shape[1], len(codes)
    run, steps, src, tgt = np.meshgrid(np.arange(R), np.arange(T), np.arange(n), np.arange(n), indexing="ij")
    wanted = ~np.eye(n, dtype=bool)
    if pairs is not None:
        wanted = np.zeros((n, n), dtype=bool)
        for a, b in pairs:
            wanted[codes.index(a), codes.index(b)] = wanted[codes.index(b), codes.index(a)] = True
    keep = wanted[src, tgt].ravel()
    names = np.array(codes)
    frame = {} if runs is None else {"run": np.asarray(runs)[run.ravel()[keep]]}
    frame |= {
        "date": np.array([quarters.iso_start(start + t) for t in range(T)])[steps.ravel()[keep]],
        "step": steps.ravel()[keep],
        "source": names[src.ravel()[keep]],
        "target": names[tgt.ravel()[keep]],
        "alignment": alignment.reshape(-1)[keep],
    }
    for k, driver in enumerate(dyn.DRIVERS):
        frame[f"d_{driver}"] = contributions[:, :, k].reshape(-1)[keep]
    return pd.DataFrame(frame)


def events_table(model: AlignmentModel) -> pd.DataFrame:
    return pd.DataFrame([asdict(e) for e in model.log])


def write(model: AlignmentModel, path: Path) -> None:
    """Write the tidy history to ``path``; the suffix picks the format."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"unknown output format '{suffix}' (expected one of {', '.join(FORMATS)})")
    table = tidy(model)
    with atomic(path) as tmp:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, float_format="%.17g")
        elif suffix == ".parquet":
            table.to_parquet(tmp, index=False)
        else:
            payload = {"scenario": model.spec.name, "seed": model.seed, "actors": model.names,
                       "assumptions": model.values, "rows": table.to_dict(orient="records"),
                       "events": events_table(model).to_dict(orient="records")}
            tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")


@contextmanager
def atomic(path: Path):
    """A temporary file beside ``path``, renamed into place only if the block succeeds, so a
    reader (or an interrupted run) never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; results are ordinary files
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def final_scores(model: AlignmentModel) -> pd.DataFrame:
    """How each state (row) regards each other state (column) at the end, by name."""
    names = [model.names[c] for c in model.codes]
    final = model.alignment[-1].copy()
    np.fill_diagonal(final, np.nan)
    return pd.DataFrame(final, index=names, columns=names)


def pair_series(model: AlignmentModel, a: str, b: str) -> np.ndarray:
    i, j = model.index[a], model.index[b]
    return (model.alignment[:, i, j] + model.alignment[:, j, i]) / 2.0


def compare(base: AlignmentModel, whatif: AlignmentModel, threshold: float = 0.05) -> pd.DataFrame:
    """Per pair: when the what-if first departs from the baseline by ``threshold``, the widest gap, the end gap."""
    rows = []
    codes = [c for c in base.codes if c in whatif.index]
    for x, a in enumerate(codes):
        for b in codes[x + 1:]:
            gap = pair_series(whatif, a, b) - pair_series(base, a, b)
            over = np.flatnonzero(np.abs(gap) >= threshold)
            widest = int(np.argmax(np.abs(gap)))
            rows.append({
                "pair": f"{a}-{b}",
                "names": f"{base.names[a]} - {base.names[b]}",
                "diverges_from": base.date_label(int(over[0])) if over.size else "-",
                "widest_gap": float(gap[widest]),
                "widest_at": base.date_label(widest),
                "end_gap": float(gap[-1]),
                "base_end": float(pair_series(base, a, b)[-1]),
                "whatif_end": float(pair_series(whatif, a, b)[-1]),
            })
    table = pd.DataFrame(rows)
    return table.reindex(table["widest_gap"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def explain(model: AlignmentModel, a: str, b: str, start: int, end: int) -> dict:
    """Why a->b and b->a moved between steps ``start`` and ``end``: drivers, events and their claims."""
    i, j = model.index[a], model.index[b]
    window = slice(start + 1, end + 1)
    drivers = {}
    for direction, (x, y) in ((f"{a}->{b}", (i, j)), (f"{b}->{a}", (j, i))):
        sums = model.contributions[window, :, x, y].sum(axis=0)
        drivers[direction] = {
            "from": float(model.alignment[start, x, y]),
            "to": float(model.alignment[end, x, y]),
            "drivers": dict(zip(dyn.DRIVERS, map(float, sums))),
        }
    touching = [e for e in model.log if start < e.step <= end and {e.source, e.target} & {a, b}]
    direct = [e for e in touching if {e.source, e.target} == {a, b}]
    others = [e for e in touching if {e.source, e.target} != {a, b}]
    catalogue = ledger.assumptions()
    basis = {d: {name: catalogue[name].claims for name in names} for d, names in DRIVER_ASSUMPTIONS.items()}
    return {"directions": drivers, "events": direct, "related_events": others, "basis": basis}
