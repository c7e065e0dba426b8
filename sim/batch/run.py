"""Running a sweep: plan its runs, compute them in chunks, write the results as they land.

:func:`run_sweep` is the library function behind ``tightrope batch``; it prints nothing.
Progress goes to an optional callback, refusals are :class:`~sim.scenario.errors.InputError`
(raised before anything is written), and it returns a :class:`SweepResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.batch import plan as planning
from sim.batch import samplers, store
from sim.batch.sweep import MAX_RUNS, LoadedSweep
from sim.model.world import compile
from sim.scenario import dates
from sim.scenario.errors import InputError


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: where its files are, its manifest, and its runs table as numpy columns."""

    folder: Path
    manifest: dict
    runs: dict[str, np.ndarray]  # one row per run (see the README), sorted by run id
    computed: int  # runs computed by this call (the rest were there already)
    seconds: float  # time spent computing them
    complete_before: bool = False  # the folder already held every run: nothing was done

    def column(self, name: str) -> np.ndarray:
        return self.runs[name]

    def to_pandas(self):
        """The runs table as a pandas DataFrame (what runs.parquet holds)."""
        import pandas as pd

        return pd.DataFrame(self.runs)


def _folder(loaded: LoadedSweep, out: Path, resume: bool) -> dict | None:
    """The manifest to resume from, or None to start afresh; refuses a folder it must not touch."""
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return None
    if not out.is_dir():
        raise InputError.command_line(f"--out {out}: is a file (expected a folder for the results)")
    info = store.read_manifest(out)
    if info is None:
        raise InputError.command_line(f"--out {out}: holds files but no manifest.json (expected a new or empty folder)")
    if info.get("sweep_sha256") != loaded.hash:
        raise InputError.command_line(
            f"--out {out}: holds results of another sweep ('{info.get('sweep')}', "
            f"sha256 {str(info.get('sweep_sha256'))[:12]}, not {loaded.hash[:12]}); "
            "choose another --out (--resume only continues the same sweep)"
        )
    if not resume:
        state = "finished" if info.get("finished") else "unfinished"
        raise InputError.command_line(
            f"--out {out}: already holds this sweep ({state}); add --resume to finish it, or choose another --out"
        )
    engine = info.get("engine", "numpy")  # folders from before the engine was recorded were all numpy's
    if engine != store.ENGINE and not info.get("finished"):
        raise InputError.command_line(
            f"--out {out}: its runs were begun by the {engine} engine, which this version "
            f"no longer has (its results differ in rounding); start afresh in another --out"
        )
    return info


def run_sweep(
    loaded: LoadedSweep,
    out: Path,
    jobs: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    csv: bool = False,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Plan, compute and write a sweep's runs into ``out``.

    ``jobs`` worker threads here, or a Dask cluster (``scheduler``: "local" or an address);
    ``resume`` finishes what a folder holds of this sweep; ``progress(done, total)`` is
    called as chunks land (first with what was there already).
    """
    from sim.batch import executors
    from sim.engine import cache

    if jobs < 1:
        raise InputError.command_line(f"--jobs {jobs}: expected 1 or more")
    if chunk is not None and chunk < 1:
        raise InputError.command_line(f"--chunk-size {chunk}: expected 1 or more")
    planned = samplers.count(loaded.sweep) * loaded.sweep.replications
    if planned > MAX_RUNS:  # before the design is drawn: a huge grid would not fit in memory
        raise InputError.command_line(
            f"{loaded.path}: {planned:,} runs is more than {MAX_RUNS:,} (expected fewer samples or replications)"
        )
    info = _folder(loaded, out, resume)
    if info is not None and info.get("finished"):
        return SweepResult(out, info, store.read_runs(out), 0, 0.0, complete_before=True)
    p = planning.plan(loaded)
    client = executors.connect(scheduler, jobs)  # before anything is written
    try:
        size = (
            info["chunk_size"] if info else chunk or planning.chunk_size(p.runs, jobs, bool(loaded.sweep.keep_series))
        )
        info = info or store.manifest(loaded, p, size)
        store.write_json(out / "manifest.json", info)
        finished = store.done_chunks(out)
        world = compile(loaded.scenario, dict(loaded.sweep.set))
        todo = [c for c in planning.chunks(loaded, world, p, size) if c.index not in finished]
        left = sum(len(c.ids) for c in todo)
        if left:
            cache.ready()  # here, before the clock starts, and before any worker of this machine needs it
        done_so_far = p.runs - left
        if progress:
            progress(done_so_far, p.runs)
        start = time.perf_counter()
        fresh = {}

        def done(index, runs, series):
            nonlocal done_so_far
            store.save_chunk(out, index, runs, series)
            fresh[index] = runs
            done_so_far += len(runs["run"])
            if progress:
                progress(done_so_far, p.runs)

        executors.execute(todo, done, jobs, client)
        elapsed = time.perf_counter() - start
        runs = store.gather(out, info, csv, fresh)
    finally:
        executors.close(client)
    return SweepResult(out, store.read_manifest(out), runs, left, elapsed)


def describe(result: SweepResult, loaded: LoadedSweep) -> list[str]:
    """One line per output: median and 10-90 % over every run (and how often a crossing happened)."""
    lines = []
    for o in loaded.sweep.outputs:
        x = result.column(o.name).astype(float)
        seen = x[~np.isnan(x)]
        side = f"{o.threshold[0]} {o.threshold[1]:g}" if o.threshold else ""
        what = {
            "score": f"{o.pair} at {o.at}",
            "mean": f"{o.pair} mean {o.from_}..{o.to}",
            "balanced_share": f"share of balanced triads at {o.at}",
            "crossed": f"{o.pair} {side} by {o.by}",
            "first_crossing": f"first quarter {o.pair} is {side}",
        }[o.measure]
        if o.measure == "crossed":
            lines.append(f"  {o.name:<22} {what}: in {x.mean():.0%} of {x.size} runs")
            continue
        if not seen.size:
            lines.append(f"  {o.name:<22} {what}: never (0 of {x.size} runs)")
            continue
        lo, mid, hi = np.percentile(seen, [10, 50, 90])
        fmt = (lambda v: dates.label(int(round(v * 4)))) if o.measure == "first_crossing" else (lambda v: f"{v:+.3f}")
        share = f"; in {seen.size / x.size:.0%} of runs" if o.measure == "first_crossing" else ""
        lines.append(f"  {o.name:<22} {what}: median {fmt(mid)} (10-90 %: {fmt(lo)} to {fmt(hi)}){share}")
    return lines
