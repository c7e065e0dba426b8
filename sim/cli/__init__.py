"""The ``tightrope`` command: a sub-command per job, each importing only what it needs.

Scenario commands (run, compare, explain, validate, schema, claims) are in
:mod:`sim.cli.scenario`; batch commands (batch, sensitivity, plot) in
:mod:`sim.cli.batch`. Bad input (a file, an option, a date) prints one line per
problem, ``FILE:LINE:COL: what is wrong (what was expected)``, on stderr and exits 2.
"""

from __future__ import annotations

import argparse
import sys

from sim.scenario.errors import InputError

EXIT_INPUT = 2
MAX_SEED = 2**32 - 1  # as a scenario's own `seed:` allows


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad option said in one line like every other input problem."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"<command line>:1:1: {message} (see '{self.prog} --help')\n")


def seed(text: str) -> int:
    """An option's seed: a whole number a run can be seeded with."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"got '{text}' (expected a whole number from 0 to {MAX_SEED:,})")
    return value


def parser() -> argparse.ArgumentParser:
    from sim.cli import batch, scenario

    p = _Parser(
        prog="tightrope",
        description="What-if simulator of the Pakistan-Russia thaw (a teaching model, not a forecast).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    scenario.add_parsers(sub)
    batch.add_parsers(sub)
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
        print(
            f"{getattr(err, 'filename', None) or '<output>'}:1:1: {err.strerror or err} (expected a writable path)",
            file=sys.stderr,
        )
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
