"""The compiled engine's levels of a quarter: flows, benefits, support, pressure, hedging, balance, displeasure.

Compiled copies of the level functions of :mod:`sim.model.dynamics` (named on each), for
:mod:`sim.engine.kernel`. The sums over third states run over each row's nonzero entries only.
"""

from __future__ import annotations

import numpy as np

from sim.engine.cache import jit
from sim.model.dynamics import BENEFIT_CHANNELS, Memory

N_BENEFIT = len(BENEFIT_CHANNELS)
# The kernel's memory table, in sim.model.dynamics.Memory's order; and how many fields it has.
MEMORY = (
    *(
        Memory._fields.index(f)
        for f in (
            "alignment",
            "benefits",
            "threat",
            "pressure",
            "support",
            "hedging",
            "record",
            "measures",
            "measures_start",
        )
    ),
    len(Memory._fields),
)
M_SUPPORT = MEMORY[4]


@jit
def flows(S, w, out):
    """dynamics.benefit_flows: channels summed one after another."""
    n = out.shape[0]
    for g in range(n):
        for r in range(n):
            f = w[0] * S[0, g, r]
            for c in range(1, N_BENEFIT):
                f += w[c] * S[c, g, r]
            out[g, r] = f


@jit
def tanh(x):
    """``np.tanh``, which is exactly 0 at 0: most pairs exchange nothing, and skip the call."""
    return x if x == 0.0 else np.tanh(x)


@jit
def rows(weight, index, count):
    """The nonzero entries of each row of ``weight``: ``index[i, :count[i]]``."""
    n = weight.shape[0]
    for i in range(n):
        m = 0
        for k in range(n):
            if weight[i, k] != 0.0:
                index[i, m] = k
                m += 1
        count[i] = m


@jit
def weighted_product(weight, values, index, count, out):
    """dynamics.weighted(weight @ values, weight): the sum over each row's nonzero weights, divided by
    their total once it exceeds one.

    A row of ``values`` that is all zero adds nothing and is skipped: in a world where every pair
    has a regard, ``weight`` is dense, but what it multiplies (a quarter's dealings, the changes
    in support) mostly is not. Each entry still sums its terms in the same order."""
    n = out.shape[0]
    live = np.empty(n, dtype=np.bool_)
    for k in range(n):
        live[k] = False
        for j in range(n):
            if values[k, j] != 0.0:
                live[k] = True
                break
    ks = np.empty(n, dtype=np.int64)  # a row's nonzero weights over live rows, in order
    for i in range(n):
        total, m = 0.0, 0
        for c in range(count[i]):
            k = index[i, c]
            x = weight[i, k]
            total += x if x >= 0.0 else -x
            if live[k]:
                ks[m] = k
                m += 1
        for j in range(n):
            out[i, j] = 0.0
        # Four rows of values at a time, added one after another: the same sums in the same order,
        # with the row of out read and written once per four.
        c = 0
        while c + 4 <= m:
            k0, k1, k2, k3 = ks[c], ks[c + 1], ks[c + 2], ks[c + 3]
            x0, x1, x2, x3 = weight[i, k0], weight[i, k1], weight[i, k2], weight[i, k3]
            for j in range(n):
                o = out[i, j] + x0 * values[k0, j]
                o = o + x1 * values[k1, j]
                o = o + x2 * values[k2, j]
                out[i, j] = o + x3 * values[k3, j]
            c += 4
        while c < m:
            k = ks[c]
            x = weight[i, k]
            for j in range(n):
                out[i, j] += x * values[k, j]
            c += 1
        if total > 1.0:
            for j in range(n):
                out[i, j] /= total


@jit
def pressure(A, flows, dep, hostile, index, count, out):
    """dynamics.pressure_level: dependence on k (symmetric) times k's hostility to j, weighted over k."""
    n = A.shape[0]
    for i in range(n):
        for k in range(i + 1):
            dep[i, k] = tanh(max(flows[i, k] + flows[k, i], 0.0))
            dep[k, i] = dep[i, k]
        for j in range(n):
            hostile[i, j] = max(-A[i, j], 0.0)
    rows(dep, index, count)
    weighted_product(dep, hostile, index, count, out)


