"""A class's games in SQLite: who plays which state, the moves each team submitted, the teacher's events.

The world is never stored: it is replayed from the scenario, the seed and this log
(:func:`replay`), so a restarted server or the next lesson resumes a game exactly. The
scenario is kept by file name with a digest of what it said; a game whose scenario has
changed since is refused with that reason rather than replayed into a different world.

One file serves the whole class (``TIGHTROPE_DB``, else the user's data folder): WAL mode
so readers never wait on a writer, a busy timeout so writers queue instead of failing, and
every write in ``BEGIN IMMEDIATE`` so two teams submitting at once both land. Each call
opens its own connection: Streamlit serves sessions from many threads.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.game.moves import Move, Setup, setup
from sim.game.play import Injection, Played, play
from sim.scenario.loader import Loaded

SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    code TEXT PRIMARY KEY, scenario TEXT NOT NULL, digest TEXT NOT NULL, teams TEXT NOT NULL,
    mode TEXT NOT NULL, seed INTEGER NOT NULL, turns INTEGER NOT NULL, budget INTEGER NOT NULL,
    turn INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'playing', created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS moves (
    game TEXT NOT NULL, turn INTEGER NOT NULL, state TEXT NOT NULL, action TEXT NOT NULL, partner TEXT NOT NULL,
    PRIMARY KEY (game, turn, state, action, partner)
);
CREATE TABLE IF NOT EXISTS submissions (
    game TEXT NOT NULL, turn INTEGER NOT NULL, state TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (game, turn, state)
);
CREATE TABLE IF NOT EXISTS injections (
    game TEXT NOT NULL, turn INTEGER NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL,
    target TEXT NOT NULL, magnitude REAL NOT NULL, label TEXT NOT NULL, PRIMARY KEY (game, turn, seq)
);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL, set_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS team_keys (
    game TEXT NOT NULL, state TEXT NOT NULL, issue INTEGER NOT NULL, digest TEXT NOT NULL, issued REAL NOT NULL,
    PRIMARY KEY (game, state)
);
CREATE TABLE IF NOT EXISTS pin_failures (at REAL NOT NULL);
"""
# Columns added since the first class files were written: a file from then gains them when opened.
ADDED = {"games": (("auto_end", "INTEGER NOT NULL DEFAULT 0"),), "injections": (("token", "TEXT"),)}
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector
CODE_LENGTH = 5
BUSY_MS = 10_000  # a write waits this long for another before giving up


class GameError(ValueError):
    """A request the game cannot take (an unknown code, a turn already over, a paused game), with its reason."""


@dataclass(frozen=True)
class Game:
    """One row: a game as set up and where it stands. ``turn`` counts the turns resolved."""

    code: str
    scenario: str
    digest: str
    teams: tuple[str, ...]
    mode: str
    seed: int
    turns: int
    budget: int
    turn: int
    status: str  # playing, paused or over
    auto_end: bool = False  # the turn ends itself once every team has submitted

    @property
    def version(self) -> tuple[int, str]:
        """What a page polls: it redraws when this changes."""
        return self.turn, self.status

    @property
    def where(self) -> str:
        """Where the game stands, in words: "turn 3 of 8, playing" or "over after 5 turns of 8"."""
        if self.status == "over":
            return f"over after {self.turn} turn{'s' if self.turn != 1 else ''} of {self.turns}"
        return f"turn {self.turn + 1} of {self.turns}, {self.status}"


def default_path() -> Path:
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return Path(os.environ.get("TIGHTROPE_DB") or data / "tightrope" / "classroom.sqlite")


def digest(loaded: Loaded) -> str:
    return hashlib.sha256(loaded.scenario.model_dump_json().encode()).hexdigest()[:16]


