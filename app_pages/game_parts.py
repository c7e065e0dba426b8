"""The pieces of a game's page, shared by the solo game and a team's page in a class game:
the role card, the meters, the news, the decision and the debrief. Layout only, over ``sim.game``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.classroom.text import number, plain
from sim.game import charts, debrief, news
from sim.game import play as game_play
from sim.game.moves import Move, Setup, allowed, problems
from sim.scenario import ledger

KINDS = {
    "own": "happens when you make it",
    "joint": "with a team's state: only if that team makes it too this turn; "
    "with any other state: if it regards you above {bar:+.1f}",
    "request": "the seller's own rule accepts or refuses it (an embargo, its regard for you, its other clients)",
}


def quote(claim: str) -> str:
    found = ledger.claims()
    return f"\u201c{plain(found[claim].quote)}\u201d" if claim in found else plain(claim)


def role_card(s: Setup, code: str, expanded: bool = True) -> None:
    role, names = s.game.roles[code], s.loaded.scenario.actors
    with st.expander(f"Your role: {plain(names[code].name)}, \u201c{plain(role.title)}\u201d", expanded=expanded):
        st.markdown(plain(role.brief))
        st.markdown("**Your objectives**\n" + "\n".join(f"- {plain(o.label)}" for o in role.objectives))
        st.markdown("**What the sources say**\n" + "\n".join(f"> {quote(c)}\n" for c in role.claims))


def meters(p: game_play.Played, code: str, over: bool) -> None:
    """A gauge per objective, green when it moves the way the objective wants (up for "above", down
    for "below"), and how many objectives are met of those that can be judged yet."""
    gauges = game_play.meters(p, code)
    met, judged, total = game_play.standing(p, code, over)
    columns = st.columns(len(gauges) + 1)
    for column, m in zip(columns, gauges):
        now, before = m.values[-1], m.values[-2] if len(m.values) > 1 else None
        bar = f"above {number(m.above, 1)}" if m.above is not None else f"below {number(m.below, 1)}"
        when = "every year" if m.when == "throughout" else "at the end"
        verdict = ("met" if m.met else "not met") if game_play.judged(m, len(p.turns), over) else "judged at the end"
        column.metric(
            plain(m.label),
            number(now),
            delta=None if before is None else f"{number(now - before)} this year",
            delta_color="normal" if m.above is not None else "inverse",
            chart_data=charts.trend(m),
            border=True,
            help=f"Goal: {bar} {when}. So far: {verdict}.",
        )
    later = total - judged
    columns[-1].metric(
        "Objectives met so far",
        f"{met} of {judged}" if judged else "none judged yet",
        border=True,
        help="An objective for every year is judged each year; one for the end only when the game is over.",
    )
    if later:
        columns[-1].caption(f"{later} more judged at the end")


def news_of(p: game_play.Played, code: str, year: int) -> None:
    st.markdown(f"#### The news of {year}")
    turn = next((t for t in p.turns if t.year == year), None)
    if turn is not None:
        names = p.world.names
        for o in turn.outcomes:
            if o.move.state == code or o.move.partner == code:
                mark = ":material/check_circle:" if o.happened else ":material/cancel:"
                st.markdown(f"{mark} **{plain(o.move.label(p.setup.game, names))}**: {o.status}, {plain(o.reason)}.")
    items = news.items(p, year)
    if not items:
        st.caption("Nothing else happened between the states this year.")
    for item in items:
        said = (f"\n\n*{item.basis.capitalize()}:*\n" if item.basis and item.quotes else "") + "".join(
            f"\n> {plain(q)}\n" for _, q in item.quotes
        )
        st.markdown(f"**{item.date} \u00b7 {plain(item.headline)}** ({plain(item.who)}): {plain(item.reason)}{said}")
    with st.expander("Why your objectives moved this year"):
        for line in news.why_it_moved(p, code, year):
            st.markdown(plain(line))


def decide(s: Setup, code: str, key: str, disabled: bool = False) -> tuple[list[Move], list[str]]:
    """The turn's choices: one picker of partners per action; returns the moves and their problems."""
    actors = s.loaded.scenario.actors
    partners = [c for c in actors if c != code]
    moves: list[Move] = []
    offered = allowed(s, code)
    columns = st.columns(2)  # two pickers a row: the whole turn's choice fits a laptop's first screen
    for k, (name, spec) in enumerate(offered.items()):
        points = f"{spec.cost} point{'s' if spec.cost != 1 else ''}"
        how = KINDS[spec.kind].format(bar=s.game.accept_above)
        chosen = columns[k % 2].multiselect(
            f"{plain(spec.label[:1].upper() + spec.label[1:])} ({points})",
            partners,
            format_func=lambda c: actors[c].name,
            key=f"{key}:{name}",
            disabled=disabled,
            placeholder="with nobody",
            help=f"{spec.event.replace('_', ' ')}: {how}. Source: {quote(spec.claims[0]) if spec.claims else 'none'}",
        )
        moves += [Move(code, name, c) for c in chosen]
    spent = game_play.spent(s, moves)
    st.progress(min(spent / s.budget, 1.0), text=f"Political capital: {spent} of {s.budget} points spent")
    found = problems(s, code, moves)
    for line in found:
        st.error(line)
    return moves, found


def debrief_of(p: game_play.Played, none: game_play.Played, rows: list[dict], code: str, name: str) -> None:
    st.header("Debrief")
    gauges, others = game_play.meters(p, code), game_play.meters(none, code)
    st.vega_lite_chart(spec=charts.paths(p, none, gauges, others))
    st.markdown("#### Which of your moves mattered")
    st.caption(
        "Each move's effect on each of your objectives by the end: the game as played minus the same game "
        "replayed without that move (same seed, everything else the same); the teacher's events are listed "
        "too. Under 0.02 is no visible effect; 0.05 or more is a clear change, 0.15 or more a large one."
    )
    mine = [r for r in rows if r["team"] in (code, debrief.TEACHER)]
    if mine:
        table = pd.DataFrame(mine).drop(columns=["team"])
        keep = [c for c in table.columns if ":" not in c or c.startswith(f"{code}: ")]
        shown = table[keep].rename(columns=lambda c: plain(c.split(": ", 1)[-1]))
        for column in shown.columns:
            if shown[column].dtype.kind == "f":
                shown[column] = [f"{number(v)} ({debrief.size(v)})" for v in shown[column]]
        st.table(shown.astype(str).map(plain).style.hide(axis="index"))  # a plain table: it prints, and reads aloud
    else:
        st.caption("You made no moves, so none of yours changed the lines; where they differ, other teams' moves did.")
    st.markdown("#### Reflect\n" + "\n".join(f"{k + 1}. {plain(q)}" for k, q in enumerate(p.setup.game.debrief)))
    left, right = st.columns(2)
    left.download_button(
        "Download the debrief (a page to print)",
        debrief.page(p, code, rows, debrief.chart_png(p, none, code)),
        file_name=f"{name}-debrief.html",
        mime="text/html",
        on_click="ignore",
    )
    right.download_button(
        "Download your moves' effects (CSV)",
        debrief.table_csv(rows, code),
        file_name=f"{name}-moves.csv",
        mime="text/csv",
        on_click="ignore",
    )
