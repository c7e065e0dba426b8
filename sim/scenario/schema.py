"""The scenario language: pydantic models of a what-if file, and its JSON Schema.

Every number has a range; unknown keys are refused. Cross-checks that need the
whole file (known actors, dates inside the horizon, known claims and assumptions)
live in :mod:`sim.scenario.checks`.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from sim.scenario import dates


def _code(value):
    if isinstance(value, str) and not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{value!r} is not a state's code (expected three capital letters, ISO 3166, e.g. PAK)")
    return value


def _date(value):
    dates.parse(value)  # a ValueError that says what a date looks like
    return value


Code = Annotated[
    str,
    AfterValidator(_code),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[A-Z]{3}$", "description": "ISO 3166 alpha-3 code of a state, e.g. PAK"}
    ),
]
Date = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),
    AfterValidator(_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": dates.DATE_PATTERN},
                {"type": "integer", "minimum": dates.FIRST_YEAR, "maximum": dates.LAST_YEAR},
            ],
            "description": f"A date, meaning the quarter it falls in: {dates.EXAMPLES}",
        }
    ),
]
ClaimId = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Claims = Annotated[list[ClaimId], Field(description="Ids of claims in seeds/claims.yaml this rests on")]


class EventKind(NamedTuple):
    """How an event type moves the stocks: which channel, a one-off pulse or a standing level, which
    way, whether it lands both ways, and (for a standing one) the event that undoes it."""

    channel: str
    mode: Literal["pulse", "level"]
    sign: int
    mutual: bool
    meaning: str
    opposite: str | None = None  # a standing event's opposite: what ``until:`` lands when it ends


EVENT_KINDS: dict[str, EventKind] = {
    "arms_sale": EventKind("arms", "pulse", +1, False, "from sells arms to to (US$bn, SIPRI TIV scale)"),
    "arms_embargo": EventKind("arms", "level", -1, False, "from bars arms sales to to", "embargo_lifted"),
    "embargo_lifted": EventKind("arms", "level", +1, False, "from lifts an embargo on arms for to", "arms_embargo"),
    "aid_cut": EventKind("aid", "level", -1, False, "from cuts yearly aid to to (US$bn a year)", "aid_restored"),
    "aid_restored": EventKind("aid", "level", +1, False, "from restores yearly aid to to (US$bn a year)", "aid_cut"),
    "joint_exercise": EventKind("security", "pulse", +1, True, "a joint military exercise (1 = a major one)"),
    "diplomatic_support": EventKind("diplomacy", "pulse", +1, False, "from shields to at a forum (FATF, UN, SCO)"),
    "visit": EventKind("diplomacy", "pulse", +1, True, "a high-level visit (0.3 = a chief of staff)"),
    "trade_or_energy_deal": EventKind(
        "trade", "level", +1, True, "a lasting trade or energy deal, both ways", "trade_cut"
    ),
    "trade_cut": EventKind(
        "trade",
        "level",
        -1,
        True,
        "trade or energy deals cut back, both ways (never below none)",
        "trade_or_energy_deal",
    ),
    "incident": EventKind("diplomacy", "pulse", -1, True, "a hostile act between the two (e.g. Salala 2011)"),
    "diplomatic_pressure": EventKind("diplomacy", "pulse", -1, False, "from presses to in public or at a forum"),
    "sanctions": EventKind(
        "sanctions",
        "level",
        -1,
        False,
        "from imposes sanctions on to (1 = a great power's sweeping sanctions)",
        "sanctions_lifted",
    ),
    "sanctions_lifted": EventKind(
        "sanctions", "level", +1, False, "from lifts its sanctions on to (never beyond none)", "sanctions"
    ),
    "threat_shock": EventKind(
        "threat", "level", +1, False, "a threat from from's territory felt by to; negative = it fades", "threat_shock"
    ),
}
STANDING = tuple(kind for kind, k in EVENT_KINDS.items() if k.mode == "level")  # the events until: may end
EventType = Literal[tuple(EVENT_KINDS)]  # type: ignore[valid-type]
CHANNEL_NAMES = Literal["arms", "aid", "trade", "security", "diplomacy", "sanctions", "threat"]


MAX_ACTORS = 500


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Doctrine(Strict):
    """How a state acts of its own accord; each 0 (never) to 1 (whenever it can)."""

    hedging: float = Field(0.0, ge=0, le=1, description="Seeks its patrons' rivals when patron ties fray")
    arms_export: float = Field(
        0.0, ge=0, le=1, description="Offers arms sales, weighed against its clients' displeasure"
    )
    aid_conditionality: float = Field(
        0.0, ge=0, le=1, description="Cuts aid when its regard falls; restores it when mended"
    )


class Actor(Strict):
    name: str = Field(min_length=1, max_length=60, description="Name shown to readers")
    doctrine: Doctrine = Field(default_factory=Doctrine)
    claims: Claims = Field(default_factory=list)


def _pair_or_direction(word: str, pair, from_, to) -> None:
    """A pair of states written one way: ``WORD: [X, Y]`` (both directions), or ``from`` and ``to``."""
    if (pair is None) == (from_ is None and to is None):
        raise ValueError(f"give either '{word}: [X, Y]' or both 'from' and 'to'")
    if pair is None and (from_ is None or to is None):
        raise ValueError("give both 'from' and 'to'")


class InitialAlignment(Strict):
    """A starting score; ``between`` sets both directions, ``from``/``to`` one."""

    between: tuple[Code, Code] | None = None
    from_: Code | None = Field(None, alias="from")
    to: Code | None = None
    value: float = Field(ge=-1, le=1, description="Alignment in [-1, 1]")
    claims: Claims = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_form(self):
        _pair_or_direction("between", self.between, self.from_, self.to)
        return self

    def pairs(self) -> list[tuple[str, str]]:
        if self.between is not None:
            a, b = self.between
            return [(a, b), (b, a)]
        return [(self.from_, self.to)]


class Tie(Strict):
    """The standing level of a channel at the start, e.g. US aid to Pakistan in 2010."""

    channel: CHANNEL_NAMES
    from_: Code = Field(alias="from")
    to: Code
    level: float = Field(ge=-10, le=10, description="Standing level, in the channel's unit (see the README)")
    start: float | None = Field(
        None, ge=-10, le=10, description="Stock at the start, if it differs from the level it then moves towards"
    )
    claims: Claims = Field(default_factory=list)


class Event(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,59}$")] | None = None
    type: EventType
    from_: Code = Field(alias="from")
    to: Code | Annotated[list[Code], Field(min_length=1, max_length=30)]
    date: Date
    until: Date | None = Field(
        None,
        description="When a standing event ends (sanctions, an embargo, a deal, an aid change, a threat): "
        "what it changed is undone then",
    )
    magnitude: float = Field(
        1.0, ge=-10, le=10, description="Size in the channel's unit; only threat_shock may be negative"
    )
    forum: Literal["FATF", "UN", "SCO", "other"] | None = None
    label: str | None = Field(None, max_length=200)
    claims: Claims = Field(default_factory=list)

    def targets(self) -> list[str]:
        return [self.to] if isinstance(self.to, str) else list(self.to)


class Enduring(Strict):
    """An enduring rivalry or partnership between two states, as the sources name it: what third
    states do (balance, hedging, pressure, displeasure) cannot turn a rivalry warm, nor a partnership
    cold; only what the two do to each other can."""

    between: tuple[Code, Code]
    claims: Claims = Field(min_length=1)


class AssumptionSetting(Strict):
    value: float
    claims: Claims = Field(default_factory=list)


class Horizon(Strict):
    start: Date = "2010Q1"
    end: Date = "2030Q4"


class Prediction(Strict):
    """What a student predicts before the run: which way the pair's score goes against the base."""

    pair: tuple[Code, Code]
    at: Date = Field(description="The quarter the prediction is about, e.g. 2025Q1")
    prompt: str = Field(min_length=1, max_length=300, description="The question put to the student")


Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class Lesson(Strict):
    """What a what-if teaches: a guiding question, a prediction to commit before the result is shown,
    questions to discuss after it, and the quotes to read."""

    number: int = Field(ge=1, le=99, description="Its place in the lesson pack (docs/teaching.md)")
    question: Text
    predict: Prediction
    discuss: list[Text] = Field(min_length=1, max_length=6)
    quotes: list[ClaimId] = Field(
        min_length=1, max_length=8, description="Ids of claims in seeds/claims.yaml to read before predicting"
    )