class Store:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            for table, columns in ADDED.items():
                have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                for name, kind in columns:
                    if name not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        return db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def read(self, sql: str, args=()) -> list[tuple]:
        db = self._connect()
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def create(self, scenario: str, loaded: Loaded, s: Setup) -> str:
        """A new game from a setup; returns its code."""
        with self.write() as db:
            while True:
                code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
                if not db.execute("SELECT 1 FROM games WHERE code=?", (code,)).fetchone():
                    break
            db.execute(
                "INSERT INTO games (code, scenario, digest, teams, mode, seed, turns, budget, created)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (code, scenario, digest(loaded), json.dumps(s.teams), s.mode, s.seed, s.turns, s.budget, time.time()),
            )
        return code

    def game(self, code: str) -> Game:
        rows = self.read(
            "SELECT code, scenario, digest, teams, mode, seed, turns, budget, turn, status, auto_end"
            " FROM games WHERE code=?",
            (str(code).strip().upper(),),
        )
        if not rows:  # the code is not said back: it may come from a link anyone typed
            raise GameError("there is no game with that code (ask your teacher for the join link)")
        r = rows[0]
        return Game(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]))

    def games(self) -> list[Game]:
        return [self.game(r[0]) for r in self.read("SELECT code FROM games ORDER BY created DESC")]

    def _playing(self, db: sqlite3.Connection, code: str, turn: int) -> None:
        row = db.execute("SELECT turn, status, turns FROM games WHERE code=?", (code,)).fetchone()
        if row is None:
            raise GameError(f"no game with the code {code!r}")
        if row[1] == "over" or row[0] >= row[2]:
            raise GameError("the game is over")
        if row[1] == "paused":
            raise GameError("the teacher has paused the game: moves open again when it resumes")
        if row[0] != turn:
            raise GameError(f"turn {turn + 1} is over: the class is on turn {row[0] + 1}")

    def submit(self, code: str, turn: int, state: str, moves: list[Move]) -> None:
        """``state``'s moves for ``turn`` (0-based), replacing any it sent before in that turn."""
        with self.write() as db:
            self._playing(db, code, turn)
            db.execute("DELETE FROM moves WHERE game=? AND turn=? AND state=?", (code, turn, state))
            db.executemany(
                "INSERT INTO moves VALUES (?,?,?,?,?)", [(code, turn, state, m.action, m.partner) for m in set(moves)]
            )
            db.execute("INSERT OR REPLACE INTO submissions VALUES (?,?,?,?)", (code, turn, state, time.time()))

    def inject(self, code: str, turn: int, injection: Injection, token: str | None = None) -> bool:
        """Queue a teacher's event for ``turn``; False if the form that sent ``token`` already queued it
        (a form sent twice, by Enter and then the button, queues its event once)."""
        with self.write() as db:
            self._playing(db, code, turn)
            if token and db.execute("SELECT 1 FROM injections WHERE game=? AND token=?", (code, token)).fetchone():
                return False
            seq = db.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM injections WHERE game=? AND turn=?", (code, turn)
            ).fetchone()[0]
            i = injection
            db.execute(
                "INSERT INTO injections (game, turn, seq, type, source, target, magnitude, label, token)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (code, turn, seq, i.type, i.source, i.target, i.magnitude, i.label, token),
            )
            return True

    def queued(self, code: str, turn: int) -> list[tuple[int, Injection]]:
        """The teacher's events queued for ``turn``, by their number in the turn."""
        rows = self.read(
            "SELECT seq, type, source, target, magnitude, label FROM injections WHERE game=? AND turn=? ORDER BY seq",
            (code, turn),
        )
        return [(r[0], Injection(*r[1:])) for r in rows]

    def unqueue(self, code: str, turn: int, seq: int) -> None:
        """Take a queued event out of ``turn`` (before the turn ends)."""
        with self.write() as db:
            self._playing(db, code, turn)
            db.execute("DELETE FROM injections WHERE game=? AND turn=? AND seq=?", (code, turn, seq))

    def set_auto_end(self, code: str, on: bool) -> None:
        """Whether the turn ends itself once every team has submitted (kept with the game, across restarts)."""
        with self.write() as db:
            db.execute("UPDATE games SET auto_end=? WHERE code=?", (int(on), code))

    def end_turn(self, code: str, turn: int) -> bool:
        """Resolve ``turn`` for everyone; False if it was already ended (a second click, another tab)."""
        with self.write() as db:
            row = db.execute("SELECT turn, turns, status FROM games WHERE code=?", (code,)).fetchone()
            if row is None or row[0] != turn or row[2] == "over":
                return False
            status = "over" if turn + 1 >= row[1] else "playing"
            db.execute("UPDATE games SET turn=?, status=? WHERE code=?", (turn + 1, status, code))
            return True

    def pause(self, code: str, paused: bool) -> None:
        with self.write() as db:
            db.execute(
                "UPDATE games SET status=? WHERE code=? AND status!='over'", ("paused" if paused else "playing", code)
            )

    def finish(self, code: str, play_turn: bool = False) -> None:
        """End the game (the debrief opens): after playing the turn under way with the moves sent for
        it (``play_turn``), or now, dropping them. The turns not played are not played."""
        with self.write() as db:
            row = db.execute("SELECT turn, turns, status FROM games WHERE code=?", (code,)).fetchone()
            if row is None or row[2] == "over":
                return
            turn = row[0] + 1 if play_turn and row[0] < row[1] else row[0]
            db.execute("UPDATE games SET turn=?, status='over' WHERE code=?", (turn, code))

    def submitted(self, code: str, turn: int) -> dict[str, list[Move]]:
        """The states that have submitted for ``turn``, with their moves (an empty list is a submitted pass)."""
        out: dict[str, list[Move]] = {
            r[0]: [] for r in self.read("SELECT state FROM submissions WHERE game=? AND turn=?", (code, turn))
        }
        for state, action, partner in self.read(
            "SELECT state, action, partner FROM moves WHERE game=? AND turn=? ORDER BY state, action, partner",
            (code, turn),
        ):
            out.setdefault(state, []).append(Move(state, action, partner))
        return out

    def sent_at(self, code: str, turn: int, state: str) -> float | None:
        """When ``state`` last submitted for ``turn`` (seconds since the epoch), or None if it has not:
        what a team's other laptops watch for."""
        rows = self.read("SELECT at FROM submissions WHERE game=? AND turn=? AND state=?", (code, turn, state))
        return rows[0][0] if rows else None

    def log(self, code: str, turns: int | None = None) -> tuple[list[list[Move]], list[list[Injection]]]:
        """The moves and injections of the first ``turns`` turns (every resolved one if None), in turn
        order: what :func:`replay` plays."""
        g = self.game(code)
        upto = g.turn if turns is None else min(turns, g.turn)
        moves: list[list[Move]] = [[] for _ in range(upto)]
        injections: list[list[Injection]] = [[] for _ in range(upto)]
        for turn, state, action, partner in self.read(
            "SELECT turn, state, action, partner FROM moves WHERE game=? AND turn<?"
            " ORDER BY turn, state, action, partner",
            (g.code, upto),
        ):
            moves[turn].append(Move(state, action, partner))
        for turn, *fields in self.read(
            "SELECT turn, type, source, target, magnitude, label FROM injections WHERE game=? AND turn<?"
            " ORDER BY turn, seq",
            (g.code, upto),
        ):
            injections[turn].append(Injection(*fields))
        return moves, injections


def setup_of(g: Game, loaded: Loaded) -> Setup:
    """The game's setup on its scenario, refused if the scenario no longer says what it did."""
    if digest(loaded) != g.digest:
        raise GameError(
            f"{g.scenario} has changed since game {g.code} was created: replaying it would give a different "
            "world (restore the file, or start a new game)"
        )
    return setup(loaded, g.teams, g.mode, g.seed, g.turns, g.budget)


def replay(store: Store, code: str, loaded: Loaded, turns: int | None = None) -> Played:
    """The game through its first ``turns`` turns (all resolved ones if None): its setup and log
    played again (the world is never stored)."""
    g = store.game(code)
    moves, injections = store.log(g.code, turns)
    return play(setup_of(g, loaded), moves, injections)
