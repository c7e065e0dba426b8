"""Text that came from outside the code (a link, an upload, a teacher's form, a scenario file) made
safe to show: as the very characters that were typed, never as markup, a link or a formula.

Streamlit renders Markdown in ``st.markdown``, in captions, error boxes and even widget labels,
and turns bare addresses (``www.x.org``, ``http://…``) into links. :func:`plain` writes every
ASCII punctuation mark as a character reference (``&#91;`` for ``[``), which Markdown decodes back
into the same character only after it has parsed the text: so no emphasis, heading, table, HTML,
link is ever formed, and the reader sees exactly what was typed; a bare address (which GitHub's
Markdown links even in decoded text) gets an invisible word joiner inside its ``://``, ``www.``
or ``@``, so it stays text. :func:`cell` keeps a
spreadsheet from reading a downloaded cell as a formula (OWASP's CSV injection advice).
"""

from __future__ import annotations

import re
import string

import pandas as pd

_PUNCTUATION = {ord(ch): f"&#{ord(ch)};" for ch in string.punctuation}
_SPACE = re.compile(r"\s+")
JOINER = "\u2060"  # a word joiner: invisible, and it keeps "www." or "://" from being read as an address
_ADDRESS = re.compile(r"(?i)(://|www\.|@)")
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may take for the start of a formula


def plain(text: object, limit: int | None = None) -> str:
    """``text`` on one line, shown as typed wherever Streamlit would read Markdown (at most ``limit``
    characters, with an ellipsis beyond)."""
    said = _SPACE.sub(" ", "".join(ch for ch in str(text) if ch.isprintable() or ch.isspace())).strip()
    if limit is not None and len(said) > limit:
        said = said[: limit - 1] + "\u2026"
    # GitHub's Markdown links a bare address even in decoded text: a joiner inside its marks prevents it.
    said = _ADDRESS.sub(lambda m: m.group(0)[:1] + JOINER + m.group(0)[1:], said)
    return said.translate(_PUNCTUATION)


def cell(value: object) -> object:
    """A CSV cell a spreadsheet reads as text: one that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value
    return value


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of ``table`` through :func:`cell` (numbers stay numbers)."""
    out = table.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = out[name].map(cell)
    return out


def number(x: float, digits: int = 2, sign: bool = True) -> str:
    """A score as a person reads it: ``digits`` decimals, and never a minus sign on a zero."""
    rounded = round(float(x), digits)
    if rounded == 0:
        rounded = 0.0  # -0.0 would print as "-0.00"
    return f"{rounded:+.{digits}f}" if sign else f"{rounded:.{digits}f}"
