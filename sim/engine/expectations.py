"""What IR teaching expects the model to say: intended effects and side effects, checked over seeds.

``seeds/expectations.yaml`` names what-ifs (the keys of a what-if file over the baseline) and
cases: a what-if, what it is compared with, the pair measured, the quarter or window, and the
bounds the gap must keep. :func:`run` puts each distinct scenario through the compiled engine
once over the seeds, and gives each case its median gap and the share of seeds in which it
holds. The file is validated like a scenario: a bad case or what-if is one ``FILE:LINE:COL``
line per problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.model.measures import pair_mean
from sim.model.world import compile
from sim.scenario import shipped
from sim.scenario.errors import InputError
from sim.scenario.loader import Loaded, load, load_document, problems_from
from sim.scenario.schema import Code, Date
from sim.scenario.yamlread import Document, part, read

SEEDS = 30  # seeds a case is run over
HOLDS = 0.9  # share of seeds a case must hold in


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Window(_Strict):
    from_: Date = Field(alias="from")
    to: Date


class Expect(_Strict):
    """Bounds on the gap (or on the baseline's own score), or that the gap has faded since a quarter."""

    at_least: float | None = Field(None, ge=-2, le=2)
    at_most: float | None = Field(None, ge=-2, le=2)
    smaller_than_at: Date | None = None

    @model_validator(mode="after")
    def _something(self):
        if self.at_least is None and self.at_most is None and self.smaller_than_at is None:
            raise ValueError("give at_least, at_most or smaller_than_at")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least {self.at_least} is above at_most {self.at_most}")
        return self

    def describe(self) -> str:
        said = []
        if self.at_least is not None:
            said.append(f">= {self.at_least:+.2f}")
        if self.at_most is not None:
            said.append(f"<= {self.at_most:+.2f}")
        if self.smaller_than_at is not None:
            said.append(f"smaller than at {self.smaller_than_at}")
        return " and ".join(said)


class Case(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")
    says: str = Field(min_length=1, max_length=300)
    kind: Literal["intended", "side", "structure"]
    whatif: str | None = None
    against: str | None = None
    measure: dict[Literal["pair", "directed"], tuple[Code, Code]] = Field(min_length=1, max_length=1)
    at: Date | None = None
    when: Window | None = None
    expect: Expect
    claims: list[str] = Field(default_factory=list)
    record: str | None = Field(None, max_length=600)

    @model_validator(mode="after")
    def _consistent(self):
        if (self.at is None) == (self.when is None):
            raise ValueError("give either at: (a quarter) or when: {from, to} (every quarter of a window)")
        if self.whatif is None and (self.against is not None or self.expect.smaller_than_at is not None):
            raise ValueError("against: and smaller_than_at: compare a what-if; give whatif: too")
        if not self.claims and not self.record:
            raise ValueError("give the claims (or the public record) the case rests on")
        return self

    @property
    def codes(self) -> tuple[str, str]:
        return next(iter(self.measure.values()))

    def describe(self) -> str:
        ((kind, (a, b)),) = self.measure.items()
        what = f"{a}-{b}" if kind == "pair" else f"{a}->{b}"
        where = f"at {self.at}" if self.at else f"every quarter {self.when.from_}..{self.when.to}"
        subject = f"{what} gap" if self.whatif else f"baseline {what}"
        return f"{subject} {where} {self.expect.describe()}"


class Expectations(_Strict):
    whatifs: dict[str, dict] = Field(default_factory=dict)
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class Panel:
    """The cases and every scenario they name, loaded and checked."""

    cases: list[Case]
    scenarios: dict[str, Loaded]  # by name: a what-if of the file, a shipped scenario, "baseline"


def load_panel(path=None) -> Panel:
    """Read and check ``seeds/expectations.yaml`` (or ``path``), or raise :class:`InputError`."""
    path = path or shipped.seeds() / "expectations.yaml"
    doc = read(path, str(path))
    try:
        panel = Expectations.model_validate(doc.data)
    except pydantic.ValidationError as err:
        raise InputError(problems_from(err, doc, Expectations)) from None
    problems, scenarios = [], {"baseline": load("baseline")}
    for name in panel.whatifs:
        child = part(doc, ("whatifs", name))
        if isinstance(child.data, dict) and "extends" not in child.data:
            here = child.values[()]
            child = Document({"extends": "baseline", **child.data}, {("extends",): here, **child.values}, child.keys)
        try:
            scenarios[name] = load_document(child, str(path), shipped.scenarios())
        except InputError as err:
            problems += err.problems
    for k, case in enumerate(panel.cases):
        for key in ("whatif", "against"):
            name = getattr(case, key)
            if name is None or name in scenarios:
                continue
            if shipped.scenario(name) is None:
                where = doc.values[("cases", k, key)]
                known = [*panel.whatifs, *shipped.names()]
                problems.append(
                    where.problem(
                        f"{key}: {name} is neither a what-if of this file nor shipped "
                        f"(expected one of: {', '.join(known)})"
                    )
                )
            else:
                scenarios[name] = load(name)
    if problems:
        raise InputError(problems)
    return Panel(panel.cases, scenarios)


@dataclass(frozen=True)
class Row:
    case: Case
    gap: float  # the median over seeds: at the quarter, or at the window's quarter nearest its bound
    when: str  # the quarter that gap is at
    share: float  # of seeds in which the case holds

    @property
    def holds(self) -> bool:
        return self.share >= HOLDS


def _series(alignment: np.ndarray, world, case: Case) -> np.ndarray:
    ((kind, (a, b)),) = case.measure.items()
    i, j = world.index[a], world.index[b]
    return pair_mean(alignment, i, j) if kind == "pair" else alignment[..., i, j]


def _judge(case: Case, world, values: np.ndarray) -> tuple[np.ndarray, float, str]:
    """Whether the case holds in each seed, its median gap and the quarter that is at. ``values`` is
    the gap (or the baseline's score) per seed and quarter."""
    e = case.expect
    if case.at is not None:
        lo = hi = world.step_of(case.at)
    else:
        lo, hi = world.step_of(case.when.from_), world.step_of(case.when.to)
    window = values[:, lo : hi + 1]
    holds = np.ones(values.shape[0], dtype=bool)
    if e.at_least is not None:
        holds &= (window >= e.at_least).all(axis=1)
    if e.at_most is not None:
        holds &= (window <= e.at_most).all(axis=1)
    if e.smaller_than_at is not None:
        holds &= np.abs(window).max(axis=1) < np.abs(values[:, world.step_of(e.smaller_than_at)])
    median = np.median(window, axis=0)
    if e.at_most is not None and e.at_least is None:
        k = int(np.argmax(median))
    elif e.at_least is not None and e.at_most is None:
        k = int(np.argmin(median))
    else:
        k = int(np.argmax(np.abs(median)))
    return holds, float(median[k]), world.date_label(lo + k)


def run(panel: Panel, seeds=range(SEEDS), overrides: dict[str, float] | None = None) -> list[Row]:
    """Every case over ``seeds`` (with ``overrides`` of the assumptions, on every side): each
    scenario named is run once through the compiled engine."""
    from sim.engine import ensemble

    seeds = list(seeds)
    needed = {"baseline"} | {n for c in panel.cases for n in (c.whatif, c.against) if n}
    worlds = {name: compile(panel.scenarios[name], overrides) for name in needed}
    runs = {name: ensemble.run(world, seeds).alignment for name, world in worlds.items()}
    rows = []
    for case in panel.cases:
        name = case.whatif or "baseline"
        values = _series(runs[name], worlds[name], case)
        if case.whatif:
            other = case.against or "baseline"
            values = values - _series(runs[other], worlds[other], case)
        holds, gap, when = _judge(case, worlds[name], values)
        rows.append(Row(case, gap, when, float(holds.mean())))
    return rows
