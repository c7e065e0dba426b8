"""How long the classroom app takes to rerun after a slider move, via Streamlit's AppTest.

Measured side by side in one process (interleaved rounds, so machine noise hits all alike):
- "single": a rerun after moving an assumption, one run per side (the model run is new each time);
- "200 replications": the same with 200 replications for the bands;
- baseline "cached": a rerun that changes nothing, so every run comes from the cache; what
  remains is the cost of Streamlit drawing the page's widgets and charts.
Prints medians of 20 reruns each and ratios against the cached rerun. Targets: single <= 100 ms,
200 replications <= 500 ms of server time.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 20


def session(replications: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.number_input(key="reps").set_value(replications).run()
    return at


def timed(at: AppTest, value: float | None) -> float:
    slider = at.slider(key=f"hedging_gain@{at.session_state['gen']}")
    if value is not None:
        slider.set_value(value)
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def main() -> None:
    os.chdir(ROOT)  # AppTest reads .streamlit/config.toml from here
    sessions = {"single": session(1), "200 replications": session(200), "cached": session(1)}
    times: dict[str, list[float]] = {name: [] for name in sessions}
    for k in range(ROUNDS):
        value = round(0.1 + 0.05 * k, 2)  # a value not seen before, so the model runs afresh
        for name, at in sessions.items():
            times[name].append(timed(at, None if name == "cached" else value))
    cached = statistics.median(times["cached"])
    print(f"classroom app rerun, median of {ROUNDS} (AppTest, this machine)")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:17s} {median * 1000:8.1f} ms   x{median / cached:5.2f} of the cached rerun")


if __name__ == "__main__":
    main()
