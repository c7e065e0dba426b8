"""The quarter loop of many runs, compiled: :mod:`sim.model.dynamics` and :mod:`sim.model.decisions` fused.

A batch spends nearly all its time advancing runs quarter by quarter. Numpy pays a call for
every small ``(n, n)`` operation; this module is one compiled loop that takes each run
through every quarter, with its state and scratch arrays kept in cache: the authored
events land, the states decide and act, the drivers push and the stocks relax, in the
same order and with the same arithmetic as the numpy functions it mirrors (named on each
helper). Tests hold it to the Mesa model to 1e-12; the two differ only in rounding (numpy's
matrix products go through BLAS). Every position it reads by (driver, channel, decision rule,
parameter column) is looked up by name in the module that declares it.

Each run is advanced alone, so its result depends on nothing but its own inputs: not on
the runs that share its call, nor on the thread that computes it. The functions release
the GIL, so worker threads run chunks side by side; the compiled code is cached on disk
(:mod:`sim.engine.cache`), so only the first use on a machine pays for compiling it.
"""

from __future__ import annotations

import numpy as np

from sim.engine import streams
from sim.engine.cache import jit
from sim.model.decisions import RULES
from sim.model.dynamics import BENEFIT_CHANNELS, CHANNELS, DRIVERS

N_BENEFIT = len(BENEFIT_CHANNELS)
ARMS, AID, DIPLOMACY, THREAT = (CHANNELS.index(c) for c in ("arms", "aid", "diplomacy", "threat"))
# The per-run parameter tables, by column: sim.engine.ensemble fills them by these names.
GAINS = (
    "inertia_rate",
    "benefit_gain",
    "giver_share",
    "threat_gain",
    "pressure_gain",
    "balance_gain",
    "hedging_gain",
    "noise_sd",
)
ACTS = (
    "arms_offer_rate",
    "arms_offer_size",
    "aid_review_rate",
    "aid_cut_gap",
    "aid_cut_share",
    "outreach_rate",
    "outreach_size",
)
INERTIA, BENEFIT, GIVER, THREAT_GAIN, PRESSURE, BALANCE, HEDGING, NOISE = map(GAINS.index, GAINS)
OFFER_RATE, OFFER_SIZE, REVIEW_RATE, CUT_GAP, CUT_SHARE, REACH_RATE, REACH_SIZE = map(ACTS.index, ACTS)
N_RULES = len(RULES)
OFFER, CUT, RESTORE, REACH = map(RULES.index, ("arms_offer", "aid_cut", "aid_restore", "outreach"))
N_DRIVERS = len(DRIVERS)
D_INERTIA, D_BENEFITS, D_THREAT, D_PRESSURE, D_BALANCE, D_HEDGING, D_NOISE = map(
    DRIVERS.index, ("inertia", "benefits", "threat", "pressure", "balance", "hedging", "noise")
)


@jit
def _flows(S, w, out):
    """dynamics.benefit_flows: channels summed one after another."""
    n = out.shape[0]
    for g in range(n):
        for r in range(n):
            f = w[0] * S[0, g, r]
            for c in range(1, N_BENEFIT):
                f += w[c] * S[c, g, r]
            out[g, r] = f


@jit
def _product(a, b, out):
    """``out = a @ b`` with each cell summed over k in order; j innermost, so the loop vectorises."""
    n = out.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = 0.0
        for k in range(n):
            x = a[i, k]
            for j in range(n):
                out[i, j] += x * b[k, j]


@jit
def _pressure(flows, hostile, dep, out):
    """dynamics.pressure_level: dependence on k (symmetric) times k's hostility to j, summed over k."""
    n = out.shape[0]
    for i in range(n):
        for k in range(i + 1):
            dep[i, k] = np.tanh(max(flows[i, k] + flows[k, i], 0.0))
            dep[k, i] = dep[i, k]
    _product(dep, hostile, out)


