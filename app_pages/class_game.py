"""The class game's teacher page: behind the PIN, the game under way first, then a new one.

Every setting lives in the class's file, not in the browser (:mod:`sim.game.store`,
:mod:`sim.game.access`): the PIN and its failed tries, each team's key, whether a turn ends itself
once every team has sent, the pause, the events queued for the turn. A restart or a new tab changes
none of them. The pages a teacher hands out are in :mod:`app_pages.class_team`.
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

from app_pages.class_common import POLL, chosen_pin, games, link, reachable, team_link, world_of
from app_pages.shared import scenarios
from sim.classroom.text import csv_safe, plain
from sim.game import access, debrief, store
from sim.game.classroom import INJECTABLE, class_results
from sim.game.moves import setup
from sim.game.play import Injection, Played

MODES = {
    "history": "History: the sources' dated events still happen (Salala, the embargo lifted, ...)",
    "sandbox": "Sandbox: only the states' own rules and the teams move",
}


def gate() -> bool:
    """The PIN's form; True once this session has typed the right PIN (failures are counted in the file)."""
    state = st.session_state
    if state.get("teacher_ok"):
        return True
    chosen = chosen_pin()
    with st.form("pin", clear_on_submit=True):
        typed = st.text_input("Teacher's PIN (printed where the server was started)", type="password")
        sent = st.form_submit_button("Open the teacher's page", type="primary")
    if sent and typed:
        verdict = access.check_pin(games(), typed.strip(), chosen)
        if verdict.ok:
            state.teacher_ok = True
            st.rerun()
        st.error(verdict.message)
    return False


def pin_note() -> None:
    if chosen_pin() is not None:
        st.caption("The PIN is the one set by TIGHTROPE_PIN where the server was started.")
        return
    since = time.strftime("%d %b %Y %H:%M", time.localtime(access.pin_set_at(games())))
    st.caption(
        f"The PIN is kept in the class's file since {since}, across restarts; "
        "`tightrope class --new-pin` makes a new one."
    )


def create(expanded: bool) -> None:
    found = {f: loaded for f, loaded in scenarios().items() if loaded.scenario.game is not None}
    with st.expander("A new class game", expanded=expanded), st.form("create"):
        file = st.selectbox("Scenario", list(found), format_func=lambda f: found[f].scenario.game.title)
        game, actors = found[file].scenario.game, found[file].scenario.actors
        teams = st.multiselect(
            "States played by teams (the others are played by their agents)",
            list(game.roles),
            default=list(game.roles),
            format_func=lambda c: actors[c].name,
        )
        left, mid, right = st.columns(3)
        mode = left.radio("Mode", list(MODES), index=list(MODES).index(game.mode), format_func=MODES.get)
        turns = mid.radio("Turns", [game.turns, game.short_turns], format_func=lambda n: f"{n} turns ({n} years)")
        budget = right.number_input("Points a turn", 1, 40, game.budget)
        seed = right.number_input(
            "Seed (the same seed replays the same world)", 0, 2**31 - 1, found[file].scenario.seed
        )
        if st.form_submit_button("Create the game", type="primary"):
            try:
                s = setup(found[file], teams, mode, int(seed), int(turns), int(budget))
            except ValueError as err:
                st.error(plain(err))
                return
            st.session_state.class_game = games().create(file, found[file], s)
            st.rerun()


def links(g: store.Game, p: Played) -> None:
    st.markdown("#### Join links (one a team: its key opens that team's page only)")
    reachable()
    for c in g.teams:
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        url = team_link(g, c)
        left.markdown(f"**{plain(p.world.names[c])}**: [open the team's page]({url})")
        left.code(url, language=None, wrap_lines=True)  # the copy button is on the code box
        with right.popover("New link", help="A lost or leaked link: the old one stops working"):
            st.write(f"Make a new link for {p.world.names[c]}? The old one stops working at once.")
            if st.button("Make the new link", key=f"reissue:{g.code}:{c}"):
                access.reissue(games(), g.code, c)
                st.rerun()
    st.markdown("**Projector** (read-only: the network, the news, the results):")
    st.code(link(page="projector", game=g.code), language=None, wrap_lines=True)


def status(g: store.Game) -> None:
    """Who has submitted; ends the turn when every team has, if the teacher asked for that."""

    @st.fragment(run_every=POLL)
    def board():
        now = games().game(g.code)
        if now.version != g.version:
            st.rerun(scope="app")
        sent = games().submitted(g.code, g.turn)
        # Material icons ship with Streamlit (no emoji font needed); the words say it without them.
        icon = {True: ":material/check_circle:", False: ":material/schedule:"}
        said = (f"{icon[c in sent]} {c} {'sent' if c in sent else 'waiting'}" for c in g.teams)
        st.markdown(" \u00b7 ".join(said))
        if now.auto_end and len(sent) == len(g.teams) and now.status == "playing":
            games().end_turn(g.code, g.turn)
            st.rerun(scope="app")

    board()


