"""The batch commands of ``tightrope``: batch, sensitivity and plot.

Bad input (a sweep file, an option, an output folder that holds another sweep, a
scheduler that does not answer) prints one ``FILE:LINE:COL:`` line per problem and
exits 2, before anything is written. The work itself is :func:`sim.batch.run.run_sweep`;
this module prints its progress bar and its summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.scenario.errors import InputError

EXIT_FAILED = 1


def default_out(sweep: Path) -> Path:
    return Path("runs") / sweep.stem


class _Bar:
    """A tqdm progress bar (runs/s, time left), shown on a terminal only, fed by run_sweep."""

    def __init__(self, label: str):
        self.label, self.bar = label, None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="run", desc=self.label[:30], disable=None, smoothing=0.1)
        else:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _sweep(loaded, out: Path, args, resume: bool, quiet: bool = False):
    from sim.batch.executors import WorkersLost
    from sim.batch.run import run_sweep

    bar = _Bar(loaded.sweep.name) if not quiet else None
    try:
        return run_sweep(
            loaded,
            out,
            args.jobs,
            args.scheduler,
            resume,
            getattr(args, "csv", False),
            getattr(args, "chunk_size", None),
            progress=bar,
        )
    except WorkersLost as err:
        print(
            f"tightrope: {err}; the chunks saved so far are kept in {out}: finish with the same command and --resume",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_FAILED) from None
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: the chunks saved so far are kept in {out}; finish with the same command and --resume",
            file=sys.stderr,
        )
        raise
    finally:
        if bar:
            bar.close()


def cmd_batch(args) -> int:
    from sim.engine import cache

    loading = cache.ready_in_background()  # while the sweep is read and checked
    try:
        return _batch(args)
    finally:
        if loading is not None:
            loading.join()  # an early refusal waits for it, rather than exit under its feet


def _batch(args) -> int:
    from sim.batch.run import describe
    from sim.batch.sweep import load_sweep

    loaded = load_sweep(args.sweep)
    out = Path(args.out) if args.out else default_out(loaded.path)
    result = _sweep(loaded, out, args, args.resume)
    if result.complete_before:
        print(f"{out}: this sweep is already complete ({result.manifest['runs']} runs); nothing to do")
        return 0
    m, left = result.manifest, result.computed
    rate = f"{left / result.seconds:,.0f} runs/s" if result.seconds > 0 and left else "nothing left to run"
    print(
        f"{loaded.sweep.name}: {m['runs']} runs ({m['points']} points x {m['replications']} replications), "
        f"{left} computed in {result.seconds:.1f} s ({rate})"
    )
    print("\n".join(describe(result, loaded)))
    print(
        f"Wrote {out / 'runs.parquet'}"
        + (f", {out / 'series.parquet'}" if loaded.sweep.keep_series else "")
        + f" and {out / 'manifest.json'}"
    )
    return 0


def cmd_sensitivity(args) -> int:
    import pandas as pd

    from sim.batch import figures, sensitivity
    from sim.batch.sweep import load_sweep
    from sim.scenario.loader import locate

    loaded = load_sweep(args.sweep)
    method = args.method or loaded.sweep.sampler
    if method not in sensitivity.METHODS or loaded.sweep.sampler != method:
        if args.method is None:  # the sweep's own sampler is what is wrong: point at it
            where = locate(loaded.document, ("sampler",))
            said = f"sampler: {method}" if "sampler" in loaded.document.data else f"no sampler (so {method})"
            raise InputError([where.problem(f"{said}: sensitivity needs a sweep with sampler: sobol or morris")])
        wanted = method if method in sensitivity.METHODS else "sobol or morris"
        raise InputError.command_line(
            f"--method {method}: needs a sweep with sampler: {wanted} (this one uses {loaded.sweep.sampler})"
        )
    out = Path(args.out) if args.out else default_out(loaded.path)
    runs = _sweep(loaded, out, args, resume=True, quiet=True).to_pandas()
    table, skipped = sensitivity.indices(method, loaded.sweep, runs)
    print(
        f"{loaded.sweep.name}: {method} indices over {runs['point'].nunique()} points "
        f"x {loaded.sweep.replications} replications (results in {out})\n"
    )
    if table.empty:
        raise InputError.command_line(
            f"{loaded.path}: no output has a value in every run ({', '.join(skipped)}), so there is nothing to analyse"
        )
    with pd.option_context("display.width", 120, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for name in skipped:
        print(f"\n(skipped {name}: some runs have no value, e.g. a threshold never crossed)")
    png = Path(args.png) if args.png else out / f"sensitivity-{method}.png"
    figures.indices(table, sensitivity.BARS[method], f"{loaded.sweep.name}: {method} sensitivity", png)
    print(f"\nWrote {png}")
    return 0


def cmd_plot(args) -> int:
    import numpy as np
    import pyarrow.dataset as ds

    from sim.batch import figures, store
    from sim.batch.sweep import load_sweep
    from sim.scenario import dates

    out = Path(args.dir)
    info = store.read_manifest(out)
    if info is None or not info.get("finished"):
        raise InputError.command_line(
            f"{out}: not a finished batch folder (expected the --out of a completed 'tightrope batch')"
        )
    if not (out / "series.parquet").is_file():
        raise InputError.command_line(f"{out}: no series.parquet (expected a sweep with keep_series)")
    loaded = load_sweep(info["sweep_file"]) if Path(info["sweep_file"]).is_file() else None
    output = next((o for o in loaded.sweep.outputs if o.name == args.output), None) if loaded else None
    pair = output.pair if output is not None else args.output
    if pair is None or "-" not in pair:
        names = ", ".join(info.get("outputs", []))
        raise InputError.command_line(
            f"--output {args.output}: expected an output of the sweep with a pair ({names}) or a pair like PAK-RUS"
        )
    a, b = pair.split("-")
    table = ds.dataset(out / "series.parquet").to_table(
        columns=["run", "step", "date", "source", "target", "alignment"],
        filter=((ds.field("source") == a) & (ds.field("target") == b))
        | ((ds.field("source") == b) & (ds.field("target") == a)),
    )
    rows = table.to_pandas()
    if rows.empty:
        raise InputError.command_line(f"--output {args.output}: {pair} is not among the kept series")
    wide = rows.pivot_table(index="run", columns="step", values="alignment", aggfunc="mean")  # mean of both directions
    when = rows.drop_duplicates("step").set_index("step")["date"].sort_index()
    years = np.array([dates.decimal_year(dates.ordinal(d[:7])) for d in when])
    marks = {f"threshold {output.threshold[1]:g}": output.threshold[1]} if output and output.threshold else {}
    png = Path(args.png) if args.png else out / f"fan-{args.output}.png"
    figures.fan(
        years, wide.to_numpy(), f"{info['sweep']}: {pair}", f"{pair} alignment (mean of both directions)", png, marks
    )
    print(f"Wrote {png} ({len(wide)} runs, {len(years)} quarters)")
    return 0


MAX_ROWS, BINS = 12, 6  # a varied assumption with more values than MAX_ROWS is shown in BINS bins


def cmd_table(args) -> int:
    """Each output by the values of one varied assumption (or two): how often a crossing happened,
    the median of the rest, printed as plain text tables."""
    import numpy as np
    import pandas as pd

    from sim.batch import store
    from sim.scenario import dates

    out = Path(args.dir)
    info = store.read_manifest(out)
    if info is None or not info.get("finished"):
        raise InputError.command_line(
            f"{out}: not a finished batch folder (expected the --out of a completed 'tightrope batch')"
        )
    runs = pd.DataFrame(store.read_runs(out))
    varied = info.get("varied", [])
    by = args.by or varied[:1]
    unknown = [b for b in by if b not in varied]
    if unknown or not by or len(by) > 2:
        raise InputError.command_line(
            f"--by {' '.join(by)}: expected one or two of the varied assumptions ({', '.join(varied) or 'none'})"
        )
    measures = info.get("measures", {})
    names = [o for o in info.get("outputs", []) if o in runs and o not in varied]
    binned = [b for b in by if runs[b].nunique() > MAX_ROWS]  # sampled (lhs, sobol, morris), not a grid
    for b in binned:
        edges = np.linspace(runs[b].min(), runs[b].max(), BINS + 1)
        labels = [f"{lo:.3g} to {hi:.3g}" for lo, hi in zip(edges[:-1], edges[1:])]
        runs[b] = pd.cut(runs[b], edges, labels=labels, include_lowest=True)
    each = (
        f"{' and '.join(binned)} in {BINS} equal bins, every run in its bin"
        if binned
        else f"{info['replications']} replications a point"
    )
    for name in names:
        share = measures.get(name) == "crossed"
        when = measures.get(name) == "first_crossing"
        what = "share of runs" if share else "median of the runs that crossed" if when else "median"
        table = runs.pivot_table(
            index=by[0],
            columns=by[1] if len(by) > 1 else None,
            values=name,
            aggfunc="mean" if share else "median",
            observed=False,
        )
        if share:
            fmt = "{:.0%}".format
        elif when:
            fmt = lambda v: dates.label(int(round(v * 4)))  # noqa: E731 - a decimal year, shown as its quarter
        else:
            fmt = "{:+.3f}".format
        print(f"{name} ({what}) by {' and '.join(by)}, {each}:")
        print(table.to_string(float_format=fmt, na_rep="never" if when else "-") + "\n")
    return 0


def add_parsers(sub) -> None:
    def where(sp):
        sp.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="worker threads on this machine, or Dask workers with --scheduler local (default 1)",
        )
        sp.add_argument(
            "--scheduler",
            metavar="local|tcp://HOST:PORT",
            help="run on a Dask cluster: 'local' starts one here; an address uses a running one",
        )
        sp.add_argument("--out", metavar="DIR", help="results folder (default runs/<sweep name>)")

    sweep = "a sweep file, or a shipped sweep by name (e.g. partnership_by_2025)"
    b = sub.add_parser("batch", help="run a sweep: many scenarios and seeds, results as Parquet tables")
    b.add_argument("sweep", help=sweep)
    where(b)
    b.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    b.add_argument("--csv", action="store_true", help="also write runs.csv (and series.csv)")
    b.add_argument(
        "--chunk-size",
        type=int,
        metavar="RUNS",
        help="runs per chunk (default: automatic); results do not depend on it, memory does",
    )
    b.set_defaults(func=cmd_batch)

    s = sub.add_parser("sensitivity", help="Sobol or Morris indices of a sweep's assumptions (runs it if needed)")
    s.add_argument("sweep", help=sweep)
    s.add_argument("--method", choices=("sobol", "morris"), help="default: the sweep's sampler")
    where(s)
    s.add_argument("--png", metavar="FILE", help="bar chart (default DIR/sensitivity-METHOD.png)")
    s.set_defaults(func=cmd_sensitivity)

    t = sub.add_parser("table", help="a finished batch's outputs by the values of one or two varied assumptions")
    t.add_argument("dir")
    t.add_argument("--by", nargs="+", metavar="NAME", help="one or two varied assumptions (default: the first)")
    t.set_defaults(func=cmd_table)

    p = sub.add_parser("plot", help="fan chart (median, 10-90 %%) of a kept series over time")
    p.add_argument("dir")
    p.add_argument(
        "--output", required=True, metavar="NAME", help="an output of the sweep with a pair, or a pair like PAK-RUS"
    )
    p.add_argument("--png", metavar="FILE", help="default DIR/fan-NAME.png")
    p.set_defaults(func=cmd_plot)
