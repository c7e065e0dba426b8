"""The quarter loop of many runs, compiled: :mod:`sim.model.dynamics` and :mod:`sim.model.decisions` fused.

A batch spends nearly all its time advancing runs quarter by quarter. Numpy pays a call for
every small ``(n, n)`` operation; this module is one compiled loop that takes each run
through every quarter, with its state and scratch arrays kept in cache: the authored
events land, the states decide and act, the drivers push, memory settles and the stocks
relax, in the same order and with the same arithmetic as the numpy functions it mirrors
(named on each helper). Tests hold it to the Mesa model to 1e-12; the two differ only in
rounding (numpy's matrix products go through BLAS). Every position it reads by (driver,
channel, decision rule, parameter column) is looked up by name in the module that declares it.

The sums over third states skip what is zero: a state depends on the few it trades with,
has a few significant friends and enemies, and a few frayed patrons. Each such sum runs
over a row's list of nonzero entries, so a quarter costs about ``n**2`` times the number of
a state's real ties, not ``n**3``.

Each run is advanced alone, so its result depends on nothing but its own inputs: not on
the runs that share its call, nor on the thread that computes it. The functions release
the GIL, so worker threads run chunks side by side; the compiled code is cached on disk
(:mod:`sim.engine.cache`), so only the first use on a machine pays for compiling it.
"""

from __future__ import annotations

import numpy as np

from sim.engine import levels as level
from sim.engine import quarter, streams
from sim.engine.cache import jit
from sim.model.decisions import RULES
from sim.model.dynamics import CHANNELS, DRIVERS, STRUCTURAL

SANCTIONS, THREAT = CHANNELS.index("sanctions"), CHANNELS.index("threat")
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
N_RULES = len(RULES)
N_DRIVERS = len(DRIVERS)
(D_INERTIA, D_MEMORY, D_BENEFITS, D_THREAT, D_PRESSURE, D_DISPLEASURE, D_BALANCE, D_HEDGING, D_NOISE) = map(
    DRIVERS.index, ("inertia", "memory", "benefits", "threat", "pressure", "displeasure", "balance", "hedging", "noise")
)
(M_ALIGN, M_BENEFITS, M_THREAT, M_PRESSURE, M_SUPPORT, M_HEDGING, M_RECORD, M_MEASURES, M_MEASURES0, N_MEMORY) = (
    level.MEMORY
)
THROUGH_OTHERS = tuple(DRIVERS.index(d) for d in STRUCTURAL)


@jit
def _advance(A, memory, levels, threat, balance, displeasure, hedging, enduring, gains, z, raw, contrib):
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
def _settle(memory, A, standing, threat, hedging, rate, habit):
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
def _record(memory, x, floor, g):
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
def _relax(S, L, relax):
    """dynamics.relax_stocks."""
    n = S.shape[1]
    for c in range(S.shape[0]):
        for g in range(n):
            for r in range(n):
                S[c, g, r] = S[c, g, r] + relax[c] * (L[c, g, r] - S[c, g, r])


