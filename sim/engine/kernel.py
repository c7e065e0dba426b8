"""The quarter, compiled: :mod:`sim.model.dynamics` and :mod:`sim.model.decisions` fused.

A batch spends nearly all its time advancing runs quarter by quarter. Numpy pays a call for
every small ``(n, n)`` operation; :func:`quarters` takes one run through its quarters in one
compiled loop, with its state and scratch arrays kept in cache: the authored events land, the
states decide and act, the drivers push (:mod:`sim.engine.drives`), memory settles and the
stocks relax, in the same order and with the same arithmetic as the numpy functions it
mirrors (named on each helper).
Tests hold it to the Mesa model to 1e-12; the two differ only in rounding (numpy's matrix
products go through BLAS). Every position it reads by (driver, channel, decision rule,
parameter column) is looked up by name in the module that declares it.

Two callers share it: :func:`advance_runs` takes many runs through every quarter (a batch,
each run drawing from its own stream), and :func:`advance` takes one run a few quarters
further (:mod:`sim.engine.stepper`: the game, whose moves are decided between years).

A run is three named tuples of arrays: its :class:`Inputs` (the world and its parameters),
its :class:`State` (what carries from one quarter to the next: copy it to go back to a
quarter) and its :class:`Scratch` (the quarter's working arrays, reused).

The sums over third states skip what is zero: a state depends on the few it trades with,
has a few significant friends and enemies, and a few frayed patrons. Each such sum runs
over a row's list of nonzero entries, so a sparse quarter costs about ``n**2`` times the
number of a state's real ties; a dense one, where every pair has a regard, costs ``n**3``
in vectorized passes (:mod:`sim.engine.levels`).

Each run is advanced alone, so its result depends on nothing but its own inputs: not on
the runs that share its call, nor on the thread that computes it. The functions release
the GIL, so worker threads run chunks side by side; the compiled code is cached on disk
(:mod:`sim.engine.cache`), so only the first use on a machine pays for compiling it.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from sim.engine import drives, streams
from sim.engine import levels as level
from sim.engine import quarter as q
from sim.engine.cache import jit
from sim.engine.drives import (
    GIVER,
    GRIEVANCE_WEIGHT,
    HABIT,
    M_ALIGN,
    M_BENEFITS,
    M_HEDGING,
    M_MEASURES,
    M_MEASURES0,
    M_PRESSURE,
    M_RECORD,
    M_SUPPORT,
    M_THREAT,
    N_DRIVERS,
    N_MEMORY,
    RESENTMENT,
    SETTLE,
    TIE,
    WEIGHT_SANCTIONS,
)
from sim.model.decisions import RULES
from sim.model.dynamics import CHANNELS

SANCTIONS, THREAT = CHANNELS.index("sanctions"), CHANNELS.index("threat")
N_RULES = len(RULES)
LEVEL_ROWS = 4  # levels and standing: benefits, pressure, hedging signal, support

# A run's world and parameters: ``gains``, ``act`` follow GAINS and ACTS; ``weight`` the benefit
# channels' weights, ``relax`` every channel's relaxation; ``enduring`` +1 partnerships, -1 rivalries.
Inputs = namedtuple("Inputs", "A0 S0 L0 gains weight relax act hedging export conditionality enduring")
# What carries from one quarter to the next. ``usual``: the standing stocks (S without its one-off
# pulses); ``hostile``: the measures in force; ``kept``: what each event with until: changed.
State = namedtuple("State", "A S L usual memory hostile kept")
# The quarter's working arrays (Scratch's docstring in new_scratch).
Scratch = namedtuple(
    "Scratch",
    "landed acted_flows acts backing floor was_hostile changed flows dep cold frayed rival tie sym enmity "
    "added balance displeasure levels standing index count p raw contrib threat u z u_flat z_flat",
)


@jit
def new_state(inp, slots):
    """A run's state before its first quarter; :func:`begin` fills it."""
    n = inp.A0.shape[0]
    return State(
        inp.A0.copy(),
        inp.S0.copy(),
        inp.L0.copy(),
        inp.S0.copy(),
        np.empty((N_MEMORY, n, n)),
        np.empty((n, n)),
        np.zeros(max(slots, 1)),
    )


