"""Commands that check the model against what it should say: ``scorecard`` (the sources' own
directional claims) and ``expectations`` (the effects and side effects IR teaching expects)."""

from __future__ import annotations

import textwrap

from sim.cli.options import count, overrides
from sim.scenario.errors import InputError


def cmd_scorecard(args) -> int:
    from sim.model import scorecard

    if args.seeds < 1:
        raise InputError.command_line(f"--seeds {args.seeds}: expected 1 or more")
    rows = scorecard.score(range(args.seeds))
    print(
        f"Does the model say what the sources say? {len(rows)} claims, each checked on {args.seeds} seeds "
        f"(holds: in at least {scorecard.HOLDS:.0%} of them)\n"
    )
    for r in rows:
        print(f"{r.check.claim}  {r.share:>5.0%}  {r.verdict}")
        print(textwrap.fill(f'"{r.quote}"', 96, initial_indent="    ", subsequent_indent="    "))
        print(f"    {r.check.says}; checked as: {r.check.describe()}")
        if r.check.departs and r.share < scorecard.HOLDS:
            print(
                textwrap.fill(
                    f"Why the model departs: {r.check.departs}", 96, initial_indent="    ", subsequent_indent="    "
                )
            )
        print()
    held = sum(r.share >= scorecard.HOLDS for r in rows)
    print(
        f"{held} of {len(rows)} claims hold in at least {scorecard.HOLDS:.0%} of seeds; "
        f"{sum(r.share < scorecard.MOSTLY for r in rows)} do not hold (the model does not reproduce them)"
    )
    return 0


def cmd_expectations(args) -> int:
    from sim.engine import expectations

    if args.seeds < 1:
        raise InputError.command_line(f"--seeds {args.seeds}: expected 1 or more")
    panel = expectations.load_panel(args.file)
    changed = overrides(args.set or [])
    rows = expectations.run(panel, range(args.seeds), changed)
    cases = [r for r in rows if args.case is None or args.case in r.case.id]
    if not cases:
        known = ", ".join(r.case.id for r in rows)
        raise InputError.command_line(f"--case {args.case}: no case's id holds it (expected part of one of: {known})")
    print(
        f"What IR teaching expects of the model: {len(cases)} cases, each the what-if against what it is compared "
        f"with, the same seed on both sides, over {args.seeds} seeds (holds: in at least "
        f"{expectations.HOLDS:.0%} of them)\n"
    )
    print(f"  {'case':<38} {'kind':<9} {'median':>7}  {'at':<7}  {'seeds':>5}")
    for r in cases:
        verdict = "holds" if r.holds else "DOES NOT HOLD"
        print(f"  {r.case.id:<38} {r.case.kind:<9} {r.gap:>+7.3f}  {r.when:<7}  {r.share:>5.0%}  {verdict}")
        if args.verbose or not r.holds:
            print(textwrap.fill(r.case.says, 96, initial_indent="      ", subsequent_indent="      "))
            print(f"      checked as: {r.case.describe()}; rests on: {', '.join(r.case.claims) or 'the record'}")
    held = sum(r.holds for r in cases)
    print(f"\n{held} of {len(cases)} cases hold in at least {expectations.HOLDS:.0%} of seeds")
    return 0


def add_parsers(sub) -> None:
    sc = sub.add_parser("scorecard", help="does the model say what the sources say? each claim's check over many seeds")
    sc.add_argument("--seeds", type=int, default=100, help="seeds each check runs on (default 100)")
    sc.set_defaults(func=cmd_scorecard)

    ex = sub.add_parser(
        "expectations", help="the effects and side effects IR teaching expects: each case's gap and how often it holds"
    )
    ex.add_argument("--seeds", type=count, default=30, help="seeds each case runs on (default 30)")
    ex.add_argument("--case", metavar="TEXT", help="only the cases whose id holds TEXT")
    ex.add_argument("--set", action="append", metavar="NAME=VALUE", help="override an assumption (repeatable)")
    ex.add_argument("--file", metavar="FILE", help="another expectations file (default: the shipped one)")
    ex.add_argument("-v", "--verbose", action="store_true", help="say every case in words, not only those that fail")
    ex.set_defaults(func=cmd_expectations)