@jit
def advance_runs(
    A0,
    S0,
    L0,
    gains,
    weight,
    relax,
    act,
    hedging,
    export,
    conditionality,
    enduring,
    ev_start,
    ev_cells,
    ev_delta,
    rank,
    seeds,
    alignment,
    counts,
    contributions,
):
    """Advance every run through every quarter, writing its scores in ``alignment``.

    Per run ``r``: ``gains[r]``, ``act[r]`` follow :data:`GAINS` and :data:`ACTS`; ``weight[r]`` the
    benefit channels' weights and ``relax[r]`` every channel's relaxation. Memory starts from the
    run's own first quarter, as :func:`sim.model.dynamics.remember` makes it. The run draws what
    ``default_rng(seeds[r])`` would (:mod:`sim.engine.streams`), as the Mesa model does: first every
    quarter's uniforms, then every quarter's normals, each over the actors in alphabetical order
    (``rank`` maps an actor to its place there); a second cursor, jumped past the uniforms, reads
    the normals quarter by quarter. Authored events of quarter ``t`` are ``ev_start[t]:ev_start[t + 1]``
    of ``ev_cells`` (:func:`sim.model.events.cells`' columns) and ``ev_delta``. ``enduring`` marks
    enduring partnerships (+1) and rivalries (-1). ``contributions`` is written when it has a run
    axis (else pass ``(0, ...)``).
    """
    R, T, n = alignment.shape[0], alignment.shape[1], A0.shape[0]
    keep = contributions.shape[0] == R
    A, S, L = np.empty((n, n)), np.empty_like(S0), np.empty_like(L0)
    usual = np.empty_like(S0)  # the standing stocks: S without its one-off pulses
    landed = np.empty_like(S0)  # the stocks before this quarter's acts, then what the acts added
    acted_flows, acts, backing, floor = np.empty((n, n)), np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    now_hostile, was_hostile, changed = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    kept = np.zeros(max(ev_cells.shape[0], 1))  # what each event with until: changed
    memory = np.empty((N_MEMORY, n, n))
    flows, dep, hostile, frayed, rival = (
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
    )
    tie, sym, enmity, added = np.empty((n, n)), np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    balance, displeasure = np.empty((n, n)), np.empty((n, n))
    levels = np.empty((4, n, n))  # benefits, pressure, hedging signal, support
    standing = np.empty((4, n, n))  # the same of the standing stocks (memory settles towards them)
    index, count = np.empty((n, n), dtype=np.int64), np.empty(n, dtype=np.int64)
    p, u = np.empty((N_RULES, n, n)), np.empty((N_RULES, n, n))
    z = np.empty((n, n))
    raw, contrib = np.empty(N_DRIVERS), np.empty((N_DRIVERS, n, n))
    threat = np.empty((T, n, n))
    threat_rate = np.nan
    at_uniform, at_normal = np.empty(4, dtype=np.uint64), np.empty(4, dtype=np.uint64)
    u_flat, z_flat = np.empty(N_RULES * n * n), np.empty(n * n)
    for r in range(R):
        g = gains[r]
        streams.seed(seeds[r], at_uniform)
        at_normal[:] = at_uniform
        streams.advance(at_normal, (T - 1) * N_RULES * n * n)
        if relax[r, THREAT] != threat_rate:
            threat_rate = relax[r, THREAT]
            quarter.threat_series(S0, L0, ev_start, ev_cells, ev_delta, threat_rate, threat)
        A[:] = A0
        S[:] = S0
        usual[:] = S0
        L[:] = L0
        # The memory a run starts with: its own first quarter (dynamics.remember).
        level.flows(S, weight[r], flows)
        level.benefits_and_support(flows, g[GIVER], levels[0], levels[3])
        level.pressure(A, flows, dep, hostile, index, count, levels[1])
        level.hedging(A, A0, frayed, rival, index, count, levels[2])
        memory[M_ALIGN] = A0
        memory[M_BENEFITS] = levels[0]
        memory[M_THREAT] = threat[0]
        memory[M_PRESSURE] = levels[1]
        memory[M_SUPPORT] = levels[3]
        memory[M_HEDGING] = levels[2]
        level.hostile(L, SANCTIONS, weight[r], g[WEIGHT_SANCTIONS], g[GIVER], flows, now_hostile)
        memory[M_RECORD] = 0.0
        memory[M_MEASURES] = g[GRIEVANCE_WEIGHT] * now_hostile
        memory[M_MEASURES0] = g[GRIEVANCE_WEIGHT] * now_hostile
        alignment[r, 0] = A0
        for t in range(1, T):
            landed[:] = S
            was_hostile[:] = now_hostile  # the measures in force before this quarter's events
            for e in range(ev_start[t], ev_start[t + 1]):
                quarter.land(S, L, ev_cells[e], ev_delta[e], kept)
            streams.uniforms(at_uniform, u_flat)
            streams.normals(at_normal, z_flat)
            for i in range(n):
                for j in range(n):
                    z[i, j] = z_flat[rank[i] * n + rank[j]]
                    for k in range(N_RULES):
                        u[k, i, j] = u_flat[(k * n + rank[i]) * n + rank[j]]
            level.flows(S, weight[r], flows)
            level.pressure(A, flows, dep, hostile, index, count, levels[1])
            level.hedging(A, A0, frayed, rival, index, count, levels[2])
            quarter.decide(A, A0, L, L0, levels[1], levels[2], act[r], export, conditionality, hedging, p)
            if quarter.moves(S, L, L0, p, u, act[r], counts[r]):  # the stocks moved: flows and pressure anew
                level.flows(S, weight[r], flows)
                level.pressure(A, flows, dep, hostile, index, count, levels[1])
            level.benefits_and_support(flows, g[GIVER], levels[0], levels[3])
            level.structure(A, memory, levels[3], g[TIE], tie, sym, enmity, added, index, count, balance, displeasure)
            # The record (dynamics.recorded): this quarter's acts and the dealings with one's enemies
            # (dynamics.acts; the rows of enmity are still in index and count), and the measures in force.
            for c in range(S.shape[0]):
                for i in range(n):
                    for j in range(n):
                        landed[c, i, j] = S[c, i, j] - landed[c, i, j]
            level.flows(landed, weight[r], acted_flows)
            level.dealings(acted_flows, added)
            level.weighted_product(enmity, added, index, count, backing)
            level.hostile(L, SANCTIONS, weight[r], g[WEIGHT_SANCTIONS], g[GIVER], flows, now_hostile)
            for i in range(n):
                for j in range(n):
                    changed[i, j] = now_hostile[i, j] - was_hostile[i, j]  # measures imposed or lifted
                    floor[i, j] = g[GRIEVANCE_WEIGHT] * now_hostile[i, j]
            level.acts(acted_flows, changed, backing, enduring, g[GIVER], g[RESENTMENT], acts)
            _record(memory, acts, floor, g)
            level.flows(usual, weight[r], flows)  # what the standing ties deliver, for memory to settle towards
            level.benefits_and_support(flows, g[GIVER], standing[0], standing[3])
            level.pressure(A, flows, dep, hostile, index, count, standing[1])
            _advance(A, memory, levels, threat[t], balance, displeasure, hedging, enduring, g, z, raw, contrib)
            _settle(memory, A, standing, threat[t], levels[2], g[SETTLE], g[HABIT])
            _relax(S, L, relax[r])
            _relax(usual, L, relax[r])
            alignment[r, t] = A
            if keep:
                contributions[r, t] = contrib
