"""The scenario commands of ``tightrope``: run, compare, explain, validate, schema, claims.

Each command imports what it needs when it runs, so ``--help`` and ``validate`` start
quickly (the Mesa model and pandas are for the commands that run a scenario).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from sim.cli.options import count, gap, overrides, seed
from sim.scenario.errors import InputError, did_you_mean, shown

FORMATS = (".csv", ".parquet", ".json")
DEFAULT_SEEDS = 20


def print_(*parts, **kwargs) -> None:
    """print, with what a scenario's author wrote (names, descriptions, labels) made safe for a terminal."""
    print(*(shown(p) for p in parts), **kwargs)


def _world(path: str, sets: list[str] | None):
    from sim.model.world import compile
    from sim.scenario.loader import load

    fixed = overrides(sets or [])
    return compile(load(path), fixed)


def _run(path: str, seed: int | None, sets: list[str] | None):
    from sim.model.mesa_model import run

    return run(_world(path, sets), seed)


def _fmt(x: float) -> str:
    return "" if x != x else f"{x:+.2f}"


def cmd_run(args) -> int:
    from sim.model import report

    out = Path(args.out) if args.out else None
    if out and out.suffix.lower() not in FORMATS:
        raise InputError.command_line(f"--out {out}: unknown format (expected a name ending in {', '.join(FORMATS)})")
    run = _run(args.scenario, args.seed, args.set)
    w = run.world
    print_(f"{w.name}: {w.date_label(0)} to {w.date_label(w.n_steps - 1)}, seed {run.seed}")
    print_(textwrap.fill(w.description, 88))
    print_(
        f"\nAlignment in {w.date_label(w.n_steps - 1)}: how each row regards each column (-1 hostile .. +1 aligned)\n"
    )
    print_(report.final_scores(run).to_string(float_format=_fmt, na_rep="·"))
    print_("\nPairs (mean of both directions), start -> end:")
    for x, a in enumerate(w.codes):
        for b in w.codes[x + 1 :]:
            series = run.pair(a, b)
            print_(f"  {w.names[a] + ' - ' + w.names[b]:<30} {series[0]:+.2f} -> {series[-1]:+.2f}")
    own = sum(e.origin != "scenario" for e in run.log)
    print_(
        f"\n{len(run.log)} events ({own} decided by the states themselves). "
        f"Ask why with: tightrope explain {args.scenario} --pair PAK:RUS"
    )
    if out:
        report.write(run, out)
        print_(f"Wrote {out} ({w.n_steps * len(w.codes) * (len(w.codes) - 1)} rows)")
    return 0


def cmd_compare(args) -> int:
    from sim.engine import ensemble
    from sim.model import report

    if args.seeds < 1:
        raise InputError.command_line(f"--seeds {args.seeds}: expected 1 or more")
    base_file, what_file = (args.base, args.whatif) if args.whatif else (_extended(args.base), args.base)
    base_w, what_w = _world(base_file, args.set), _world(what_file, args.set)
    seed = args.seed if args.seed is not None else base_w.seed
    seeds = [seed] if args.seeds == 1 else ensemble.replication_seeds(seed, args.seeds)
    base, whatif = ensemble.run(base_w, seeds), ensemble.run(what_w, seeds)
    table = report.compare_many(base, whatif, args.threshold)
    one = args.seeds == 1
    print_(
        f"{what_w.name} against {base_w.name}, "
        + (
            f"seed {seed} alone: a single run's noise can read as an effect (drop --seeds 1 for {DEFAULT_SEEDS})"
            if one
            else f"median over {args.seeds} seeds (from seed {seed}), the same for both"
        )
        + f"; a pair diverges once the gap reaches {args.threshold}"
        + ("" if one else ", 90 % of seeds agreeing")
    )
    added = sorted(set(what_w.codes) - set(base_w.codes))
    if added:
        print_(
            f"(the what-if adds {', '.join(added)}: with more states every random draw lands elsewhere, so its "
            "runs differ from the base's from the start; the medians over seeds are what compare)"
        )
    print_(textwrap.fill(what_w.description, 88) + "\n")
    print_(f"  {'pair':<30} {'diverges':>9} {'widest gap':>11} {'when':>7} {'end gap':>8}   base -> what-if at end")
    for r in table.itertuples():
        print_(
            f"  {r.names:<30} {r.diverges_from:>9} {r.widest_gap:>+11.2f} {r.widest_at:>7} {r.end_gap:>+8.2f}"
            f"   {r.base_end:+.2f} -> {r.whatif_end:+.2f}"
        )
    return 0


