"""Batch runs of a sweep: plan the runs, compute them in chunks, write the results as they land.

Run ``k`` is replication ``k % R`` of point ``k // R``; its seed is the first word of
``SeedSequence(sweep seed).spawn(...)[k]`` (built directly from its spawn key), so a run's
result depends on nothing but the sweep file: not on ``--jobs``, the scheduler, the
chunking or the order chunks finish in. A chunk is any run of consecutive ids, computed
in one vectorised pass (:func:`sim.ensemble.run`, points and replications alike on its
batch axis) and written as its own Parquet file, by temporary name and rename; the runs
file of a chunk is written last, so its presence means the chunk is done. ``--resume``
computes only the chunks whose runs file is missing. When every chunk is in, they are
gathered into ``runs.parquet`` (and ``series.parquet``) and ``manifest.json`` is final.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from sim import ensemble, outputs, quarters, results, samplers
from sim.schema import Scenario
from sim.sweep import LoadedSweep, Output

CHUNKS = ".chunks"
SEED_WORDS = np.uint32  # run seeds fit `tightrope run --seed` and the classroom app


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
        """The seed of each run id: the same as ``SeedSequence(seed).spawn(N)[id]``'s first word."""
        return np.array([np.random.SeedSequence(self.seed, spawn_key=(int(k),)).generate_state(1, SEED_WORDS)[0]
                         for k in ids], dtype=np.int64)


def plan(loaded: LoadedSweep) -> Plan:
    s = loaded.sweep
    return Plan(list(s.vary), samplers.points(s), s.replications, s.seed)


@dataclass(frozen=True)
class Chunk:
    """One unit of work: everything a worker needs, and nothing it must read from disk."""

    index: int
    scenario: Scenario
    fixed: dict[str, float]
    names: list[str]
    ids: np.ndarray  # run ids
    values: np.ndarray  # (len(ids), len(names))
    seeds: np.ndarray
    replications: int
    outputs: list[Output]
    pairs: list[tuple[str, str]] | None  # series to keep; None keeps none
    engine: str = ensemble.ENGINES[0]  # the two agree to rounding, each with itself bit for bit


