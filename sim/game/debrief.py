"""The debrief: the same world without the players, which of their moves mattered, and an export.

Every difference between a game and :func:`without_players` (same setup, same seed, no
moves) is the players' doing. :func:`attribution` replays the game once without each
move, everything else the same: what that move did to every objective is the game's
value minus the replay's. A move's absence may change what others could do after it (an
agreement its partner then makes alone, a regard that no longer clears the bar), so this is
the move's whole effect, not its first push. The replays run on the compiled engine, each
from the start of the turn its move was made in (a class's hundred moves in a fraction of a
second); a move that did not happen changed nothing and needs none.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence

from sim.classroom.text import number
from sim.game.moves import Move, allowed
from sim.game.play import Injection, Live, Played, meters, objective_values, play, values_at
from sim.scenario import ledger


def without_players(p: Played, submitted: Sequence[Sequence[Move]], injections=(), engine: str = "compiled") -> Played:
    """The same game, turn for turn, with no team making any move (the teacher's events stay)."""
    return play(p.setup, [[] for _ in submitted], injections, engine)


TEACHER = "teacher"  # the "team" of a row that is the teacher's event


class _Replays:
    """The game played once on the compiled engine, then replayed from the start of a turn with that
    turn's moves or events changed: the turns before it are not played again."""

    def __init__(self, p: Played, submitted, injections):
        self.submitted, self.injections = submitted, injections
        self.live = Live(p.setup, "compiled")
        self.starts = []  # the model at the start of each turn of the game as played
        for k in range(len(submitted)):
            self.starts.append(self.live.model.snapshot())
            self.live.turn(submitted[k], self.put(k))
        self.final = self.values()

    def values(self) -> dict:
        """The objectives at the end of the game as the live replay stands."""
        live = self.live
        return values_at(live.setup, live.world, live.model.alignment, live.model.quarter)

    def put(self, k: int) -> tuple:
        return tuple(self.injections[k]) if k < len(self.injections) else ()

    def without(self, k: int, moves, put) -> dict:
        """The objectives at the end when turn ``k`` has ``moves`` and ``put`` instead."""
        live = self.live
        live.back_to(k, self.starts[k])
        live.turn(moves, put)
        for j in range(k + 1, len(self.submitted)):
            live.turn(self.submitted[j], self.put(j))
        return self.values()


def attribution(
    p: Played,
    submitted: Sequence[Sequence[Move]],
    injections: Sequence[Sequence[Injection]] = (),
    progress=None,
    engine: str = "compiled",
) -> list[dict]:
    """One row per move made, then one per event the teacher put in: its turn, status, and what it did
    to each objective by the end (the game's value minus the value in the replay without it).

    On the ``compiled`` engine the game is played once and each replay starts at the turn of the
    move it leaves out; on ``mesa`` every replay is a whole game through the Mesa model (the
    reference: the two agree to 1e-12, the engines' rounding)."""
    rows = []
    made = [(k, m) for k, moves in enumerate(submitted) for m in sorted(set(moves))]
    put = [(k, i) for k, events in enumerate(injections) for i in range(len(events))]
    outcomes = {(k, o.move): o for k, t in enumerate(p.turns) for o in t.outcomes}
    names, game = p.world.names, p.setup.game
    total = len(made) + len(put)
    replays = _Replays(p, submitted, injections) if engine == "compiled" else None
    final = replays.final if replays else objective_values(p)

    def effects(k: int, less_moves, less_injections, happened: bool = True) -> dict:
        if not happened:  # it landed nothing and no other move hung on it: the replay is the game
            return {f"{c}: {game.roles[c].objectives[i].label}": 0.0 for c, i in final}
        if replays:
            other = replays.without(k, less_moves[k], tuple(less_injections[k]) if k < len(less_injections) else ())
        else:
            other = objective_values(play(p.setup, less_moves, less_injections, engine))
        return {f"{c}: {game.roles[c].objectives[i].label}": final[c, i] - other[c, i] for c, i in final}

    for n, (k, m) in enumerate(made):
        less = [list(moves) if j != k else [x for x in moves if x != m] for j, moves in enumerate(submitted)]
        o = outcomes[(k, m)]
        row = {"turn": k + 1, "year": p.turns[k].year, "team": m.state, "move": m.label(game, names)}
        skip = replays is not None and not o.happened
        rows.append({**row, "status": o.status, "reason": o.reason, **effects(k, less, injections, not skip)})
        if progress is not None:
            progress(n + 1, total)
    for n, (k, i) in enumerate(put):
        e = injections[k][i]
        less = [
            list(events) if j != k else [x for y, x in enumerate(events) if y != i]
            for j, events in enumerate(injections)
        ]
        said = f"{names[e.source]} → {names[e.target]}: {e.label} ({e.type.replace('_', ' ')})"
        row = {"turn": k + 1, "year": p.turns[k].year, "team": TEACHER, "move": said}
        rows.append(
            {**row, "status": "put in", "reason": "the teacher's event (no source)", **effects(k, submitted, less)}
        )
        if progress is not None:
            progress(len(made) + n + 1, total)
    return rows


def size(effect: float) -> str:
    """An effect on an objective in words, with the thresholds the lessons use (docs/teaching.md)."""
    from sim.classroom.student import size_word

    word, way = size_word(effect, 1.0)
    return "no visible effect" if word == "about the same" else f"{word.removeprefix('a ')}, {way}"


def table_csv(rows: list[dict], team: str | None = None) -> bytes:
    """The moves and their effects as CSV (two decimals; a text cell never read as a formula): every
    row, or ``team``'s own moves and the teacher's events."""
    from sim.classroom.text import cell

    rows = [r for r in rows if team is None or r["team"] in (team, TEACHER)]
    if not rows:
        return b"no moves were made\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({k: (f"{v:+.2f}" if isinstance(v, float) else cell(v)) for k, v in r.items()} for r in rows)
    return out.getvalue().encode("utf-8")


def page(p: Played, code: str, rows: list[dict], png: bytes | None = None) -> str:
    """The debrief of ``code``'s team as one printable HTML page (offline: the chart inline)."""
    import base64

    e = html.escape
    game = p.setup.game
    role = game.roles[code]
    gauges = "".join(
        f"<tr><td>{e(m.label)}</td><td>{number(m.values[0])}</td><td>{number(m.values[-1])}</td>"
        f"<td>{'met' if m.met else 'not met'}</td></tr>"
        for m in meters(p, code)
    )
    mine = [r for r in rows if r["team"] in (code, TEACHER)]
    columns = [c for c in (rows[0] if rows else {}) if c.startswith(f"{code}: ")]
    moves = "".join(
        f"<tr><td>{r['year']}</td><td>{e(r['move'])}</td><td>{e(r['status'])}</td>"
        + "".join(f"<td>{number(r[c])} ({e(size(r[c]))})</td>" for c in columns)
        + "</tr>"
        for r in mine
    )
    heads = "".join(f"<th>{e(c.split(': ', 1)[1])}</th>" for c in columns)
    image = f'<img alt="objective pairs over the game" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
    questions = "".join(f"<li>{e(q)}</li>" for q in game.debrief)
    sources = "".join(f"<li>{e(ledger.claims()[c].quote)} ({e(c)})</li>" for c in role.claims if c in ledger.claims())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(game.title)}: {e(p.world.names[code])}</title>
