"""The ``tightrope`` command: a sub-command per job, each importing only what it needs.

Scenario commands (run, compare, explain, validate, schema, claims) are in
:mod:`sim.cli.scenario`; the model's checks (scorecard, expectations) in :mod:`sim.cli.checks`;
batch commands (batch, sensitivity, plot) in :mod:`sim.cli.batch`; the option types they share,
and ``--set``, in :mod:`sim.cli.options`. Bad input (a file, an option, a date) prints one line
per problem, ``FILE:LINE:COL: what is wrong (what was expected)``, on stderr and exits 2.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys

from sim.scenario.errors import InputError

EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad option said in one line like every other input problem."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"<command line>:1:1: {message} (see '{self.prog} --help')\n")


def parser() -> argparse.ArgumentParser:
    from sim.cli import batch, checks, classroom, scenario

    p = _Parser(
        prog="tightrope",
        description="What-if simulator of the Pakistan-Russia thaw (a teaching model, not a forecast).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    scenario.add_parsers(sub)
    checks.add_parsers(sub)
    batch.add_parsers(sub)
    classroom.add_parsers(sub)
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


def command() -> None:
    """The ``tightrope`` program: :func:`main`, then an exit that skips tearing the interpreter down.

    Once the command is done (its files closed, its output flushed, every ``atexit`` handler run),
    unloading the several hundred modules a batch imports (numba, LLVM, pyarrow) took 0.4-0.5 s
    of a 10,000-run batch's 5 s, measured; nothing of the command's is left to do by then.
    """
    code = 1  # if main() itself fails, after Python has printed why

    def leave() -> None:  # registered before the command runs, so it runs after every other exit handler
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
                pass
        os._exit(code)

    atexit.register(leave)
    try:
        code = main()
    except SystemExit as stop:  # --help, or an option argparse refused (it has said why)
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    sys.exit(code)


if __name__ == "__main__":
    command()
