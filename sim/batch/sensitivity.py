"""Which varied assumption matters most for each output: Sobol and Morris indices via SALib.

Functions over the runs table of a batch. Each point's value is the mean of its
replications, so the seeded noise averages out before the indices are taken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.batch import samplers
from sim.batch.sweep import Sweep


def point_means(runs: pd.DataFrame, output: str) -> np.ndarray:
    """The output averaged over each point's replications, in point order."""
    return runs.groupby("point", sort=True)[output].mean().to_numpy(dtype=float)


def sobol(sweep: Sweep, runs: pd.DataFrame, output: str) -> pd.DataFrame:
    """First-order (S1) and total (ST) indices with their 95 % confidence half-widths."""
    from SALib.analyze import sobol as analyze

    got = analyze.analyze(
        samplers.problem(sweep),
        point_means(runs, output),
        calc_second_order=False,
        print_to_console=False,
        seed=sweep.seed,
    )
    return pd.DataFrame(
        {
            "output": output,
            "assumption": list(sweep.vary),
            "S1": got["S1"],
            "S1_conf": got["S1_conf"],
            "ST": got["ST"],
            "ST_conf": got["ST_conf"],
        }
    )


def morris(sweep: Sweep, runs: pd.DataFrame, output: str) -> pd.DataFrame:
    """Mean absolute elementary effect (mu_star) and its spread (sigma), per assumption."""
    from SALib.analyze import morris as analyze

    X = runs.groupby("point", sort=True)[list(sweep.vary)].first().to_numpy(dtype=float)
    got = analyze.analyze(
        samplers.problem(sweep),
        X,
        point_means(runs, output),
        num_levels=sweep.levels,
        print_to_console=False,
        seed=sweep.seed,
    )
    return pd.DataFrame(
        {
            "output": output,
            "assumption": list(sweep.vary),
            "mu_star": got["mu_star"],
            "mu_star_conf": got["mu_star_conf"],
            "sigma": got["sigma"],
        }
    )


METHODS = {"sobol": sobol, "morris": morris}
# The bars each method draws: (column, its confidence column, label).
BARS = {
    "sobol": [("S1", "S1_conf", "first-order S1"), ("ST", "ST_conf", "total ST")],
    "morris": [("mu_star", "mu_star_conf", "mu* (mean |effect|)"), ("sigma", None, "sigma (interactions)")],
}


def indices(method: str, sweep: Sweep, runs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Indices of every output that has a value in every run; the names of those skipped."""
    tables, skipped = [], []
    for o in sweep.outputs:
        if runs[o.name].isna().any():
            skipped.append(o.name)  # e.g. a threshold some runs never cross
            continue
        tables.append(METHODS[method](sweep, runs, o.name))
    return (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()), skipped
