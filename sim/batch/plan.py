"""A sweep's runs: their points and seeds, cut into chunks, and one chunk computed.

Run ``k`` is replication ``k % R`` of point ``k // R``; its seed is the first word of
``SeedSequence(sweep seed).spawn(...)[k]`` (built directly from its spawn key), so a run's
result depends on nothing but the sweep file: not on ``--jobs``, the scheduler, the
chunking or the order chunks finish in. A chunk is any run of consecutive ids, computed
in one pass of the compiled engine (points and replications alike on its run axis).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch import outputs, samplers
from sim.batch.sweep import LoadedSweep, Output
from sim.engine import ensemble
from sim.model.tidy import tidy_columns
from sim.model.world import World


@dataclass(frozen=True)
class Plan:
    """Every run of a sweep: its points, its replications, and the seed of each run."""

    names: list[str]  # the varied assumptions, in the sweep's order
    points: np.ndarray  # (P, len(names))
    replications: int
    seed: int

    @property
    def runs(self) -> int:
        return len(self.points) * self.replications

    def seeds(self, ids: np.ndarray) -> np.ndarray:
        """The seed of each run id: the same as ``SeedSequence(seed).spawn(N)[id]``'s first word
        (hashed in compiled code: a million runs' seeds take milliseconds, not seconds)."""
        from sim.engine import cache

        cache.ready()  # first: it may be loading in another thread, and numba must be imported once
        from sim.engine import streams

        out = np.empty(len(ids), dtype=np.uint64)
        streams.spawned_seeds(np.uint64(self.seed), np.array(ids, dtype=np.uint64), out)
        return out.astype(np.int64)


def plan(loaded: LoadedSweep) -> Plan:
    s = loaded.sweep
    return Plan(list(s.vary), samplers.points(s), s.replications, s.seed)


@dataclass(frozen=True)
class Chunk:
    """One unit of work: everything a worker needs, and nothing it must read from disk."""

    index: int
    world: World  # the sweep's scenario, with its fixed assumptions (set:) compiled in
    names: list[str]
    ids: np.ndarray  # run ids
    values: np.ndarray  # (len(ids), len(names))
    seeds: np.ndarray
    replications: int
    outputs: list[Output]
    pairs: list[tuple[str, str]] | None  # series to keep; None keeps none


def chunks(loaded: LoadedSweep, world: World, p: Plan, size: int) -> list[Chunk]:
    keep = loaded.sweep.keep_series
    codes = world.codes
    pairs = (
        [(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]]
        if keep is True
        else [tuple(x.split("-")) for x in keep]
        if keep
        else None
    )
    out = []
    for index, first in enumerate(range(0, p.runs, size)):
        ids = np.arange(first, min(first + size, p.runs))
        out.append(
            Chunk(
                index,
                world,
                p.names,
                ids,
                p.points[ids // p.replications],
                p.seeds(ids),
                p.replications,
                list(loaded.sweep.outputs),
                pairs,
            )
        )
    return out


Columns = dict[str, np.ndarray]


def compute(chunk: Chunk) -> tuple[int, Columns, Columns | None]:
    """Run a chunk: one row per run (ids, seed, varied values, outputs) and, if kept, the series."""
    varied = {name: chunk.values[:, k] for k, name in enumerate(chunk.names)}
    keep = chunk.pairs is not None
    e = ensemble.run(chunk.world, chunk.seeds, varied=varied, keep_contributions=keep)
    codes, start = list(chunk.world.codes), chunk.world.start
    rows = {
        "run": chunk.ids,
        "point": chunk.ids // chunk.replications,
        "replication": chunk.ids % chunk.replications,
        "seed": chunk.seeds,
        **varied,
    }
    for o in chunk.outputs:
        rows[o.name] = outputs.measure(o, e.alignment, codes, start)
    series = (
        tidy_columns(codes, start, e.alignment, e.contributions, runs=chunk.ids, pairs=chunk.pairs) if keep else None
    )
    return chunk.index, rows, series


def chunk_size(runs: int, jobs: int, keep_series: bool) -> int:
    """Big enough that a chunk is ~0.1 s of work or more (a Dask task costs ~1.5 ms), small enough
    that every worker gets several and memory stays bounded (series keep every driver of every run)."""
    most = 256 if keep_series else 1024
    return int(min(most, max(128, -(-runs // (4 * jobs)))))