class Objective(Strict):
    """A role's goal: a pair's score (``pair``, the mean of both directions) or one direction
    (``from``/``to``) above or below a level, at the game's end or at the end of every turn."""

    label: Text
    pair: tuple[Code, Code] | None = None
    from_: Code | None = Field(None, alias="from")
    to: Code | None = None
    above: float | None = Field(None, ge=-1, le=1)
    below: float | None = Field(None, ge=-1, le=1)
    when: Literal["end", "throughout"] = "end"
    claims: Claims = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_each(self):
        _pair_or_direction("pair", self.pair, self.from_, self.to)
        if (self.above is None) == (self.below is None):
            raise ValueError("give one of 'above' or 'below'")
        return self

    def codes(self) -> tuple[str, str]:
        return self.pair if self.pair is not None else (self.from_, self.to)


class Role(Strict):
    """A state a team can play: its brief and its objectives."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    brief: Annotated[str, StringConstraints(min_length=1, max_length=1500)]
    objectives: list[Objective] = Field(min_length=1, max_length=6)
    claims: Claims = Field(default_factory=list)


class GameAction(Strict):
    """A move a player may make, as the event it lands: ``own`` happens when made, ``joint``
    needs the partner's consent, ``request`` asks the partner to make it (an arms sale, which the
    seller's own rule accepts or refuses). For aid, ``magnitude`` is the share of the standing aid
    cut, or of the shortfall from the 2010 level restored."""

    label: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    event: EventType
    kind: Literal["own", "joint", "request"]
    magnitude: float = Field(gt=0, le=10, description="Size in the event's unit (a share, for aid)")
    cost: int = Field(ge=0, le=20, description="Political capital it takes")
    by: list[Code] = Field(
        default_factory=list, max_length=12, description="The roles that may take it (left out: every role)"
    )
    claims: Claims = Field(min_length=1)


class Game(Strict):
    """The teaching game on this scenario: roles, actions, turns and budget."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    first_year: int = Field(ge=dates.FIRST_YEAR, le=dates.LAST_YEAR, description="The first turn's year")
    turns: int = Field(8, ge=1, le=20, description="Turns of one year each")
    short_turns: int = Field(6, ge=1, le=20, description="The short option's turns")
    budget: int = Field(4, ge=1, le=40, description="Political capital a team has each turn")
    mode: Literal["history", "sandbox"] = "history"
    accept_above: float = Field(
        0.0, ge=-1, le=1, description="An unplayed state agrees to a joint action when its regard for you is above this"
    )
    accept_claims: Claims = Field(default_factory=list)
    actions: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")], GameAction] = Field(
        min_length=1, max_length=20
    )
    roles: dict[Code, Role] = Field(min_length=1, max_length=12)
    debrief: list[Text] = Field(min_length=1, max_length=8, description="Reflection questions for the debrief")


