"""Quarter arithmetic: dates such as ``2014``, ``2014-06`` or ``2014Q2`` to quarter indices and back."""

from __future__ import annotations

import re

DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|[Qq][1-4])?$"
_DATE = re.compile(DATE_PATTERN)


def parse(text: str) -> tuple[int, int]:
    """``(year, quarter)`` of a date string; a bare year means its first quarter."""
    if not _DATE.match(text):
        raise ValueError(f"not a date like 2014, 2014-06 or 2014Q2: {text!r}")
    year = int(text[:4])
    if len(text) == 4:
        return year, 1
    if text[4] == "-":
        return year, (int(text[5:7]) - 1) // 3 + 1
    return year, int(text[5])


def ordinal(text: str) -> int:
    """A count of quarters since year 0, for comparisons and differences."""
    year, quarter = parse(text)
    return year * 4 + quarter - 1


def label(ordinal_: int) -> str:
    return f"{ordinal_ // 4}Q{ordinal_ % 4 + 1}"


def iso_start(ordinal_: int) -> str:
    """The ISO date the quarter starts on, e.g. ``2014-04-01``."""
    return f"{ordinal_ // 4:04d}-{(ordinal_ % 4) * 3 + 1:02d}-01"


def decimal_year(ordinal_: int) -> float:
    """The quarter's start as a year with a fraction, for time axes: 2014Q2 is 2014.25."""
    return ordinal_ / 4
