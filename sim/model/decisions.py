"""Pure decision rules: how likely each state is to act this quarter, over (..., n, n) arrays.

A state acts when a uniform draw falls below the probability; the draws come from
the model's seeded generator, so these functions stay free of randomness.
``p[..., i, j]`` is the chance that i acts towards j.
"""

from __future__ import annotations

import numpy as np

from sim.model import dynamics as dyn

# The rules, in the order each quarter's draws are laid out (both engines read them so).
RULES = ("arms_offer", "aid_cut", "aid_restore", "outreach")


def _actor(x) -> np.ndarray:
    """A per-actor doctrine vector lifted to rows."""
    return np.asarray(x, dtype=float)[..., :, None]


def _others(p: np.ndarray) -> np.ndarray:
    """No state acts towards itself."""
    return p * dyn.off_diagonal(p.shape[-1])


def arms_offer(A, flows, L_arms, L_sanctions, export, rate) -> np.ndarray:
    """An exporter offers arms to a state both sides regard well, unless its clients object.

    The restraint is the same displeasure the pressure driver measures: what the
    exporter's other clients think of the buyer, weighted by how much it depends on
    them. No offers cross an embargo or the exporter's own sanctions in force (a negative
    standing arms or sanctions level).
    """
    restraint = dyn.pressure_level(A, flows)
    mutual = np.maximum(A, 0.0) * np.maximum(np.swapaxes(A, -1, -2), 0.0)
    open_ = (L_arms >= 0.0) & (L_sanctions >= 0.0)
    p = dyn.per_run(rate) * _actor(export) * mutual * np.maximum(1.0 - restraint, 0.0) * open_
    return _others(np.clip(p, 0.0, 1.0))


def aid_cut(A, A0, L_aid, conditionality, rate, gap) -> np.ndarray:
    """A donor cuts aid it still gives once its regard for the recipient has fallen ``gap`` below normal."""
    fallen = (A0 - A) > dyn.per_run(gap)
    giving = L_aid > 0.0
    return _others(dyn.per_run(rate) * _actor(conditionality) * (fallen & giving))


def aid_restore(A, A0, L_aid, L0_aid, conditionality, rate, gap) -> np.ndarray:
    """A donor restores aid it once gave once its regard is back within half of ``gap`` of normal."""
    mended = (A0 - A) <= dyn.per_run(gap) / 2.0
    below = L_aid < L0_aid
    return _others(dyn.per_run(rate) * _actor(conditionality) * (mended & below))


def outreach(A, A0, hedging, rate) -> np.ndarray:
    """A hedger reaches out to the rivals of patrons whose ties have frayed."""
    signal = np.minimum(dyn.hedging_signal(A, A0), 1.0)
    return _others(dyn.per_run(rate) * _actor(hedging) * signal)
