"""Sweep files: what a batch varies, how it samples, and what it measures of each run.

A sweep names a base scenario, the assumptions to vary (a list of values or a
range), a sampler (grid, lhs, sobol, morris), how many seeded replications to run
at each point, and its outputs: named measures of a run (see :mod:`sim.outputs`).
It is read like a scenario: YAML without tags or aliases, validated by pydantic,
and every problem reported as ``FILE:LINE:COL``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import Field, model_validator

from sim.scenario import dates, ledger
from sim.scenario.errors import InputError, did_you_mean
from sim.scenario.loader import Loaded, base_file, display_name, find, load, locate, problems_from
from sim.scenario.schema import Date, Strict
from sim.scenario.yamlread import Document, read, read_bytes

SAMPLERS = ("grid", "lhs", "sobol", "morris")
MEASURES = ("score", "mean", "first_crossing", "crossed", "balanced_share")
MAX_RUNS = 5_000_000


class Vary(Strict):
    """One varied assumption: a list of ``values`` (grid only) or a ``range: [lo, hi]``."""

    values: list[float] | None = Field(None, min_length=1, description="the values a grid takes")
    range: tuple[float, float] | None = Field(None, description="[lo, hi]; a grid spaces `samples` values over it")

    @model_validator(mode="after")
    def one_of(self):
        if (self.values is None) == (self.range is None):
            raise ValueError("give either values: [...] or range: [lo, hi]")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range [{self.range[0]:g}, {self.range[1]:g}] is empty (expected lo < hi)")
        return self

    def bounds(self) -> tuple[float, float]:
        return (min(self.values), max(self.values)) if self.values is not None else self.range


class Output(Strict):
    """A named measure of one run; see :mod:`sim.outputs` for what each measure computes."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="a column name for the results")
    measure: Literal["score", "mean", "first_crossing", "crossed", "balanced_share"]
    pair: str | None = Field(None, pattern=r"^[A-Z]{3}-[A-Z]{3}$", description="two actor codes, e.g. PAK-RUS")
    at: Date | None = Field(None, description="a quarter, e.g. 2025Q1 (score, balanced_share)")
    by: Date | None = Field(None, description="the last quarter that counts (crossed)")
    from_: Date | None = Field(None, alias="from", description="first quarter of the period (mean)")
    to: Date | None = Field(None, description="last quarter of the period (mean)")
    above: float | None = Field(None, ge=-1, le=1, description="threshold crossed upwards (first_crossing, crossed)")
    below: float | None = Field(None, ge=-1, le=1, description="threshold crossed downwards (first_crossing, crossed)")

    @model_validator(mode="after")
    def fits(self):
        needs = {
            "score": {"pair", "at"},
            "mean": {"pair", "from_", "to"},
            "first_crossing": {"pair"},
            "crossed": {"pair", "by"},
            "balanced_share": {"at"},
        }[self.measure]
        crossing = self.measure in ("first_crossing", "crossed")
        allowed = needs | ({"above", "below"} if crossing else set())
        given = {k for k in ("pair", "at", "by", "from_", "to", "above", "below") if getattr(self, k) is not None}
        name = lambda k: k.rstrip("_")
        if needs - given:
            raise ValueError(f"measure {self.measure} needs {', '.join(sorted(map(name, needs - given)))}")
        if given - allowed:
            raise ValueError(f"measure {self.measure} takes no {', '.join(sorted(map(name, given - allowed)))}")
        if crossing and (self.above is None) == (self.below is None):
            raise ValueError(f"{self.measure} needs one threshold: above: X or below: X")
        return self

    @property
    def threshold(self) -> tuple[str, float] | None:
        """``("above", x)`` or ``("below", x)`` for the crossing measures, else None."""
        if self.above is not None:
            return "above", self.above
        return None if self.below is None else ("below", self.below)


class Sweep(Strict):
    """A batch of runs of one scenario over varied assumptions."""

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str = Field(description="the base scenario: a file relative to the sweep file, or a shipped one by name")
    set: dict[str, float] = Field(default_factory=dict, description="assumptions fixed for every run")
    seed: int = Field(
        0, ge=0, lt=2**63, description="the sweep's seed; run k's seed is SeedSequence(seed).spawn(...)[k]"
    )
    sampler: Literal["grid", "lhs", "sobol", "morris"] = "grid"
    samples: int = Field(
        8,
        ge=1,
        description="grid: values per range; lhs: points; sobol: base samples (a power of two); morris: trajectories",
    )
    levels: int = Field(4, ge=2, le=20, description="morris: grid levels of each trajectory")
    replications: int = Field(1, ge=1, le=100_000, description="seeded runs at each point")
    vary: dict[str, Vary] = Field(min_length=1)
    outputs: Annotated[list[Output], Field(min_length=1)]
    keep_series: bool | list[Annotated[str, Field(pattern=r"^[A-Z]{3}-[A-Z]{3}$")]] = Field(
        False, description="keep whole series: true for every pair, or a list of pairs like PAK-RUS"
    )