def chunks(loaded: LoadedSweep, p: Plan, size: int, engine: str) -> list[Chunk]:
    s, out = loaded.sweep, []
    keep = s.keep_series
    codes = list(loaded.scenario.actors)
    pairs = ([(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]] if keep is True
             else [tuple(x.split("-")) for x in keep] if keep else None)
    for index, first in enumerate(range(0, p.runs, size)):
        ids = np.arange(first, min(first + size, p.runs))
        out.append(Chunk(index, loaded.scenario, dict(s.set), p.names, ids, p.points[ids // p.replications],
                         p.seeds(ids), p.replications, list(s.outputs), pairs, engine))
    return out


def compute(chunk: Chunk) -> tuple[int, pd.DataFrame, pd.DataFrame | None]:
    """Run a chunk: one row per run (ids, seed, varied values, outputs) and, if kept, the series."""
    varied = {name: chunk.values[:, k] for k, name in enumerate(chunk.names)}
    keep = chunk.pairs is not None
    e = ensemble.run(chunk.scenario, chunk.seeds, overrides=chunk.fixed, varied=varied, keep_contributions=keep,
                     engine=chunk.engine)
    codes, start = list(chunk.scenario.actors), quarters.ordinal(chunk.scenario.horizon.start)
    rows = {"run": chunk.ids, "point": chunk.ids // chunk.replications,
            "replication": chunk.ids % chunk.replications, "seed": chunk.seeds, **varied}
    for o in chunk.outputs:
        rows[o.name] = outputs.measure(o, e.alignment, codes, start)
    series = None
    if keep:
        series = results.tidy_arrays(codes, start, e.alignment, e.contributions, runs=chunk.ids, pairs=chunk.pairs)
    return chunk.index, pd.DataFrame(rows), series


def chunk_size(runs: int, jobs: int, keep_series: bool) -> int:
    """Big enough that a chunk is ~0.1 s of work or more (a Dask task costs ~1.5 ms), small enough
    that every worker gets several and memory stays bounded (series keep every driver of every run)."""
    most = 256 if keep_series else 1024
    return int(min(most, max(128, -(-runs // (4 * jobs)))))


# --- the output folder ---------------------------------------------------------------
def manifest(loaded: LoadedSweep, p: Plan, size: int, started: str, engine: str) -> dict:
    s = loaded.sweep
    return {"sweep": s.name, "sweep_file": str(loaded.path), "sweep_sha256": loaded.hash,
            "tool": "tightrope", "tool_version": version("tightrope"), "scenario": loaded.scenario.name,
            "sampler": s.sampler, "seed": s.seed, "points": len(p.points), "replications": p.replications,
            "runs": p.runs, "chunk_size": size, "engine": engine, "chunks": -(-p.runs // size), "varied": p.names,
            "outputs": [o.name for o in s.outputs], "series_kept": bool(s.keep_series),
            "seeds": "run k: SeedSequence(seed).spawn(runs)[k].generate_state(1, uint32)[0]",
            "started": started, "finished": None}


def read_manifest(out: Path) -> dict | None:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, payload: dict) -> None:
    with results.atomic(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def done_chunks(out: Path) -> set[int]:
    return {int(f.stem.split("-")[1]) for f in (out / CHUNKS).glob("runs-*.parquet")}


def save_chunk(out: Path, index: int, runs: pd.DataFrame, series: pd.DataFrame | None) -> None:
    if series is not None:  # first: the runs file says the chunk is whole
        with results.atomic(out / CHUNKS / f"series-{index:06d}.parquet") as tmp:
            series.to_parquet(tmp, index=False)
    with results.atomic(out / CHUNKS / f"runs-{index:06d}.parquet") as tmp:
        runs.to_parquet(tmp, index=False)


def gather(out: Path, info: dict, csv: bool) -> pd.DataFrame:
    """Join the chunks into the final tables, then drop them."""
    runs = pd.concat([pd.read_parquet(f) for f in sorted((out / CHUNKS).glob("runs-*.parquet"))], ignore_index=True)
    runs = runs.sort_values("run", kind="stable").reset_index(drop=True)
    with results.atomic(out / "runs.parquet") as tmp:
        runs.to_parquet(tmp, index=False)
    if csv:
        with results.atomic(out / "runs.csv") as tmp:
            runs.to_csv(tmp, index=False, float_format="%.17g")
    parts = sorted((out / CHUNKS).glob("series-*.parquet"))
    if parts:
        import pyarrow.parquet as pq
        with results.atomic(out / "series.parquet") as tmp:
            with pq.ParquetWriter(tmp, pq.read_schema(parts[0])) as writer:  # chunk by chunk: series can be large
                for f in parts:
                    writer.write_table(pq.read_table(f))
        if csv:
            with results.atomic(out / "series.csv") as tmp:
                for k, f in enumerate(parts):
                    pd.read_parquet(f).to_csv(tmp, mode="a", header=k == 0, index=False, float_format="%.17g")
    write_json(out / "manifest.json", {**info, "finished": now()})
    shutil.rmtree(out / CHUNKS, ignore_errors=True)
    return runs


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def summary(runs: pd.DataFrame, loaded: LoadedSweep) -> list[str]:
    """One line per output: median and 10-90 % over every run (and how often a crossing happened)."""
    lines = []
    for o in loaded.sweep.outputs:
        x = runs[o.name].to_numpy(dtype=float)
        seen = x[~np.isnan(x)]
        side = f"{o.threshold[0]} {o.threshold[1]:g}" if o.threshold else ""
        what = {"score": f"{o.pair} at {o.at}", "mean": f"{o.pair} mean {o.from_}..{o.to}",
                "balanced_share": f"share of balanced triads at {o.at}",
                "crossed": f"{o.pair} {side} by {o.by}",
                "first_crossing": f"first quarter {o.pair} is {side}"}[o.measure]
        if o.measure == "crossed":
            lines.append(f"  {o.name:<22} {what}: in {x.mean():.0%} of {x.size} runs")
            continue
        if not seen.size:
            lines.append(f"  {o.name:<22} {what}: never (0 of {x.size} runs)")
            continue
        lo, mid, hi = np.percentile(seen, [10, 50, 90])
        fmt = (lambda v: quarters.label(int(round(v * 4)))) if o.measure == "first_crossing" else (lambda v: f"{v:+.3f}")
        share = f"; in {seen.size / x.size:.0%} of runs" if o.measure == "first_crossing" else ""
        lines.append(f"  {o.name:<22} {what}: median {fmt(mid)} (10-90 %: {fmt(lo)} to {fmt(hi)}){share}")
    return lines
