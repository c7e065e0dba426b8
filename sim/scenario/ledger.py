"""The claim ledger: sources, claims quoted from them, and the model assumptions resting on them.

The ledger lives in ``seeds/`` as YAML (installed with the package: :mod:`sim.scenario.shipped`).
Every coefficient of the model is an assumption here, with a default, an allowed range, a
meaning and the claim ids it rests on; nothing numeric about the model is hidden in code.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario import shipped

ClaimKind = Literal[
    "arms",
    "embargo",
    "aid",
    "exercise",
    "diplomatic_support",
    "visit",
    "trade_energy",
    "threat",
    "history",
    "mechanism",
    "pressure",
    "alignment",
    "figure",
]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Entry):
    id: str
    file: str = Field(description="Path under ../shared/ of the file that holds the text")
    title: str
    author: str | None = None
    outlet: str | None = None
    date: str | None = None
    kind: Literal["article", "public_figures"] = "article"
    article_lines: tuple[int, int] | None = Field(None, description="First and last line of the article's own text")
    excluded_lines: list[int] = Field(default_factory=list, description="Lines inside that are not the article (spam)")


class Claim(_Entry):
    id: str = Field(pattern=r"^[a-z]{2,4}\.[a-z0-9-]+$")
    source: str
    quote: str
    year: int | None = Field(None, ge=1800, le=2030)
    kind: ClaimKind
    actors: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _short_quote(self):
        if len(self.quote.split()) > 40:
            raise ValueError(f"quote of {self.id} has {len(self.quote.split())} words (at most 40)")
        return self


class Assumption(_Entry):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    claims: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_range(self):
        if not self.low <= self.default <= self.high:
            raise ValueError(f"{self.name}: default {self.default} outside [{self.low}, {self.high}]")
        return self


class Lever(_Entry):
    """A student's lever: one plain question over assumptions it scales together."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str = Field(min_length=1, max_length=200)
    assumptions: list[str] = Field(min_length=1)


def _read(name: str) -> object:
    with open(shipped.seeds() / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml if there is one


@functools.cache
def sources() -> dict[str, Source]:
    return {s.id: s for s in (Source(**row) for row in _read("sources.yaml"))}


@functools.cache
def claims() -> dict[str, Claim]:
    return {c.id: c for c in (Claim(**row) for row in _read("claims.yaml"))}


@functools.cache
def assumptions() -> dict[str, Assumption]:
    return {a.name: a for a in (Assumption(**row) for row in _read("assumptions.yaml"))}


@functools.cache
def levers() -> dict[str, Lever]:
    return {lv.name: lv for lv in (Lever(**row) for row in _read("levers.yaml"))}


_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    """Text as compared for verbatim quotes: typographic quotes and dashes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC)
    return re.sub(r"\s+", " ", text).strip()
