"""Many seeded runs of one world at once, through the compiled engine.

Each run is the run :func:`sim.model.mesa_model.run` makes with its seed (tests check
they agree to 1e-12): the same authored events, the same decision rules, the draws of
a generator seeded as the model's is. The compiled loop (:mod:`sim.engine.kernel`)
takes each run through every quarter on its own, so a run's result does not depend on
the runs beside it. What it leaves out is the per-event log; it counts the decisions.

``varied`` gives assumptions one value per run, so one call covers many points of a
sweep; each run's memory starts from its own first quarter, made in the compiled loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import dynamics as dyn
from sim.model import events
from sim.model.decisions import RULES
from sim.model.measures import pair_mean
from sim.model.world import World, coefficients


@dataclass(frozen=True, eq=False)
class Ensemble:
    """Scores of every run: ``alignment[r, t, i, j]``, with its seed ``seeds[r]``."""

    world: World
    seeds: np.ndarray  # (R,)
    alignment: np.ndarray  # (R, T, n, n)
    decisions: dict[str, np.ndarray]  # rule -> (R,) how often each run took it
    contributions: np.ndarray | None = None  # (R, T, D, n, n), when asked for

    def pair(self, a: str, b: str) -> np.ndarray:
        """The pair's score, the mean of both directions, ``(R, T)``."""
        return pair_mean(self.alignment, self.world.index[a], self.world.index[b])


def concat(parts: list[Ensemble]) -> Ensemble:
    """Ensembles of the same world, one after another, as one."""
    keep = all(p.contributions is not None for p in parts)
    return Ensemble(
        parts[0].world,
        np.concatenate([p.seeds for p in parts]),
        np.concatenate([p.alignment for p in parts]),
        {rule: np.concatenate([p.decisions[rule] for p in parts]) for rule in parts[0].decisions},
        np.concatenate([p.contributions for p in parts]) if keep else None,
    )


def replication_seeds(seed: int, replications: int) -> np.ndarray:
    """Seeds of replications, derived from one seed; each one is a `tightrope run --seed`."""
    return np.random.SeedSequence(seed).generate_state(replications, dtype=np.uint32)


def _per_run(R: int, x, shape: tuple = ()) -> np.ndarray:
    """A number or array, one copy per run ``(R, *shape)``: contiguous and writable (numba compiles
    read-only arrays, such as a broadcast view, apart)."""
    return np.array(np.broadcast_to(np.asarray(x, dtype=float), (R, *shape)), order="C")


def run(world: World, seeds, varied: dict[str, np.ndarray] | None = None, keep_contributions: bool = False) -> Ensemble:
    """Run ``world`` once per seed, every seed in one compiled pass.

    ``varied`` sets assumptions to one value per run (arrays as long as ``seeds``).
    """
    from sim.engine import cache

    cache.ready()
    from sim.engine import drives, kernel, quarter

    seeds = np.array(seeds, dtype=np.uint64).reshape(-1)  # a writable copy: one compiled signature
    R, T, n = seeds.size, world.n_steps, len(world.codes)
    if varied:
        values = {**world.values, **{k: np.asarray(x, dtype=float).reshape(R) for k, x in varied.items()}}
        coef = coefficients(values, world.hedging, world.enduring)
    else:
        values, coef = world.values, world.coef
    gains = np.stack([_per_run(R, getattr(coef, g)) for g in drives.GAINS], axis=1)
    act = np.stack([_per_run(R, values[name]) for name in quarter.ACTS], axis=1)
    weight = _per_run(R, coef.channel_weight, (len(dyn.BENEFIT_CHANNELS),))
    relax = _per_run(R, coef.relax_rate, (len(dyn.CHANNELS),))
    start, cells, delta = events.cells(world.schedule)
    hedging, export, conditionality = (
        np.array(x, dtype=float) for x in (world.hedging, world.export, world.conditionality)
    )
    alignment = np.empty((R, T, n, n))
    shape = (R if keep_contributions else 0, T, len(dyn.DRIVERS), n, n)
    contributions = np.zeros(shape)
    counts = np.zeros((R, len(RULES)), dtype=np.int64)
    kernel.advance_runs(
        world.A0.copy(),
        world.S0.copy(),
        world.L0.copy(),
        gains,
        weight,
        relax,
        act,
        hedging,
        export,
        conditionality,
        np.array(world.enduring, dtype=float),
        start,
        cells,
        delta,
        world.rank.copy(),
        seeds,
        alignment,
        counts,
        contributions,
    )
    return Ensemble(
        world,
        seeds,
        alignment,
        {rule: counts[:, k] for k, rule in enumerate(RULES)},
        contributions if keep_contributions else None,
    )
