"""A turn's news: what happened last year, who decided it and why, with the sources' own words.

Every item quotes the claim ledger verbatim: a dated event's own sources, or the sources a
state's rule or a team's move is drawn from, introduced as such; a teacher's injection has no
source and says so. "Why it moved" explains a team's objective pairs over
the year with the driver decomposition, in the same sentences as the app's Why tab.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.game.play import Played
from sim.model import report
from sim.model.run import LoggedEvent
from sim.scenario import ledger

QUOTES = 2  # quotes shown under a news item: the first claims it rests on


@dataclass(frozen=True)
class Item:
    date: str
    who: str  # a team, the teacher, history (the scenario's dated events) or a state's own rule
    headline: str
    reason: str
    quotes: tuple[tuple[str, str], ...]  # (claim id, its verbatim quote), each claim quoted once a year
    basis: str = ""  # what the quotes are: the event's own sources (""), or those a rule or a move rests on


def who(e: LoggedEvent, names: dict[str, str]) -> str:
    if e.origin.startswith("team "):
        return f"{names[e.origin[5:]]}'s team"
    if e.origin == "teacher":
        return "the teacher"
    if e.origin == "scenario":
        return "history"
    return f"{names[e.origin]}'s own rule"


def headline(e: LoggedEvent, names: dict[str, str]) -> str:
    return f"{names[e.source]} \u2192 {names[e.target]}: {e.type.replace('_', ' ')}"


def words(quote: str) -> str:
    """A quote as read aloud: a row of a public table of figures says so rather than show its pipes."""
    if quote.lstrip().startswith("|"):
        cells = [c.strip() for c in quote.strip().strip("|").split("|") if c.strip()]
        return f"a row of the source's table of figures: {', '.join(cells)}"
    return quote


def items(p: Played, year: int) -> list[Item]:
    """The news of ``year`` (empty before it is played), in the order it happened."""
    claims, names = ledger.claims(), p.world.names
    out, quoted = [], set()
    for e in p.news(year):
        fresh = [c for c in e.claims if c in claims and c not in quoted][:QUOTES]  # a quote once a year
        quoted.update(fresh)
        quotes = tuple((c, words(claims[c].quote)) for c in fresh)
        reason = e.reason if e.origin != "teacher" else f"{e.reason} (put in by the teacher: no source)"
        out.append(Item(e.date, who(e, names), headline(e, names), reason, quotes, e.claims_are))
    return out


def why_it_moved(p: Played, code: str, year: int) -> list[str]:
    """One sentence per direction of each of ``code``'s objective pairs over ``year``: what pushed it, what held it."""
    from sim.classroom.tables import because

    first, last = p.year_steps(year)
    seen, lines = set(), []
    for o in p.setup.game.roles[code].objectives:
        a, b = o.codes()
        if frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        explained = report.explain(p.run, a, b, first - 1, last)
        directions = explained["directions"]
        if o.pair is None:  # a directed objective: only the direction it names
            directions = {f"{a}->{b}": directions[f"{a}->{b}"]}
        for direction, part in directions.items():
            lines.append(because(p.world, direction, part, explained["basis"], first - 1, last))
    return lines
