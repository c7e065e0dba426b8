"""The whole class in one world: the teacher's page (behind a PIN), each team's page, the projector.

One server, one SQLite file (:mod:`sim.game.store`). The world is replayed from the log,
once per (game, turn) for every session (``st.cache_resource``). Pages poll the game's one
row every two seconds and redraw when the turn or the status changes.
"""

from __future__ import annotations

import hmac
import os
import secrets
import socket
import time
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from app_pages import game_parts as parts
from app_pages.shared import scenarios
from sim.classroom import charts as app_charts
from sim.classroom import tables
from sim.game import debrief, news, store
from sim.game.moves import setup
from sim.game.play import Injection, Played, meters, score
from sim.scenario.schema import EVENT_KINDS

POLL = 1.0  # seconds between a page's look at the game's row: a turn reaches every team within about a second
INJECTABLE = ("incident", "diplomatic_pressure", "diplomatic_support", "visit", "joint_exercise")  # one-off pushes


@st.cache_resource
def games() -> store.Store:
    return store.Store()


@st.cache_resource
def pin() -> str:
    """The teacher's PIN: TIGHTROPE_PIN, or one made at start-up and printed where the server runs."""
    chosen = os.environ.get("TIGHTROPE_PIN")
    if chosen:
        return chosen
    made = f"{secrets.randbelow(10**6):06d}"
    print(f"Tightrope: the teacher's PIN for class games is {made} (set TIGHTROPE_PIN to choose one)", flush=True)
    return made


@st.cache_resource(max_entries=64)
def replayed(code: str, turn: int, scenario: str) -> Played:
    """The game after ``turn`` turns: one replay shared by every session (read-only)."""
    return store.replay(games(), code, scenarios()[scenario], turn)


@st.cache_resource(max_entries=16)
def debriefed(code: str, turn: int, scenario: str):
    p = replayed(code, turn, scenario)
    moves, injections = games().log(code, turn)
    return debrief.without_players(p, moves, injections), debrief.attribution(p, moves, injections)


LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "")


def lan_address() -> str | None:
    """This machine's address on its network (a UDP socket's route: no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only the routing table is consulted
            return s.getsockname()[0]
        except OSError:
            return None


def world_of(g: store.Game) -> Played | None:
    """The game replayed, or None after saying why it cannot be (its scenario gone or changed)."""
    if g.scenario not in scenarios():
        st.error(f"game {g.code} is played on {g.scenario}, which this server no longer serves")
        return None
    try:
        return replayed(g.code, g.turn, g.scenario)
    except store.GameError as err:
        st.error(str(err))
        return None


def link(**query) -> str:
    """A link to this server that works from the teams' laptops: the network address, not localhost."""
    here = urlsplit(st.context.url or "http://localhost:8501/")
    netloc = here.netloc
    if (here.hostname or "") in LOOPBACK and st.get_option("server.address") not in ("127.0.0.1", "localhost"):
        address = lan_address()
        netloc = f"{address}:{here.port or 8501}" if address else netloc
    return f"{here.scheme}://{netloc}{here.path}?{urlencode(query)}"


def reachable() -> None:
    if st.get_option("server.address") in ("127.0.0.1", "localhost"):
        st.warning(
            "This server listens only on this computer (`make run`): teams on other laptops cannot open "
            "the links. For a class game start it with `make class`, which listens on the school network."
        )


def watch(version: tuple, team: str | None = None, sent: float | None = None) -> None:
    """Poll the game's row; rerun the whole page when the turn or status has changed, or (a team's
    page) when the team has submitted from another laptop since the page was drawn."""

    @st.fragment(run_every=POLL)
    def poll():
        try:
            g = games().game(st.query_params.get("game", ""))
        except store.GameError:
            return
        if g.version != version or (team is not None and games().sent_at(g.code, g.turn, team) != sent):
            st.rerun(scope="app")

    poll()


def opened() -> store.Game | None:
    code = st.query_params.get("game", "")
    try:
        return games().game(code)
    except store.GameError as err:
        st.error(str(err))
        return None