def _check(sweep: Sweep, loaded: Loaded) -> list[tuple[tuple, str, bool]]:
    """Problems pydantic cannot see: names against the catalogue and the scenario, sampler rules."""
    catalogue, codes, out = ledger.assumptions(), set(loaded.scenario.actors), []
    for section in ("vary", "set"):
        for name in getattr(sweep, section):
            if name not in catalogue:
                out.append(
                    (
                        (section, name),
                        f"unknown assumption '{name}' ({did_you_mean(name, catalogue)}"
                        "see 'tightrope claims --assumptions')",
                        True,
                    )
                )
    for name, v in sweep.vary.items():
        if name in catalogue:
            a, (lo, hi) = catalogue[name], v.bounds()
            if lo < a.low or hi > a.high:
                out.append(
                    (
                        ("vary", name),
                        f"{name} goes from {lo:g} to {hi:g}, outside its allowed {a.low:g} to {a.high:g} ({a.unit})",
                        False,
                    )
                )
        if v.values is not None and sweep.sampler != "grid":
            out.append(
                (
                    ("vary", name, "values"),
                    f"sampler {sweep.sampler} draws from ranges (expected range: [lo, hi], or sampler: grid)",
                    False,
                )
            )
        if name in sweep.set:
            out.append((("set", name), f"{name} is both varied and set (expected one of the two)", True))
    for name, value in sweep.set.items():
        a = catalogue.get(name)
        if a and not a.low <= value <= a.high:
            out.append((("set", name), f"{name}: {value:g} is outside {a.low:g} to {a.high:g} ({a.unit})", False))
    if sweep.sampler == "sobol" and sweep.samples & (sweep.samples - 1):
        low = 1 << (sweep.samples.bit_length() - 1)
        out.append((("samples",), f"sobol needs a power of two (got {sweep.samples}; try {low} or {low * 2})", False))
    if sweep.sampler in ("sobol", "morris") and len(sweep.vary) < 2:
        out.append((("vary",), f"sampler {sweep.sampler} needs at least two varied assumptions", False))
    start, end = (dates.ordinal(d) for d in (loaded.scenario.horizon.start, loaded.scenario.horizon.end))
    pairs = [(("outputs", k, "pair"), o.pair) for k, o in enumerate(sweep.outputs) if o.pair]
    if isinstance(sweep.keep_series, list):
        pairs += [(("keep_series", k), p) for k, p in enumerate(sweep.keep_series)]
    for loc, pair in pairs:
        a, b = pair.split("-")
        if a not in codes or b not in codes or a == b:
            out.append((loc, f"{pair}: expected two different actors of the scenario ({', '.join(codes)})", False))
    for k, o in enumerate(sweep.outputs):
        for field in ("at", "by", "from_", "to"):
            date = getattr(o, field)
            if date is not None and not start <= dates.ordinal(date) <= end:
                where = ("outputs", k, field.rstrip("_"))
                out.append(
                    (
                        where,
                        f"{date} is outside the scenario's horizon "
                        f"{loaded.scenario.horizon.start}..{loaded.scenario.horizon.end}",
                        False,
                    )
                )
        if o.from_ and o.to and dates.ordinal(o.to) < dates.ordinal(o.from_):
            out.append((("outputs", k, "to"), f"the period ends ({o.to}) before it starts ({o.from_})", False))
    names = [o.name for o in sweep.outputs]
    for k, name in enumerate(names):
        if name in names[:k] or name in sweep.vary:
            out.append((("outputs", k, "name"), f"'{name}' names another column already (expected a new name)", False))
    return out


class LoadedSweep:
    """A validated sweep, its base scenario, and the hash that identifies its results."""

    def __init__(self, sweep: Sweep, scenario: Loaded, path: Path, raw: bytes, document: Document):
        self.sweep, self.base, self.path = sweep, scenario, path
        self.document = document  # where each value was written, for later problems to point at
        digest = hashlib.sha256(raw)
        digest.update(scenario.scenario.model_dump_json().encode())  # a changed base is another sweep
        self.hash = digest.hexdigest()

    @property
    def scenario(self):
        return self.base.scenario


def load_sweep(path: str | Path) -> LoadedSweep:
    """Read and validate a sweep file (or a shipped sweep by name) and its base scenario, or raise
    :class:`InputError`."""
    path = find(path, kind="sweep")
    name = display_name(path)
    raw = read_bytes(path, name)
    doc: Document = read(path, name)
    if not isinstance(doc.data, dict):
        raise InputError([doc.values[()].problem("a sweep must be a mapping of keys (expected 'name: ...')")])
    try:
        sweep = Sweep.model_validate(doc.data)
    except pydantic.ValidationError as err:
        raise InputError(problems_from(err, doc, Sweep)) from None
    base = base_file(sweep.scenario, path.parent)
    if base is None:
        raise InputError(
            [
                locate(doc, ("scenario",)).problem(
                    f"scenario '{sweep.scenario}' does not exist (expected a scenario file relative to this sweep, "
                    "or a shipped scenario by name such as 'baseline')"
                )
            ]
        )
    loaded = load(base)
    problems = [locate(doc, loc, key=key).problem(msg) for loc, msg, key in _check(sweep, loaded)]
    if problems:
        raise InputError(problems)
    return LoadedSweep(sweep, loaded, path, raw, doc)


def json_schema() -> str:
    schema = Sweep.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Tightrope sweep"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
