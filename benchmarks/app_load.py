"""Thirty students on one server, each moving a slider on the teacher's page: the server's time and CPU a move.

One `streamlit run` of the app (the repository's .streamlit/config.toml); ``--sessions``
clients speaking Streamlit's own protocol (:mod:`benchmarks.protocol`: a browser's
messages, nothing drawn) open the teacher's page and each moves the ``hedging_gain``
slider ``--moves`` times: first all at once, a move as soon as the last one's rerun
finished (the worst burst), then with 3 s between a student's moves (a class at work).
Printed against the baseline of one session: p50 and p95 seconds from a move to the
server finishing its rerun, and the server's CPU per move.

    .venv/bin/python benchmarks/app_load.py [--sessions 30] [--moves 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.protocol import Session, cpu_seconds  # noqa: E402
from tests.serving import Server  # noqa: E402

SLIDER = "hedging_gain"
THINK = (0.0, 3.0)  # seconds between a student's moves: all at once without pause, and a class at work
VALUES = (0.2, 0.35, 0.5, 0.15, 0.45, 0.3, 0.25, 0.4)  # within the assumption's range (0 to 0.5)


async def moves(url: str, pid: int, sessions: int, count: int, think: float) -> tuple[list[float], float]:
    clients = [Session(url, "page=teacher") for _ in range(sessions)]
    await asyncio.gather(*(c.open() for c in clients))
    await asyncio.gather(*(c.ready() for c in clients))

    async def student(k: int, c: Session) -> list[float]:
        await asyncio.sleep(think * k / sessions)  # students do not all move in the same instant
        waited = []
        for m in range(count):
            waited.append(await c.move(SLIDER, VALUES[(k + m) % len(VALUES)]))
            await asyncio.sleep(think)
        return waited

    before = cpu_seconds(pid)
    times = await asyncio.gather(*(student(k, c) for k, c in enumerate(clients)))
    cpu = (cpu_seconds(pid) - before) / (sessions * count)
    await asyncio.gather(*(c.close() for c in clients))
    return [t for ts in times for t in ts], cpu


def measure(sessions: int, count: int, think: float) -> dict:
    server = Server()
    try:
        times, cpu = asyncio.run(moves(server.url, server.proc.pid, sessions, count, think))
    finally:
        server.stop()
    times.sort()
    return {"p50": statistics.median(times), "p95": times[round(0.95 * (len(times) - 1))], "cpu": cpu, "n": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--moves", type=int, default=5)
    args = parser.parse_args()
    rows = [("baseline: 1 session", measure(1, args.moves, 0.0))]
    for think in THINK:
        rows.append((f"{args.sessions} sessions, {think:g} s apart", measure(args.sessions, args.moves, think)))
    print(f"{'':30}{'p50 s':>8}{'p95 s':>8}{'server CPU ms a move':>22}{'moves':>7}")
    for name, r in rows:
        print(f"{name:30}{r['p50']:8.3f}{r['p95']:8.3f}{r['cpu'] * 1000:22.1f}{r['n']:7d}")
    one = rows[0][1]
    for name, r in rows[1:]:
        print(f"{name}: p95 x{r['p95'] / one['p95']:.1f} the baseline's, CPU a move x{r['cpu'] / one['cpu']:.2f}")


if __name__ == "__main__":
    main()