def controls(g: store.Game) -> None:
    left, mid, right = st.columns(3)
    if left.button("End the turn", type="primary", help="Resolve this turn for everyone, with the moves sent"):
        games().end_turn(g.code, g.turn)
        st.rerun()
    if mid.button("Resume" if g.status == "paused" else "Pause"):
        games().pause(g.code, g.status != "paused")
        st.rerun()
    with right.popover("End the game\u2026"):
        sent = games().submitted(g.code, g.turn)
        moves = sum(len(m) for m in sent.values())
        st.write(
            f"{len(sent)} of {len(g.teams)} teams have sent {moves} moves for turn {g.turn + 1}. "
            "Every team's page then opens its debrief."
        )
        if st.button(f"Play turn {g.turn + 1} with the moves sent, then end", type="primary"):
            games().finish(g.code, play_turn=True)
            st.rerun()
        if st.button(f"End now: turn {g.turn + 1} is not played and its moves are dropped"):
            games().finish(g.code, play_turn=False)
            st.rerun()
    st.toggle(
        "End each turn when every team has submitted",
        value=g.auto_end,
        key=f"auto_end:{g.code}",
        on_change=lambda: games().set_auto_end(g.code, st.session_state[f"auto_end:{g.code}"]),
        help="Kept with the game: it holds after a restart",
    )


def inject(g: store.Game, p: Played) -> None:
    names, state = p.world.names, st.session_state
    token = state.setdefault(f"inject:{g.code}", secrets.token_hex(8))  # one form, one event, however it is sent
    with st.expander("Put an event into this turn (the news says it is yours: it has no source)"):
        with st.form("inject", clear_on_submit=True):
            left, mid, right = st.columns(3)
            kind = left.selectbox(
                "Event", list(INJECTABLE), format_func=lambda k: f"{k.replace('_', ' ')}: {INJECTABLE[k]}"
            )
            source = mid.selectbox("From", list(names), format_func=names.get)
            target = right.selectbox("To", list(names), index=1, format_func=names.get)
            size = left.slider("Size", 0.1, 2.0, 1.0, 0.1)
            label = st.text_input(
                "What happened (shown in the news as you type it)", "", max_chars=120, placeholder="A border clash"
            )
            if st.form_submit_button("Add it to this turn"):
                if source == target:
                    st.error("An event needs two different states.")
                elif not label.strip():  # also what a second click after Enter sends: nothing is added twice
                    st.error("Write what happened first: it is what the news says.")
                else:
                    event = Injection(kind, source, target, float(size), label.strip())
                    games().inject(g.code, g.turn, event, token)
                    state[f"inject:{g.code}"] = secrets.token_hex(8)
        queued = games().queued(g.code, g.turn)
        for seq, i in queued:
            left, right = st.columns([5, 1], vertical_alignment="center")
            said = f"{plain(names[i.source])} \u2192 {plain(names[i.target])}: {plain(i.label)}"
            left.markdown(f"Event {seq + 1}: {said} ({i.type.replace('_', ' ')}, size {i.magnitude:g})")
            if right.button("Remove", key=f"unqueue:{g.code}:{g.turn}:{seq}"):
                games().unqueue(g.code, g.turn, seq)
                st.rerun()
    if queued:
        st.caption(f"{len(queued)} event(s) of yours land when the turn ends.")


def results(g: store.Game, p: Played) -> None:
    table = class_results(p, over=g.status == "over")
    st.markdown("#### The class's results")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "start": st.column_config.NumberColumn(format="%+.2f"),
            "now": st.column_config.NumberColumn(format="%+.2f"),
        },
    )
    left, right = st.columns(2)
    csv = csv_safe(table).to_csv(index=False, float_format="%.2f")
    left.download_button("Download the results (CSV)", csv, f"{g.code}-results.csv", "text/csv", on_click="ignore")
    right.download_button(
        "Download the role cards (a page to print)",
        debrief.role_cards(p.setup),
        file_name=f"{g.code}-role-cards.html",
        mime="text/html",
        on_click="ignore",
    )


def teacher() -> None:
    st.title("Walk the Tightrope: the class game")
    if not gate():
        return
    pin_note()
    known = games().games()
    if known:
        codes = [g.code for g in known]
        chosen = st.session_state.get("class_game")
        about = {g.code: f"{g.code}: {', '.join(g.teams)} ({g.turns} turns, {g.mode})" for g in known}
        code = st.selectbox(
            "Game", codes, index=codes.index(chosen) if chosen in codes else 0, key="class_game", format_func=about.get
        )
        g = games().game(code)
        p = world_of(g)
        if p is not None:
            st.subheader(f"Game {g.code} \u00b7 {g.where}")
            if g.status != "over":
                status(g)
                controls(g)
                inject(g, p)
            links(g, p)
            results(g, p)
    create(expanded=not known)