@jit
def hedging(A, A0, hedgers, frayed, rival, index, count, out):
    """dynamics.hedging_signal: frayed ties (from their 2010 level) times the patron's rivalry with j.

    Only for the states that hedge (``hedgers[i] > 0``): a state with no hedging doctrine neither
    feels the signal nor reaches out on it (each use is multiplied by its doctrine), so its row
    is left at zero rather than summed over every patron."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            frayed[i, j] = max(A0[i, j] - A[i, j], 0.0) * max(A0[i, j], 0.0) if hedgers[i] > 0.0 else 0.0
            rival[i, j] = max(-(A[i, j] + A[j, i]) / 2.0, 0.0)
    rows(frayed, index, count)
    weighted_product(frayed, rival, index, count, out)


@jit
def structure(A, memory, support, threshold, tie, sym, enmity, added, index, count, balance, displeasure):
    """dynamics.balance_level and dynamics.displeasure over the significant ties."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            a = A[i, j]
            tie[i, j] = a if abs(a) >= threshold else 0.0
            s = (A[i, j] + A[j, i]) / 2.0
            sym[i, j] = s if abs(s) >= threshold else 0.0
            enmity[i, j] = max(-tie[i, j], 0.0)
            added[j, i] = support[i, j] - memory[M_SUPPORT, i, j]  # transposed: rows of the product
    rows(tie, index, count)
    weighted_product(tie, sym, index, count, balance)
    rows(enmity, index, count)
    weighted_product(enmity, added, index, count, displeasure)


@jit
def shared(T, out):
    """dynamics.shared_threat_level of one threat table: sources summed in order, only those that
    threaten anyone."""
    n = out.shape[0]
    for a in range(n):
        for b in range(n):
            out[a, b] = 0.0
    for s in range(n):
        active = False
        for a in range(n):
            if T[s, a] > 0.0:
                active = True
        if not active:
            continue
        for a in range(n):
            for b in range(n):
                out[a, b] += min(max(T[s, a], 0.0), max(T[s, b], 0.0))


@jit
def benefits_and_support(flows, giver, benefits, support):
    """dynamics.benefits_level and dynamics.support."""
    n = flows.shape[0]
    for i in range(n):
        for j in range(n):
            benefits[i, j] = tanh(flows[j, i] + giver * flows[i, j])
            support[i, j] = tanh(max(flows[i, j], 0.0))


@jit
def dealings(flows, out):
    """What dynamics.acts measures a partner's dealings with one's enemies by: dynamics.support of the
    quarter's acts, both ways (``out[k, j] = s[j, k] + s[k, j]``), as the rows of a weighted product."""
    n = out.shape[0]
    for k in range(n):
        for j in range(n):
            out[k, j] = tanh(max(flows[j, k], 0.0)) + tanh(max(flows[k, j], 0.0))


@jit
def acts(acted, measures, backing, enduring, giver, resentment, out):
    """dynamics.acts from the weighted flows of the quarter's acts (``acted``), the hostile measures
    imposed or lifted and the dealings with one's enemies (``backing``): the acts as received with
    the measures, on a tanh scale, less those dealings."""
    n = out.shape[0]
    for i in range(n):
        for j in range(n):
            resented = 0.0 if enduring[i, j] > 0.0 else backing[i, j]  # not within an enduring partnership
            out[i, j] = tanh((acted[j, i] + giver * acted[i, j]) + measures[i, j]) - resentment * resented


@jit
def hostile(L, sanctions, w, w_sanctions, giver, flows, out):
    """dynamics.hostile: the measures in force below nothing, weighted, as received."""
    n = out.shape[0]
    for g in range(n):
        for r in range(n):
            f = w[0] * min(L[0, g, r], 0.0)
            for c in range(1, N_BENEFIT):
                f += w[c] * min(L[c, g, r], 0.0)
            flows[g, r] = f + min(L[sanctions, g, r], 0.0) * w_sanctions
    for i in range(n):
        for j in range(n):
            out[i, j] = flows[j, i] + giver * flows[i, j]
