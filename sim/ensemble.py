"""Replications of one scenario advanced together, over a leading batch axis.

Each replication is the run :class:`sim.model.AlignmentModel` makes with its seed
(a test checks they agree to 1e-12): the same authored events, the same decision
rules, and the draws of a generator seeded as the model's is. The states' decisions
differ per replication, but are taken for all of them at once with numpy masks
instead of one Mesa agent at a time. What it leaves out is the per-event log; it
counts the decisions instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import decisions, dynamics as dyn
from sim.model import RULES, AlignmentModel, coefficients, land, landings
from sim.schema import EVENT_KINDS, Event, Horizon, Scenario

ENGINES = ("compiled", "numpy")


@dataclass(frozen=True)
class Ensemble:
    """Scores of every replication: ``alignment[r, t, i, j]``, with its seed ``seeds[r]``."""

    seeds: np.ndarray  # (R,)
    alignment: np.ndarray  # (R, T, n, n)
    decisions: dict[str, np.ndarray]  # rule -> (R,) how often each replication took it
    contributions: np.ndarray | None = None  # (R, T, D, n, n), when asked for

    def pair(self, i: int, j: int) -> np.ndarray:
        """The mean of i->j and j->i, ``(R, T)``."""
        return (self.alignment[:, :, i, j] + self.alignment[:, :, j, i]) / 2.0


def concat(parts: list[Ensemble]) -> Ensemble:
    """Ensembles of the same scenario, one after another, as one."""
    keep = all(p.contributions is not None for p in parts)
    return Ensemble(np.concatenate([p.seeds for p in parts]), np.concatenate([p.alignment for p in parts]),
                    {rule: np.concatenate([p.decisions[rule] for p in parts]) for rule in parts[0].decisions},
                    np.concatenate([p.contributions for p in parts]) if keep else None)


def draws(template: AlignmentModel, seeds) -> tuple[np.ndarray, np.ndarray]:
    """Each seed's up-front draws, exactly as a model with that seed makes them, laid out
    step-major, ``uniforms[t, r]`` and ``normals[t, r]``: each quarter reads one contiguous block."""
    steps, n = template.n_steps - 1, len(template.codes)
    uniforms = np.empty((len(seeds), steps, len(RULES), n, n))
    normals = np.empty((len(seeds), steps, n, n))
    for r, seed in enumerate(seeds):
        rng = np.random.default_rng(int(seed))
        rng.random(out=uniforms[r])
        rng.standard_normal(out=normals[r])
    step_major = lambda x: np.ascontiguousarray(np.swapaxes(template._canonical(x), 0, 1))
    return step_major(uniforms), step_major(normals)


@dataclass(frozen=True)
class _Setting:
    """What the replications run under: assumption values (numbers or one per replication), and
    the coefficients and anchor made from them."""

    values: dict
    coef: dyn.Coefficients
    anchor: dyn.Anchor


def _decide(m: AlignmentModel, s: _Setting, A, S, L, u) -> tuple[np.ndarray, ...]:
    """Which (replication, state, other state) take each rule this quarter; same rules as the agents."""
    v, arms, aid = s.values, dyn.CHANNELS.index("arms"), dyn.CHANNELS.index("aid")
    p = {
        "arms_offer": decisions.arms_offer(A, S, L[:, arms], s.coef, m.export, v["arms_offer_rate"]),
        "aid_cut": decisions.aid_cut(A, s.anchor.alignment, L[:, aid], m.conditionality,
                                     v["aid_review_rate"], v["aid_cut_gap"]),
        "aid_restore": decisions.aid_restore(A, s.anchor.alignment, L[:, aid], m.L0[aid], m.conditionality,
                                             v["aid_review_rate"], v["aid_cut_gap"]),
        "outreach": decisions.outreach(A, s.anchor.alignment, s.coef.hedging, v["outreach_rate"]),
    }
    return tuple(u[:, k] < p[rule] for k, rule in enumerate(RULES))


def _act(m: AlignmentModel, s: _Setting, S, L, taken) -> None:
    """Land this quarter's decisions, in place; cells nobody acted on are left bitwise alone."""
    offer, cut, restore, reach = taken
    v, arms, aid, dip = s.values, *(dyn.CHANNELS.index(c) for c in ("arms", "aid", "diplomacy"))
    S[:, arms] += dyn.per_run(v["arms_offer_size"]) * offer
    level = L[:, aid]
    size = np.where(cut, level * dyn.per_run(v["aid_cut_share"]), np.where(restore, m.L0[aid] - level, 0.0))
    sign = np.where(cut, -1.0, 1.0)
    L[:, aid] = np.where(cut | restore, np.maximum(level + sign * size, 0.0), level)
    # A visit is mutual: i's outreach to j and j's to i both land on both cells, in that order.
    visit = dyn.per_run(v["outreach_size"])
    S[:, dip] += visit * reach
    S[:, dip] += visit * np.swapaxes(reach, -1, -2)