<style>@page {{ margin: 15mm; }} body {{ font-family: sans-serif; font-size: 10.5pt; max-width: 180mm; margin: auto; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border-bottom: 1px solid #ccc; padding: 2pt 4pt; }}
img {{ width: 100%; }}</style></head><body>
<h1>{e(game.title)}: {e(p.world.names[code])}, {e(role.title)}</h1>
<p>{e(role.brief)}</p><ul>{sources}</ul>
<h2>Objectives</h2><table><tr><th>objective</th><th>start</th><th>end</th><th></th></tr>{gauges}</table>
{image if png else ""}
<h2>Which of your moves mattered</h2>
<p>Each move's effect on each objective by the end: the game as played minus the game replayed without that
move (the teacher's events too). Under 0.02 is no visible effect; 0.05 and more is a clear change, 0.15 a large one.</p>
<table><tr><th>year</th><th>move</th><th>outcome</th>{heads}</tr>{moves}</table>
<h2>Reflect</h2><ol>{questions}</ol>
</body></html>
"""


def chart_png(p: Played, none: Played, code: str, width_in: float = 6.8) -> bytes:
    """The team's objective pairs as played (solid) and with no player moves (dashed), as a PNG for the page."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, MaxNLocator

    from sim.game.charts import series

    fig, ax = plt.subplots(figsize=(width_in, 3.0), dpi=150)
    colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]
    for colour, m, o in zip(colours, meters(p, code), meters(none, code)):
        years, played = series(p, m)
        ax.plot(years, played, color=colour, linewidth=1.8, label=m.label)
        ax.plot(*series(none, o), color=colour, linewidth=1.2, linestyle=(0, (6, 4)))
        ax.axhline(m.above if m.above is not None else m.below, color=colour, linewidth=0.6, linestyle=":")
    ax.set_ylim(-1, 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years as 2011, 2012: not 2011.0, 2011.5
    ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
    ax.set_ylabel("score (-1 hostile, +1 allied)")
    ax.set_title("Solid: as played. Dashed: the same world with no player moves.", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def role_cards(s) -> str:
    """Every team's role card (brief, objectives, the sources' words) as one page to print and cut."""
    e, claims = html.escape, ledger.claims()
    actors, game = s.loaded.scenario.actors, s.game
    cards = "".join(
        f"<section><h2>{e(actors[c].name)}: {e(game.roles[c].title)}</h2><p>{e(game.roles[c].brief)}</p>"
        "<p><b>Your objectives</b></p><ul>"
        + "".join(f"<li>{e(o.label)}</li>" for o in game.roles[c].objectives)
        + "</ul><p><b>What the sources say</b></p>"
        + "".join(f"<blockquote>{e(claims[q].quote)} ({e(q)})</blockquote>" for q in game.roles[c].claims)
        + f"<p><b>Each turn</b>: {s.budget} points of political capital. "
        + "; ".join(f"{e(a.label)} {a.cost}" for a in allowed(s, c).values())
        + ".</p></section>"
        for c in s.teams
    )
    mode = "the sources' dated events still happen" if s.mode == "history" else "only the states and the teams move"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(game.title)}: role cards</title>
<style>@page {{ margin: 15mm; }} body {{ font-family: sans-serif; font-size: 10.5pt; max-width: 180mm; margin: auto; }}
section {{ break-inside: avoid; border: 1px dashed #999; padding: 4mm; margin-bottom: 6mm; }}
blockquote {{ font-style: italic; margin: 2pt 0 2pt 10pt; }}</style></head><body>
<h1>{e(game.title)}: role cards</h1>
<p>{s.turns} turns of a year from {game.first_year}, {e(s.mode)} mode: {mode}.</p>{cards}
</body></html>
"""
