"""Where a sweep puts its points: grid, Latin hypercube, Sobol (Saltelli) and Morris designs.

Functions over numpy arrays, one per sampler, each returning ``(points, names)`` with
``points[p, k]`` the value of varied assumption ``names[k]`` at point ``p``. The random
designs draw from the sweep's seed, so a sweep file always means the same points.
SALib supplies the designs its analyses expect.
"""

from __future__ import annotations

import itertools

import numpy as np

from sim.batch.sweep import Sweep


def problem(sweep: Sweep) -> dict:
    """The sweep's varied assumptions as a SALib problem."""
    return {
        "num_vars": len(sweep.vary),
        "names": list(sweep.vary),
        "bounds": [list(v.bounds()) for v in sweep.vary.values()],
    }


def grid(sweep: Sweep) -> np.ndarray:
    """Every combination: listed values as given, ranges as ``samples`` evenly spaced values."""
    axes = [
        np.asarray(v.values, dtype=float) if v.values is not None else np.linspace(*v.range, sweep.samples)
        for v in sweep.vary.values()
    ]
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(axes))


def lhs(sweep: Sweep) -> np.ndarray:
    from SALib.sample import latin

    return latin.sample(problem(sweep), sweep.samples, seed=sweep.seed)


def sobol(sweep: Sweep) -> np.ndarray:
    """Saltelli's design for first-order and total indices: ``samples * (k + 2)`` points."""
    from SALib.sample import sobol as saltelli

    return saltelli.sample(problem(sweep), sweep.samples, calc_second_order=False, scramble=True, seed=sweep.seed)


def morris(sweep: Sweep) -> np.ndarray:
    """``samples`` one-at-a-time trajectories of ``k + 1`` points each, on ``levels`` levels."""
    from SALib.sample import morris as elementary

    return elementary.sample(problem(sweep), sweep.samples, num_levels=sweep.levels, seed=sweep.seed)


SAMPLERS = {"grid": grid, "lhs": lhs, "sobol": sobol, "morris": morris}


def count(sweep: Sweep) -> int:
    """How many points the sampler will make, without making them."""
    k = len(sweep.vary)
    if sweep.sampler == "grid":
        return int(np.prod([len(v.values) if v.values is not None else sweep.samples for v in sweep.vary.values()]))
    return {"lhs": sweep.samples, "sobol": sweep.samples * (k + 2), "morris": sweep.samples * (k + 1)}[sweep.sampler]


def points(sweep: Sweep) -> np.ndarray:
    return SAMPLERS[sweep.sampler](sweep)
