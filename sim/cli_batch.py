"""The batch commands of ``tightrope``: batch, sensitivity and plot.

Bad input (a sweep file, an option, an output folder that holds another sweep, a
scheduler that does not answer) prints one ``FILE:LINE:COL:`` line per problem and
exits 2, before anything is written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim import batch, ensemble, quarters, samplers
from sim.sweep import MAX_RUNS, LoadedSweep, load_sweep
from sim.yamlread import InputError


def _folder(loaded: LoadedSweep, out: Path, resume: bool) -> dict | None:
    """The manifest to resume from, or None to start afresh; refuses a folder it must not touch."""
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return None
    if not out.is_dir():
        raise InputError.command_line(f"--out {out}: is a file (expected a folder for the results)")
    info = batch.read_manifest(out)
    if info is None:
        raise InputError.command_line(f"--out {out}: holds files but no manifest.json (expected a new or empty folder)")
    if info.get("sweep_sha256") != loaded.hash:
        raise InputError.command_line(f"--out {out}: holds results of another sweep ('{info.get('sweep')}', "
                       f"sha256 {str(info.get('sweep_sha256'))[:12]}, not {loaded.hash[:12]}); "
                       "choose another --out (--resume only continues the same sweep)")
    if not resume:
        state = "finished" if info.get("finished") else "unfinished"
        raise InputError.command_line(f"--out {out}: already holds this sweep ({state}); add --resume to finish it, "
                       "or choose another --out")
    return info


def run_batch(loaded: LoadedSweep, out: Path, jobs: int = 1, scheduler: str | None = None,
              resume: bool = False, csv: bool = False, quiet: bool = False, chunk: int | None = None,
              engine: str | None = None) -> pd.DataFrame:
    """Plan, compute and write a sweep's runs; returns the runs table."""
    from tqdm import tqdm

    from sim import executors

    if jobs < 1:
        raise InputError.command_line(f"--jobs {jobs}: expected 1 or more")
    if chunk is not None and chunk < 1:
        raise InputError.command_line(f"--chunk-size {chunk}: expected 1 or more")
    planned = samplers.count(loaded.sweep) * loaded.sweep.replications
    if planned > MAX_RUNS:  # before the design is drawn: a huge grid would not fit in memory
        raise InputError.command_line(f"{loaded.path}: {planned:,} runs is more than {MAX_RUNS:,} (expected fewer samples or replications)")
    info = _folder(loaded, out, resume)
    # Older folders were all computed by the numpy engine; a folder keeps one engine throughout.
    kept = info.get("engine", "numpy") if info else None
    if kept and engine and engine != kept:
        raise InputError.command_line(f"--engine {engine}: the runs in {out} were computed by the {kept} engine; "
                                      f"resume with --engine {kept} (the two engines differ in rounding)")
    engine = kept or engine or ensemble.ENGINES[0]
    if info is not None and info.get("finished"):
        if not quiet:
            print(f"{out}: this sweep is already complete ({info['runs']} runs); nothing to do")
        return pd.read_parquet(out / "runs.parquet")
    p = batch.plan(loaded)
    client = executors.connect(scheduler, jobs)  # before anything is written
    try:
        size = info["chunk_size"] if info else chunk or batch.chunk_size(p.runs, jobs, bool(loaded.sweep.keep_series))
        info = info or batch.manifest(loaded, p, size, batch.now(), engine)
        batch.write_json(out / "manifest.json", info)
        finished = batch.done_chunks(out)
        todo = [c for c in batch.chunks(loaded, p, size, engine) if c.index not in finished]
        left = sum(len(c.ids) for c in todo)
        if engine == "compiled" and client is None and left:
            ensemble.prepare()  # load it from its disk cache before the clock and the bar start
        start = time.perf_counter()
        with tqdm(total=p.runs, initial=p.runs - left, unit="run", desc=loaded.sweep.name[:30],
                  disable=None, smoothing=0.1) as bar:  # None: shown on a terminal only
            def done(index, runs, series):
                batch.save_chunk(out, index, runs, series)
                bar.update(len(runs))

            try:
                executors.execute(todo, done, jobs, client)
            except KeyboardInterrupt:
                saved = len(batch.done_chunks(out))
                print(f"\ninterrupted: {saved} of {info['chunks']} chunks are saved in {out}; "
                      "finish with the same command and --resume", file=sys.stderr)
                raise
        elapsed = time.perf_counter() - start
        runs = batch.gather(out, info, csv)
    finally:
        executors.close(client)
    if not quiet:
        rate = f"{left / elapsed:,.0f} runs/s" if elapsed > 0 and left else "nothing left to run"
        print(f"{loaded.sweep.name}: {p.runs} runs ({len(p.points)} points x {p.replications} replications), "
              f"{left} computed in {elapsed:.1f} s ({rate})")
        print("\n".join(batch.summary(runs, loaded)))
        print(f"Wrote {out / 'runs.parquet'}" + (f", {out / 'series.parquet'}" if loaded.sweep.keep_series else "")
              + f" and {out / 'manifest.json'}")
    return runs


def default_out(sweep: Path) -> Path:
    return Path("runs") / sweep.stem


def cmd_batch(args) -> int:
    loaded = load_sweep(args.sweep)
    run_batch(loaded, Path(args.out) if args.out else default_out(loaded.path), args.jobs, args.scheduler,
              args.resume, args.csv, chunk=args.chunk_size, engine=args.engine)
    return 0


