"""The tidy layout of runs: one row per (run, quarter, source, target), with the score and each
driver's share of its change. Plain numpy columns, so pandas and Arrow take them alike."""

from __future__ import annotations

import numpy as np

from sim.model import dynamics as dyn
from sim.scenario import dates


def tidy_columns(
    codes,
    start: int,
    alignment: np.ndarray,
    contributions: np.ndarray,
    runs: np.ndarray | None = None,
    pairs: list[tuple[str, str]] | None = None,
) -> dict[str, np.ndarray]:
    """The columns of :func:`tidy` for a stack of runs: ``alignment (R, T, n, n)``,
    ``contributions (R, T, D, n, n)``; plain numpy, for pandas or Arrow alike.

    With ``runs`` (one id per run) the table starts with a ``run`` column; with ``pairs``
    it keeps only those pairs, both directions.
    """
    codes = list(codes)
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
        "date": np.array([dates.iso_start(start + t) for t in range(T)])[steps.ravel()[keep]],
        "step": steps.ravel()[keep],
        "source": names[src.ravel()[keep]],
        "target": names[tgt.ravel()[keep]],
        "alignment": alignment.reshape(-1)[keep],
    }
    for k, driver in enumerate(dyn.DRIVERS):
        frame[f"d_{driver}"] = contributions[:, :, k].reshape(-1)[keep]
    return frame
