"""Who may act in a class game: team keys and the teacher's PIN, kept in the class's file."""

from __future__ import annotations

import io
import sqlite3

import pytest

from sim.game import access
from sim.game.store import Store


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "class.sqlite")


def test_each_team_has_a_key_only_its_digest_is_kept_and_a_new_one_retires_the_old(store, tmp_path):
    pak, ind = access.team_key(store, "ABCDE", "PAK"), access.team_key(store, "ABCDE", "IND")
    assert len(pak) == 2 * access.KEY_BYTES and pak != ind
    assert access.team_key(store, "ABCDE", "PAK") == pak  # the same link every time the page shows it
    assert access.team_key(Store(tmp_path / "class.sqlite"), "ABCDE", "PAK") == pak  # and after a restart
    assert access.is_team(store, "ABCDE", "PAK", pak)
    assert not access.is_team(store, "ABCDE", "IND", pak)  # a link edited to another state
    assert not access.is_team(store, "ABCDE", "PAK", "") and not access.is_team(store, "ABCDE", "PAK", pak[:-1] + "0")
    assert not access.is_team(store, "ZZZZZ", "PAK", pak)
    with sqlite3.connect(tmp_path / "class.sqlite") as db:
        dump = "\n".join(db.iterdump())
    assert pak not in dump and ind not in dump  # only digests are kept
    new = access.reissue(store, "ABCDE", "PAK")
    assert new != pak and access.is_team(store, "ABCDE", "PAK", new) and not access.is_team(store, "ABCDE", "PAK", pak)


def test_the_pin_is_kept_hashed_across_restarts_and_compared(store, tmp_path):
    assert access.pin_set_at(store) is None
    pin = access.new_pin(store)
    assert len(pin) == access.PIN_DIGITS and pin.isdigit() and access.pin_set_at(store) is not None
    with sqlite3.connect(tmp_path / "class.sqlite") as db:
        assert pin not in "\n".join(db.iterdump())
    again = Store(tmp_path / "class.sqlite")  # the server restarted
    assert access.check_pin(again, pin, log=io.StringIO()).ok
    assert not access.check_pin(again, "0" * access.PIN_DIGITS, log=io.StringIO()).ok
    assert access.check_pin(again, "4711", chosen="4711", log=io.StringIO()).ok  # TIGHTROPE_PIN


def test_wrong_pins_wait_longer_and_longer_then_lock_the_page_and_are_logged(store, monkeypatch):
    pin = access.new_pin(store)
    clock = [1_000_000.0]
    monkeypatch.setattr(access.time, "time", lambda: clock[0])
    log = io.StringIO()
    for k in range(access.FREE_TRIES):
        verdict = access.check_pin(store, "wrong", log=log)
        assert not verdict.ok and verdict.wait_s == (5.0 if k == access.FREE_TRIES - 1 else 0.0)
    assert "Wait 5 s" in verdict.message
    refused = access.check_pin(store, pin, log=log)  # too soon: not even the right PIN is taken
    assert not refused.ok and "wait" in refused.message
    waits = []
    for _ in range(access.LOCK_AFTER - access.FREE_TRIES):
        clock[0] += 61
        waits.append(access.check_pin(Store(store.path), "wrong", log=log).wait_s)  # each in a fresh session
    assert waits[:3] == [10.0, 20.0, 40.0] and max(waits[:-1]) <= access.MAX_WAIT_S
    assert waits[-1] == access.LOCK_S
    clock[0] += 600
    locked = access.check_pin(store, pin, log=log)
    assert not locked.ok and "locked for 5 more minutes" in locked.message
    assert log.getvalue().count("a wrong teacher's PIN was typed") == access.LOCK_AFTER
    assert "(20 in a row)" in log.getvalue() and log.getvalue()[:4].isdigit()  # each with its time
    clock[0] += 301
    assert access.check_pin(store, pin, log=log).ok  # the lock-out is over
    assert access.check_pin(store, "wrong", log=log).wait_s == 0.0  # and the count starts afresh
