"""A class game's tables, pure: the results of every team, and the events a teacher may put in.

Shared by the teacher's page, the projector and the downloads; no Streamlit here.
"""

from __future__ import annotations

import pandas as pd

from sim.game.play import Played, meters, standing

# The teacher's events: one-off pushes between two states, in plain words for the form.
INJECTABLE = {
    "incident": "a hostile act between the two (a clash)",
    "diplomatic_pressure": "public pressure from the first on the second",
    "diplomatic_support": "support from the first for the second at a forum",
    "visit": "a high-level visit between the two",
    "joint_exercise": "a joint military exercise",
}


def class_results(p: Played, over: bool = True) -> pd.DataFrame:
    """One row per team and objective: where it started, where it stands, and whether it is met (an
    objective for the end only once the game is over). Scores to two decimals."""
    rows = []
    for c in p.setup.teams:
        met, judged, total = standing(p, c, over)
        for m in meters(p, c):
            can = m.when != "end" or over
            rows.append(
                {
                    "team": p.world.names[c],
                    "objective": m.label,
                    "start": round(m.values[0], 2) + 0.0,
                    "now": round(m.values[-1], 2) + 0.0,
                    "met": bool(m.met) if can else False,
                    "judged": "yes" if can else "at the end",
                    "team's score": f"{met} of {judged}" if judged else "none judged yet",
                }
            )
    return pd.DataFrame(rows)