def run(scenario: Scenario, seeds, overrides: dict[str, float] | None = None,
        keep_contributions: bool = False, varied: dict[str, np.ndarray] | None = None,
        engine: str = "compiled") -> Ensemble:
    """Run ``scenario`` once per seed, all seeds at once.

    ``overrides`` set assumptions for every replication; ``varied`` gives assumptions one
    value per replication, so one pass can cover many points of a sweep. ``engine``:
    "compiled" (:mod:`sim.kernel`, the fast one) or "numpy" (numpy over the batch axis, the
    reference); the two agree to rounding, each with itself bit for bit.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    seeds = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    m = AlignmentModel(scenario, seed=int(seeds[0]) if seeds.size else 0, overrides=overrides)
    R = seeds.size
    if varied:
        values = {**m.values, **{k: np.asarray(x, dtype=float).reshape(R) for k, x in varied.items()}}
        coef = coefficients(values, m.coef.hedging)
        A = np.broadcast_to(m.A, (R, *m.A.shape))
        S = np.broadcast_to(m.S, (R, *m.S.shape))
        setting = _Setting(values, coef, dyn.make_anchor(A, S, coef))
    else:
        setting = _Setting(m.values, m.coef, m.anchor)
    if engine == "compiled":
        return _run_compiled(m, setting, seeds, keep_contributions)
    return _run_numpy(m, setting, seeds, keep_contributions, shared_threat="relax_threat" not in (varied or {}))


def _run_numpy(m: AlignmentModel, setting: _Setting, seeds: np.ndarray, keep_contributions: bool,
               shared_threat: bool) -> Ensemble:
    R, T, n = seeds.size, m.n_steps, len(m.codes)
    uniforms, normals = draws(m, seeds)
    A = np.broadcast_to(m.A, (R, n, n)).copy()
    S = np.broadcast_to(m.S, (R, *m.S.shape)).copy()
    L = np.broadcast_to(m.L, (R, *m.L.shape)).copy()
    alignment = np.empty((R, T, n, n))
    alignment[:, 0] = A
    contributions = np.zeros((R, T, len(dyn.DRIVERS), n, n)) if keep_contributions else None
    counts = {rule: np.zeros(R, dtype=np.int64) for rule in RULES}
    # No decision touches the threat stocks: unless their relaxation varies, every replication
    # has the same ones, and their shared-threat level is computed once a quarter for all.
    for t in range(1, T):
        for event in m.schedule.get(t, ()):
            land(S, L, event.type, m.index[event.from_], [m.index[c] for c in event.targets()], event.magnitude)
        taken = _decide(m, setting, A, S, L, uniforms[t - 1])
        _act(m, setting, S, L, taken)
        for rule, mask in zip(RULES, taken):
            counts[rule] += mask.sum(axis=(-1, -2))
        threat = dyn.shared_threat_level(S[:1]) if shared_threat else None
        A, S, contrib = dyn.advance(A, S, L, setting.anchor, setting.coef, normals[t - 1], threat)
        alignment[:, t] = A
        if contributions is not None:
            contributions[:, t] = contrib
    return Ensemble(seeds, alignment, counts, contributions)


def event_table(m: AlignmentModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's authored events as cells for :func:`sim.kernel.advance_runs`: quarter ``t``'s are rows
    ``start[t]:start[t + 1]`` of ``cells`` (on a level?, channel, a, b, clamp at zero?) and ``delta``."""
    cells, delta, start = [], [], [0] * (m.n_steps + 1)
    for t in range(m.n_steps):
        for event in m.schedule.get(t, ()):
            for level, c, a, b in landings(event.type, m.index[event.from_], [m.index[x] for x in event.targets()]):
                cells.append((int(level), c, a, b, int(c == dyn.CHANNELS.index("aid"))))
                delta.append(EVENT_KINDS[event.type].sign * event.magnitude)
        start[t + 1] = len(cells)
    return (np.array(start, dtype=np.int64), np.array(cells, dtype=np.int64).reshape(-1, 5),
            np.array(delta, dtype=float))


def _per_run(R: int, x, shape: tuple = ()) -> np.ndarray:
    """A number or array, one copy per run ``(R, *shape)``: contiguous and writable (numba compiles
    read-only arrays, such as a broadcast view, apart)."""
    return np.array(np.broadcast_to(np.asarray(x, dtype=float), (R, *shape)), order="C")


def _run_compiled(m: AlignmentModel, setting: _Setting, seeds: np.ndarray, keep_contributions: bool) -> Ensemble:
    from sim import kernel  # compiled on first use (cached on disk after that)

    R, T, n = seeds.size, m.n_steps, len(m.codes)
    c, v = setting.coef, setting.values
    a = setting.anchor
    anchor = np.stack([_per_run(R, x, (n, n)) for x in (a.benefits, a.threat, a.pressure, a.balance)], axis=1)
    gains = np.stack([_per_run(R, getattr(c, g)) for g in kernel.GAINS], axis=1)
    act = np.stack([_per_run(R, v[name]) for name in kernel.ACTS], axis=1)
    weight = _per_run(R, c.channel_weight, (len(dyn.BENEFIT_CHANNELS),))
    relax = _per_run(R, c.relax_rate, (len(dyn.CHANNELS),))
    start, cells, delta = event_table(m)
    hedging, export, conditionality = (np.asarray(x, dtype=float) for x in (c.hedging, m.export, m.conditionality))
    alignment = np.empty((R, T, n, n))
    contributions = np.zeros((R, T, len(dyn.DRIVERS), n, n) if keep_contributions else (0, T, len(dyn.DRIVERS), n, n))
    counts = np.zeros((R, len(RULES)), dtype=np.int64)
    kernel.advance_runs(m.A, m.S, m.L, anchor, gains, weight, relax, act, hedging, export, conditionality,
                        start, cells, delta, m._rank.astype(np.int64), seeds, alignment, counts, contributions)
    return Ensemble(seeds, alignment, {rule: counts[:, k] for k, rule in enumerate(RULES)},
                    contributions if keep_contributions else None)


def prepare() -> None:
    """Compile the compiled engine now, or load it from its disk cache, with one short run of two
    states. ``make`` calls this once after installing, so no lesson waits for the compiler."""
    two = Scenario(name="prepare", description="Two states and one visit.", horizon=Horizon(end="2010Q4"),
                   actors={"AAA": {"name": "A", "doctrine": {"hedging": 1.0}}, "BBB": {"name": "B"}},
                   events=[Event(type="visit", from_="AAA", to="BBB", date="2010Q2")])
    run(two, [0], keep_contributions=True)
