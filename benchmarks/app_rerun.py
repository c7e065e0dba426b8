"""How long the classroom app takes to rerun after a student's or a teacher's move, via Streamlit's AppTest.

Measured side by side in one process (interleaved rounds, so machine noise hits all alike):
- "teacher, single": the teacher's page after moving an assumption, one run per side (new each time);
- "teacher, 200 replications": the same with 200 replications for the bands;
- "student, lever": the student's page after moving a lever, with its default 30-seed bands;
- baseline "cached": a teacher's rerun that changes nothing, so every run comes from the cache; what
  remains is the cost of Streamlit drawing the page's widgets and charts.
Prints medians of 20 reruns each and ratios against the cached rerun: the whole ``AppTest.run``
(what the targets are measured on: single <= 100 ms, with default bands <= 300 ms), the part of
it spent running the script (the server's own time), and the CPU the process spent on it.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import streamlit.runtime.scriptrunner.script_runner as script_runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 20
SCRIPT_TIMES: list[float] = []


def _timing(run_script):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return run_script(*args, **kwargs)
        finally:
            SCRIPT_TIMES.append(time.perf_counter() - start)

    return timed


# The script runner calls this once per rerun to execute app.py.
script_runner.exec_func_with_error_handling = _timing(script_runner.exec_func_with_error_handling)


def session(replications: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["page"] = "teacher"
    at.run()
    at.number_input(key="reps").set_value(replications).run()
    return at


def student() -> AppTest:
    """The student's page with lesson 1's result shown."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    lesson = at.session_state["lesson"]
    at.radio(key=f"prediction@{lesson}").set_value("lower").run()
    at.button[[b.label for b in at.button].index("Run the model")].click().run()
    return at


LEVERS = ("hedging", "gifts", "history", "threat", "jealousy", "habit")
SETTINGS = ("half as much", "twice as much", "none", "half as much again")


def move(at: AppTest, k: int) -> None:
    """Round k's move: a new assumption value (teacher) or lever setting (student), never seen before."""
    if at.session_state["page"] == "student":
        at.select_slider(key=f"lever_{LEVERS[k % 6]}").set_value(SETTINGS[(k // 6) % 4])
    else:
        at.slider(key=f"hedging_gain@{at.session_state['gen']}").set_value(round(0.1 + 0.05 * k, 2))


def timed(at: AppTest, k: int | None) -> tuple[float, float, float]:
    """(whole rerun, script alone, CPU of the process) in seconds."""
    if k is not None:
        move(at, k)
    SCRIPT_TIMES.clear()
    cpu, start = time.process_time(), time.perf_counter()
    at.run()
    return time.perf_counter() - start, sum(SCRIPT_TIMES), time.process_time() - cpu


def main() -> None:
    os.chdir(ROOT)  # AppTest reads .streamlit/config.toml from here
    sessions = {
        "teacher, single": session(1),
        "teacher, 200 replications": session(200),
        "student, lever": student(),
        "cached": session(1),
    }
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in sessions}
    for k in range(ROUNDS):
        for name, at in sessions.items():
            times[name].append(timed(at, None if name == "cached" else k))
    cached = statistics.median(whole for whole, _, _ in times["cached"])
    print(f"classroom app rerun, median of {ROUNDS} (AppTest, this machine)")
    print(f"  {'':26s} {'AppTest.run':>11s} {'script':>9s} {'CPU':>9s}   whole rerun against the cached one")
    for name, samples in times.items():
        whole, script, cpu = (statistics.median(x[k] for x in samples) for k in range(3))
        ms = f"{whole * 1000:8.1f} ms {script * 1000:6.1f} ms {cpu * 1000:6.1f} ms"
        print(f"  {name:26s} {ms}   x{whole / cached:5.2f}")


if __name__ == "__main__":
    main()