def cmd_sensitivity(args) -> int:
    from sim import figures, sensitivity

    loaded = load_sweep(args.sweep)
    method = args.method or loaded.sweep.sampler
    if method not in sensitivity.METHODS or loaded.sweep.sampler != method:
        raise InputError.command_line(f"--method {method}: needs a sweep with sampler: {method if method in sensitivity.METHODS else 'sobol or morris'} "
                       f"(this one uses {loaded.sweep.sampler})")
    out = Path(args.out) if args.out else default_out(loaded.path)
    runs = run_batch(loaded, out, args.jobs, args.scheduler, resume=True, quiet=True)
    table, skipped = sensitivity.indices(method, loaded.sweep, runs)
    print(f"{loaded.sweep.name}: {method} indices over {runs['point'].nunique()} points "
          f"x {loaded.sweep.replications} replications (results in {out})\n")
    if table.empty:
        raise InputError.command_line(f"{loaded.path}: no output has a value in every run ({', '.join(skipped)}), "
                       "so there is nothing to analyse")
    with pd.option_context("display.width", 120, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for name in skipped:
        print(f"\n(skipped {name}: some runs have no value, e.g. a threshold never crossed)")
    png = Path(args.png) if args.png else out / f"sensitivity-{method}.png"
    figures.indices(table, sensitivity.BARS[method], f"{loaded.sweep.name}: {method} sensitivity", png)
    print(f"\nWrote {png}")
    return 0


def cmd_plot(args) -> int:
    from sim import figures

    out = Path(args.dir)
    info = batch.read_manifest(out)
    if info is None or not info.get("finished"):
        raise InputError.command_line(f"{out}: not a finished batch folder (expected the --out of a completed 'tightrope batch')")
    if not (out / "series.parquet").is_file():
        raise InputError.command_line(f"{out}: no series.parquet (expected a sweep with keep_series)")
    loaded = load_sweep(info["sweep_file"]) if Path(info["sweep_file"]).is_file() else None
    output = next((o for o in loaded.sweep.outputs if o.name == args.output), None) if loaded else None
    pair = output.pair if output is not None else args.output
    if pair is None or "-" not in pair:
        names = ", ".join(info.get("outputs", []))
        raise InputError.command_line(f"--output {args.output}: expected an output of the sweep with a pair ({names}) or a pair like PAK-RUS")
    a, b = pair.split("-")
    import pyarrow.dataset as ds
    table = ds.dataset(out / "series.parquet").to_table(
        columns=["run", "step", "date", "source", "target", "alignment"],
        filter=((ds.field("source") == a) & (ds.field("target") == b)) | ((ds.field("source") == b) & (ds.field("target") == a)))
    rows = table.to_pandas()
    if rows.empty:
        raise InputError.command_line(f"--output {args.output}: {pair} is not among the kept series")
    wide = rows.pivot_table(index="run", columns="step", values="alignment", aggfunc="mean")  # mean of both directions
    dates = rows.drop_duplicates("step").set_index("step")["date"].sort_index()
    years = np.array([quarters.decimal_year(quarters.ordinal(d[:7])) for d in dates])
    marks = {f"threshold {output.threshold[1]:g}": output.threshold[1]} if output and output.threshold else {}
    png = Path(args.png) if args.png else out / f"fan-{args.output}.png"
    figures.fan(years, wide.to_numpy(), f"{info['sweep']}: {pair}", f"{pair} alignment (mean of both directions)",
                png, marks)
    print(f"Wrote {png} ({len(wide)} runs, {len(years)} quarters)")
    return 0


def add_parsers(sub) -> None:
    def where(sp):
        sp.add_argument("--jobs", type=int, default=1, help="worker threads on this machine, or Dask workers with --scheduler local (default 1)")
        sp.add_argument("--scheduler", metavar="local|tcp://HOST:PORT",
                        help="run on a Dask cluster: 'local' starts one here; an address uses a running one")
        sp.add_argument("--out", metavar="DIR", help="results folder (default runs/<sweep name>)")

    b = sub.add_parser("batch", help="run a sweep: many scenarios and seeds, results as Parquet tables")
    b.add_argument("sweep")
    where(b)
    b.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    b.add_argument("--csv", action="store_true", help="also write runs.csv (and series.csv)")
    b.add_argument("--chunk-size", type=int, metavar="RUNS",
                   help="runs per chunk (default: automatic); results do not depend on it, memory does")
    b.add_argument("--engine", choices=ensemble.ENGINES,
                   help="compiled (default, fast) or numpy (the reference); they agree to rounding (1e-12)")
    b.set_defaults(func=cmd_batch)

    s = sub.add_parser("sensitivity", help="Sobol or Morris indices of a sweep's assumptions (runs it if needed)")
    s.add_argument("sweep")
    s.add_argument("--method", choices=("sobol", "morris"), help="default: the sweep's sampler")
    where(s)
    s.add_argument("--png", metavar="FILE", help="bar chart (default DIR/sensitivity-METHOD.png)")
    s.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("plot", help="fan chart (median, 10-90 %%) of a kept series over time")
    p.add_argument("dir")
    p.add_argument("--output", required=True, metavar="NAME", help="an output of the sweep with a pair, or a pair like PAK-RUS")
    p.add_argument("--png", metavar="FILE", help="default DIR/fan-NAME.png")
    p.set_defaults(func=cmd_plot)
