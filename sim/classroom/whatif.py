"""A what-if as the classroom app edits it: a base scenario plus a few changes.

The changes are the ones a student can make with widgets (assumption values, inherited
events left out, events added, the seed) and, from an uploaded or pasted file, new states
with their starting ties. A what-if is written out as a short ``extends:`` scenario file
that ``tightrope run`` takes as it is, from any folder (it names its base as a shipped
scenario, ``extends: baseline``), and read back from such a file with the loader's own
validation. It also travels in a share link as one URL-safe token.

The app serves one class from one server, so a what-if may only extend a scenario the
app serves: :func:`from_yaml` and :func:`from_token` never open a file. Whatever a student
pastes, uploads or puts in a link is checked against the scenarios already loaded.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from pathlib import Path

import pydantic
import yaml
from pydantic import Field, field_validator

from sim.scenario.errors import InputError
from sim.scenario.loader import Loaded, merge, validated
from sim.scenario.schema import Event, Scenario, Strict
from sim.scenario.yamlread import Document, parse

SCHEMA_COMMENT = "# yaml-language-server: $schema=../scenario.schema.json\n"
EDITABLE = ("extends", "name", "description", "seed", "assumptions", "drop_events", "events")
# What an uploaded file may add: new states, their ties, rivalries and partnerships.
WORLD_KEYS = ("actors", "initial", "ties", "rivalries", "partnerships")
MAX_TOKEN = 100_000


class WhatIf(Strict):
    base: str = Field(
        "baseline.yaml", pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.ya?ml$", description="A scenario file the app serves"
    )
    name: str = Field("My what-if", min_length=1, max_length=80)
    description: str | None = Field(None, max_length=4000)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    assumptions: dict[str, float] = Field(default_factory=dict, max_length=200)
    drop_events: tuple[str, ...] = Field((), max_length=5000)
    events: tuple[Event, ...] = Field((), max_length=5000)
    world: dict[str, object] = Field(default_factory=dict, description="actors, initial and ties it adds")

    @field_validator("assumptions")
    @classmethod
    def _finite(cls, values):
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"assumption {bad[0]} is not a finite number")
        return values

    @field_validator("world")
    @classmethod
    def _world_keys(cls, values):
        extra = set(values) - set(WORLD_KEYS)
        if extra:
            raise ValueError(f"a what-if adds only {', '.join(WORLD_KEYS)}, not {', '.join(sorted(extra))}")
        return values

    def key(self) -> str:
        """A stable text key, for caches."""
        return self.model_dump_json(by_alias=True)


def base_name(w: WhatIf) -> str:
    """The base as ``extends`` names it: the shipped scenario's name, e.g. ``baseline``."""
    return Path(w.base).stem


def own(w: WhatIf) -> dict:
    """The what-if's own keys, as its file writes them."""
    doc: dict = {"extends": base_name(w), "name": w.name}
    if w.description:
        doc["description"] = w.description
    if w.seed is not None:
        doc["seed"] = w.seed
    doc.update(w.world)
    if w.assumptions:
        doc["assumptions"] = dict(sorted(w.assumptions.items()))
    if w.drop_events:
        doc["drop_events"] = list(w.drop_events)
    if w.events:
        doc["events"] = [
            e.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True) | {"magnitude": e.magnitude}
            for e in w.events
        ]
    return doc


def apply(base: Loaded, w: WhatIf) -> Scenario:
    """The base with the what-if's changes, merged as ``extends`` merges; raises ValueError if invalid."""
    try:
        return validated(merge(base.document, Document(own(w), {}, {})), ["what-if", *base.files]).scenario
    except InputError as err:
        raise ValueError("; ".join(p.message for p in err.problems)) from None


def to_yaml(w: WhatIf) -> str:
    """The what-if as a short scenario file that extends its base."""
    return SCHEMA_COMMENT + yaml.safe_dump(own(w), sort_keys=False, allow_unicode=True, width=100)


def served_base(name: object, served: dict[str, Loaded]) -> str | None:
    """The served scenario file ``extends: name`` means (``baseline`` or ``baseline.yaml``), or None."""
    if not isinstance(name, str):
        return None
    file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    return file if file in served else None


def from_yaml(text: str, served: dict[str, Loaded], name: str = "what-if.yaml") -> WhatIf:
    """Read a what-if from scenario text, with the loader's validation; raises InputError.

    ``extends`` must name one of the ``served`` scenarios (by name, ``baseline``, or file name):
    the text is merged over that scenario as already loaded, and no file is opened.
    """
    doc = parse(text.encode("utf-8", errors="surrogatepass"), name)
    if not isinstance(doc.data, dict):
        raise InputError([doc.values[()].problem("a what-if is a mapping of keys (expected 'extends: baseline')")])
    allowed = (*EDITABLE, *WORLD_KEYS)
    problems = [
        doc.keys[(k,)].problem(
            f"the app takes only {', '.join(allowed)}; '{k}' needs a scenario file run with 'tightrope run'"
        )
        for k in doc.data
        if k not in allowed
    ]
    base = served_base(doc.data.get("extends"), served)
    if "extends" not in doc.data:
        problems.append(doc.values[()].problem("a what-if starts from a scenario (expected e.g. 'extends: baseline')"))
    elif base is None:
        names = ", ".join(Path(f).stem for f in served)
        problems.append(
            doc.values[("extends",)].problem(f"the base must be a scenario the app serves (expected one of: {names})")
        )
    if problems:
        raise InputError(problems)
    loaded = validated(merge(served[base].document, doc), [name, *served[base].files])
    mine = doc.data
    settings = {k: (v if isinstance(v, int | float) else v["value"]) for k, v in mine.get("assumptions", {}).items()}
    n_events = len(mine.get("events", []))
    return WhatIf(
        base=base,
        name=loaded.scenario.name,
        description=mine.get("description"),
        seed=mine.get("seed"),
        assumptions={k: float(v) for k, v in settings.items()},
        drop_events=tuple(mine.get("drop_events", [])),
        events=tuple(loaded.scenario.events[len(loaded.scenario.events) - n_events :]) if n_events else (),
        world={k: mine[k] for k in WORLD_KEYS if k in mine},
    )


def to_token(w: WhatIf) -> str:
    """The what-if as one URL-safe token for a share link."""
    raw = json.dumps(w.model_dump(by_alias=True, exclude_defaults=True), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def from_token(token: str, served: dict[str, Loaded] | None = None) -> WhatIf:
    """Read a share link's token back; raises ValueError with a reason a person can act on.

    With ``served``, the what-if must also apply to a served scenario (a tampered link
    fails here, with its reason, rather than later)."""
    if len(token) > MAX_TOKEN:
        raise ValueError(f"the link's what-if is {len(token):,} characters long (expected at most {MAX_TOKEN:,})")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        w = WhatIf.model_validate(json.loads(raw))
    except (binascii.Error, ValueError, RecursionError, pydantic.ValidationError) as err:
        raise ValueError(f"the link's what-if cannot be read ({type(err).__name__}); was it cut short?") from None
    if served is not None:
        if w.base not in served:
            raise ValueError(f"the link names a scenario this app does not serve ({w.base!r})")
        apply(served[w.base], w)  # its reasons are the checks' own
    return w
