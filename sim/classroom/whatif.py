"""A what-if as the classroom app edits it: a base scenario plus a few changes.

The changes are the ones a student can make with widgets: assumption values,
inherited events left out, events added, the seed. A what-if is written out as
a short ``extends:`` scenario file that ``tightrope run`` takes as it is, from any
folder (it names its base as a shipped scenario, ``extends: baseline``), and read
back from such a file with the loader's own validation. It also travels in a
share link as one URL-safe token.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

import pydantic
import yaml
from pydantic import Field

from sim.scenario.errors import InputError
from sim.scenario.loader import Loaded, load_text, merge, validated
from sim.scenario.schema import Event, Scenario, Strict
from sim.scenario.yamlread import Document, parse

SCHEMA_COMMENT = "# yaml-language-server: $schema=../scenario.schema.json\n"
EDITABLE = ("extends", "name", "description", "seed", "assumptions", "drop_events", "events")
MAX_TOKEN = 100_000


class WhatIf(Strict):
    base: str = Field("baseline.yaml", pattern=r"^[A-Za-z0-9_.-]+\.ya?ml$", description="A file in scenarios/")
    name: str = Field("My what-if", min_length=1, max_length=80)
    description: str | None = Field(None, max_length=4000)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    assumptions: dict[str, float] = Field(default_factory=dict)
    drop_events: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()

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


def from_yaml(text: str, directory: Path, name: str = "what-if.yaml") -> WhatIf:
    """Read a what-if from scenario text, with the loader's validation; raises InputError."""
    loaded = load_text(text, name, directory)
    doc = parse(text.encode("utf-8", errors="surrogatepass"), name)  # its own keys, before the merge
    extra = [k for k in doc.data if k not in EDITABLE]
    problems = [
        doc.keys[(k,)].problem(
            f"the app edits only {', '.join(EDITABLE)}; '{k}' needs a scenario file run with 'tightrope run'"
        )
        for k in extra
    ]
    if "extends" not in doc.data:
        problems.append(
            doc.values[()].problem("a what-if starts from a scenario (expected e.g. 'extends: baseline.yaml')")
        )
    elif not isinstance(doc.data["extends"], str) or Path(doc.data["extends"]).name != doc.data["extends"]:
        problems.append(
            doc.values[("extends",)].problem(
                "the base must be a scenario the app serves (expected e.g. 'extends: baseline')"
            )
        )
    if problems:
        raise InputError(problems)
    mine = doc.data
    settings = {k: (v if isinstance(v, int | float) else v["value"]) for k, v in mine.get("assumptions", {}).items()}
    n_events = len(mine.get("events", []))
    base = mine["extends"] if mine["extends"].endswith((".yaml", ".yml")) else f"{mine['extends']}.yaml"
    return WhatIf(
        base=base,
        name=loaded.scenario.name,
        description=mine.get("description"),
        seed=mine.get("seed"),
        assumptions={k: float(v) for k, v in settings.items()},
        drop_events=tuple(mine.get("drop_events", [])),
        events=tuple(loaded.scenario.events[len(loaded.scenario.events) - n_events :]) if n_events else (),
    )


def to_token(w: WhatIf) -> str:
    """The what-if as one URL-safe token for a share link."""
    raw = json.dumps(w.model_dump(by_alias=True, exclude_defaults=True), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def from_token(token: str) -> WhatIf:
    """Read a share link's token back; raises ValueError with a reason a person can act on."""
    if len(token) > MAX_TOKEN:
        raise ValueError(f"the link's what-if is {len(token):,} characters long (expected at most {MAX_TOKEN:,})")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return WhatIf.model_validate(json.loads(raw))
    except (binascii.Error, ValueError, pydantic.ValidationError) as err:
        raise ValueError(f"the link's what-if cannot be read ({type(err).__name__}); was it cut short?") from None
