"""What the ``tightrope`` command lines take: option types, and ``--set NAME=VALUE`` checked.

Each refuses a bad value with what was expected, in the one line every input problem gets.
"""

from __future__ import annotations

import argparse
import math

from sim.scenario.errors import InputError, Problem, did_you_mean

MAX_SEED = 2**32 - 1  # as a scenario's own `seed:` allows


def seed(text: str) -> int:
    """An option's seed: a whole number a run can be seeded with."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"got '{text}' (expected a whole number from 0 to {MAX_SEED:,})")
    return value


def gap(text: str) -> float:
    """A gap between two scores that counts as a difference."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value <= 2.0:  # two scores in -1..+1 are at most 2 apart
        raise argparse.ArgumentTypeError(f"got '{text}' (expected a gap between scores, more than 0 and at most 2)")
    return value


def count(text: str) -> int:
    """A count of things to list: 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"got '{text}' (expected a whole number, 0 or more)")
    return int(text)


def overrides(pairs: list[str]) -> dict[str, float]:
    """``--set NAME=VALUE`` options as assumption values, each checked against its allowed range."""
    from sim.scenario import ledger

    catalogue, out, problems = ledger.assumptions(), {}, []
    for k, item in enumerate(pairs, 1):
        where = f"--set {item}"
        name, sep, raw = item.partition("=")
        if not sep:
            problems.append(Problem("<command line>", 1, k, f"{where}: expected NAME=VALUE"))
            continue
        if name not in catalogue:
            problems.append(
                Problem(
                    "<command line>",
                    1,
                    k,
                    f"{where}: unknown assumption '{name}' "
                    f"({did_you_mean(name, catalogue)}see 'tightrope claims --assumptions')",
                )
            )
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(Problem("<command line>", 1, k, f"{where}: '{raw}' is not a number"))
            continue
        a = catalogue[name]
        if not (a.low <= value <= a.high) or not math.isfinite(value):
            problems.append(
                Problem("<command line>", 1, k, f"{where}: out of range (expected {a.low} to {a.high}: {a.unit})")
            )
            continue
        out[name] = value
    if problems:
        raise InputError(problems)
    return out
