"""The game's charts, as Vega-Lite specifications (plain dictionaries, data inline, drawn offline).

:func:`paths` is the debrief's picture: each objective pair as played (solid) and in the
same world with the same seed and no player moves (dashed), the objective's bar, and the
dated events of the sources with their quotes. :func:`trend` is a meter's small chart.
"""

from __future__ import annotations

from sim.classroom.charts import OKABE_ITO, YEAR
from sim.game.play import Meter, Played
from sim.scenario import dates, ledger

AS_PLAYED, WITHOUT = "as played", "no player moves"


def start(p: Played) -> int:
    """The step the game's charts start at: the end of the year before the first turn."""
    return max(p.world.step_of(f"{p.setup.game.first_year}Q1"), 1) - 1


def series(p: Played, m: Meter) -> tuple[list[float], list[float]]:
    """(years, values) of a meter's pair from the year before the first turn to the last quarter played."""
    a, b = m.pair
    values = p.run.directed(a, b) if m.directed else p.run.pair(a, b)
    first = start(p)
    years = [dates.decimal_year(p.world.start + t) for t in range(first, p.step + 1)]
    return years, [round(float(v), 4) for v in values[first : p.step + 1]]


def _quote(claims: tuple[str, ...]) -> str:
    found = ledger.claims()
    return next((f"\u201c{found[c].quote}\u201d ({c})" for c in claims if c in found), "")


def paths(p: Played, none: Played, gauges: list[Meter], others: list[Meter], width: int = 640) -> dict:
    """``gauges`` (the team's meters in ``p``) against ``others`` (the same in ``none``), from the
    year before the first turn."""
    first = start(p)
    rows, bars = [], []
    for m, o in zip(gauges, others):
        for run, (years, values) in ((AS_PLAYED, series(p, m)), (WITHOUT, series(none, o))):
            rows += [{"year": y, "objective": m.label, "run": run, "score": v} for y, v in zip(years, values)]
        bars.append({"objective": m.label, "bar": m.above if m.above is not None else m.below})
    pairs = {frozenset(m.pair) for m in gauges}
    marks = [
        {
            "year": dates.decimal_year(dates.ordinal(e.date)),
            "quarter": e.date,
            "event": e.reason,
            "quote": _quote(e.claims),
        }
        for e in p.run.log
        if e.origin == "scenario" and e.step >= first and frozenset((e.source, e.target)) in pairs
    ]
    span = [rows[0]["year"], rows[-1]["year"]] if rows else [0, 1]
    x = {**YEAR, "scale": {"domain": span, "nice": False}}
    colour = {"field": "objective", "type": "nominal", "title": "Objective", "scale": {"range": OKABE_ITO}}
    colour["legend"] = {"orient": "bottom", "direction": "vertical", "labelLimit": 0}  # whole names, under the plot
    score = {"field": "score", "type": "quantitative", "title": "Score (-1 hostile, +1 allied)"}
    score["scale"] = {"domain": [-1, 1]}
    dash = {"field": "run", "type": "nominal", "title": "", "scale": {"domain": [AS_PLAYED, WITHOUT]}}
    dash["legend"] = {"orient": "bottom"}
    dash["scale"]["range"] = [[1, 0], [6, 4]]
    layers = [
        {
            "data": {"values": rows},
            "mark": {"type": "line"},
            "encoding": {
                "x": x,
                "y": score,
                "color": colour,
                "strokeDash": dash,
                "tooltip": [{"field": "objective"}, {"field": "run"}, {"field": "score", "format": ".2f"}],
            },
        },
        {
            "data": {"values": bars},
            "mark": {"type": "rule", "strokeDash": [2, 2], "opacity": 0.7},
            "encoding": {"y": {"field": "bar", "type": "quantitative"}, "color": colour},
        },
    ]
    if marks:
        layers.append(
            {
                "data": {"values": marks},
                "mark": {"type": "point", "shape": "triangle-up", "filled": True, "size": 70, "color": "#555555"},
                "encoding": {
                    "x": {**x, "field": "year"},
                    "y": {"datum": -0.95},
                    "tooltip": [{"field": "quarter"}, {"field": "event"}, {"field": "quote"}],
                },
            }
        )
    # In a one-panel vconcat, as the app's other charts: the plot keeps its own height, and the legend
    # under it takes room of its own (a top-level height is shared with a legend below).
    title = "Your objectives: as played (solid) and with no player moves (dashed); triangles: the sources' events"
    return {"vconcat": [{"title": title, "width": width, "height": 300, "layer": layers}]}


def trend(m: Meter) -> list[float]:
    """A meter's values at each turn's end, for a sparkline."""
    return [round(v, 3) for v in m.values]
