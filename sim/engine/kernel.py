"""The quarter, compiled: :mod:`sim.model.dynamics` and :mod:`sim.model.decisions` fused.

A batch spends nearly all its time advancing runs quarter by quarter. Numpy pays a call for
every small ``(n, n)`` operation; :func:`step` is one compiled pass through a quarter of
one run, with its state and scratch arrays kept in cache: the authored events land, the
states decide and act, the drivers push, memory settles and the stocks relax, in the same
order and with the same arithmetic as the numpy functions it mirrors (named on each helper).
Tests hold it to the Mesa model to 1e-12; the two differ only in rounding (numpy's matrix
products go through BLAS). Every position it reads by (driver, channel, decision rule,
parameter column) is looked up by name in the module that declares it.

Two loops call :func:`step`: :func:`advance_runs` takes many runs through every quarter (a batch,
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

from sim.engine import levels as level
from sim.engine import quarter as q
from sim.engine import streams
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
    "added balance displeasure levels standing index count p raw contrib threat",
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
    ``p`` the decision rules' chances; ``contrib`` each driver's push; ``threat`` the shared threat."""
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
    )


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
    level.hedging(st.A, inp.A0, sc.frayed, sc.rival, sc.index, sc.count, sc.levels[2])
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


@jit
def step(inp, st, sc, u, z, cells, delta, first, last, more_cells, more_delta, more_first, more_last, counts):
    """One quarter of one run: events ``first:last`` of ``cells``/``delta`` land (the scenario's), then
    ``more_first:more_last`` of ``more_cells``/``more_delta`` (decided during the run: a game's
    moves); the states decide with the draws ``u`` (rules, n, n) and the drivers push with the
    normals ``z`` (n, n), both in the world's actor order. ``counts`` adds the moves taken."""
    g, A, S, L, memory = inp.gains, st.A, st.S, st.L, st.memory
    landed, levels = sc.landed, sc.levels
    n = A.shape[0]
    landed[:] = S
    sc.was_hostile[:] = st.hostile  # the measures in force before this quarter's events
    for e in range(first, last):
        q.land(S, L, cells[e], delta[e], st.kept)
    for e in range(more_first, more_last):
        q.land(S, L, more_cells[e], more_delta[e], st.kept)
    level.shared(S[THREAT], sc.threat)  # no decision touches the threat channel
    level.flows(S, inp.weight, sc.flows)
    level.pressure(A, sc.flows, sc.dep, sc.cold, sc.index, sc.count, levels[1])
    level.hedging(A, inp.A0, sc.frayed, sc.rival, sc.index, sc.count, levels[2])
    q.decide(A, inp.A0, L, inp.L0, levels[1], levels[2], inp.act, inp.export, inp.conditionality, inp.hedging, sc.p)
    if q.moves(S, L, inp.L0, sc.p, u, inp.act, counts):  # the stocks moved: flows and pressure anew
        level.flows(S, inp.weight, sc.flows)
        level.pressure(A, sc.flows, sc.dep, sc.cold, sc.index, sc.count, levels[1])
    level.benefits_and_support(sc.flows, g[GIVER], levels[0], levels[3])
    level.structure(
        A,
        memory,
        levels[3],
        g[TIE],
        sc.tie,
        sc.sym,
        sc.enmity,
        sc.added,
        sc.index,
        sc.count,
        sc.balance,
        sc.displeasure,
    )
    # The record (dynamics.recorded): this quarter's acts and the dealings with one's enemies
    # (dynamics.acts; the rows of enmity are still in index and count), and the measures in force.
    for c in range(S.shape[0]):
        for i in range(n):
            for j in range(n):
                landed[c, i, j] = S[c, i, j] - landed[c, i, j]
    level.flows(landed, inp.weight, sc.acted_flows)
    level.dealings(sc.acted_flows, sc.added)
    level.weighted_product(sc.enmity, sc.added, sc.index, sc.count, sc.backing)
    level.hostile(L, SANCTIONS, inp.weight, g[WEIGHT_SANCTIONS], g[GIVER], sc.flows, st.hostile)
    for i in range(n):
        for j in range(n):
            sc.changed[i, j] = st.hostile[i, j] - sc.was_hostile[i, j]  # measures imposed or lifted
            sc.floor[i, j] = g[GRIEVANCE_WEIGHT] * st.hostile[i, j]
    level.acts(sc.acted_flows, sc.changed, sc.backing, inp.enduring, g[GIVER], g[RESENTMENT], sc.acts)
    _record(memory, sc.acts, sc.floor, g)
    level.flows(st.usual, inp.weight, sc.flows)  # what the standing ties deliver, for memory to settle towards
    level.benefits_and_support(sc.flows, g[GIVER], sc.standing[0], sc.standing[3])
    level.pressure(A, sc.flows, sc.dep, sc.cold, sc.index, sc.count, sc.standing[1])
    _advance(
        A, memory, levels, sc.threat, sc.balance, sc.displeasure, inp.hedging, inp.enduring, g, z, sc.raw, sc.contrib
    )
    _settle(memory, A, sc.standing, sc.threat, levels[2], g[SETTLE], g[HABIT])
    _relax(S, L, inp.relax)
    _relax(st.usual, L, inp.relax)


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
    """Quarters ``start + 1`` to ``stop`` of one run (:mod:`sim.engine.stepper`), each quarter's scores and
    drivers' pushes written in ``alignment[t]`` and ``contributions[t]``. Its draws are made up front,
    in the world's actor order: ``uniforms[t - 1]`` and ``normals[t - 1]`` are quarter ``t``'s.
    Quarter ``t``'s events are ``ev_start[t]:ev_start[t + 1]`` of ``cells`` (the scenario's), then
    ``more_start[t]:more_start[t + 1]`` of ``more_cells`` (those decided during the run)."""
    for t in range(start + 1, stop + 1):
        step(
            inp,
            st,
            sc,
            uniforms[t - 1],
            normals[t - 1],
            cells,
            delta,
            ev_start[t],
            ev_start[t + 1],
            more_cells,
            more_delta,
            more_start[t],
            more_start[t + 1],
            counts,
        )
        alignment[t] = st.A
        contributions[t] = sc.contrib


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
    u, z = np.empty((N_RULES, n, n)), np.empty((n, n))
    at_uniform, at_normal = np.empty(4, dtype=np.uint64), np.empty(4, dtype=np.uint64)
    u_flat, z_flat = np.empty(N_RULES * n * n), np.empty(n * n)
    none_cells, none_delta = np.zeros((0, 7), dtype=np.int64), np.zeros(0)
    st = new_state(
        Inputs(A0, S0, L0, gains[0], weight[0], relax[0], act[0], hedging, export, conditionality, enduring),
        ev_cells.shape[0],
    )
    for r in range(R):
        inp = Inputs(A0, S0, L0, gains[r], weight[r], relax[r], act[r], hedging, export, conditionality, enduring)
        streams.seed(seeds[r], at_uniform)
        at_normal[:] = at_uniform
        streams.advance(at_normal, (T - 1) * N_RULES * n * n)
        begin(inp, st, sc)
        alignment[r, 0] = A0
        for t in range(1, T):
            streams.uniforms(at_uniform, u_flat)
            streams.normals(at_normal, z_flat)
            for i in range(n):
                for j in range(n):
                    z[i, j] = z_flat[rank[i] * n + rank[j]]
                    for k in range(N_RULES):
                        u[k, i, j] = u_flat[(k * n + rank[i]) * n + rank[j]]
            step(
                inp,
                st,
                sc,
                u,
                z,
                ev_cells,
                ev_delta,
                ev_start[t],
                ev_start[t + 1],
                none_cells,
                none_delta,
                0,
                0,
                counts[r],
            )
            alignment[r, t] = st.A
            if keep:
                contributions[r, t] = sc.contrib
