"""Who may act in a class game: the teacher behind a PIN, each team behind a key of its own.

Everything here lives in the class's SQLite file (:mod:`sim.game.store`), never in a browser
session, so a student who opens a new tab, or the server restarting, changes nothing:

- **Team keys.** A team's join link carries a key of 96 random bits. The file holds only each
  key's SHA-256 digest; the key itself is derived again when the teacher's page shows the link,
  as an HMAC of the game, the team and the key's issue number under the class's secret (made
  once with :mod:`secrets`, kept in the file beside the games). Re-issuing a team's key (a lost or
  leaked link) moves its issue number on: the old link stops working at once.
- **The teacher's PIN.** Stored as a salted scrypt digest, compared in constant time, kept across
  restarts until the teacher asks for a new one (``tightrope class --new-pin``). Failed attempts
  are counted in the file: after :data:`FREE_TRIES` each try must wait twice as long as the one
  before (from 5 s, at most a minute), and after :data:`LOCK_AFTER` the teacher's page is locked for
  :data:`LOCK_S` seconds. Each failure is printed in the server's terminal with its time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sys
import time
from dataclasses import dataclass

from sim.game.store import Store

FREE_TRIES = 5  # wrong PINs before each try has to wait
FIRST_WAIT_S = 5.0  # the first wait; each wrong PIN after it doubles the next
LOCK_AFTER = 20  # wrong PINs in a row that lock the teacher's page
LOCK_S = 15 * 60
MAX_WAIT_S = 60.0
KEY_BYTES = 12  # 96 bits
PIN_DIGITS = 8


def _secret(store: Store, name: str, make) -> bytes:
    """A value kept in the file under ``name``, made (once, by whichever caller comes first) if it is not."""
    with store.write() as db:
        row = db.execute("SELECT value FROM secrets WHERE name=?", (name,)).fetchone()
        if row is None:
            db.execute("INSERT INTO secrets VALUES (?,?,?)", (name, make(), time.time()))
            row = db.execute("SELECT value FROM secrets WHERE name=?", (name,)).fetchone()
    return bytes(row[0])


# --- team keys --------------------------------------------------------------------------------


def _derive(store: Store, game: str, state: str, issue: int) -> str:
    key = _secret(store, "keys", lambda: secrets.token_bytes(32))
    mac = hmac.new(key, f"{game}:{state}:{issue}".encode(), hashlib.sha256).digest()[:KEY_BYTES]
    return mac.hex()


def _digest(team_key: str) -> str:
    return hashlib.sha256(team_key.encode()).hexdigest()


def _issue(store: Store, game: str, state: str) -> int | None:
    rows = store.read("SELECT issue FROM team_keys WHERE game=? AND state=?", (game, state))
    return rows[0][0] if rows else None


def team_key(store: Store, game: str, state: str) -> str:
    """The key of ``state``'s team in ``game`` (issued now if it has none)."""
    issue = _issue(store, game, state)
    return _derive(store, game, state, issue) if issue is not None else reissue(store, game, state)


def reissue(store: Store, game: str, state: str) -> str:
    """A new key for ``state``'s team (the first, or one more): its old link stops working."""
    issue = _issue(store, game, state)
    issue = 0 if issue is None else issue + 1
    key = _derive(store, game, state, issue)
    with store.write() as db:
        db.execute(
            "INSERT OR REPLACE INTO team_keys VALUES (?,?,?,?,?)", (game, state, issue, _digest(key), time.time())
        )
    return key


def is_team(store: Store, game: str, state: str, key: str) -> bool:
    """Whether ``key`` opens ``state``'s page in ``game`` (compared in constant time)."""
    rows = store.read("SELECT digest FROM team_keys WHERE game=? AND state=?", (game, state))
    given = _digest(key or "")
    return bool(rows) and hmac.compare_digest(given, rows[0][0])


# --- the teacher's PIN ------------------------------------------------------------------------


def _pin_digest(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


def new_pin(store: Store) -> str:
    """A new PIN for the teacher (the old one stops working); only its salted digest is kept."""
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
    salt = secrets.token_bytes(16)
    with store.write() as db:
        db.execute("INSERT OR REPLACE INTO secrets VALUES (?,?,?)", ("pin", salt + _pin_digest(pin, salt), time.time()))
        db.execute("DELETE FROM pin_failures")
    return pin


def pin_set_at(store: Store) -> float | None:
    """When the kept PIN was made (seconds since the epoch), or None if there is none yet."""
    rows = store.read("SELECT set_at FROM secrets WHERE name='pin'")
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str  # what the page says (empty when the PIN was right)
    wait_s: float = 0.0  # how long before the next try is taken


def _standing(failures: list[float], now: float) -> tuple[int, float]:
    """Failures in a row (those of an expired lock-out forgotten) and the seconds before the next try."""
    if len(failures) >= LOCK_AFTER and now - failures[-1] >= LOCK_S:
        return 0, 0.0
    n = len(failures)
    if n >= LOCK_AFTER:
        return n, failures[-1] + LOCK_S - now
    if n >= FREE_TRIES:
        wait = min(FIRST_WAIT_S * 2.0 ** (n - FREE_TRIES), MAX_WAIT_S)
        return n, max(failures[-1] + wait - now, 0.0)
    return n, 0.0


def check_pin(store: Store, typed: str, chosen: str | None = None, log=sys.stdout) -> Verdict:
    """Whether ``typed`` is the teacher's PIN (``chosen``, set by TIGHTROPE_PIN, or the kept one), with
    the delays and the lock-out that failures earn, counted in the file."""
    now = time.time()
    failures = [r[0] for r in store.read("SELECT at FROM pin_failures ORDER BY at")]
    n, wait = _standing(failures, now)
    if n == 0 and failures:
        with store.write() as db:
            db.execute("DELETE FROM pin_failures")  # an expired lock-out: start afresh
    if n >= LOCK_AFTER:
        return Verdict(
            False, f"Too many wrong PINs: the teacher's page is locked for {wait / 60:.0f} more minutes.", wait
        )
    if wait > 0:
        return Verdict(False, f"Too many wrong PINs: wait {wait:.0f} s before the next try.", wait)
    if chosen is not None:
        right = hmac.compare_digest(typed.encode(), chosen.encode())
    else:
        kept = store.read("SELECT value FROM secrets WHERE name='pin'")
        right = bool(kept) and hmac.compare_digest(_pin_digest(typed, bytes(kept[0][0])[:16]), bytes(kept[0][0])[16:])
    if right:
        with store.write() as db:
            db.execute("DELETE FROM pin_failures")
        return Verdict(True, "")
    with store.write() as db:
        db.execute("INSERT INTO pin_failures VALUES (?)", (now,))
    n += 1
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    print(f"{stamp} Tightrope: a wrong teacher's PIN was typed ({n} in a row)", file=log, flush=True)
    if n >= LOCK_AFTER:
        return Verdict(False, f"Too many wrong PINs: the teacher's page is locked for {LOCK_S // 60} minutes.", LOCK_S)
    if n >= FREE_TRIES:
        wait = min(FIRST_WAIT_S * 2.0 ** (n - FREE_TRIES), MAX_WAIT_S)
        return Verdict(False, f"That is not the teacher's PIN. Wait {wait:.0f} s before the next try.", wait)
    return Verdict(False, "That is not the teacher's PIN (it is printed where the server was started).")
