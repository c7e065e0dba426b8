"""What is wrong with an input, and where: one ``FILE:LINE:COL: message`` line per problem.

Every command and the classroom app report bad input the same way: a list of
:class:`Problem` raised as one :class:`InputError`, printed one line each.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import NamedTuple

MAX_PROBLEMS = 50  # a file can be wrong in thousands of places; the first fifty say enough


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, printed as ``FILE:LINE:COL: message``."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return shown(f"{self.file}:{self.line}:{self.col}: {' '.join(self.message.split())}")


class InputError(Exception):
    """Bad input: a scenario or sweep file, an option, a folder. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        found = sorted(set(problems))
        self.problems = found[:MAX_PROBLEMS]
        if len(found) > MAX_PROBLEMS:
            last = found[MAX_PROBLEMS]
            self.problems.append(
                Problem(
                    last.file,
                    last.line,
                    last.col,
                    f"... and {len(found) - MAX_PROBLEMS} more problems (fix these first)",
                )
            )
        super().__init__("\n".join(map(str, self.problems)))

    @classmethod
    def command_line(cls, message: str) -> InputError:
        """One problem with the command line itself (an option, a folder), not with a file."""
        return cls([Problem("<command line>", 1, 1, message)])


class Where(NamedTuple):
    """A position in a file, to hang a problem on (a tuple: a file has one for every value)."""

    file: str
    line: int
    col: int

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.col, message)


def shown(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences, bells) written out
    as ``\\x1b`` and the like, never sent raw. Newlines and tabs stay."""
    return "".join(ch if ch in "\n\t" or ch.isprintable() else repr(ch)[1:-1] for ch in str(text))


def did_you_mean(word: str, choices) -> str:
    """A suggestion to put before what was expected, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?; " if close else ""
