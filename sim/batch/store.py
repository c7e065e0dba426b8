"""A batch's results folder: its manifest, the chunks as they land, and the final tables.

Each chunk is written as its own Parquet file, by temporary name and rename; the runs
file of a chunk is written last, so its presence means the chunk is done. ``--resume``
computes only the chunks whose runs file is missing. When every chunk is in, they are
gathered into ``runs.parquet`` (and ``series.parquet``) and ``manifest.json`` is final.
Tables go straight from numpy columns to Arrow: no pandas on the way.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from sim.batch.plan import Columns, Plan
from sim.batch.sweep import LoadedSweep
from sim.files import atomic

CHUNKS = ".chunks"
ENGINE = "compiled"  # older folders, made by the numpy engine, say so in their manifest or say nothing


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def manifest(loaded: LoadedSweep, p: Plan, size: int) -> dict:
    s = loaded.sweep
    return {"sweep": s.name, "sweep_file": str(loaded.path), "sweep_sha256": loaded.hash,
            "tool": "tightrope", "tool_version": version("tightrope"), "scenario": loaded.scenario.name,
            "sampler": s.sampler, "seed": s.seed, "points": len(p.points), "replications": p.replications,
            "runs": p.runs, "chunk_size": size, "engine": ENGINE, "chunks": -(-p.runs // size), "varied": p.names,
            "outputs": [o.name for o in s.outputs], "series_kept": bool(s.keep_series),
            "seeds": "run k: SeedSequence(seed).spawn(runs)[k].generate_state(1, uint32)[0]",
            "started": now(), "finished": None}


def read_manifest(out: Path) -> dict | None:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, payload: dict) -> None:
    with atomic(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def done_chunks(out: Path) -> set[int]:
    return {int(f.stem.split("-")[1]) for f in (out / CHUNKS).glob("runs-*.parquet")}


def _table(columns: Columns):
    import pyarrow as pa
    return pa.table(columns)


def save_chunk(out: Path, index: int, runs: Columns, series: Columns | None) -> None:
    import pyarrow.parquet as pq

    if series is not None:  # first: the runs file says the chunk is whole
        with atomic(out / CHUNKS / f"series-{index:06d}.parquet") as tmp:
            pq.write_table(_table(series), tmp)
    with atomic(out / CHUNKS / f"runs-{index:06d}.parquet") as tmp:
        pq.write_table(_table(runs), tmp)


def gather(out: Path, info: dict, csv: bool):
    """Join the chunks into the final tables, then drop them; returns the runs table (Arrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    runs = pa.concat_tables([pq.read_table(f) for f in sorted((out / CHUNKS).glob("runs-*.parquet"))])
    runs = runs.take(pc.sort_indices(runs, [("run", "ascending")]))
    with atomic(out / "runs.parquet") as tmp:
        pq.write_table(runs, tmp)
    if csv:
        _csv(runs, out / "runs.csv")
    parts = sorted((out / CHUNKS).glob("series-*.parquet"))
    if parts:
        with atomic(out / "series.parquet") as tmp:
            with pq.ParquetWriter(tmp, pq.read_schema(parts[0])) as writer:  # chunk by chunk: series can be large
                for f in parts:
                    writer.write_table(pq.read_table(f))
        if csv:
            _csv_parts(parts, out / "series.csv")
    write_json(out / "manifest.json", {**info, "finished": now()})
    shutil.rmtree(out / CHUNKS, ignore_errors=True)
    return runs


def _csv(table, path: Path) -> None:
    import pyarrow.csv as pcsv
    with atomic(path) as tmp:
        pcsv.write_csv(table, tmp)


def _csv_parts(parts: list[Path], path: Path) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    with atomic(path) as tmp:
        with pcsv.CSVWriter(tmp, pq.read_schema(parts[0])) as writer:
            for f in parts:
                writer.write_table(pq.read_table(f))