def _extended(whatif: str) -> str:
    """The scenario a what-if extends, for ``compare WHATIF`` without a base."""
    from sim.scenario.loader import load

    files = load(whatif).files
    if len(files) < 2:
        raise InputError.command_line(
            f"{whatif} extends no scenario: name the one to compare it with (tightrope compare BASE {whatif})"
        )
    return files[1]


def _window(world, start: str | None, end: str | None) -> tuple[int, int]:
    from sim.scenario import dates

    def step(text: str, last: bool, flag: str) -> int:
        try:
            year, q = dates.parse(text)
        except ValueError as err:
            raise InputError.command_line(f"{flag} {text!r}: {err}") from None
        if last and len(text) == 4:
            q = 4
        at = year * 4 + q - 1 - world.start
        if not 0 <= at < world.n_steps:
            horizon = f"{world.date_label(0)}..{world.date_label(world.n_steps - 1)}"
            raise InputError.command_line(f"{flag} {text}: outside the scenario's horizon {horizon}")
        return at

    lo = step(start, False, "--from") if start else 0
    hi = step(end, True, "--to") if end else world.n_steps - 1
    if hi <= lo:
        given = " ".join(f"{flag} {text}" for flag, text in (("--from", start), ("--to", end)) if text)
        raise InputError.command_line(f"{given}: expected a window that ends after it starts")
    return lo, hi


def _pair(world, text: str) -> tuple[str, str]:
    """The two actors of ``--pair``: codes or names, any case, joined by ':' or '-' (PAK:RUS, pak-rus)."""
    by_name = {**{c.lower(): c for c in world.codes}, **{name.lower(): c for c, name in world.names.items()}}
    sep = next((s for s in (":", "-", "/", ",") if text.count(s) == 1), ":")  # ':' first: a name may hold '-'
    parts = [p.strip() for p in text.split(sep)]
    found = [by_name.get(p.lower()) for p in parts]
    if len(found) != 2 or None in found or found[0] == found[1]:
        unknown = next((p for p, c in zip(parts, found) if c is None), None)
        hint = did_you_mean(unknown.upper(), world.codes) if unknown and len(found) == 2 else ""
        raise InputError.command_line(
            f"--pair {text}: {hint}expected two different actors of the scenario, e.g. PAK:RUS "
            f"(actors: {', '.join(world.codes)})"
        )
    return found[0], found[1]


def cmd_explain(args) -> int:
    from sim.model import report
    from sim.scenario import ledger

    run = _run(args.scenario, args.seed, args.set)
    w = run.world
    a, b = _pair(w, args.pair)
    lo, hi = _window(w, args.start, args.end)
    why = report.explain(run, a, b, lo, hi)
    claims = ledger.claims()
    print_(
        f"Why {w.names[a]} and {w.names[b]} moved, {w.date_label(lo)} to {w.date_label(hi)} "
        f"({w.name}, seed {run.seed})\n"
    )
    for direction, d in why["directions"].items():
        x, y = direction.split("->")
        print_(f"{w.names[x]} -> {w.names[y]}: {d['from']:+.2f} -> {d['to']:+.2f} ({d['to'] - d['from']:+.2f})")
        for name, v in sorted(d["drivers"].items(), key=lambda kv: -abs(kv[1])):
            bar = ("+" if v > 0 else "-") * min(int(round(abs(v) * 40)), 40)
            print_(f"    {name:<9} {v:+.3f} {bar}")
    for title, events in (("Events between them", why["events"]), ("Events touching either", why["related_events"])):
        print_(f"\n{title}:" + ("" if events else " none"))
        for e in events[: args.max_events]:
            who = "scenario" if e.origin == "scenario" else f"decided by {e.origin}"
            print_(f"  {e.date} {e.type:<20} {e.source}->{e.target} {e.magnitude:.2f}  {e.reason} [{who}]")
            if e.claims and e.claims_are:
                print_(f"      {e.claims_are}:")
            for cid in e.claims[:2]:
                print_(f'      {cid}: "{claims[cid].quote}"')
        if len(events) > args.max_events:
            print_(f"  ... and {len(events) - args.max_events} more (--max-events)")
    print_("\nWhat the three largest drivers rest on (tightrope claims --assumption NAME for all):")
    first = next(iter(why["directions"].values()))["drivers"]
    for driver in sorted(first, key=lambda k: -abs(first[k]))[:3]:
        name, cids = next(iter(why["basis"][driver].items()))
        print_(f"  {driver} <- {name} = {w.values[name]:g}")
        for cid in cids[:2]:
            print_(f'      {cid}: "{claims[cid].quote}"')
    return 0


