"""A turn's news: what happened last year, who decided it and why, with the sources' own words.

Every item quotes the claim ledger verbatim: a dated event's own sources, or the sources a
state's rule or a team's move is drawn from, introduced as such (never a row of a table of
figures, which speaks of one year only); a teacher's injection has no source and says so.
"Why your objectives moved" says, in plain words, which of the team's moves, which other teams'
and which states' own rules touched each objective's pair that year, and which drivers moved it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.classroom.student import DRIVER_WORDS, NEGLIGIBLE
from sim.game.play import Played
from sim.model.dynamics import DRIVERS
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
        return f"the {names[e.origin[5:]]} team"
    if e.origin == "teacher":
        return "the teacher"
    if e.origin == "scenario":
        return "history (the sources' dated events)"
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
        # A move or a rule cites the sources it is drawn from; a row of figures speaks of its own year only.
        usable = [c for c in e.claims if c in claims and (not e.claims_are or claims[c].kind != "figure")]
        fresh = [c for c in usable if c not in quoted][:QUOTES]  # a quote once a year
        quoted.update(fresh)
        quotes = tuple((c, words(claims[c].quote)) for c in fresh)
        reason = e.reason if e.origin != "teacher" else f"{e.reason} (put in by the teacher: no source)"
        out.append(Item(e.date, who(e, names), headline(e, names), reason, quotes, e.claims_are))
    return out


def _touches(a: str, b: str, x: str, y: str) -> bool:
    return {x, y} <= {a, b} or (x in (a, b) and y in (a, b))


def why_it_moved(p: Played, code: str, year: int) -> list[str]:
    """For each of ``code``'s objectives, in plain words: how it moved over ``year``; which of the
    team's own moves, which other teams' and which states' own rules touched its pair; and the
    drivers that moved it most (the pair's two directions together, or the one direction named)."""
    first, last = p.year_steps(year)
    names, game = p.world.names, p.setup.game
    turn = next((t for t in p.turns if t.year == year), None)
    lines = []
    for o in game.roles[code].objectives:
        a, b = o.codes()
        series = p.run.directed(a, b) if o.pair is None else p.run.pair(a, b)
        before, after = float(series[first - 1]), float(series[last])
        way = "rose" if after > before + 0.005 else "fell" if after < before - 0.005 else "held"
        by = f" by {abs(after - before):.2f}" if way != "held" else ""
        said = [f"{o.label}: it {way}{by} in {year}, from {before:+.2f} to {after:+.2f}."]
        if turn is not None:
            ours = [x for x in turn.outcomes if x.move.state == code and _touches(a, b, x.move.state, x.move.partner)]
            theirs = [x for x in turn.outcomes if x.move.state != code and _touches(a, b, x.move.state, x.move.partner)]
            label = lambda x: f"{x.move.label(game, names)} ({x.status})"
            if ours:
                said.append("Your moves: " + "; ".join(label(x) for x in ours) + ".")
            if theirs:
                said.append("Other teams' moves: " + "; ".join(label(x) for x in theirs) + ".")
        rules = [
            e for e in p.news(year) if e.origin not in ("scenario", "teacher") and not e.origin.startswith("team ")
        ]
        mine = [e for e in rules if _touches(a, b, e.source, e.target)]
        if mine:
            said.append(
                "States' own moves: "
                + "; ".join(f"{names[e.source]} → {names[e.target]}: {e.type.replace('_', ' ')}" for e in mine)
                + "."
            )
        events = [e for e in p.news(year) if e.origin in ("scenario", "teacher") and _touches(a, b, e.source, e.target)]
        if events:
            said.append("What happened: " + "; ".join(e.reason for e in events) + ".")
        i, j = p.world.index[a], p.world.index[b]
        window = p.run.contributions[first : last + 1]
        pushes = (
            window[:, :, i, j].sum(axis=0) if o.pair is None else (window[:, :, i, j] + window[:, :, j, i]).sum(0) / 2
        )
        ranked = sorted(
            ((d, float(v)) for d, v in zip(DRIVERS, pushes) if abs(v) >= NEGLIGIBLE), key=lambda dv: -abs(dv[1])
        )
        if ranked:
            said.append(
                "What moved it most: " + "; ".join(f"{DRIVER_WORDS[d]} ({v:+.2f})" for d, v in ranked[:3]) + "."
            )
        lines.append(" ".join(said))
    return lines