@jit
def new_scratch(n, channels):
    """The arrays a quarter works in: ``landed`` the stocks before the quarter's acts, then what they
    added; ``levels`` and ``standing`` the benefits, pressure, hedging signal and support of the
    stocks and of the standing stocks; ``index``/``count`` a table's nonzero entries by row;
    ``p`` the decision rules' chances; ``contrib`` each driver's push; ``threat`` the shared threat;
    ``u``, ``z`` the quarter's draws, ``u_flat``, ``z_flat`` as a stream gives them."""
    return Scratch(
        np.empty((channels, n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((LEVEL_ROWS, n, n)),
        np.empty((LEVEL_ROWS, n, n)),
        np.empty((n, n), dtype=np.int64),
        np.empty(n, dtype=np.int64),
        np.empty((N_RULES, n, n)),
        np.empty(N_DRIVERS),
        np.empty((N_DRIVERS, n, n)),
        np.empty((n, n)),
        np.empty((N_RULES, n, n)),
        np.empty((n, n)),
        np.empty(N_RULES * n * n),
        np.empty(n * n),
    )


@jit
def begin(inp, st, sc):
    """The run's state at its first quarter; memory starts from it, as dynamics.remember makes it."""
    g = inp.gains
    st.A[:] = inp.A0
    st.S[:] = inp.S0
    st.usual[:] = inp.S0
    st.L[:] = inp.L0
    st.kept[:] = 0.0
    level.flows(st.S, inp.weight, sc.flows)
    level.benefits_and_support(sc.flows, g[GIVER], sc.levels[0], sc.levels[3])
    level.pressure(st.A, sc.flows, sc.dep, sc.cold, sc.index, sc.count, sc.levels[1])
    level.hedging(st.A, inp.A0, inp.hedging, sc.frayed, sc.rival, sc.index, sc.count, sc.levels[2])
    level.shared(st.S[THREAT], sc.threat)
    memory = st.memory
    memory[M_ALIGN] = inp.A0
    memory[M_BENEFITS] = sc.levels[0]
    memory[M_THREAT] = sc.threat
    memory[M_PRESSURE] = sc.levels[1]
    memory[M_SUPPORT] = sc.levels[3]
    memory[M_HEDGING] = sc.levels[2]
    level.hostile(st.L, SANCTIONS, inp.weight, g[WEIGHT_SANCTIONS], g[GIVER], sc.flows, st.hostile)
    memory[M_RECORD] = 0.0
    memory[M_MEASURES] = g[GRIEVANCE_WEIGHT] * st.hostile
    memory[M_MEASURES0] = g[GRIEVANCE_WEIGHT] * st.hostile


# One argument a line would take seventy lines: they are grouped as the callers pass them.
# fmt: off
@jit
def quarters(
    start, stop, uniforms, normals, at_uniform, at_normal, rank,
    ev_start, cells, delta, more_start, more_cells, more_delta, series, counts, alignment, contributions,
    A0, S0, L0, g, weight, relax, act, hedging, export, conditionality, enduring,  # Inputs
    A, S, L, usual, memory, hostile, kept,  # State
    landed, acted_flows, acts, backing, floor, was_hostile, changed, flows, dep, cold,  # Scratch
    frayed, rival, tie, sym, enmity, added, balance, displeasure, levels, standing,
    index, count, p, raw, contrib, threat, u, z, u_flat, z_flat,
):
    # fmt: on
    """Quarters ``start + 1`` to ``stop`` of one run, each quarter's scores written in ``alignment[t]``
    and its drivers' pushes in ``contributions[t]`` (when it has quarters). After the run's
    quarters and draws come its :class:`Inputs`, :class:`State` and :class:`Scratch`, field by
    field (callers pass ``*inp[:], *st[:], *sc[:]``): the quarter's work is one loop body in one
    function, which is what keeps it as fast as it is.

    The draws: ``uniforms[t - 1]`` (rules, n, n) and ``normals[t - 1]`` (n, n) in the world's actor
    order when they are given (a stepper: made up front); else, when ``uniforms`` has no quarters,
    read quarter by quarter from the run's streams ``at_uniform`` and ``at_normal`` (a batch: see
    :func:`advance_runs`), in the actors' alphabetical order, which ``rank`` maps to the world's.

    Quarter ``t``'s events are ``ev_start[t]:ev_start[t + 1]`` of ``cells`` (the scenario's), then
    ``more_start[t]:more_start[t + 1]`` of ``more_cells`` (decided during the run: a game's moves).
    ``series[t]`` is the shared threat when the caller knows it (a batch: no decision touches the
    threat channel, so its series follows the scenario's events alone and serves every run,
    :func:`sim.engine.quarter.threat_series`); when ``series`` has no quarters it is made in each
    quarter, after the events. ``counts`` adds the moves taken.
    """
    n = A.shape[0]
    drawn = uniforms.shape[0] > 0
    keep = contributions.shape[0] > 0
    for t in range(start + 1, stop + 1):
        landed[:] = S
        was_hostile[:] = hostile  # the measures in force before this quarter's events
        for e in range(ev_start[t], ev_start[t + 1]):
            q.land(S, L, cells[e], delta[e], kept)
        for e in range(more_start[t], more_start[t + 1]):
            q.land(S, L, more_cells[e], more_delta[e], kept)
        if series.shape[0] > 0:
            threat[:] = series[t]
        else:
            level.shared(S[THREAT], threat)
        if drawn:
            u[:] = uniforms[t - 1]
            z[:] = normals[t - 1]
        else:
            streams.uniforms(at_uniform, u_flat)
            streams.normals(at_normal, z_flat)
            for i in range(n):
                for j in range(n):
                    z[i, j] = z_flat[rank[i] * n + rank[j]]
                    for k in range(N_RULES):
                        u[k, i, j] = u_flat[(k * n + rank[i]) * n + rank[j]]
        level.flows(S, weight, flows)
        level.pressure(A, flows, dep, cold, index, count, levels[1])
        level.hedging(A, A0, hedging, frayed, rival, index, count, levels[2])
        q.decide(A, A0, L, L0, levels[1], levels[2], act, export, conditionality, hedging, p)
        if q.moves(S, L, L0, p, u, act, counts):  # the stocks moved: flows and pressure anew
            level.flows(S, weight, flows)
            level.pressure(A, flows, dep, cold, index, count, levels[1])
        level.benefits_and_support(flows, g[GIVER], levels[0], levels[3])
        level.structure(A, memory, levels[3], g[TIE], tie, sym, enmity, added, index, count, balance, displeasure)
        # The record (dynamics.recorded): this quarter's acts and the dealings with one's enemies
        # (dynamics.acts; the rows of enmity are still in index and count), and the measures in force.
        for c in range(S.shape[0]):
            for i in range(n):
                for j in range(n):
                    landed[c, i, j] = S[c, i, j] - landed[c, i, j]
        level.flows(landed, weight, acted_flows)
        level.dealings(acted_flows, added)
        level.weighted_product(enmity, added, index, count, backing)
        level.hostile(L, SANCTIONS, weight, g[WEIGHT_SANCTIONS], g[GIVER], flows, hostile)
        for i in range(n):
            for j in range(n):
                changed[i, j] = hostile[i, j] - was_hostile[i, j]  # measures imposed or lifted
                floor[i, j] = g[GRIEVANCE_WEIGHT] * hostile[i, j]
        level.acts(acted_flows, changed, backing, enduring, g[GIVER], g[RESENTMENT], acts)
        drives.record(memory, acts, floor, g)
        level.flows(usual, weight, flows)  # what the standing ties deliver, for memory to settle towards
        level.benefits_and_support(flows, g[GIVER], standing[0], standing[3])
        level.pressure(A, flows, dep, cold, index, count, standing[1])
        drives.push(A, memory, levels, threat, balance, displeasure, hedging, enduring, g, z, raw, contrib)
        drives.settle(memory, A, standing, threat, levels[2], g[SETTLE], g[HABIT])
        drives.relax(S, L, relax)
        drives.relax(usual, L, relax)
        alignment[t] = A
        if keep:
            contributions[t] = contrib


@jit
def advance(
    inp,
    st,
    sc,
    start,
    stop,
    uniforms,
    normals,
    ev_start,
    cells,
    delta,
    more_start,
    more_cells,
    more_delta,
    counts,
    alignment,
    contributions,
):
    """Quarters ``start + 1`` to ``stop`` of one run whose draws are made up front (:mod:`sim.engine.stepper`):
    :func:`quarters` with the shared threat made in each quarter (added events may touch it)."""
    no_streams, no_rank, no_series = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64), np.empty((0, 0, 0))
    quarters(
        start,
        stop,
        uniforms,
        normals,
        no_streams,
        no_streams,
        no_rank,
        ev_start,
        cells,
        delta,
        more_start,
        more_cells,
        more_delta,
        no_series,
        counts,
        alignment,
        contributions,
        *inp[:],
        *st[:],
        *sc[:],
    )


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
    sc = new_scratch(n, S0.shape[0])
    st = new_state(
        Inputs(A0, S0, L0, gains[0], weight[0], relax[0], act[0], hedging, export, conditionality, enduring),
        ev_cells.shape[0],
    )
    at_uniform, at_normal = np.empty(4, dtype=np.uint64), np.empty(4, dtype=np.uint64)
    no_draws, no_normals = np.empty((0, N_RULES, n, n)), np.empty((0, n, n))
    no_more, no_cells, no_delta = np.zeros(T + 1, dtype=np.int64), np.zeros((0, 7), dtype=np.int64), np.zeros(0)
    no_contributions = np.empty((0, N_DRIVERS, n, n))
    series = np.empty((T, n, n))
    threat_rate = np.nan
    for r in range(R):
        inp = Inputs(A0, S0, L0, gains[r], weight[r], relax[r], act[r], hedging, export, conditionality, enduring)
        streams.seed(seeds[r], at_uniform)
        at_normal[:] = at_uniform
        streams.advance(at_normal, (T - 1) * N_RULES * n * n)
        if relax[r, THREAT] != threat_rate:
            threat_rate = relax[r, THREAT]
            q.threat_series(S0, L0, ev_start, ev_cells, ev_delta, threat_rate, series)
        begin(inp, st, sc)
        alignment[r, 0] = A0
        quarters(
            0,
            T - 1,
            no_draws,
            no_normals,
            at_uniform,
            at_normal,
            rank,
            ev_start,
            ev_cells,
            ev_delta,
            no_more,
            no_cells,
            no_delta,
            series,
            counts[r],
            alignment[r],
            contributions[r] if keep else no_contributions,
            *inp[:],
            *st[:],
            *sc[:],
        )