def team() -> None:
    g = opened()
    if g is None:
        return
    code = st.query_params.get("state", "").strip().upper()  # a link typed by hand: pak works as PAK
    if code not in g.teams:
        st.error(f"no team plays {code!r} in game {g.code} (teams: {', '.join(g.teams)}): check the join link")
        return
    watch(g.version, code, games().sent_at(g.code, g.turn, code))
    p = world_of(g)
    if p is None:
        return
    s, name = p.setup, p.world.names[code]
    when = "the game is over" if g.status == "over" else f"turn {g.turn + 1} of {g.turns} ({s.years[g.turn]})"
    st.title(f"{s.game.title}: {name}")
    st.subheader(f"Game {g.code} \u00b7 {when}")
    parts.role_card(s, code, expanded=g.turn == 0)
    parts.meters(p, code)
    if g.turn:
        parts.news_of(p, code, p.turns[-1].year)
    if g.status == "over":
        with st.spinner("Replaying the game without each move (once for the whole class)"):
            none, rows = debriefed(g.code, g.turn, g.scenario)
        parts.debrief_of(p, none, rows, code, f"{g.code}-{code}")
        return
    if g.status == "paused":
        st.info("The teacher has paused the game. Your moves open again when it resumes.")
    sent = games().submitted(g.code, g.turn)
    st.markdown(f"#### Your moves for {s.years[g.turn]}")
    moves, problems = parts.decide(s, code, key=f"{g.code}:{g.turn}", disabled=g.status == "paused")
    if st.button("Submit our moves", type="primary", disabled=bool(problems) or g.status == "paused"):
        try:
            games().submit(g.code, g.turn, code, moves)
            sent = games().submitted(g.code, g.turn)
        except store.GameError as err:
            st.error(str(err))
    if code in sent:
        said = ", ".join(m.label(s.game, p.world.names) for m in sent[code]) or "no moves (a pass)"
        at = time.strftime("%H:%M:%S", time.localtime(games().sent_at(g.code, g.turn, code)))
        st.success(
            f"Submitted for {s.years[g.turn]}: {said} (sent at {at}). The last moves sent from any of your "
            "team's laptops count; you can change them until the teacher ends the turn."
        )
    else:
        st.caption("Not submitted yet: the teacher ends the turn when every team has submitted, or when time is up.")


def projector() -> None:
    g = opened()
    if g is None:
        return
    watch(g.version)
    p = world_of(g)
    if p is None:
        return
    st.title(f"{p.setup.game.title} \u00b7 game {g.code}")
    st.subheader("The game is over" if g.status == "over" else f"Turn {g.turn + 1} of {g.turns}")
    left, right = st.columns([1, 1])
    nodes, edges, _ = tables.network_of(p.world, p.run.alignment[p.step])
    left.vega_lite_chart(spec=app_charts.network(nodes, edges, p.world.date_label(p.step)))
    with right:
        if g.turn:
            year = p.turns[-1].year
            st.markdown(f"#### {year}")
            for o in (o for o in p.turns[-1].outcomes if o.happened):
                st.markdown(f"- **{o.move.label(p.setup.game, p.world.names)}** ({o.status})")
            for item in news.items(p, year):
                if not item.who.endswith("'s team"):
                    st.markdown(f"- {item.headline} ({item.who}): {item.reason}")


def results(p: Played) -> pd.DataFrame:
    rows = []
    for c in p.setup.teams:
        met, total = score(p, c)
        for m in meters(p, c):
            rows.append(
                {
                    "team": p.world.names[c],
                    "objective": m.label,
                    "start": m.values[0],
                    "now": m.values[-1],
                    "met": m.met,
                    "team's score": f"{met} of {total}",
                }
            )
    return pd.DataFrame(rows)


def create() -> None:
    found = {f: loaded for f, loaded in scenarios().items() if loaded.scenario.game is not None}
    with st.form("create"):
        st.markdown("#### A new class game")
        file = st.selectbox("Scenario", list(found), format_func=lambda f: found[f].scenario.game.title)
        game, actors = found[file].scenario.game, found[file].scenario.actors
        teams = st.multiselect(
            "States played by teams (the others are played by their agents)",
            list(game.roles),
            default=list(game.roles),
            format_func=lambda c: actors[c].name,
        )
        left, mid, right = st.columns(3)
        mode = left.radio("Mode", ["history", "sandbox"], index=["history", "sandbox"].index(game.mode))
        turns = mid.radio("Turns", [game.turns, game.short_turns])
        budget = right.number_input("Points a turn", 1, 40, game.budget)
        seed = right.number_input("Seed", 0, 2**31 - 1, found[file].scenario.seed)
        if st.form_submit_button("Create the game", type="primary"):
            try:
                s = setup(found[file], teams, mode, int(seed), int(turns), int(budget))
            except ValueError as err:
                st.error(str(err))
                return
            st.session_state.class_game = games().create(file, found[file], s)
            st.rerun()


