"""Cross-checks of a scenario that need the whole file: actors, dates, claims, assumptions.

Each check yields ``(loc, message, at_key)``: where in the file the problem is,
what is wrong and what was expected, and whether to point at the key rather
than its value.
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.scenario import dates, ledger
from sim.scenario.errors import did_you_mean
from sim.scenario.schema import EVENT_KINDS, STANDING, Scenario

Finding = tuple[tuple, str, bool]


def _actor(code: str, actors: dict, loc: tuple) -> Iterator[Finding]:
    if code not in actors:
        yield loc, f"unknown actor '{code}' ({did_you_mean(code, actors)}expected one of: {', '.join(actors)})", False


def _claims(ids: list[str], loc: tuple, key: str = "claims") -> Iterator[Finding]:
    known = ledger.claims()
    for i, cid in enumerate(ids):
        if cid not in known:
            yield (
                loc + (key, i),
                f"unknown claim '{cid}' ({did_you_mean(cid, known)}expected an id from seeds/claims.yaml; "
                "see 'tightrope claims')",
                False,
            )


FLOORED = ("aid", "trade")  # channels whose levels are never below nothing (a cut stops there)
MAX_CELL_QUARTERS = 4_000_000  # states squared times quarters: what a run keeps of every pair, every quarter


def _enduring(s: Scenario, actors: dict) -> Iterator[Finding]:
    """Rivalries and partnerships: known, different states; a pair is not both."""
    kinds: dict[frozenset, str] = {}
    for key in ("rivalries", "partnerships"):
        for i, tie in enumerate(getattr(s, key)):
            loc = (key, i)
            for k, code in enumerate(tie.between):
                yield from _actor(code, actors, loc + ("between", k))
            a, b = tie.between
            if a == b:
                one = "rivalry" if key == "rivalries" else "partnership"
                yield loc + ("between",), f"a {one} needs two different states (expected e.g. [PAK, IND])", False
            other = kinds.setdefault(frozenset(tie.between), key)
            if other != key:
                yield loc, f"{a} and {b} are listed both in rivalries and in partnerships (expected one)", False
            yield from _claims(tie.claims, loc)


def check(s: Scenario) -> Iterator[Finding]:
    actors = s.actors
    start, end = dates.ordinal(s.horizon.start), dates.ordinal(s.horizon.end)
    if end < start:
        yield (
            ("horizon", "end"),
            f"horizon ends at {s.horizon.end}, before it starts at {s.horizon.start} (expected end after start)",
            False,
        )
    size = len(actors) ** 2 * (end - start + 1)
    if size > MAX_CELL_QUARTERS:
        yield (
            ("horizon",),
            (
                f"{len(actors)} states over {end - start + 1} quarters is too large a world to run "
                f"({len(actors)} x {len(actors)} pairs x {end - start + 1} quarters = {size:,}; "
                f"expected at most {MAX_CELL_QUARTERS:,}: fewer states or a shorter horizon)"
            ),
            False,
        )

    for code, actor in actors.items():
        yield from _claims(actor.claims, ("actors", code))

    for i, a in enumerate(s.initial):
        loc = ("initial", i)
        named = [(("between", k), code) for k, code in enumerate(a.between or ())]
        named += [((key,), code) for key, code in (("from", a.from_), ("to", a.to)) if code is not None]
        for where, code in named:
            yield from _actor(code, actors, loc + where)
        if any(x == y for x, y in a.pairs()):
            yield loc, "an alignment needs two different actors (expected e.g. between: [PAK, RUS])", False
        yield from _claims(a.claims, loc)

    for i, t in enumerate(s.ties):
        loc = ("ties", i)
        yield from _actor(t.from_, actors, loc + ("from",))
        yield from _actor(t.to, actors, loc + ("to",))
        if t.from_ == t.to:
            yield loc + ("to",), "a tie needs two different actors", False
        yield from _claims(t.claims, loc)
        for key, value in (("level", t.level), ("start", t.start)):
            wrong = value is not None and (
                value > 0 if t.channel == "sanctions" else value < 0 and t.channel in FLOORED
            )
            if wrong:
                expected = "at most 0: sanctions are a hostile level" if t.channel == "sanctions" else "at least 0"
                yield loc + (key,), f"a {t.channel} {key} of {value} (expected {expected})", False

    yield from _enduring(s, actors)

    ids: dict[str, int] = {}
    for i, e in enumerate(s.events):
        loc = ("events", i)
        yield from _actor(e.from_, actors, loc + ("from",))
        for j, code in enumerate(e.targets()):
            yield from _actor(code, actors, loc + (("to", j) if isinstance(e.to, list) else ("to",)))
        if e.from_ in e.targets():
            yield loc + ("to",), f"event goes from {e.from_} to itself (expected another actor)", False
        when = dates.ordinal(e.date)
        if not start <= when <= end:
            yield loc + ("date",), f"date {e.date} is outside the horizon {s.horizon.start}..{s.horizon.end}", False
        if e.magnitude == 0 or (e.magnitude < 0 and EVENT_KINDS[e.type].channel != "threat"):
            yield (
                loc + ("magnitude",),
                f"magnitude {e.magnitude} (expected > 0; the type {e.type} sets the direction)",
                False,
            )
        if e.until is not None:
            if e.type not in STANDING:
                yield (
                    loc + ("until",),
                    f"until: applies to a standing event ({', '.join(STANDING)}); a {e.type} is one-off "
                    "(expected no until:, or the event listed again for each time it happens)",
                    True,
                )
            elif dates.ordinal(e.until) <= when:
                yield loc + ("until",), f"until {e.until} is not after the event's date {e.date}", False
        if e.id is not None:
            if e.id in ids:
                yield (
                    loc + ("id",),
                    f"event id '{e.id}' is already used by events[{ids[e.id]}] (expected unique ids)",
                    False,
                )
            ids[e.id] = i
        yield from _claims(e.claims, loc)

    for i, eid in enumerate(s.drop_events):
        if eid not in ids:
            yield (
                ("drop_events", i),
                f"no event with id '{eid}' to drop ({did_you_mean(eid, ids)}expected an inherited event's id)",
                False,
            )

    catalogue = ledger.assumptions()
    for name, setting in s.assumptions.items():
        loc = ("assumptions", name)
        if name not in catalogue:
            yield (
                loc,
                f"unknown assumption '{name}' ({did_you_mean(name, catalogue)}see 'tightrope claims' for the list)",
                True,
            )
            continue
        a = catalogue[name]
        value = setting if isinstance(setting, float | int) else setting.value
        if not a.low <= value <= a.high:
            yield loc, f"{name} = {value} is out of range (expected {a.low} to {a.high}: {a.unit})", False
        if not isinstance(setting, float | int):
            yield from _claims(setting.claims, loc)

    if s.lesson is not None:
        loc = ("lesson", "predict")
        a, b = s.lesson.predict.pair
        for k, code in enumerate((a, b)):
            yield from _actor(code, actors, loc + ("pair", k))
        if a == b:
            yield loc + ("pair",), "a prediction needs two different actors (expected e.g. pair: [PAK, RUS])", False
        if not start <= dates.ordinal(s.lesson.predict.at) <= end:
            yield (
                loc + ("at",),
                f"{s.lesson.predict.at} is outside the horizon {s.horizon.start}..{s.horizon.end}",
                False,
            )
        yield from _claims(s.lesson.quotes, ("lesson",), "quotes")

    if s.game is not None:
        yield from _game(s, actors, start, end)


def _game(s: Scenario, actors: dict, start: int, end: int) -> Iterator[Finding]:
    g = s.game
    first, last = dates.ordinal(f"{g.first_year}Q1"), dates.ordinal(f"{g.first_year + g.turns - 1}Q4")
    if not start < first or last > end:
        yield (
            ("game", "first_year"),
            f"{g.turns} turns from {g.first_year} run outside the horizon {s.horizon.start}..{s.horizon.end} "
            "(expected the first turn after the start and the last within the end)",
            False,
        )
    if g.short_turns > g.turns:
        yield ("game", "short_turns"), f"short_turns {g.short_turns} is more than turns {g.turns}", False
    yield from _claims(g.accept_claims, ("game",), "accept_claims")
    for name, action in g.actions.items():
        loc = ("game", "actions", name)
        if action.kind == "request" and action.event != "arms_sale":
            yield loc + ("event",), "a request is for an arms sale (expected event: arms_sale)", False
        if action.event in ("aid_cut", "aid_restored") and (action.kind != "own" or action.magnitude > 1):
            yield loc, "an aid action is kind: own, its magnitude a share of at most 1", False
        if action.event == "threat_shock":
            yield loc + ("event",), "a threat is not a player's move (expected another event type)", False
        if action.event in STANDING and action.kind == "joint" and not EVENT_KINDS[action.event].mutual:
            yield loc + ("kind",), f"{action.event} is one state's measure (expected kind: own)", False
        for k, code in enumerate(action.by):
            if code not in g.roles:
                yield (
                    loc + ("by", k),
                    f"by: {code} has no role in this game ({did_you_mean(code, g.roles)}expected some of: "
                    f"{', '.join(g.roles)})",
                    False,
                )
        yield from _claims(action.claims, loc)
    for code, role in g.roles.items():
        loc = ("game", "roles", code)
        yield from _actor(code, actors, loc)
        yield from _claims(role.claims, loc)
        for k, objective in enumerate(role.objectives):
            at = loc + ("objectives", k)
            a, b = objective.codes()
            keys = (("pair", 0), ("pair", 1)) if objective.pair else (("from",), ("to",))
            for key, c in zip(keys, (a, b)):
                yield from _actor(c, actors, at + key)
            if a == b:
                yield at, "an objective needs two different actors", False
            yield from _claims(objective.claims, at)
