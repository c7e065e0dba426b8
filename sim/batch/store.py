"""A batch's results folder: its manifest, the chunks as they land, and the final tables.

Each chunk is written as its own Parquet files, by temporary name and rename, and then a
small receipt with their SHA-256: the receipt says the chunk is done, and ``--resume``
recomputes any chunk without one, or whose files no longer match it (a truncated file, a
flipped bit), so a damaged chunk is never gathered. When every chunk is in, they are
gathered into ``runs.parquet`` (and ``series.parquet``) and ``manifest.json`` is final.
Tables go straight from numpy columns to Arrow: no pandas on the way.
"""

from __future__ import annotations

import hashlib
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
        "measures": {o.name: o.measure for o in s.outputs},
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


def _files(out: Path, index: int) -> tuple[Path, Path, Path]:
    """A chunk's runs file, series file (which may not exist) and receipt."""
    folder = out / CHUNKS
    return (
        folder / f"runs-{index:06d}.parquet",
        folder / f"series-{index:06d}.parquet",
        folder / f"done-{index:06d}.json",
    )


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def done_chunks(out: Path) -> set[int]:
    """The chunks whose files match their receipts; the others are removed, to be computed again."""
    done = set()
    for receipt in (out / CHUNKS).glob("done-*.json"):
        index = int(receipt.stem.split("-")[1])
        runs, series, _ = _files(out, index)
        try:
            want = json.loads(receipt.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            want = None
        if want and want.get("runs") == _sha256(runs) and want.get("series") == _sha256(series):
            done.add(index)
    for f in (out / CHUNKS).glob("*"):  # a chunk not in `done` is incomplete or damaged: start it again
        if f.is_file() and not f.name.startswith(".") and int(f.stem.split("-")[1]) not in done:
            f.unlink()
    return done


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

    runs_file, series_file, receipt = _files(out, index)
    if series is not None:
        with atomic(series_file) as tmp:
            pq.write_table(arrow(series), tmp)
    with atomic(runs_file) as tmp:
        pq.write_table(arrow(runs), tmp)
    write_json(receipt, {"runs": _sha256(runs_file), "series": _sha256(series_file)})  # last: the chunk is whole


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
