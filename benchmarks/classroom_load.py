"""A whole class on one server: team sessions following a class game while the teacher ends turns.

One `streamlit run` of the app (the repository's .streamlit/config.toml, as `make run` and
`make class` use it) on a fresh database, a game of all six states, two kinds of client:

- ``--sessions`` laptops (30: five a team), each a websocket speaking Streamlit's own protocol
  as its page does: it asks for the team page, answers the poll fragment's timed reruns, and
  notes when the server sends the heading of the new turn. Nothing is drawn, so the numbers
  are the server's: on a real class each laptop draws its own page.
- ``--pages`` team pages in headless Chromium on this machine, where the pages' drawing shares
  the server's two cores; a MutationObserver in each page notes when the new turn appears.

Each turn every team submits (the laptops through the store, as the page's button does; the
Chromium pages through their own pickers and button); a team's laptops redraw to show what it
sent, and ``SENT`` seconds later the teacher ends the turn.
Printed, each against its baseline of one client on the same server build: p50, p95 and max
seconds from "end turn" to a client having the new turn (goal: p95 <= 2 s with 30 sessions),
the server's CPU seconds from "end turn" to every client updated, the CPU the clients' polling
costs a second while nothing happens, and Chromium's CPU a turn.

    .venv/bin/python benchmarks/classroom_load.py [--sessions 30] [--pages 6] [--turns 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

import sim  # noqa: E402
from benchmarks.protocol import Session, cpu_seconds  # noqa: E402
from sim.game.moves import setup  # noqa: E402
from sim.game.store import Store  # noqa: E402
from tests.serving import Server, choose, launch_args, submit, wait_until_idle  # noqa: E402

TEAMS = ("PAK", "RUS", "USA", "IND", "CHN", "AFG")
PARTNER = {"PAK": "China", "RUS": "India", "USA": "India", "IND": "Russia", "CHN": "Pakistan", "AFG": "Pakistan"}
IDLE = 10.0  # seconds of polling measured with nothing happening
SENT = 3.0  # seconds between the last team sending and the teacher ending the turn (a team's laptops redraw then)
# Students keep their tab in front; headless Chromium would otherwise throttle the pages it thinks hidden.
FOREGROUND = [
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
OBSERVE = """(text) => {
  window.__seen = null;
  const heading = () => Array.from(document.querySelectorAll('h3')).some(h => h.textContent.includes(text));
  const check = () => { if (!window.__seen && heading()) window.__seen = Date.now(); };
  new MutationObserver(check).observe(document.body, {childList: true, subtree: true, characterData: true});
  check();
}"""


def browser_cpu() -> float:
    """CPU seconds of every Chromium process on the machine (the pages' rendering)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"chromium" in (proc / "cmdline").read_bytes():
                total += cpu_seconds(int(proc.name))
        except OSError:
            continue  # a process that ended while we looked
    return total


async def sessions_load(url: str, pid: int, store: Store, code: str, sessions: int, turns: int):
    """The delays (end turn -> each session has the new turn), the server's CPU a turn, and the
    polling's CPU a second."""
    clients = [Session(url, f"page=team&game={code}&state={TEAMS[k % len(TEAMS)]}") for k in range(sessions)]
    await asyncio.gather(*(c.open() for c in clients))
    await asyncio.gather(*(c.ready() for c in clients))
    await asyncio.sleep(2)  # every session has its poll running
    before = cpu_seconds(pid)
    await asyncio.sleep(IDLE)
    polling = (cpu_seconds(pid) - before) / IDLE
    delays, cpu = [], []
    for turn in range(turns):
        for state in TEAMS:
            store.submit(code, turn, state, [])
        await asyncio.sleep(SENT)  # as in a class, the turn ends a little after the last team sends
        want = f"turn {turn + 2} of 8"
        start_cpu, start = cpu_seconds(pid), time.time()
        store.end_turn(code, turn)
        while not all(any(want in h for t, h in c.headings if t >= start) for c in clients):
            await asyncio.sleep(0.01)
            if time.time() - start > 120:
                raise TimeoutError(f"not every session saw {want!r} within 120 s")
        cpu.append(cpu_seconds(pid) - start_cpu)
        delays += [min(t for t, h in c.headings if t >= start and want in h) - start for c in clients]
    await asyncio.gather(*(c.close() for c in clients))
    return delays, cpu, polling


@contextmanager
def class_game():
    """A fresh database with a game of all six states, and a server on it; stopped on leaving."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "class.sqlite"
        loaded = sim.load("walk_the_tightrope")
        store = Store(db)
        code = store.create("walk_the_tightrope.yaml", loaded, setup(loaded, TEAMS))
        server = Server({"TIGHTROPE_DB": str(db), "TIGHTROPE_PIN": "0"})
        try:
            yield server, store, code
        finally:
            server.stop()


def measure_sessions(sessions: int, turns: int) -> dict:
    with class_game() as (server, store, code):
        delays, cpu, polling = asyncio.run(sessions_load(server.url, server.proc.pid, store, code, sessions, turns))
    return summary(delays, cpu, polling, [0.0])


def measure(browser, sessions: int, turns: int) -> dict:
    with class_game() as (server, store, code):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        pages = []
        for k in range(sessions):
            page = context.new_page()
            page.goto(f"{server.url}/?page=team&game={code}&state={TEAMS[k % len(TEAMS)]}")
            wait_until_idle(page)
            pages.append((TEAMS[k % len(TEAMS)], page))
        before = cpu_seconds(server.proc.pid)
        time.sleep(IDLE)  # the pages poll on their own: this is the cost of a class sitting still
        polling = (cpu_seconds(server.proc.pid) - before) / IDLE
        delays, cpu, drawing = [], [], []
        for turn in range(turns):
            year = 2011 + turn
            for state in TEAMS[: min(sessions, len(TEAMS))]:
                page = next(p for s, p in pages if s == state)
                choose(page, "Support at the UN", PARTNER[state])
                submit(page, year)
            for _, page in pages:
                page.evaluate(OBSERVE, f"turn {turn + 2} of 8 ({year + 1})")
            start_cpu, start_drawing, start = cpu_seconds(server.proc.pid), browser_cpu(), time.time() * 1000
            store.end_turn(code, turn)
            for _, page in pages:
                page.wait_for_function("() => window.__seen !== null", timeout=120_000)
            seen = [page.evaluate("() => window.__seen") for _, page in pages]
            cpu.append(cpu_seconds(server.proc.pid) - start_cpu)
            drawing.append(browser_cpu() - start_drawing)
            delays += [(t - start) / 1000 for t in seen]
        context.close()
    return summary(delays, cpu, polling, drawing)


def summary(delays: list[float], cpu: list[float], polling: float, drawing: list[float]) -> dict:
    delays = sorted(delays)
    return {
        "p50": statistics.median(delays),
        "p95": delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))],
        "max": delays[-1],
        "cpu": statistics.median(cpu),
        "browser": statistics.median(drawing),
        "polling": polling,
        "samples": len(delays),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="team sessions speaking the protocol (laptops)")
    parser.add_argument("--pages", type=int, default=6, help="team pages drawn in Chromium on this machine")
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    rows = [
        ("baseline: 1 session", measure_sessions(1, args.turns)),
        (f"class: {args.sessions} sessions", measure_sessions(args.sessions, args.turns)),
    ]
    if args.pages > 0:  # --pages 0: the server's side alone
        with sync_playwright() as p:
            launch = launch_args()
            browser = p.chromium.launch(executable_path=launch["executable_path"], args=launch["args"] + FOREGROUND)
            rows.append(("baseline: 1 page in Chromium", measure(browser, 1, args.turns)))
            rows.append((f"{args.pages} pages in Chromium", measure(browser, args.pages, args.turns)))
            browser.close()
    print(
        f"{'':32}{'p50 s':>7}{'p95 s':>7}{'max s':>7}{'server CPU s/turn':>19}{'poll CPU/s':>12}"
        f"{'browser CPU s/turn':>20}{'samples':>9}"
    )
    for name, r in rows:
        print(
            f"{name:32}{r['p50']:7.2f}{r['p95']:7.2f}{r['max']:7.2f}{r['cpu']:19.2f}{r['polling']:12.3f}"
            f"{r['browser']:20.2f}{r['samples']:9d}"
        )
    (_, one), (_, many) = rows[:2]
    ratio_p95, ratio_cpu = many["p95"] / one["p95"], many["cpu"] / max(one["cpu"], 1e-3)
    print(f"ratio {args.sessions} sessions / 1: p95 x{ratio_p95:.2f}, server CPU a turn x{ratio_cpu:.1f}")
    verdict = "met" if many["p95"] <= 2 else "NOT met"
    print(f"goal p95 <= 2 s with {args.sessions} sessions: {verdict} ({many['p95']:.2f} s)")


if __name__ == "__main__":
    main()