def meaning(kind: str) -> str:
    return EVENT_KINDS[kind].meaning


def inject(g: store.Game, p: Played) -> None:
    names = p.world.names
    with st.form("inject"):
        st.markdown("#### Put an event into this turn (it has no source: the news says it is yours)")
        left, mid, right = st.columns(3)
        kind = left.selectbox("Event", INJECTABLE, format_func=lambda k: f"{k.replace('_', ' ')}: {meaning(k)}")
        source = mid.selectbox("From", list(names), format_func=names.get)
        target = right.selectbox("To", list(names), index=1, format_func=names.get)
        size = left.slider("Size", 0.1, 2.0, 1.0, 0.1)
        label = st.text_input("What happened (shown in the news)", "A border clash", max_chars=120)
        if st.form_submit_button("Add it to this turn"):
            if source == target:
                st.error("an event between a state and itself (pick two states)")
                return
            games().inject(g.code, g.turn, Injection(kind, source, target, float(size), label.strip() or kind))
            st.success(f"Added: {label} ({names[source]} \u2192 {names[target]}); it lands when the turn ends.")


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
        if st.session_state.get("auto_end") and len(sent) == len(g.teams) and g.status == "playing":
            games().end_turn(g.code, g.turn)
            st.rerun(scope="app")

    board()


def teacher() -> None:
    st.title("Walk the Tightrope: the class game")
    expected = pin()  # made (and printed in the server's terminal) the first time the page is opened
    if not st.session_state.get("teacher_ok"):
        typed = st.text_input("Teacher's PIN (printed in the terminal where the server runs)", type="password")
        if typed:
            if hmac.compare_digest(typed.encode(), expected.encode()):
                st.session_state.teacher_ok = True
                st.rerun()
            st.error("That PIN is not the one printed in the server's terminal (or set by TIGHTROPE_PIN).")
        return
    create()
    known = games().games()
    if not known:
        return
    codes = [g.code for g in known]
    chosen = st.session_state.get("class_game")
    about = {g.code: f"{g.code}: {len(g.teams)} teams, {g.status}, turn {min(g.turn + 1, g.turns)}" for g in known}
    code = st.selectbox(
        "Game", codes, index=codes.index(chosen) if chosen in codes else 0, key="class_game", format_func=about.get
    )
    g = games().game(code)
    p = world_of(g)
    if p is None:
        return
    where = "over" if g.status == "over" else f"turn {g.turn + 1} of {g.turns}, {g.status}"
    st.subheader(f"Game {g.code} \u00b7 {where}")
    joins = pd.DataFrame(
        {"team": p.world.names[c], "join link": link(page="team", game=g.code, state=c)} for c in g.teams
    )
    st.dataframe(joins, hide_index=True, column_config={"join link": st.column_config.LinkColumn()})
    reachable()
    st.markdown(f"Projector: {link(page='projector', game=g.code)}")
    if g.status != "over":
        status(g)
        left, mid, right, far = st.columns(4)
        if left.button("End the turn for everyone", type="primary"):
            games().end_turn(g.code, g.turn)
            st.rerun()
        mid.toggle("End it when every team has submitted", key="auto_end")
        if right.button("Resume" if g.status == "paused" else "Pause"):
            games().pause(g.code, g.status != "paused")
            st.rerun()
        if far.button("End the game now (open the debrief)"):
            games().finish(g.code)
            st.rerun()
        inject(g, p)
    table = results(p)
    st.markdown("#### The class's results")
    st.dataframe(table, hide_index=True)
    st.download_button("Download the results (CSV)", table.to_csv(index=False), f"{g.code}-results.csv", "text/csv")
    st.download_button(
        "Download the role cards (a page to print)",
        lambda: debrief.role_cards(p.setup),
        file_name=f"{g.code}-role-cards.html",
        mime="text/html",
        on_click="ignore",
    )
