"""What the class game's pages share: the class's file, the replayed worlds, the links, the polling.

One server, one SQLite file (:mod:`sim.game.store`). The world is replayed from the log, once per
(game, turn) for every session (``st.cache_resource``); pages poll the game's one row every
second and redraw when the turn or the status changes.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlencode, urlsplit

import streamlit as st

from app_pages.shared import scenarios
from sim.game import access, debrief, store
from sim.game.play import Played

POLL = 1.0  # seconds between a page's look at the game's row: a turn reaches every team within about a second
LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "")


@st.cache_resource
def games() -> store.Store:
    return store.Store()


@st.cache_resource
def chosen_pin() -> str | None:
    """The PIN set by TIGHTROPE_PIN, or None: then the one kept in the class's file (made, and printed
    where the server runs, if the server was not started with ``tightrope class``, which prints it)."""
    if os.environ.get("TIGHTROPE_PIN"):
        return os.environ["TIGHTROPE_PIN"]
    if access.pin_set_at(games()) is None:
        made = access.new_pin(games())
        print(f"Tightrope: the teacher's PIN for class games is {made} (kept in {games().path})", flush=True)
    return None


@st.cache_resource(max_entries=64)
def replayed(code: str, turn: int, scenario: str) -> Played:
    """The game after ``turn`` turns: one replay shared by every session (read-only)."""
    return store.replay(games(), code, scenarios()[scenario], turn)


@st.cache_resource(max_entries=16)
def debriefed(code: str, turn: int, scenario: str):
    p = replayed(code, turn, scenario)
    moves, injections = games().log(code, turn)
    return debrief.without_players(p, moves, injections), debrief.attribution(p, moves, injections)


def lan_address() -> str | None:
    """This machine's address on its network (a UDP socket's route: no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only the routing table is consulted
            return s.getsockname()[0]
        except OSError:
            return None


def link(**query) -> str:
    """A link to this server that works from the teams' laptops: the network address, not localhost."""
    here = urlsplit(st.context.url or "http://localhost:8501/")
    netloc = here.netloc
    if (here.hostname or "") in LOOPBACK and st.get_option("server.address") not in ("127.0.0.1", "localhost"):
        address = lan_address()
        netloc = f"{address}:{here.port or 8501}" if address else netloc
    return f"{here.scheme}://{netloc}{here.path or '/'}?{urlencode(query)}"


def team_link(g: store.Game, code: str) -> str:
    return link(page="team", game=g.code, state=code, key=access.team_key(games(), g.code, code))


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


def world_of(g: store.Game) -> Played | None:
    """The game replayed, or None after saying why it cannot be (its scenario gone or changed)."""
    if g.scenario not in scenarios():
        st.error("This game's scenario is no longer served here: ask your teacher.")
        return None
    try:
        return replayed(g.code, g.turn, g.scenario)
    except store.GameError as err:
        st.error(str(err))
        return None
