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
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np

from sim.batch.plan import Columns, Plan
from sim.batch.sweep import LoadedSweep
from sim.files import atomic

CHUNKS = ".chunks"
ENGINE = "compiled"  # older folders, made by the numpy engine, say so in their manifest or say nothing


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(loaded: LoadedSweep, p: Plan, size: int) -> dict:
    s = loaded.sweep
    return {
        "sweep": s.name,
        "sweep_file": str(loaded.path),
        "sweep_sha256": loaded.hash,
        "tool": "tightrope",
        "tool_version": version("tightrope"),
        "scenario": loaded.scenario.name,
        "sampler": s.sampler,
        "seed": s.seed,
        "points": len(p.points),
        "replications": p.replications,
        "runs": p.runs,
        "chunk_size": size,
        "engine": ENGINE,
        "chunks": -(-p.runs // size),
        "varied": p.names,
        "outputs": [o.name for o in s.outputs],
        "series_kept": bool(s.keep_series),
        "seeds": "run k: SeedSequence(seed).spawn(runs)[k].generate_state(1, uint32)[0]",
        "started": now(),
        "finished": None,
    }


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


def arrow(columns: Columns):
    """Numpy columns as an Arrow table. Numbers go in as their own buffers: ``pa.array`` would
    first import pandas to ask whether they are pandas objects (half a second, for nothing)."""
    import pyarrow as pa

    arrays = []
    for values in columns.values():
        values = np.asarray(values)
        if values.dtype.kind in "iuf":
            values = np.ascontiguousarray(values)
            arrays.append(
                pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])
            )
        else:
            arrays.append(pa.array(values))
    return pa.Table.from_arrays(arrays, names=list(columns))


def numbers(table) -> Columns:
    """An Arrow table of numbers (no nulls) as numpy columns, read from its buffers (no pandas)."""
    out = {}
    for name in table.column_names:
        column = table.column(name).combine_chunks()
        data = np.frombuffer(column.buffers()[1], dtype=_NUMPY[str(column.type)])
        out[name] = data[column.offset : column.offset + len(column)].copy()
    return out


_NUMPY = {"int64": np.int64, "int32": np.int32, "uint64": np.uint64, "uint32": np.uint32, "double": np.float64}


def _read(path: Path):
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read()  # not pq.read_table: that imports pandas


def save_chunk(out: Path, index: int, runs: Columns, series: Columns | None) -> None:
    import pyarrow.parquet as pq

    if series is not None:  # first: the runs file says the chunk is whole
        with atomic(out / CHUNKS / f"series-{index:06d}.parquet") as tmp:
            pq.write_table(arrow(series), tmp)
    with atomic(out / CHUNKS / f"runs-{index:06d}.parquet") as tmp:
        pq.write_table(arrow(runs), tmp)


def gather(out: Path, info: dict, csv: bool, fresh: dict[int, Columns] | None = None) -> Columns:
    """Join the chunks into the final tables, then drop them; returns the runs, sorted by run id.

    ``fresh`` holds the runs of chunks computed in this process, which need not be read back.
    """
    import pyarrow.parquet as pq

    fresh = fresh or {}
    parts = [
        fresh[k] if k in fresh else numbers(_read(out / CHUNKS / f"runs-{k:06d}.parquet"))
        for k in sorted(done_chunks(out))
    ]
    runs = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    order = np.argsort(runs["run"], kind="stable")
    runs = {name: values[order] for name, values in runs.items()}
    with atomic(out / "runs.parquet") as tmp:
        pq.write_table(arrow(runs), tmp)
    if csv:
        _csv(arrow(runs), out / "runs.csv")
    series = sorted((out / CHUNKS).glob("series-*.parquet"))
    if series:
        with atomic(out / "series.parquet") as tmp:
            first = _read(series[0])
            with pq.ParquetWriter(tmp, first.schema) as writer:  # chunk by chunk: series can be large
                for f in series:
                    writer.write_table(_read(f))
        if csv:
            _csv_parts(series, out / "series.csv")
    write_json(out / "manifest.json", {**info, "finished": now()})
    shutil.rmtree(out / CHUNKS, ignore_errors=True)
    return runs


def read_runs(out: Path) -> Columns:
    return numbers(_read(out / "runs.parquet"))


def _csv(table, path: Path) -> None:
    import pyarrow.csv as pcsv

    with atomic(path) as tmp:
        pcsv.write_csv(table, tmp)


def _csv_parts(parts: list[Path], path: Path) -> None:
    import pyarrow.csv as pcsv

    with atomic(path) as tmp:
        with pcsv.CSVWriter(tmp, _read(parts[0]).schema) as writer:
            for f in parts:
                writer.write_table(_read(f))
