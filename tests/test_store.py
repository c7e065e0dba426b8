"""A class's games in SQLite: moves land, stale or paused turns are refused, concurrent teams lose
nothing, and a game replayed after a restart is the game as it was."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

import sim
from sim.game.moves import Move, setup
from sim.game.play import Injection, play
from sim.game.store import GameError, Store, replay, setup_of

LOADED = sim.load("walk_the_tightrope")
TEAMS = ("PAK", "RUS", "IND", "USA", "CHN", "AFG")


def new_game(path, teams=("PAK", "RUS", "IND"), **kw):
    store = Store(path)
    s = setup(LOADED, teams, **kw)
    return store, store.create("walk_the_tightrope.yaml", LOADED, s), s


def test_a_game_is_created_in_wal_mode_and_read_back_as_set_up(tmp_path):
    store, code, s = new_game(tmp_path / "c.sqlite", seed=7, turns=6, budget=5)
    g = store.game(code.lower())  # codes are typed by students: case does not matter
    assert (g.teams, g.seed, g.turns, g.budget, g.turn, g.status) == (s.teams, 7, 6, 5, 0, "playing")
    assert len(code) == 5 and not set(code) & set("01OIL")
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(GameError, match="^there is no game with that code"):
        store.game("NOPE1")


def test_a_submission_replaces_the_teams_earlier_one_and_a_pass_counts_as_submitted(tmp_path):
    store, code, _ = new_game(tmp_path / "c.sqlite")
    store.submit(code, 0, "PAK", [Move("PAK", "minister_visit", "RUS"), Move("PAK", "forum_support", "CHN")])
    store.submit(code, 0, "PAK", [Move("PAK", "public_pressure", "IND")])
    store.submit(code, 0, "RUS", [])
    assert store.submitted(code, 0) == {"PAK": [Move("PAK", "public_pressure", "IND")], "RUS": []}
    first = store.sent_at(code, 0, "PAK")
    assert store.sent_at(code, 0, "IND") is None and store.sent_at(code, 1, "PAK") is None
    store.submit(code, 0, "PAK", [])  # another laptop of the team: its moves count, and its time
    assert store.sent_at(code, 0, "PAK") >= first and store.submitted(code, 0)["PAK"] == []


def test_moves_for_a_turn_that_is_over_or_paused_are_refused_with_the_reason(tmp_path):
    store, code, _ = new_game(tmp_path / "c.sqlite", turns=2)
    assert store.end_turn(code, 0) and not store.end_turn(code, 0)  # a second click does nothing
    with pytest.raises(GameError, match="turn 1 is over: the class is on turn 2"):
        store.submit(code, 0, "PAK", [])
    store.pause(code, True)
    with pytest.raises(GameError, match="paused"):
        store.submit(code, 1, "PAK", [])
    store.pause(code, False)
    store.submit(code, 1, "PAK", [])
    assert store.end_turn(code, 1) and store.game(code).status == "over"
    with pytest.raises(GameError, match="over"):
        store.submit(code, 2, "PAK", [])


def _hammer(path: str, code: str, state: str, rounds: int) -> None:
    store = Store(path)
    partners = [t for t in TEAMS if t != state]
    for k in range(rounds):
        store.submit(code, 0, state, [Move(state, "forum_support", partners[k % len(partners)])])


def test_six_teams_submitting_at_once_lose_nothing(tmp_path):
    # threads, each with its own Store and connections: how the Streamlit server serves its sessions
    path = str(tmp_path / "c.sqlite")
    store, code, _ = new_game(path, teams=TEAMS)
    rounds, failed = 40, []
    start = threading.Barrier(len(TEAMS))

    def team(state):
        try:
            start.wait()
            _hammer(path, code, state, rounds)
        except Exception as err:  # noqa: BLE001 - the assertion below reports it
            failed.append(err)

    threads = [threading.Thread(target=team, args=(state,)) for state in TEAMS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failed == []
    got = store.submitted(code, 0)
    for state in TEAMS:
        last = [t for t in TEAMS if t != state][(rounds - 1) % 5]
        assert got[state] == [Move(state, "forum_support", last)]  # each team's last word, and only it


def test_the_replayed_game_after_a_restart_is_the_game_played_live(tmp_path):
    path = tmp_path / "c.sqlite"
    store, code, s = new_game(path)
    turns = [
        [Move("PAK", "minister_visit", "RUS"), Move("RUS", "minister_visit", "PAK")]
        + [Move("IND", "forum_support", "RUS")],
        [Move("PAK", "arms_request", "RUS"), Move("RUS", "public_pressure", "PAK")],
    ]
    shock = Injection("incident", "IND", "PAK", 1.0, "A border clash")
    for k, moves in enumerate(turns):
        for state in s.teams:
            store.submit(code, k, state, [m for m in moves if m.state == state])
        if k == 1:
            store.inject(code, k, shock)
        store.end_turn(code, k)
    store.submit(code, 2, "PAK", [Move("PAK", "forum_support", "CHN")])  # not resolved yet: not in the world
    reopened = Store(path)  # a new server process opens the same file
    assert reopened.game(code).turn == 2
    again = replay(reopened, code, sim.load("walk_the_tightrope"))
    live = play(s, turns, [[], [shock]])
    assert again.step == live.step
    assert np.array_equal(again.run.alignment, live.run.alignment)
    assert [t.outcomes for t in again.turns] == [t.outcomes for t in live.turns]


def test_a_game_whose_scenario_changed_is_refused_not_replayed_into_another_world(tmp_path):
    store, code, _ = new_game(tmp_path / "c.sqlite")
    changed = LOADED.__class__(LOADED.scenario.model_copy(update={"seed": 99}), LOADED.document, LOADED.files)
    with pytest.raises(GameError, match="has changed since game"):
        setup_of(store.game(code), changed)


def test_the_teachers_settings_and_queued_events_outlast_a_restart_and_a_form_sent_twice_queues_once(tmp_path):
    from sim.game.play import Injection

    store, code, s = new_game(tmp_path / "c.sqlite")
    clash = Injection("incident", "IND", "PAK", 1.0, "A border clash")
    assert store.inject(code, 0, clash, token="form-1")
    assert not store.inject(code, 0, clash, token="form-1")  # the same form again: nothing more
    store.set_auto_end(code, True)
    store.pause(code, True)
    again = Store(tmp_path / "c.sqlite")  # the server restarted
    g = again.game(code)
    assert g.auto_end and g.status == "paused" and [i for _, i in again.queued(code, 0)] == [clash]
    again.pause(code, False)
    again.unqueue(code, 0, 0)
    assert again.queued(code, 0) == []


def test_a_game_ended_early_says_after_how_many_turns(tmp_path):
    store, code, s = new_game(tmp_path / "c.sqlite", turns=6)
    store.end_turn(code, 0)
    store.finish(code, play_turn=False)
    assert store.game(code).where == "over after 1 turn of 6"
    store2, code2, _ = new_game(tmp_path / "d.sqlite", turns=6)
    store2.finish(code2, play_turn=True)
    assert store2.game(code2).turn == 1 and store2.game(code2).where == "over after 1 turn of 6"
