"""Pure alignment dynamics: numpy functions over (..., n, n) arrays, no I/O, no Mesa.

Every function accepts any number of leading batch axes, so one call can step
thousands of replications at once. Sums over actors and drivers add in a fixed
order, and matrix products go through ``np.matmul``, which multiplies each matrix
of a stack with the same kernel, so a stacked batch steps bitwise like its
members stepped one by one (a test checks this).

Notation: ``A[..., i, j]`` is how actor i regards actor j, in [-1, 1].
``S[..., c, g, r]`` is the stock of channel c flowing from g to r (what g gives r);
``L`` holds the standing level each stock relaxes towards.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

DRIVERS = ("inertia", "benefits", "threat", "pressure", "balance", "hedging", "noise")
# Which assumptions each driver rests on (its claims are theirs).
DRIVER_ASSUMPTIONS: dict[str, tuple[str, ...]] = {
    "inertia": ("inertia_rate",),
    "benefits": (
        "benefit_gain",
        "giver_share",
        "weight_arms",
        "weight_aid",
        "weight_trade",
        "weight_security",
        "weight_diplomacy",
    ),
    "threat": ("threat_gain", "relax_threat"),
    "pressure": ("pressure_gain",),
    "balance": ("balance_gain",),
    "hedging": ("hedging_gain",),
    "noise": ("noise_sd",),
}
CHANNELS = ("arms", "aid", "trade", "security", "diplomacy", "threat")
BENEFIT_CHANNELS = CHANNELS[:5]
THREAT = CHANNELS.index("threat")


class Coefficients(NamedTuple):
    """Every coefficient of the dynamics; scalars or arrays with the batch shape.

    The values come from the assumption catalogue (``seeds/assumptions.yaml``),
    which names the claims each rests on; :func:`sim.model.world.coefficients` builds them.
    """

    inertia_rate: np.ndarray
    benefit_gain: np.ndarray
    giver_share: np.ndarray
    threat_gain: np.ndarray
    pressure_gain: np.ndarray
    balance_gain: np.ndarray
    hedging_gain: np.ndarray
    noise_sd: np.ndarray
    channel_weight: np.ndarray  # (..., len(BENEFIT_CHANNELS))
    relax_rate: np.ndarray  # (..., len(CHANNELS))
    hedging: np.ndarray  # (..., n): each actor's doctrine of hedging, 0..1


class Anchor(NamedTuple):
    """The starting state every driver is measured against (2010-Q1 is equilibrium)."""

    alignment: np.ndarray
    benefits: np.ndarray
    threat: np.ndarray
    pressure: np.ndarray
    balance: np.ndarray


def per_run(x) -> np.ndarray:
    """A number, or one per replication ``(R,)``, lifted to broadcast over ``(..., n, n)``."""
    return np.asarray(x, dtype=float)[..., None, None]


def _t(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def _drivers_inside(x: np.ndarray) -> np.ndarray:
    """A driver-major ``(D, ..., n, n)`` array seen as ``(..., D, n, n)`` (a view; cheaper than moveaxis)."""
    d = x.ndim
    return x.transpose((*range(1, d - 2), 0, d - 2, d - 1))


def _drivers_first(x: np.ndarray) -> np.ndarray:
    """The inverse view of :func:`_drivers_inside`."""
    d = x.ndim
    return x.transpose((d - 3, *range(d - 3), d - 2, d - 1))


@cache
def off_diagonal(n: int) -> np.ndarray:
    """1 off the diagonal, 0 on it: no state acts on or regards itself."""
    mask = 1.0 - np.eye(n)
    mask.flags.writeable = False
    return mask


def pair_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[i, j] = sum_k a[i, k] * b[k, j]``, one matrix product per member of the batch."""
    return np.matmul(np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(b, dtype=float))


