"""The compiled quarter's drivers, memory and stocks, for :mod:`sim.engine.kernel`.

Each driver's push and the move it makes (dynamics.drives and dynamics.contributions), memory
settling towards what is and the record of what was done (dynamics.settle, dynamics.recorded),
and the stocks relaxing to their standing levels (dynamics.relax_stocks): named on each helper
is the numpy code it mirrors, with the same arithmetic in the same order.
"""

from __future__ import annotations

from sim.engine import levels as level
from sim.engine.cache import jit
from sim.model.dynamics import DRIVERS, STRUCTURAL

# The per-run parameter tables, by column: sim.engine.ensemble fills them by these names (and ACTS).
GAINS = (
    "inertia_rate",
    "settle_rate",
    "memory_gain",
    "trust_fade",
    "grievance_fade",
    "grievance_weight",
    "resentment_weight",
    "weight_sanctions",
    "habituation_rate",
    "benefit_gain",
    "giver_share",
    "threat_gain",
    "pressure_gain",
    "displeasure_gain",
    "balance_gain",
    "hedging_gain",
    "noise_sd",
    "tie_threshold",
    "max_step",
)
(
    INERTIA,
    SETTLE,
    MEMORY,
    TRUST_FADE,
    GRIEVANCE_FADE,
    GRIEVANCE_WEIGHT,
    RESENTMENT,
    WEIGHT_SANCTIONS,
    HABIT,
    BENEFIT,
    GIVER,
    THREAT_GAIN,
    PRESSURE,
    DISPLEASURE,
    BALANCE,
    HEDGING,
    NOISE,
    TIE,
    STEP,
) = map(GAINS.index, GAINS)
N_DRIVERS = len(DRIVERS)
(D_INERTIA, D_MEMORY, D_BENEFITS, D_THREAT, D_PRESSURE, D_DISPLEASURE, D_BALANCE, D_HEDGING, D_NOISE) = map(
    DRIVERS.index, ("inertia", "memory", "benefits", "threat", "pressure", "displeasure", "balance", "hedging", "noise")
)
(M_ALIGN, M_BENEFITS, M_THREAT, M_PRESSURE, M_SUPPORT, M_HEDGING, M_RECORD, M_MEASURES, M_MEASURES0, N_MEMORY) = (
    level.MEMORY
)
THROUGH_OTHERS = tuple(DRIVERS.index(d) for d in STRUCTURAL)


@jit
def push(A, memory, levels, threat, balance, displeasure, hedging, enduring, gains, z, raw, contrib):
    """dynamics.drives and dynamics.contributions: each driver's push, scaled by the room left and
    capped at the quarter's largest move; then A moves. A state does not regard itself. The pushes
    through third states cannot warm an enduring rivalry nor cool an enduring partnership."""
    n = A.shape[0]
    g = gains
    for i in range(n):
        for j in range(n):
            if i == j:
                for d in range(N_DRIVERS):
                    contrib[d, i, j] = 0.0
                continue
            a = A[i, j]
            raw[D_INERTIA] = -g[INERTIA] * (a - memory[M_ALIGN, i, j])
            raw[D_MEMORY] = g[MEMORY] * (
                memory[M_RECORD, i, j] + (memory[M_MEASURES, i, j] - memory[M_MEASURES0, i, j])
            )
            raw[D_BENEFITS] = g[BENEFIT] * (levels[0, i, j] - memory[M_BENEFITS, i, j])
            raw[D_THREAT] = g[THREAT_GAIN] * (threat[i, j] - memory[M_THREAT, i, j])
            raw[D_PRESSURE] = -g[PRESSURE] * (levels[1, i, j] - memory[M_PRESSURE, i, j])
            raw[D_DISPLEASURE] = -g[DISPLEASURE] * displeasure[i, j]
            raw[D_BALANCE] = g[BALANCE] * balance[i, j]
            raw[D_HEDGING] = g[HEDGING] * hedging[i] * (levels[2, i, j] - memory[M_HEDGING, i, j])
            raw[D_NOISE] = g[NOISE] * z[i, j]
            if enduring[i, j] != 0.0:
                for d in THROUGH_OTHERS:
                    raw[d] = min(raw[d], 0.0) if enduring[i, j] < 0.0 else max(raw[d], 0.0)
            up = max(raw[0], 0.0)
            down = -(raw[0] - up)
            for d in range(1, N_DRIVERS):
                pu = max(raw[d], 0.0)
                up += pu
                down += -(raw[d] - pu)
            room_up, room_down = 1.0 - a, 1.0 + a
            most = max(max(up, down), max(up * room_up, down * room_down) / g[STEP])
            factor = 1.0 / max(1.0, most)
            total = 0.0
            for d in range(N_DRIVERS):
                pu = max(raw[d], 0.0)
                c = (pu * room_up + (raw[d] - pu) * room_down) * factor
                contrib[d, i, j] = c
                total = c if d == 0 else total + c
            A[i, j] = min(max(a + total, -1.0), 1.0)


@jit
def settle(memory, A, standing, threat, hedging, rate, habit):
    """dynamics.settle: memory drifts a share of the way to what is (A, the hedging signal) and to the
    levels the standing ties give (benefits, pressure, support in ``standing``; ``threat``)."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            memory[M_ALIGN, i, j] = memory[M_ALIGN, i, j] + rate * (A[i, j] - memory[M_ALIGN, i, j])
            memory[M_BENEFITS, i, j] = memory[M_BENEFITS, i, j] + habit * (standing[0, i, j] - memory[M_BENEFITS, i, j])
            memory[M_THREAT, i, j] = memory[M_THREAT, i, j] + habit * (threat[i, j] - memory[M_THREAT, i, j])
            memory[M_PRESSURE, i, j] = memory[M_PRESSURE, i, j] + habit * (standing[1, i, j] - memory[M_PRESSURE, i, j])
            memory[M_SUPPORT, i, j] = memory[M_SUPPORT, i, j] + habit * (standing[3, i, j] - memory[M_SUPPORT, i, j])
            memory[M_HEDGING, i, j] = memory[M_HEDGING, i, j] + habit * (hedging[i, j] - memory[M_HEDGING, i, j])


@jit
def record(memory, x, floor, g):
    """dynamics.recorded: the record fades (goodwill and grievance at their own rates) and this quarter's
    acts are added, grievances weighted; the measures' grievance fades, but is at least what the
    measures in force carry."""
    n = x.shape[0]
    for i in range(n):
        for j in range(n):
            r = memory[M_RECORD, i, j]
            fade = g[TRUST_FADE] if r > 0.0 else g[GRIEVANCE_FADE]
            weight = g[GRIEVANCE_WEIGHT] if x[i, j] < 0.0 else 1.0
            memory[M_RECORD, i, j] = r - fade * r + weight * x[i, j]
            m = memory[M_MEASURES, i, j]
            memory[M_MEASURES, i, j] = min(m - g[GRIEVANCE_FADE] * m, floor[i, j])


@jit
def relax(S, L, relax):
    """dynamics.relax_stocks."""
    n = S.shape[1]
    for c in range(S.shape[0]):
        for g in range(n):
            for r in range(n):
                S[c, g, r] = S[c, g, r] + relax[c] * (L[c, g, r] - S[c, g, r])
