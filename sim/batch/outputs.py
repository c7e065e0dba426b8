"""The measures a sweep takes of each run, over a stack of runs ``alignment[r, t, i, j]``.

Pure numpy, one value per run:
- ``score``: the pair's score (mean of both directions) at a quarter;
- ``mean``: its mean over a period, both ends included;
- ``first_crossing``: the first quarter (as a decimal year, 2014Q2 = 2014.25) at which the
  pair's score is above (or below) a threshold; NaN if it never is;
- ``crossed``: 1 if the pair's score is above (or below) the threshold in any quarter up
  to ``by``, else 0 (its mean over runs is how often that happens);
- ``balanced_share``: the share of signed triads that are balanced (Heider) at a quarter.
"""

from __future__ import annotations

import numpy as np

from sim.batch.sweep import Output
from sim.model import measures
from sim.scenario import dates


def _past(series: np.ndarray, above: float | None, below: float | None) -> np.ndarray:
    return series > above if above is not None else series < below


def first_crossing(series: np.ndarray, years: np.ndarray, above: float | None, below: float | None) -> np.ndarray:
    past = _past(series, above, below)
    first = np.argmax(past, axis=-1)
    return np.where(past.any(axis=-1), years[first], np.nan)


def balanced_share(A: np.ndarray) -> np.ndarray:
    balanced, unbalanced = measures.triads(A)
    signed = balanced + unbalanced
    return np.divide(balanced, signed, out=np.full(balanced.shape, np.nan), where=signed > 0)


def measure(output: Output, alignment: np.ndarray, codes: list[str], start: int) -> np.ndarray:
    """The output's value for each run of ``alignment (R, T, n, n)``, which starts at quarter ``start``."""
    step = lambda date: dates.ordinal(date) - start
    if output.measure == "balanced_share":
        return balanced_share(alignment[:, step(output.at)])
    a, b = output.pair.split("-")
    series = measures.pair_mean(alignment, codes.index(a), codes.index(b))
    if output.measure == "score":
        return series[:, step(output.at)]
    if output.measure == "mean":
        return series[:, step(output.from_) : step(output.to) + 1].mean(axis=-1)
    if output.measure == "crossed":
        return _past(series[:, : step(output.by) + 1], output.above, output.below).any(axis=-1).astype(float)
    years = np.array([dates.decimal_year(start + t) for t in range(series.shape[-1])])
    return first_crossing(series, years, output.above, output.below)