@jit
def _pair_terms(A, A0, sym, hostile, rival, fray):
    """The parts of A the products need: its symmetric part, hostility, rivalry and frayed ties."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            sym[i, j] = (A[i, j] + A[j, i]) / 2.0
            hostile[i, j] = max(-A[i, j], 0.0)
            rival[i, j] = max(-sym[i, j], 0.0)  # -(x / 2) == (-x) / 2 exactly
            fray[i, j] = max(A0[i, j] - A[i, j], 0.0) * max(A0[i, j], 0.0)


@jit
def _threat_series(S0, L0, ev_start, ev_cells, ev_delta, rate, out):
    """dynamics.shared_threat_level in every quarter. No decision touches the threat channel, so its
    stocks follow the authored events and their relaxation alone: one series serves every run
    that relaxes them at the same rate."""
    n = out.shape[1]
    S, L = S0.copy(), L0.copy()
    for t in range(1, out.shape[0]):
        for e in range(ev_start[t], ev_start[t + 1]):
            cell = ev_cells[e]
            if cell[1] == THREAT:
                _land(S, L, cell[0], cell[1], cell[2], cell[3], ev_delta[e], cell[4] == 1)
        for a in range(n):
            for b in range(n):
                s = min(max(S[THREAT, 0, a], 0.0), max(S[THREAT, 0, b], 0.0))
                for k in range(1, n):
                    s += min(max(S[THREAT, k, a], 0.0), max(S[THREAT, k, b], 0.0))
                out[t, a, b] = np.tanh(s)
        for g in range(n):
            for r in range(n):
                S[THREAT, g, r] = S[THREAT, g, r] + rate * (L[THREAT, g, r] - S[THREAT, g, r])


@jit
def _land(S, L, table, c, a, b, delta, clamp):
    """events.land for one cell: an authored event on a stock (table 0) or a standing level (1)."""
    X = S if table == 0 else L
    X[c, a, b] += delta
    if clamp:
        X[c, a, b] = max(X[c, a, b], 0.0)


@jit
def _decide(A, A0, L, L0, pressure, signal, act, export, conditionality, hedging, u, p):
    """decisions.arms_offer, aid_cut, aid_restore and outreach: each state's chance of each move."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            if i == j:
                for k in range(N_RULES):
                    p[k, i, j] = 0.0
                continue
            mutual = max(A[i, j], 0.0) * max(A[j, i], 0.0)
            opened = 1.0 if L[ARMS, i, j] >= 0.0 else 0.0
            offer = act[OFFER_RATE] * export[i] * mutual * max(1.0 - pressure[i, j], 0.0) * opened
            p[OFFER, i, j] = min(max(offer, 0.0), 1.0)
            gap = A0[i, j] - A[i, j]
            review = act[REVIEW_RATE] * conditionality[i]
            p[CUT, i, j] = review * (1.0 if (gap > act[CUT_GAP] and L[AID, i, j] > 0.0) else 0.0)
            p[RESTORE, i, j] = review * (1.0 if (gap <= act[CUT_GAP] / 2.0 and L[AID, i, j] < L0[AID, i, j]) else 0.0)
            p[REACH, i, j] = act[REACH_RATE] * hedging[i] * min(signal[i, j], 1.0)


@jit
def _act(S, L, L0, p, u, act, counts) -> bool:
    """The agents' moves (sim.model.agents): land those whose draw fell under their chance; True if a stock moved."""
    n = S.shape[1]
    moved = False
    for i in range(n):
        for j in range(n):
            if u[OFFER, i, j] < p[OFFER, i, j]:
                S[ARMS, i, j] += act[OFFER_SIZE]
                counts[OFFER] += 1
                moved = True
            level = L[AID, i, j]
            restore = u[RESTORE, i, j] < p[RESTORE, i, j]
            if u[CUT, i, j] < p[CUT, i, j]:  # a cut wins over a restore, as in numpy's where()
                L[AID, i, j] = max(level + -1.0 * (level * act[CUT_SHARE]), 0.0)
                counts[CUT] += 1
            elif restore:
                L[AID, i, j] = max(level + (L0[AID, i, j] - level), 0.0)
            if restore:
                counts[RESTORE] += 1
    # A visit is mutual: i's outreach to j and j's to i both land on both cells, in that order.
    for i in range(n):
        for j in range(n):
            if u[REACH, i, j] < p[REACH, i, j]:
                S[DIPLOMACY, i, j] += act[REACH_SIZE]
                counts[REACH] += 1
                moved = True
            if u[REACH, j, i] < p[REACH, j, i]:
                S[DIPLOMACY, i, j] += act[REACH_SIZE]
    return moved


@jit
def _advance(A, A0, S, L, flows, pressure, signal, threat, balance, anchor, gains, relax, z, raw, contrib):
    """dynamics.advance: each driver's push, scaled by the room left; then the stocks relax.

    A state does not regard itself: the diagonal takes no push (numpy scales it by zero)."""
    n = A.shape[0]
    D = raw.shape[0]
    inertia, benefit, giver, threat_gain = gains[INERTIA], gains[BENEFIT], gains[GIVER], gains[THREAT_GAIN]
    press, balance_gain, noise = gains[PRESSURE], gains[BALANCE], gains[NOISE]
    scale = max(n - 2, 1)
    for i in range(n):
        for j in range(n):
            if i == j:
                for d in range(D):
                    contrib[d, i, j] = 0.0
                continue
            raw[D_INERTIA] = -inertia * (A[i, j] - A0[i, j])
            raw[D_BENEFITS] = benefit * (np.tanh(flows[j, i] + giver * flows[i, j]) - anchor[0, i, j])
            raw[D_THREAT] = threat_gain * (threat[i, j] - anchor[1, i, j])
            raw[D_PRESSURE] = -press * (pressure[i, j] - anchor[2, i, j])
            raw[D_BALANCE] = balance_gain * (balance[i, j] / scale - anchor[3, i, j])
            raw[D_HEDGING] = signal[i, j]  # already times the gain and the actor's doctrine
            raw[D_NOISE] = noise * z[i, j]
            up = max(raw[0], 0.0)
            down = raw[0] - up
            for d in range(1, D):
                pu = max(raw[d], 0.0)
                up += pu
                down += raw[d] - pu
            factor = 1.0 / max(1.0, max(up, -down))
            a = A[i, j]
            total = 0.0
            for d in range(D):
                pu = max(raw[d], 0.0)
                c = (pu * (1.0 - a) + (raw[d] - pu) * (1.0 + a)) * factor
                contrib[d, i, j] = c
                total = c if d == 0 else total + c
            A[i, j] = min(max(a + total, -1.0), 1.0)
    for c in range(S.shape[0]):
        for g in range(n):
            for r in range(n):
                S[c, g, r] = S[c, g, r] + relax[c] * (L[c, g, r] - S[c, g, r])


