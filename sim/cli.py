"""The ``tightrope`` command: run, compare, explain, validate, schema, claims (and, from
:mod:`sim.cli_batch`, batch, sensitivity and plot).

Bad input (a scenario file, a ``--set``, a date) prints one line per problem,
``FILE:LINE:COL: what is wrong (what was expected)``, on stderr and exits 2.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import numpy as np

from sim import cli_batch, ledger, quarters, results
from sim.checks import did_you_mean
from sim.loader import load
from sim.model import AlignmentModel
from sim.schema import json_schema
from sim.yamlread import InputError, Problem

EXIT_INPUT = 2


def _overrides(pairs: list[str]) -> dict[str, float]:
    catalogue, out, problems = ledger.assumptions(), {}, []
    for k, item in enumerate(pairs, 1):
        where = f"--set {item}"
        name, sep, raw = item.partition("=")
        if not sep:
            problems.append(Problem("<command line>", 1, k, f"{where}: expected NAME=VALUE"))
            continue
        if name not in catalogue:
            problems.append(Problem("<command line>", 1, k, f"{where}: unknown assumption '{name}' ({did_you_mean(name, catalogue)}see 'tightrope claims --assumptions')"))
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(Problem("<command line>", 1, k, f"{where}: '{raw}' is not a number"))
            continue
        a = catalogue[name]
        if not (a.low <= value <= a.high) or not np.isfinite(value):
            problems.append(Problem("<command line>", 1, k, f"{where}: out of range (expected {a.low} to {a.high}: {a.unit})"))
            continue
        out[name] = value
    if problems:
        raise InputError(problems)
    return out


def _model(path: str, seed: int | None, sets: list[str]) -> AlignmentModel:
    overrides = _overrides(sets or [])
    loaded = load(path)
    return AlignmentModel(loaded.scenario, seed=seed, overrides=overrides).run()


def _fmt(x: float) -> str:
    return "" if np.isnan(x) else f"{x:+.2f}"


def cmd_run(args) -> int:
    out = Path(args.out) if args.out else None
    if out and out.suffix.lower() not in results.FORMATS:
        raise InputError.command_line(f"--out {out}: unknown format (expected a name ending in {', '.join(results.FORMATS)})")
    model = _model(args.scenario, args.seed, args.set)
    s = model.spec
    print(f"{s.name}: {s.horizon.start} to {s.horizon.end}, seed {model.seed}")
    print(textwrap.fill(s.description, 88))
    print(f"\nAlignment in {model.date_label(model.n_steps - 1)}: how each row regards each column (-1 hostile .. +1 aligned)\n")
    print(results.final_scores(model).to_string(float_format=_fmt, na_rep="·"))
    print("\nPairs (mean of both directions), start -> end:")
    for x, a in enumerate(model.codes):
        for b in model.codes[x + 1:]:
            series = results.pair_series(model, a, b)
            print(f"  {model.names[a] + ' - ' + model.names[b]:<30} {series[0]:+.2f} -> {series[-1]:+.2f}")
    own = sum(e.origin != "scenario" for e in model.log)
    print(f"\n{len(model.log)} events ({own} decided by the states themselves). "
          f"Ask why with: tightrope explain {args.scenario} --pair PAK:RUS")
    if out:
        results.write(model, out)
        print(f"Wrote {out} ({(model.n_steps) * len(model.codes) * (len(model.codes) - 1)} rows)")
    return 0


def cmd_compare(args) -> int:
    overrides = _overrides(args.set or [])
    base_s, what_s = load(args.base).scenario, load(args.whatif).scenario
    seed = args.seed if args.seed is not None else base_s.seed
    base = AlignmentModel(base_s, seed=seed, overrides=overrides).run()
    whatif = AlignmentModel(what_s, seed=seed, overrides=overrides).run()
    table = results.compare(base, whatif, args.threshold)
    print(f"{what_s.name} against {base_s.name}, seed {seed}; a pair diverges once the gap reaches {args.threshold}")
    print(textwrap.fill(what_s.description, 88) + "\n")
    print(f"  {'pair':<30} {'diverges':>9} {'widest gap':>11} {'when':>7} {'end gap':>8}   base -> what-if at end")
    for r in table.itertuples():
        print(f"  {r.names:<30} {r.diverges_from:>9} {r.widest_gap:>+11.2f} {r.widest_at:>7} {r.end_gap:>+8.2f}"
              f"   {r.base_end:+.2f} -> {r.whatif_end:+.2f}")
    return 0


def _window(model: AlignmentModel, start: str | None, end: str | None) -> tuple[int, int]:
    def step(text: str, last: bool, flag: str) -> int:
        try:
            year, q = quarters.parse(text)
        except ValueError as err:
            raise InputError.command_line(f"{flag} {text}: {err}") from None
        if last and len(text) == 4:
            q = 4
        return min(max(year * 4 + q - 1 - model.start, 0), model.n_steps - 1)

    lo = step(start, False, "--from") if start else 0
    hi = step(end, True, "--to") if end else model.n_steps - 1
    if hi <= lo:
        raise InputError.command_line(f"--from {start} --to {end}: expected a window that ends after it starts")
    return lo, hi


def cmd_explain(args) -> int:
    a, _, b = args.pair.partition(":")
    model = _model(args.scenario, args.seed, args.set)
    unknown = [c for c in (a, b) if c not in model.index]
    if unknown or a == b:
        raise InputError.command_line(f"--pair {args.pair}: expected two different actors of the scenario, e.g. PAK:RUS "
                                      f"(actors: {', '.join(model.codes)})")
    lo, hi = _window(model, args.start, args.end)
    why = results.explain(model, a, b, lo, hi)
    claims = ledger.claims()
    print(f"Why {model.names[a]} and {model.names[b]} moved, {model.date_label(lo)} to {model.date_label(hi)} "
          f"({model.spec.name}, seed {model.seed})\n")
    for direction, d in why["directions"].items():
        x, y = direction.split("->")
        print(f"{model.names[x]} -> {model.names[y]}: {d['from']:+.2f} -> {d['to']:+.2f} ({d['to'] - d['from']:+.2f})")
        for name, v in sorted(d["drivers"].items(), key=lambda kv: -abs(kv[1])):
            bar = ("+" if v > 0 else "-") * min(int(round(abs(v) * 40)), 40)
            print(f"    {name:<9} {v:+.3f} {bar}")
    for title, events in (("Events between them", why["events"]), ("Events touching either", why["related_events"])):
        print(f"\n{title}:" + ("" if events else " none"))
        for e in events[: args.max_events]:
            who = "scenario" if e.origin == "scenario" else f"decided by {e.origin}"
            print(f"  {e.date} {e.type:<20} {e.source}->{e.target} {e.magnitude:.2f}  {e.reason} [{who}]")
            for cid in e.claims[:2]:
                print(f"      {cid}: \"{claims[cid].quote}\"")
        if len(events) > args.max_events:
            print(f"  ... and {len(events) - args.max_events} more (--max-events)")
    print("\nWhat the three largest drivers rest on (tightrope claims --assumption NAME for all):")
    first = next(iter(why["directions"].values()))["drivers"]
    for driver in sorted(first, key=lambda k: -abs(first[k]))[:3]:
        name, cids = next(iter(why["basis"][driver].items()))
        print(f"  {driver} <- {name} = {model.values[name]:g}")
        for cid in cids[:2]:
            print(f"      {cid}: \"{claims[cid].quote}\"")
    return 0


def cmd_validate(args) -> int:
    failed = False
    for path in args.files:
        try:
            loaded = load(path)
        except InputError as err:
            failed = True
            print(err, file=sys.stderr)
            continue
        s = loaded.scenario
        print(f"{path}: ok ({s.name}: {len(s.actors)} actors, {len(s.events)} events, {s.horizon.start}..{s.horizon.end})")
    return EXIT_INPUT if failed else 0


def cmd_schema(args) -> int:
    if args.sweep:
        from sim.sweep import json_schema as sweep_schema
        sys.stdout.write(sweep_schema())
    else:
        sys.stdout.write(json_schema())
    return 0


def cmd_claims(args) -> int:
    claims, sources = ledger.claims(), ledger.sources()
    if args.assumption:
        catalogue = ledger.assumptions()
        if args.assumption not in catalogue:
            raise InputError.command_line(f"--assumption {args.assumption}: unknown ({did_you_mean(args.assumption, catalogue)}see --assumptions)")
        a = catalogue[args.assumption]
        print(f"{a.name} = {a.default:g}  (allowed {a.low:g} to {a.high:g}; {a.unit})")
        print(textwrap.fill(a.meaning, 88, initial_indent="  ", subsequent_indent="  "))
        for cid in a.claims:
            c = claims[cid]
            print(f"\n  {cid} ({sources[c.source].title}{', ' + str(c.year) if c.year else ''}):")
            print(textwrap.fill(f'"{c.quote}"', 84, initial_indent="    ", subsequent_indent="    "))
        return 0
    if args.assumptions:
        for a in ledger.assumptions().values():
            print(f"{a.name:<18} {a.default:>6g}  [{a.low:g}, {a.high:g}]  {a.unit}")
        return 0
    for c in claims.values():
        print(f"{c.id:<30} {c.kind:<18} {c.year or '':<5} {' '.join(c.actors):<20} \"{c.quote}\"")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tightrope", description="What-if simulator of the Pakistan-Russia thaw (a teaching model, not a forecast).")
    sub = p.add_subparsers(dest="command", required=True)

    def scenario_options(sp):
        sp.add_argument("--seed", type=int, help="seed of the random draws (default: the scenario's)")
        sp.add_argument("--set", action="append", metavar="NAME=VALUE", help="override an assumption (repeatable)")

    r = sub.add_parser("run", help="run a scenario and print the final scores")
    r.add_argument("scenario")
    scenario_options(r)
    r.add_argument("--out", metavar="FILE", help="write the tidy history (.csv, .parquet or .json)")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("compare", help="where and when a what-if departs from a base scenario")
    c.add_argument("base")
    c.add_argument("whatif")
    scenario_options(c)
    c.add_argument("--threshold", type=float, default=0.05, help="gap that counts as divergence (default 0.05)")
    c.set_defaults(func=cmd_compare)

    e = sub.add_parser("explain", help="the drivers and events behind a pair's move, with their claims")
    e.add_argument("scenario")
    e.add_argument("--pair", required=True, metavar="X:Y")
    e.add_argument("--from", dest="start", metavar="DATE")
    e.add_argument("--to", dest="end", metavar="DATE")
    e.add_argument("--max-events", type=int, default=12)
    scenario_options(e)
    e.set_defaults(func=cmd_explain)

    v = sub.add_parser("validate", help="check scenario files")
    v.add_argument("files", nargs="+")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help="print the scenario JSON Schema (or, with --sweep, the sweep file's)")
    s.add_argument("--sweep", action="store_true", help="the schema of sweep files instead")
    s.set_defaults(func=cmd_schema)

    k = sub.add_parser("claims", help="list the claim ledger, or the claims behind an assumption")
    k.add_argument("--assumption", metavar="NAME")
    k.add_argument("--assumptions", action="store_true", help="list every assumption with its default and range")
    k.set_defaults(func=cmd_claims)
    cli_batch.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(err, file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) has had enough
        sys.stderr.close()
        return 0
    except OSError as err:  # e.g. --out into a folder that cannot be written
        print(f"{getattr(err, 'filename', None) or '<output>'}:1:1: {err.strerror or err} (expected a writable path)", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
