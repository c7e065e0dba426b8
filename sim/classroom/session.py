"""The classroom app's session: the what-if in the widgets' state, and what each widget's callback does.

No Streamlit calls here, only the session's state (a mapping, ``st.session_state`` in the app)
and the scenarios the app serves, so the logic is tested like the rest. ``state.loaded`` is the
what-if the widgets started from (a link, a file, a reset); loading another one bumps
``state.gen``, so every widget is drawn afresh with a new key and its new starting value,
instead of being overwritten through the Session State API.
"""

from __future__ import annotations

from pathlib import Path

from sim.classroom import whatif
from sim.classroom.whatif import WhatIf
from sim.scenario import ledger
from sim.scenario.errors import InputError
from sim.scenario.loader import Loaded
from sim.scenario.schema import Event
from sim.scenario.yamlread import MAX_BYTES

Served = dict[str, Loaded]


def base_value(served: Served, base: str, name: str) -> float:
    setting = served[base].scenario.assumptions.get(name)
    if setting is None:
        return ledger.assumptions()[name].default
    return float(setting if isinstance(setting, int | float) else setting.value)


def key(state, name: str) -> str:
    return f"{name}@{state.gen}"


def load(state, w: WhatIf) -> None:
    state.loaded, state.added, state.gen = w, list(w.events), state.get("gen", 0) + 1
    state.dropped = frozenset(w.drop_events)  # kept here: the toggles are drawn only while their list is open
    state.yaml_problems = []
    state.pop("yaml_text", None)  # the editor follows the widgets again


def current(state, served: Served) -> WhatIf:
    base = state[key(state, "base")]
    assumptions = {
        name: float(state[key(state, name)])
        for name in ledger.assumptions()
        if state[key(state, name)] != base_value(served, base, name)
    }
    dropped = tuple(e.id for e in served[base].scenario.events if e.id and e.id in state.dropped)
    seed = int(state[key(state, "seed")])
    same_base = state.loaded.base == base
    return WhatIf(
        base=base,
        name=state[key(state, "name")] or "My what-if",
        assumptions=assumptions,
        drop_events=dropped,
        events=tuple(state.added),
        seed=None if seed == served[base].scenario.seed else seed,
        world=state.loaded.world if same_base else {},
    )


def compared_with(served: Served, base: str) -> str:
    """What the what-if is set against: the served scenario its base file extends, or the base itself."""
    files = served[base].files
    parent = Path(files[1]).name if len(files) > 1 else None
    return parent if parent in served else base


def flip(state, event_id: str) -> None:
    kept = state[key(state, event_id)]
    state.dropped = state.dropped - {event_id} if kept else state.dropped | {event_id}


def reset(state) -> None:
    load(state, WhatIf(base=state[key(state, "base")]))


def apply_yaml(state, served: Served) -> None:
    try:
        load(state, whatif.from_yaml(state.yaml_text, served))
    except InputError as err:
        state.yaml_problems = [str(p) for p in err.problems]


def take_upload(state, served: Served) -> None:
    upload = state[key(state, "upload")]
    if upload is None:
        return
    raw = upload.getvalue()
    if len(raw) > MAX_BYTES:
        state.yaml_problems = [
            f"{upload.name}:1:1: file is {len(raw):,} bytes (expected at most {MAX_BYTES:,}); nothing was loaded"
        ]
        return
    state.yaml_text = raw.decode("utf-8", errors="replace")
    try:
        load(state, whatif.from_yaml(state.yaml_text, served, upload.name))
    except InputError as err:
        state.yaml_problems = [str(p) for p in err.problems]


def add_event(state, served: Served) -> None:
    try:
        event = Event.model_validate(
            {
                "type": state.new_type,
                "from": state.new_from,
                "to": state.new_to,
                "date": state.new_date.strip(),
                "until": state.get("new_until", "").strip() or None,
                "magnitude": state.new_size,
                "label": state.new_label.strip() or None,
            }
        )
        whatif.apply(
            served[state[key(state, "base")]],
            current(state, served).model_copy(update={"events": (*state.added, event)}),
        )
    except ValueError as err:
        state.add_problem = " ".join(str(err).split())
        return
    state.added = [*state.added, event]
    state.add_problem = ""


def remove_events(state) -> None:
    state.added = []


def start(state, served: Served, query: dict) -> None:
    """A new session: the what-if of its link (a tampered link is refused with its reason), or the baseline."""
    if "loaded" in state:
        return
    state.add_problem = ""
    try:
        load(state, whatif.from_token(query["w"], served) if "w" in query else WhatIf())
    except ValueError as err:
        load(state, WhatIf())
        state.link_problem = str(err)
    reps = str(query.get("reps", "1"))
    state.reps = min(max(int(reps), 1), 500) if reps.isdigit() and len(reps) <= 3 else 1


def link(page_url: str | None, query: dict[str, str]) -> str:
    """The full link that opens this page as it is: the page's address (without its own query) and ``query``."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    parts = urlsplit(page_url or "http://localhost:8501/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))
