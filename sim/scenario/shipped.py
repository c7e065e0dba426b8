"""The claim ledger and the scenarios that ship with Tightrope, and finding a scenario by name.

In a checkout they are the top-level ``seeds/`` and ``scenarios/`` folders, where readers
find them; an installed package carries copies of both as ``sim/data/`` (the wheel maps
the folders there), so the model loads wherever it is installed.

A shipped scenario or sweep is named by its file's stem: ``baseline``, ``us_ties_mended``,
``partnership_by_2025``. In a scenario file, ``extends: baseline`` (a bare name, no folder
and no ``.yaml``) names a shipped scenario, so a what-if written anywhere can build on one.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


@cache
def folder(name: str) -> Path:
    """``seeds`` or ``scenarios``: the installed copy if there is one, else the checkout's folder."""
    packaged = PACKAGE / "data" / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


def seeds() -> Path:
    return folder("seeds")


def scenarios() -> Path:
    return folder("scenarios")


def sweeps() -> Path:
    return folder("scenarios") / "sweeps"


def is_name(text: str) -> bool:
    """Whether ``text`` is a bare name (``baseline``), not a file path (``baseline.yaml``, ``../x.yaml``)."""
    return bool(NAME.match(text))


def names(where: Path | None = None) -> list[str]:
    """The shipped scenarios by name, the baseline first."""
    where = where or scenarios()
    return sorted((p.stem for p in where.glob("*.yaml")), key=lambda stem: (stem != "baseline", stem))


def scenario(name: str) -> Path | None:
    """The shipped scenario file of that name, or None."""
    path = scenarios() / f"{name}.yaml"
    return path if is_name(name) and path.is_file() else None


def sweep(name: str) -> Path | None:
    """The shipped sweep file of that name, or None."""
    path = sweeps() / f"{name}.yaml"
    return path if is_name(name) and path.is_file() else None
