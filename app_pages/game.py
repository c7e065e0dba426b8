"""The solo game: one student plays a state a year a turn; every other state is played by its agent.

The game lives in the session as its setup and log of moves; the world is replayed from
them (cached per log and shared by sessions), as a class game is from its database.
"""

from __future__ import annotations

import json

import streamlit as st

from app_pages import game_parts as parts
from app_pages.shared import scenarios
from sim.game import debrief
from sim.game.moves import Move, Setup, setup
from sim.game.play import Played, play

MODES = {"history": "History: the dated events still happen", "sandbox": "Sandbox: only states and players"}


def games() -> dict:
    return {f: loaded for f, loaded in scenarios().items() if loaded.scenario.game is not None}


@st.cache_resource(max_entries=256)
def played(file: str, state: str, mode: str, seed: int, turns: int, budget: int, log: str) -> Played:
    """The game replayed from its log (JSON of each turn's moves); read-only, shared by sessions."""
    s = setup(scenarios()[file], [state], mode, seed, turns, budget)
    return play(s, [[Move(*m) for m in moves] for moves in json.loads(log)])


@st.cache_resource(max_entries=32)
def debriefed(file: str, state: str, mode: str, seed: int, turns: int, budget: int, log: str, _progress=None):
    """The same game with no player moves, and what each move did (one replay without each)."""
    p = played(file, state, mode, seed, turns, budget, log)
    moves = [[Move(*m) for m in t] for t in json.loads(log)]
    return debrief.without_players(p, moves), debrief.attribution(p, moves, progress=_progress)


def start(found: dict) -> None:
    st.markdown(
        "Play one state from 2011, a year a turn. Spend your political capital on visits, exercises, "
        "deals, support and requests; every other state answers by its own rules, and the debrief shows "
        "which of your moves mattered."
    )
    file = st.selectbox("Game", list(found), format_func=lambda f: found[f].scenario.game.title)
    game = found[file].scenario.game
    actors = found[file].scenario.actors
    state = st.selectbox(
        "Your state", list(game.roles), format_func=lambda c: f"{actors[c].name}: {game.roles[c].title}"
    )
    left, mid, right = st.columns(3)
    mode = left.radio(
        "Mode", ["history", "sandbox"], index=["history", "sandbox"].index(game.mode), format_func=MODES.get
    )
    turns = mid.radio("Length", [game.turns, game.short_turns], format_func=lambda n: f"{n} turns ({n} years)")
    seed = right.number_input("Seed (the same seed replays the same world)", 0, 2**31 - 1, found[file].scenario.seed)
    if st.button("Start the game", type="primary"):
        st.session_state.solo = {"file": file, "setup": setup(found[file], [state], mode, int(seed), turns), "log": []}
        st.rerun()


def show() -> None:
    st.title("Walk the Tightrope: play a state")
    st.caption("A teaching game over a teaching model: the world answers your moves by rules drawn from five articles.")
    found = games()
    solo = st.session_state.get("solo")
    if not found:
        st.error("No served scenario has a game: block (the shipped walk_the_tightrope.yaml has one).")
        return
    if solo is None or solo["file"] not in found:
        start(found)
        return
    s: Setup = solo["setup"]
    code = s.teams[0]
    key = (solo["file"], code, s.mode, s.seed, s.turns, s.budget, json.dumps(solo["log"]))
    p = played(*key)
    k = len(p.turns)
    name = s.loaded.scenario.actors[code].name
    st.subheader(f"You play {name} \u00b7 " + (f"turn {k + 1} of {s.turns}" if k < s.turns else "the game is over"))
    if k >= s.turns:  # the debrief first, once the game is over
        bar = st.progress(0.0, text="Replaying the game without each of your moves")
        none, rows = debriefed(*key, _progress=lambda j, n: bar.progress(j / n, text=f"Move {j} of {n} replayed"))
        bar.empty()
        parts.debrief_of(p, none, rows, code, f"{solo['file'].removesuffix('.yaml')}-{code}")
    parts.meters(p, code, over=k >= s.turns)
    if k < s.turns:
        year = s.game.first_year + k
        st.markdown(f"#### Your moves for {year}")
        moves, problems = parts.decide(s, code, key=f"solo:{k}")
        if st.button(f"End {year} and see what happens", type="primary", disabled=bool(problems)):
            solo["log"].append([[m.state, m.action, m.partner] for m in moves])
            st.rerun()
    if k:
        parts.news_of(p, code, p.turns[-1].year)
    parts.role_card(s, code, expanded=k == 0)
    if st.button("Start a new game"):
        st.session_state.pop("solo")
        st.rerun()