def _is_sweep(path: str) -> bool:
    """A sweep file names a scenario and what to vary at its top level; anything else is read as a
    scenario. Its lines say so, without parsing it twice."""
    import re

    from sim.scenario.loader import find
    from sim.scenario.yamlread import read_bytes

    try:
        text = read_bytes(find(path), str(path)).decode("utf-8", errors="replace")
    except InputError:
        return False  # loading it as a scenario reports the problem
    return all(re.search(rf"^{key}\s*:", text, re.M) for key in ("vary", "scenario"))


def cmd_validate(args) -> int:
    import sys

    from sim.cli import EXIT_INPUT
    from sim.scenario.loader import load

    failed = False
    for path in args.files:
        try:
            if _is_sweep(path):
                from sim.batch.sweep import load_sweep

                s = load_sweep(path)
                print_(
                    f"{path}: ok (sweep {s.sweep.name}: {len(s.sweep.vary)} varied, {s.sweep.sampler}, "
                    f"{s.sweep.replications} replication{'s' * (s.sweep.replications != 1)} of {s.scenario.name})"
                )
                continue
            loaded = load(path)
        except InputError as err:
            failed = True
            print(err, file=sys.stderr)
            continue
        s = loaded.scenario
        print_(
            f"{path}: ok ({s.name}: {len(s.actors)} actors, {len(s.events)} events, {s.horizon.start}..{s.horizon.end})"
        )
    return EXIT_INPUT if failed else 0


def cmd_schema(args) -> int:
    import sys

    if args.sweep:
        from sim.batch.sweep import json_schema
    else:
        from sim.scenario.schema import json_schema
    sys.stdout.write(json_schema())
    return 0


def cmd_claims(args) -> int:
    from sim.scenario import ledger

    claims, sources = ledger.claims(), ledger.sources()
    if args.assumption:
        catalogue = ledger.assumptions()
        if args.assumption not in catalogue:
            raise InputError.command_line(
                f"--assumption {args.assumption}: unknown ({did_you_mean(args.assumption, catalogue)}see --assumptions)"
            )
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
        print(f'{c.id:<30} {c.kind:<18} {c.year or "":<5} {" ".join(c.actors):<20} "{c.quote}"')
    return 0


def add_parsers(sub) -> None:
    def scenario_options(sp):
        sp.add_argument("--seed", type=seed, help="seed of the random draws (default: the scenario's)")
        sp.add_argument("--set", action="append", metavar="NAME=VALUE", help="override an assumption (repeatable)")

    where = "a scenario file, or a shipped scenario by name (e.g. baseline)"
    r = sub.add_parser("run", help="run a scenario and print the final scores")
    r.add_argument("scenario", help=where)
    scenario_options(r)
    r.add_argument("--out", metavar="FILE", help="write the tidy history (.csv, .parquet or .json)")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser(
        "compare",
        help="where and when a what-if departs from a base scenario (by default, the one it extends)",
        usage="tightrope compare [-h] [options] [BASE] WHATIF",
    )
    c.add_argument("base", metavar="BASE", help=f"{where}; left out, the scenario WHATIF extends")
    c.add_argument("whatif", metavar="WHATIF", nargs="?", help=where)
    scenario_options(c)
    c.add_argument("--threshold", type=gap, default=0.05, help="gap that counts as divergence (default 0.05)")
    c.add_argument(
        "--seeds",
        type=int,
        default=DEFAULT_SEEDS,
        help=f"compare the medians over this many seeds (default {DEFAULT_SEEDS}; 1 for the seed alone)",
    )
    c.set_defaults(func=cmd_compare)

    e = sub.add_parser("explain", help="the drivers and events behind a pair's move, with their claims")
    e.add_argument("scenario", help=where)
    e.add_argument("--pair", required=True, metavar="X:Y")
    e.add_argument("--from", dest="start", metavar="DATE")
    e.add_argument("--to", dest="end", metavar="DATE")
    e.add_argument("--max-events", type=count, default=12, help="events listed in each list (default 12)")
    scenario_options(e)
    e.set_defaults(func=cmd_explain)

    v = sub.add_parser("validate", help="check scenario and sweep files")
    v.add_argument("files", nargs="+")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help="print the scenario JSON Schema (or, with --sweep, the sweep file's)")
    s.add_argument("--sweep", action="store_true", help="the schema of sweep files instead")
    s.set_defaults(func=cmd_schema)

    k = sub.add_parser("claims", help="list the claim ledger, or the claims behind an assumption")
    k.add_argument("--assumption", metavar="NAME")
    k.add_argument("--assumptions", action="store_true", help="list every assumption with its default and range")
    k.set_defaults(func=cmd_claims)
