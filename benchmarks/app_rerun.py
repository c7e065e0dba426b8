"""How long the classroom app takes to rerun after a slider move, via Streamlit's AppTest.

Measured side by side in one process (interleaved rounds, so machine noise hits all alike):
- "single": a rerun after moving an assumption, one run per side (the model run is new each time);
- "200 replications": the same with 200 replications for the bands;
- baseline "cached": a rerun that changes nothing, so every run comes from the cache; what
  remains is the cost of Streamlit drawing the page's widgets and charts.
Prints medians of 20 reruns each and ratios against the cached rerun: the whole ``AppTest.run``
(what the targets are measured on: single <= 100 ms, 200 replications <= 500 ms), and the part
of it spent running the script, which is the server's own time without AppTest's bookkeeping.
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
    at.run()
    at.number_input(key="reps").set_value(replications).run()
    return at


def timed(at: AppTest, value: float | None) -> tuple[float, float]:
    """(whole rerun, script alone) in seconds."""
    slider = at.slider(key=f"hedging_gain@{at.session_state['gen']}")
    if value is not None:
        slider.set_value(value)
    SCRIPT_TIMES.clear()
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start, sum(SCRIPT_TIMES)


def main() -> None:
    os.chdir(ROOT)  # AppTest reads .streamlit/config.toml from here
    sessions = {"single": session(1), "200 replications": session(200), "cached": session(1)}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sessions}
    for k in range(ROUNDS):
        value = round(0.1 + 0.05 * k, 2)  # a value not seen before, so the model runs afresh
        for name, at in sessions.items():
            times[name].append(timed(at, None if name == "cached" else value))
    cached = statistics.median(whole for whole, _ in times["cached"])
    print(f"classroom app rerun, median of {ROUNDS} (AppTest, this machine)")
    print(f"  {'':17s} {'AppTest.run':>11s} {'script':>9s}   whole rerun against the cached one")
    for name, samples in times.items():
        whole = statistics.median(w for w, _ in samples)
        script = statistics.median(s for _, s in samples)
        print(f"  {name:17s} {whole * 1000:8.1f} ms {script * 1000:6.1f} ms   x{whole / cached:5.2f}")


if __name__ == "__main__":
    main()