class Scenario(Strict):
    """A what-if: who the states are, where they start, what happens, and what is assumed."""

    name: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=4000)
    extends: str | None = Field(None, description="A scenario file this one inherits from and overrides")
    horizon: Horizon = Field(default_factory=Horizon)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    actors: dict[Code, Actor] = Field(min_length=2, max_length=MAX_ACTORS)
    initial: list[InitialAlignment] = Field(default_factory=list)
    ties: list[Tie] = Field(default_factory=list)
    rivalries: list[Enduring] = Field(
        default_factory=list, max_length=5000, description="Enduring rivalries: third states cannot warm them"
    )
    partnerships: list[Enduring] = Field(
        default_factory=list, max_length=5000, description="Enduring partnerships: third states cannot cool them"
    )
    assumptions: dict[str, float | AssumptionSetting] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list, max_length=5000)
    drop_events: list[str] = Field(default_factory=list, description="Ids of inherited events to leave out")
    lesson: Lesson | None = Field(None, description="The lesson this what-if is built for (the classroom app)")
    game: Game | None = Field(None, description="The teaching game played on this scenario")


def json_schema() -> str:
    """The JSON Schema of a scenario file as written: a file with ``extends`` names only what it
    changes, so the keys a whole scenario needs are required only of a file without it."""
    schema = Scenario.model_json_schema(by_alias=True)
    whole = schema.pop("required")
    schema["anyOf"] = [
        {"required": ["extends"], "title": "a what-if: a few changes over the scenario it extends"},
        {"required": whole, "title": "a whole scenario"},
    ]
    schema["properties"]["extends"] = {
        "type": "string",
        "minLength": 1,
        "description": "The scenario this one inherits from: a shipped one by name (baseline) or a file "
        "relative to this one (baseline.yaml)",
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Tightrope scenario"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