def benefit_flows(S: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``F[g, r]``: weighted benefits g gives r, summed over the benefit channels in order."""
    w = np.asarray(weight, dtype=float)[..., :, None, None]
    flows = w[..., 0, :, :] * S[..., 0, :, :]
    for c in range(1, len(BENEFIT_CHANNELS)):  # one channel at a time: no (..., channels, n, n) temporary
        flows += w[..., c, :, :] * S[..., c, :, :]
    return flows


def benefits_level(S: np.ndarray, c: Coefficients, flows: np.ndarray | None = None) -> np.ndarray:
    """What i gets out of its ties with j: receipts plus a share of what it gives."""
    flows = benefit_flows(S, c.channel_weight) if flows is None else flows
    return np.tanh(_t(flows) + per_run(c.giver_share) * flows)


def dependence(S: np.ndarray, c: Coefficients, flows: np.ndarray | None = None) -> np.ndarray:
    """``dep[i, k]`` in [0, 1): how much i stands to lose if k turns away (aid, arms, trade, both ways)."""
    flows = benefit_flows(S, c.channel_weight) if flows is None else flows
    return np.tanh(np.maximum(flows + _t(flows), 0.0))


def hostility(A: np.ndarray) -> np.ndarray:
    return np.maximum(-A, 0.0)


def rivalry(A: np.ndarray) -> np.ndarray:
    """Mutual hostility of a pair, symmetric."""
    return np.maximum(-(A + _t(A)) / 2.0, 0.0)


def fray(A: np.ndarray, A0: np.ndarray) -> np.ndarray:
    """How far a once-positive tie has fallen below its anchor, weighted by what it was."""
    return np.maximum(A0 - A, 0.0) * np.maximum(A0, 0.0)


def shared_threat_level(S: np.ndarray) -> np.ndarray:
    """``out[a, b] = tanh(sum_s min(T[s, a], T[s, b]))``: threats a and b both feel."""
    T = np.maximum(S[..., THREAT, :, :], 0.0)
    return np.tanh(np.minimum(T[..., :, :, None], T[..., :, None, :]).sum(axis=-3))


def pressure_level(A: np.ndarray, S: np.ndarray, c: Coefficients, flows: np.ndarray | None = None) -> np.ndarray:
    """``sum_k dep[i, k] * hostility[k, j]``: displeasure of those i depends on at i's ties with j."""
    return pair_sum(dependence(S, c, flows), hostility(A))


def balance_level(A: np.ndarray) -> np.ndarray:
    """Mean over third parties k of ``A[i, k] * A_sym[k, j]``: friend of a friend, enemy of an enemy."""
    n = A.shape[-1]
    return pair_sum(A, (A + _t(A)) / 2.0) / max(n - 2, 1)


def hedging_signal(A: np.ndarray, A0: np.ndarray) -> np.ndarray:
    """``sum_p fray[i, p] * rivalry[p, j]``: pull towards the rivals of patrons whose ties frayed."""
    return pair_sum(fray(A, A0), rivalry(A))


def make_anchor(A0: np.ndarray, S0: np.ndarray, c: Coefficients) -> Anchor:
    return Anchor(
        alignment=A0,
        benefits=benefits_level(S0, c),
        threat=shared_threat_level(S0),
        pressure=pressure_level(A0, S0, c),
        balance=balance_level(A0),
    )


def drives(
    A: np.ndarray, S: np.ndarray, anchor: Anchor, c: Coefficients, z: np.ndarray, threat: np.ndarray | None = None
) -> np.ndarray:
    """Raw push of each driver on each pair, ``(..., len(DRIVERS), n, n)``, before headroom.

    All but inertia and noise are measured from the anchor, so a world left alone stays put.
    ``z`` is standard-normal noise of shape ``(..., n, n)`` drawn by the caller. ``threat``
    may pass :func:`shared_threat_level` in when the caller already has it (a batch whose
    threat stocks are all alike needs it once, not once per member).
    """
    flows = benefit_flows(S, c.channel_weight)
    threat = shared_threat_level(S) if threat is None else threat
    terms = [
        -per_run(c.inertia_rate) * (A - anchor.alignment),
        per_run(c.benefit_gain) * (benefits_level(S, c, flows) - anchor.benefits),
        per_run(c.threat_gain) * (threat - anchor.threat),
        -per_run(c.pressure_gain) * (pressure_level(A, S, c, flows) - anchor.pressure),
        per_run(c.balance_gain) * (balance_level(A) - anchor.balance),
        per_run(c.hedging_gain)
        * np.asarray(c.hedging, dtype=float)[..., :, None]
        * hedging_signal(A, anchor.alignment),
        per_run(c.noise_sd) * z,
    ]
    if any(t.shape != terms[0].shape for t in terms):  # coefficients batched where the scores are not
        terms = np.broadcast_arrays(*terms)
    # Driver-major in memory: the sums over drivers then add whole contiguous blocks.
    return _drivers_inside(np.stack(terms))


def contributions(A: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Scale each push by the room left in its direction; keeps every score in [-1, 1].

    A push up is scaled by ``1 - A``, a push down by ``1 + A``. If the pushes in one
    direction add to more than 1 they are shrunk together, so the bound holds for
    any coefficients while each driver keeps its share of the move.
    """
    r = _drivers_first(raw)  # driver-major, as drives() lays it out
    push_up = np.maximum(r, 0.0)
    push_down = r - push_up  # exactly min(r, 0)
    up = push_up.sum(axis=0)
    down = -push_down.sum(axis=0)
    factor = off_diagonal(A.shape[-1]) / np.maximum(1.0, np.maximum(up, down))
    # Each cell has one nonzero push, so the other product adds an exact zero.
    return _drivers_inside((push_up * (1.0 - A) + push_down * (1.0 + A)) * factor)


def total(contrib: np.ndarray) -> np.ndarray:
    """Sum of contributions over the driver axis, in driver order."""
    return contrib.sum(axis=-3)


def relax_stocks(S: np.ndarray, L: np.ndarray, c: Coefficients) -> np.ndarray:
    """Each stock moves a fixed share of the way to its standing level each quarter."""
    rate = np.asarray(c.relax_rate, dtype=float)[..., :, None, None]
    return S + rate * (L - S)


def advance(A, S, L, anchor: Anchor, c: Coefficients, z, threat: np.ndarray | None = None):
    """One quarter: returns ``(A_next, S_next, contrib)`` with ``A_next - A == sum(contrib)``."""
    contrib = contributions(A, drives(A, S, anchor, c, z, threat))
    A_next = np.clip(A + total(contrib), -1.0, 1.0)
    return A_next, relax_stocks(S, L, c), contrib
