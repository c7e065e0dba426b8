"""Quarter arithmetic: dates as people write them, to quarter indices and back.

A date may be a year (``2014``: its first quarter), a quarter (``2014Q2``), a month
(``2014-06`` or ``June 2014``, ``Jun 2014``) or a day (``2014-06-15``); each means the
quarter it falls in. Years run from 1800 to 2200.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re

FIRST_YEAR, LAST_YEAR = 1800, 2200
MONTHS = {name.lower(): k for k, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): k for k, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES = "|".join(f"[{m[0].upper()}{m[0]}]{m[1:]}" for m in sorted(MONTHS, key=len, reverse=True))
# Also what the JSON Schema tells an editor: a client that knows no flags, so cases are spelt out.
DATE_PATTERN = (
    rf"^(\d{{4}}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|[Qq][1-4])?"
    rf"|({_MONTH_NAMES})\.? \d{{4}})$"
)
_DATE = re.compile(DATE_PATTERN)
EXAMPLES = "a quarter like 2021Q1, a year like 2021, a month like 2021-03 or March 2021, or a day like 2021-03-15"


def parse(text: str) -> tuple[int, int]:
    """``(year, quarter)`` of a date string; raises ValueError saying what a date looks like."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date (expected {EXAMPLES})")
    if not text[0].isdigit():  # March 2021
        name, year = text.rsplit(" ", 1)
        return _year(int(year), text), (MONTHS[name.rstrip(".").lower()] - 1) // 3 + 1
    year = _year(int(text[:4]), text)
    if len(text) == 4:
        return year, 1
    if text[4] in "Qq":
        return year, int(text[5])
    month = int(text[5:7])
    if len(text) > 7:
        try:
            _dt.date(year, month, int(text[8:10]))
        except ValueError:
            raise ValueError(
                f"{text!r}: {calendar.month_name[month]} {year} has no day {int(text[8:10])} "
                f"(expected a real day, e.g. {year}-{month:02d}-01)"
            ) from None
    return year, (month - 1) // 3 + 1


def _year(year: int, text: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{text!r}: the year {year} is outside {FIRST_YEAR} to {LAST_YEAR}")
    return year


@functools.lru_cache(maxsize=4096)  # a game asks for the same few quarters thousands of times
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
