"""A team's page and the projector's in a class game.

A team's page opens only with its join link's key (:mod:`sim.game.access`): a link edited to
another state, or one without its key, opens nothing and says so in one line that repeats nothing
from the link. The projector's page is read-only: the network, last year's news, and at the end
the class's results.
"""

from __future__ import annotations

import time

import streamlit as st

from app_pages import game_parts as parts
from app_pages.class_common import debriefed, games, watch, world_of
from sim.classroom import charts as app_charts
from sim.classroom import tables
from sim.classroom.text import plain
from sim.game import access, news, store
from sim.game.classroom import class_results

REFUSED = "This link does not open a team's page here. Ask your teacher for your team's link."


def admitted() -> tuple[store.Game, str] | None:
    """The game and the team a link opens, or None after saying, in one line, that it opens none."""
    query = st.query_params
    try:
        g = games().game(query.get("game", ""))
    except store.GameError:
        st.error(REFUSED)
        return None
    code = query.get("state", "").strip().upper()  # a link typed by hand: pak works as PAK
    if code not in g.teams or not access.is_team(games(), g.code, code, query.get("key", "")):
        st.error(REFUSED)
        return None
    return g, code


def follow_other_laptops(g: store.Game, code: str, key: str) -> None:
    """The form shows what the team last sent: on a laptop just opened, and, with a word why, when
    another laptop of the team has sent moves since this page last looked."""
    state, sent_at = st.session_state, games().sent_at(g.code, g.turn, code)
    fresh = f"seen:{key}" not in state
    if sent_at is not None and sent_at != state.get(f"seen:{key}"):
        moves = games().submitted(g.code, g.turn).get(code, [])
        for name in state.get(f"actions:{key}", []) or p_actions(g):
            state[f"{key}:{name}"] = [m.partner for m in moves if m.action == name]
        if not fresh:
            at = time.strftime("%H:%M:%S", time.localtime(sent_at))
            state[f"notice:{key}"] = f"Another laptop of your team sent its moves at {at}: your form now shows them."
    state[f"seen:{key}"] = sent_at


def p_actions(g: store.Game) -> list[str]:
    from app_pages.shared import scenarios

    return list(scenarios()[g.scenario].scenario.game.actions)


def team() -> None:
    found = admitted()
    if found is None:
        return
    g, code = found
    watch(g.version, code, games().sent_at(g.code, g.turn, code))
    p = world_of(g)
    if p is None:
        return
    s, name = p.setup, p.world.names[code]
    over = g.status == "over"
    when = g.where if over else f"turn {g.turn + 1} of {g.turns} ({s.years[g.turn]})"
    st.title(f"{plain(s.game.title)}: {plain(name)}")
    st.subheader(f"Game {g.code} \u00b7 {when}")
    if over:
        with st.spinner("Computing the debrief: the game replayed without each move (once for the whole class)"):
            none, rows = debriefed(g.code, g.turn, g.scenario)
        parts.debrief_of(p, none, rows, code, f"{g.code}-{code}")
        parts.meters(p, code, over=True)
        parts.role_card(s, code, expanded=False)
        return
    parts.meters(p, code, over=False)
    turn_moves(g, code, p)
    if g.turn:
        parts.news_of(p, code, p.turns[-1].year)
    parts.role_card(s, code, expanded=g.turn == 0)


def turn_moves(g: store.Game, code: str, p) -> None:
    s, state = p.setup, st.session_state
    key = f"{g.code}:{g.turn}:{code}"
    follow_other_laptops(g, code, key)
    if g.status == "paused":
        st.info("The teacher has paused the game. Your moves open again when it resumes.")
    st.markdown(f"#### Your moves for {s.years[g.turn]}")
    if state.get(f"notice:{key}"):
        st.info(state[f"notice:{key}"])
    state[f"actions:{key}"] = list(s.game.actions)
    moves, problems = parts.decide(s, code, key=key, disabled=g.status == "paused")
    refused = state.get(f"refused:{g.code}:{code}")
    if st.button("Submit our moves", type="primary", disabled=bool(problems) or g.status == "paused"):
        try:
            games().submit(g.code, g.turn, code, moves)
            state[f"refused:{g.code}:{code}"] = refused = None
            state[f"seen:{key}"], state[f"notice:{key}"] = games().sent_at(g.code, g.turn, code), None
        except store.GameError as err:
            state[f"refused:{g.code}:{code}"] = refused = f"Your moves were not taken: {err}."
    if refused:
        st.error(refused)  # it stays until the team's next move is taken
    sent = games().submitted(g.code, g.turn)
    if code in sent:
        said = ", ".join(m.label(s.game, p.world.names) for m in sent[code]) or "no moves (a pass)"
        at = time.strftime("%H:%M:%S", time.localtime(games().sent_at(g.code, g.turn, code)))
        st.success(
            f"Submitted for {s.years[g.turn]}: {plain(said)} (sent at {at}). The last moves sent from any of "
            "your team's laptops count; you can change them until the teacher ends the turn."
        )
    else:
        st.caption(
            "Not submitted yet. The teacher ends the turn when every team has submitted, or when the class moves on."
        )


def projector() -> None:
    try:
        g = games().game(st.query_params.get("game", ""))
    except store.GameError as err:
        st.error(str(err))
        return
    watch(g.version)
    p = world_of(g)
    if p is None:
        return
    st.title(f"{plain(p.setup.game.title)} \u00b7 game {g.code}")
    st.subheader("The game is over" if g.status == "over" else f"Turn {g.turn + 1} of {g.turns}")
    if g.status == "over":
        summary = class_results(p)
        met = int(summary["met"].sum())
        st.markdown(f"#### The class met {met} of {len(summary)} objectives")
        st.table(summary.astype(str).map(plain).style.hide(axis="index"))
    left, right = st.columns([1, 1])
    nodes, edges, _ = tables.network_of(p.world, p.run.alignment[p.step])
    left.vega_lite_chart(spec=app_charts.network(nodes, edges, p.world.date_label(p.step)))
    with right:
        if g.turn:
            year = p.turns[-1].year
            st.markdown(f"#### {year}")
            done = [o for o in p.turns[-1].outcomes if o.happened]
            others = [i for i in news.items(p, year) if not i.who.endswith(" team")]
            lines = [f"{plain(o.move.label(p.setup.game, p.world.names))} ({o.status})" for o in done]
            lines += [f"{plain(i.headline)}: {plain(i.reason, 90)}" for i in others]
            shown = lines[:PROJECTED]
            st.markdown("\n".join(f"- {line}" for line in shown))
            if len(lines) > len(shown):
                st.caption(f"and {len(lines) - len(shown)} more: each team's page has the whole news")


PROJECTED = 10  # news lines on the projector: what fits a wall at 1280 x 800
