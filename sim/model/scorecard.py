"""Does the model say what the sources say? The claims scorecard.

Each directional claim the model is meant to reproduce carries an executable check in the
ledger (``seeds/scorecard.yaml``): a measure of the baseline, or of a what-if against the
baseline with the same seed, and the direction the claim implies. :func:`score` runs every
check over many seeds through the compiled engine and gives the share of seeds in which it
holds. A claim the model does not reproduce is reported as such, not left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.model.measures import pair_mean
from sim.scenario import ledger, shipped

HOLDS, MOSTLY = 0.9, 0.5  # shares of seeds: "holds" at 90 %, "holds in most seeds" at 50 %


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    from_: str = Field(alias="from")
    to: str


class Check(BaseModel):
    """One claim's check; see ``seeds/scorecard.yaml`` for what each ``expect`` means."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    claim: str
    says: str
    whatif: str | None = None
    measure: dict[Literal["pair", "directed"], tuple[str, str]]
    expect: Literal["lower", "higher", "rises", "falls", "above", "below"]
    value: float | None = None
    when: Window
    departs: str | None = None  # why the model departs from the claim, when it does

    @model_validator(mode="after")
    def _consistent(self):
        if len(self.measure) != 1:
            raise ValueError("measure: give one of pair or directed")
        if (self.expect in ("lower", "higher")) != (self.whatif is not None):
            raise ValueError("lower and higher compare a what-if with the baseline; the others read the baseline")
        if (self.expect in ("above", "below")) != (self.value is not None):
            raise ValueError("above and below need a value")
        return self

    @property
    def kind(self) -> str:
        return next(iter(self.measure))

    def describe(self) -> str:
        ((kind, (a, b)),) = self.measure.items()
        what = f"{a}-{b}" if kind == "pair" else f"{a}->{b}"
        span = f"{self.when.from_}..{self.when.to}"
        if self.expect in ("lower", "higher"):
            return f"{self.whatif}: {what} {self.expect} than the baseline over {span}"
        if self.expect in ("rises", "falls"):
            way = "higher" if self.expect == "rises" else "lower"
            return f"baseline: {what} {way} in {self.when.to} than in {self.when.from_}"
        return f"baseline: {what} {self.expect} {self.value:g} in every quarter {span}"


def checks() -> list[Check]:
    with open(shipped.seeds() / "scorecard.yaml", encoding="utf-8") as fh:
        return [Check(**row) for row in yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))]


@dataclass(frozen=True)
class Row:
    check: Check
    quote: str
    share: float  # of seeds in which the check holds

    @property
    def verdict(self) -> str:
        if self.share >= HOLDS:
            return "holds"
        return "holds in most seeds" if self.share >= MOSTLY else "does not hold"


def _series(alignment: np.ndarray, world, check: Check) -> np.ndarray:
    a, b = check.measure[check.kind]
    i, j = world.index[a], world.index[b]
    return pair_mean(alignment, i, j) if check.kind == "pair" else alignment[..., i, j]


def _holds(check: Check, world, base: np.ndarray, whatif: np.ndarray | None) -> np.ndarray:
    lo, hi = world.step_of(check.when.from_), world.step_of(check.when.to)
    b = _series(base, world, check)
    if check.expect in ("lower", "higher"):
        gap = _series(whatif, world, check)[:, lo : hi + 1].mean(axis=-1) - b[:, lo : hi + 1].mean(axis=-1)
        return gap < 0 if check.expect == "lower" else gap > 0
    if check.expect in ("rises", "falls"):
        change = b[:, hi] - b[:, lo]
        return change > 0 if check.expect == "rises" else change < 0
    window = b[:, lo : hi + 1]
    return (window > check.value).all(axis=-1) if check.expect == "above" else (window < check.value).all(axis=-1)


def score(seeds=range(100), the_checks: list[Check] | None = None) -> list[Row]:
    """Every check over ``seeds``, the baseline and each what-if run with the same seeds."""
    from sim.engine import ensemble
    from sim.model.world import compile
    from sim.scenario.loader import load

    the_checks = checks() if the_checks is None else the_checks
    seeds = list(seeds)
    base_world = compile(load("baseline"))
    runs = {None: ensemble.run(base_world, seeds).alignment}
    for name in {c.whatif for c in the_checks if c.whatif}:
        runs[name] = ensemble.run(compile(load(name)), seeds).alignment
    claims = ledger.claims()
    return [
        Row(
            c,
            claims[c.claim].quote,
            float(_holds(c, base_world, runs[None], runs[c.whatif] if c.whatif else None).mean()),
        )
        for c in the_checks
    ]