@jit
def advance_runs(
    A0,
    S0,
    L0,
    anchor,
    gains,
    weight,
    relax,
    act,
    hedging,
    export,
    conditionality,
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

    Per run ``r``: ``anchor[r]`` stacks the anchor's benefits, threat, pressure and balance;
    ``gains[r]``, ``act[r]`` follow :data:`GAINS` and :data:`ACTS`. The run draws what
    ``default_rng(seeds[r])`` would (:mod:`sim.streams`), as the Mesa model does: first every
    quarter's uniforms, then every quarter's normals, each over the actors in alphabetical order
    (``rank`` maps an actor to its place there); a second cursor, jumped past the uniforms,
    reads the normals quarter by quarter. Authored events of quarter ``t`` are
    ``ev_start[t]:ev_start[t + 1]`` of ``ev_cells`` (table, channel, a, b, clamp) and
    ``ev_delta``. ``contributions`` is written when it has a run axis (else pass ``(0, ...)``).
    """
    R, T, n = alignment.shape[0], alignment.shape[1], A0.shape[0]
    keep = contributions.shape[0] == R
    A = np.empty((n, n))
    S = np.empty_like(S0)
    L = np.empty_like(L0)
    flows, dep, fray, sym = np.empty((n, n)), np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    hostile, rival, balance = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    pressure, signal = np.empty((n, n)), np.empty((n, n))
    p, u = np.empty((N_RULES, n, n)), np.empty((N_RULES, n, n))
    z = np.empty((n, n))
    raw, contrib = np.empty(N_DRIVERS), np.empty((N_DRIVERS, n, n))
    threat = np.empty((T, n, n))
    threat_rate = np.nan
    at_uniform, at_normal = np.empty(4, dtype=np.uint64), np.empty(4, dtype=np.uint64)
    u_flat, z_flat = np.empty(N_RULES * n * n), np.empty(n * n)
    for r in range(R):
        streams.seed(seeds[r], at_uniform)
        at_normal[:] = at_uniform
        streams.advance(at_normal, (T - 1) * N_RULES * n * n)
        if relax[r, THREAT] != threat_rate:
            threat_rate = relax[r, THREAT]
            _threat_series(S0, L0, ev_start, ev_cells, ev_delta, threat_rate, threat)
        A[:] = A0
        S[:] = S0
        L[:] = L0
        alignment[r, 0] = A0
        for t in range(1, T):
            for e in range(ev_start[t], ev_start[t + 1]):
                cell = ev_cells[e]
                _land(S, L, cell[0], cell[1], cell[2], cell[3], ev_delta[e], cell[4] == 1)
            streams.uniforms(at_uniform, u_flat)
            streams.normals(at_normal, z_flat)
            for i in range(n):
                for j in range(n):
                    z[i, j] = z_flat[rank[i] * n + rank[j]]
                    for k in range(N_RULES):
                        u[k, i, j] = u_flat[(k * n + rank[i]) * n + rank[j]]
            _pair_terms(A, A0, sym, hostile, rival, fray)
            _flows(S, weight[r], flows)
            _pressure(flows, hostile, dep, pressure)
            _product(fray, rival, signal)
            _decide(A, A0, L, L0, pressure, signal, act[r], export, conditionality, hedging, u, p)
            if _act(S, L, L0, p, u, act[r], counts[r]):  # the stocks moved: flows and pressure anew
                _flows(S, weight[r], flows)
                _pressure(flows, hostile, dep, pressure)
            for i in range(n):
                for j in range(n):
                    signal[i, j] = gains[r, HEDGING] * hedging[i] * signal[i, j]
            _product(A, sym, balance)
            _advance(
                A, A0, S, L, flows, pressure, signal, threat[t], balance, anchor[r], gains[r], relax[r], z, raw, contrib
            )
            alignment[r, t] = A
            if keep:
                contributions[r, t] = contrib
