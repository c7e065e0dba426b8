"""The compiled quarter's events and decisions, for :mod:`sim.engine.kernel`.

The authored events landing (:mod:`sim.model.events`, within each channel's bound, an event
with ``until:`` undone at its end), the shared threat they make, and the states' own moves:
the chance of each (:mod:`sim.model.decisions`) and the moves whose draws fell under it
(:mod:`sim.model.agents`). Named on each helper is the numpy or Mesa code it mirrors.
"""

from __future__ import annotations

import numpy as np

from sim.engine import levels as level
from sim.engine.cache import jit
from sim.model import events
from sim.model.decisions import RULES
from sim.model.dynamics import CHANNELS

ARMS, AID, DIPLOMACY, SANCTIONS, THREAT = (
    CHANNELS.index(c) for c in ("arms", "aid", "diplomacy", "sanctions", "threat")
)
# The per-run table of the decision rules' parameters, by column: sim.engine.ensemble fills it by name.
ACTS = (
    "arms_offer_rate",
    "arms_offer_size",
    "aid_review_rate",
    "aid_cut_gap",
    "aid_cut_share",
    "outreach_rate",
    "outreach_size",
)
OFFER_RATE, OFFER_SIZE, REVIEW_RATE, CUT_GAP, CUT_SHARE, REACH_RATE, REACH_SIZE = map(ACTS.index, ACTS)
N_RULES = len(RULES)
OFFER, CUT, RESTORE, REACH = map(RULES.index, ("arms_offer", "aid_cut", "aid_restore", "outreach"))
NO_BOUND, FLOOR, CEILING = events.NO_BOUND, events.FLOOR, events.CEILING
# An event cell's columns (sim.model.events.cells).
C_TABLE, C_CHANNEL, C_A, C_B, C_BOUND, C_SLOT, C_UNDO = range(7)


@jit
def threat_series(S0, L0, ev_start, ev_cells, ev_delta, rate, out):
    """dynamics.shared_threat_level in every quarter. No decision touches the threat channel, so its
    stocks follow the authored events and their relaxation alone: one series serves every run
    that relaxes them at the same rate. Threats are standing levels, never pulses, so the standing
    stocks' shared threat is the same series."""
    n = out.shape[1]
    S, L = S0.copy(), L0.copy()
    kept = np.zeros(max(ev_cells.shape[0], 1))
    for t in range(out.shape[0]):
        if t > 0:
            for e in range(ev_start[t], ev_start[t + 1]):
                if ev_cells[e, C_CHANNEL] == THREAT:
                    land(S, L, ev_cells[e], ev_delta[e], kept)
        level.shared(S[THREAT], out[t])
        for g in range(n):
            for r in range(n):
                S[THREAT, g, r] = S[THREAT, g, r] + rate * (L[THREAT, g, r] - S[THREAT, g, r])


@jit
def land(S, L, cell, delta, kept):
    """events.land (or events.undo) for one cell: an authored event on a stock (table 0: a pulse) or a
    standing level (1), within the channel's bound; a cell with a slot keeps what it changed there,
    and the cell that undoes it takes that back."""
    X = S if cell[C_TABLE] == 0 else L
    c, a, b = cell[C_CHANNEL], cell[C_A], cell[C_B]
    before = X[c, a, b]
    x = before + (-kept[cell[C_SLOT]] if cell[C_UNDO] == 1 else delta)
    if cell[C_BOUND] == FLOOR:
        x = max(x, 0.0)
    elif cell[C_BOUND] == CEILING:
        x = min(x, 0.0)
    X[c, a, b] = x
    if cell[C_SLOT] >= 0 and cell[C_UNDO] == 0:
        kept[cell[C_SLOT]] = x - before


@jit
def decide(A, A0, L, L0, pressure, signal, act, export, conditionality, hedging, p):
    """decisions.arms_offer, aid_cut, aid_restore and outreach: each state's chance of each move."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            if i == j:
                for k in range(N_RULES):
                    p[k, i, j] = 0.0
                continue
            mutual = max(A[i, j], 0.0) * max(A[j, i], 0.0)
            opened = 1.0 if (L[ARMS, i, j] >= 0.0 and L[SANCTIONS, i, j] >= 0.0) else 0.0
            offer = act[OFFER_RATE] * export[i] * mutual * max(1.0 - pressure[i, j], 0.0) * opened
            p[OFFER, i, j] = min(max(offer, 0.0), 1.0)
            gap = A0[i, j] - A[i, j]
            review = act[REVIEW_RATE] * conditionality[i]
            p[CUT, i, j] = review * (1.0 if (gap > act[CUT_GAP] and L[AID, i, j] > 0.0) else 0.0)
            p[RESTORE, i, j] = review * (1.0 if (gap <= act[CUT_GAP] / 2.0 and L[AID, i, j] < L0[AID, i, j]) else 0.0)
            p[REACH, i, j] = act[REACH_RATE] * hedging[i] * min(signal[i, j], 1.0)


@jit
def moves(S, L, L0, p, u, act, counts) -> bool:
    """The agents' moves (sim.model.agents): land those whose draw fell under their chance; True if a
    stock moved."""
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
            if u[CUT, i, j] < p[CUT, i, j]:  # a cut wins over a restore, as in the agents
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
