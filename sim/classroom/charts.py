"""Charts of the classroom app, as Vega-Lite specifications over the tables of :mod:`sim.classroom`.

Plain Vega-Lite dictionaries (what Altair produces) with their data inline: a
slider move must redraw within a blink, and building them costs well under a
millisecond where Altair's validation costs tens. Streamlit draws them with the
Vega it bundles, so nothing is fetched from the internet.

Every chart has a title and labelled axes and uses the Okabe-Ito palette, which
readers with the common colour-vision deficiencies can tell apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.dynamics import DRIVERS

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
RUNS = {"domain": ["what-if", "baseline"], "range": [[1, 0], [6, 4]]}
STATUS = {"domain": ["kept", "dropped", "added"], "range": ["#777777", "#D55E00", "#009E73"]}
SHAPES = {"domain": ["kept", "dropped", "added"], "range": ["circle", "cross", "diamond"]}
# Legends under their plots, in rows: a legend on the right pushed the 600-pixel plots past the
# page's edge on a 1280-pixel school laptop, and with it the names of the pairs.
BELOW = {"legend": {"orient": "bottom", "direction": "horizontal", "columns": 4}}
# Charts carry 4 decimals: a score axis spans 2 over 300 pixels, so 1e-4 is far below a pixel
# and tooltips show 3. Rounding halves what each rerun sends; downloads keep full precision.
DIGITS = 4
YEAR = {
    "field": "year",
    "type": "quantitative",
    "title": "Year",
    "axis": {"format": "d"},
    "scale": {"zero": False, "nice": False},
}


def records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts of Python scalars, numbers rounded to ``DIGITS``; NaN becomes null."""
    columns = []
    for name in table.columns:
        if table[name].dtype.kind == "f":
            values = [None if v != v else v for v in np.round(table[name].to_numpy(), DIGITS).tolist()]
        else:
            values = table[name].tolist()
        columns.append(values)
    names = list(table.columns)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _colour(field: str, title: str) -> dict:
    return {"field": field, "type": "nominal", "title": title, "scale": {"range": OKABE_ITO}}


GAP_FLOOR = 0.1  # the gap axis spans at least +-0.1: a gap of 0.004 must look like what it is, nearly nothing


def gap_domain(gaps: pd.DataFrame) -> list[float]:
    """A symmetric gap axis: at least +-0.1, wider only for wider gaps (rounded up to a tenth)."""
    widest = float(np.nanmax(np.abs(gaps["difference"]))) if len(gaps) else 0.0
    half = max(GAP_FLOOR, np.ceil(widest * 10) / 10)
    return [-half, half]


def alignments(table: pd.DataFrame, gaps: pd.DataFrame, marks: pd.DataFrame, width: int = 600) -> dict:
    """Pair scores over time (baseline dashed, what-if solid, bands if any), the gap, and the events."""
    score = {
        "field": "score",
        "type": "quantitative",
        "title": "Alignment score (-1 hostile, +1 allied)",
        "scale": {"domain": [-1, 1]},
    }
    layers = [
        {
            "mark": {"type": "line"},
            "encoding": {
                "x": YEAR,
                "y": score,
                "color": _colour("pair", "Pair"),
                "strokeDash": {"field": "run", "type": "nominal", "title": "Run", "scale": RUNS},
                "detail": {"field": "run"},
                "tooltip": [
                    {"field": "quarter"},
                    {"field": "pair"},
                    {"field": "run"},
                    {"field": "score", "type": "quantitative", "format": ".3f"},
                ],
            },
        }
    ]
    if table["low"].notna().any():
        layers.insert(
            0,
            {
                "transform": [{"filter": "datum.run === 'what-if'"}],
                "mark": {"type": "area", "opacity": 0.18},
                "encoding": {
                    "x": YEAR,
                    "y": {**score, "field": "low"},
                    "y2": {"field": "high"},
                    "color": _colour("pair", "Pair"),
                },
            },
        )
    span = [float(table.year.min()), float(table.year.max())]
    return {
        "config": BELOW,
        "resolve": {"scale": {"color": "independent", "shape": "independent"}},
        "vconcat": [
            {
                "title": "Alignment of each pair: the what-if (solid) against the baseline (dashed)",
                "width": width,
                "height": 300,
                "data": {"name": "series", "values": records(table)},
                "layer": layers,
            },
            {
                "title": "How far the what-if departs from the baseline",
                "width": width,
                "height": 120,
                "data": {"name": "gaps", "values": records(gaps)},
                "mark": {"type": "line"},
                "encoding": {
                    "x": YEAR,
                    "y": {
                        "field": "difference",
                        "type": "quantitative",
                        "title": "What-if minus baseline",
                        "scale": {"domain": gap_domain(gaps)},
                        "axis": {"format": "+.2f"},
                    },
                    "color": _colour("pair", "Pair"),
                    "tooltip": [
                        {"field": "quarter"},
                        {"field": "pair"},
                        {"field": "difference", "type": "quantitative", "format": "+.3f"},
                    ],
                },
            },
            {
                "title": "Authored events (hover for what happened)",
                "width": width,
                "data": {"name": "events", "values": records(marks)},
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {**YEAR, "scale": {"domain": span, "nice": False}},
                    "y": {"field": "who", "type": "nominal", "title": "Events (from -> to)"},
                    "color": {"field": "status", "type": "nominal", "title": "Event", "scale": STATUS},
                    "shape": {"field": "status", "type": "nominal", "scale": SHAPES},
                    "tooltip": [{"field": f} for f in ("quarter", "label", "type", "who", "status", "id")],
                },
            },
        ],
    }


def network(nodes: pd.DataFrame, edges: pd.DataFrame, quarter: str) -> dict:
    """States on a circle; each edge coloured (orange hostile, blue allied) and thickened by its score."""
    hidden = {"labels": False, "ticks": False, "grid": False, "domain": False, "title": None}
    frame = {"domain": [-1.35, 1.35]}
    x = {"field": "x", "type": "quantitative", "axis": hidden, "scale": frame}
    y = {"field": "y", "type": "quantitative", "axis": hidden, "scale": frame}
    return {
        "title": f"Who regards whom, {quarter} (mean of both directions)",
        "width": 460,
        "height": 460,
        "layer": [
            {
                "data": {"name": "edges", "values": records(edges)},
                "mark": {"type": "line"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "detail": {"field": "pair"},
                    "color": {
                        "field": "score",
                        "type": "quantitative",
                        "title": "Alignment",
                        "scale": {"scheme": "blueorange", "domain": [1, -1]},
                    },
                    "strokeWidth": {
                        "field": "strength",
                        "type": "quantitative",
                        "title": "Strength",
                        "scale": {"domain": [0, 1], "range": [0.5, 9]},
                    },
                    "tooltip": [{"field": "pair"}, {"field": "score", "type": "quantitative", "format": "+.2f"}],
                },
            },
            {
                "data": {"name": "nodes", "values": records(nodes)},
                "mark": {"type": "circle", "size": 900, "color": "#333333"},
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "name"}]},
            },
            {
                "data": {"name": "labels", "values": records(nodes)},
                "mark": {"type": "text", "color": "white", "fontWeight": "bold"},
                "encoding": {"x": x, "y": y, "text": {"field": "code"}},
            },
        ],
    }


BAR_ROW = 56  # pixels of plot per direction: the bars stay readable at any page width


def drivers(table: pd.DataFrame, title: str = "Why the scores moved: each driver's share of the change") -> dict:
    """Each driver's contribution to the change of each direction, stacked.

    The panel's height is the plot's own, a row per direction, with the legend below it.
    """
    directions = max(1, table["direction"].nunique()) if len(table) else 1
    bars = {
        "data": {"name": "drivers", "values": records(table)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "direction", "type": "nominal", "title": "How the first regards the second"},
            "x": {"field": "contribution", "type": "quantitative", "title": "Contribution to the change in score"},
            "color": {
                "field": "driver",
                "type": "nominal",
                "title": "Driver",
                # One colour a driver, the same on every chart: Okabe-Ito's eight and a grey for chance.
                "scale": {"domain": list(DRIVERS), "range": [*OKABE_ITO, "#8C8C8C"][: len(DRIVERS)]},
                "legend": {"orient": "bottom", "columns": 5},
            },
            "tooltip": [
                {"field": "direction"},
                {"field": "driver"},
                {"field": "contribution", "type": "quantitative", "format": "+.3f"},
                {"field": "assumptions"},
            ],
        },
    }
    # Inside a one-panel vconcat, like the alignments chart: its data stays inline with its name (Streamlit
    # moves top-level data), and the panel keeps its own size (a top-level size is shared with the legend).
    return {"vconcat": [{"title": title, "width": 640, "height": BAR_ROW * directions, **bars}]}


def history(path: pd.DataFrame, marks: pd.DataFrame, flows: pd.DataFrame, width: int = 600) -> dict:
    """The baseline over the sources' years: the pairs (median and 10-90 % band), the dated events,
    and the arms and aid flows as entered from SIPRI and CRS."""
    score = {
        "field": "score",
        "type": "quantitative",
        "title": "Alignment score (-1 hostile, +1 allied)",
        "scale": {"domain": [-1, 1]},
    }
    span = [float(path.year.min()), float(path.year.max())]
    x = {**YEAR, "scale": {"domain": span, "nice": False}}
    return {
        "config": BELOW,
        "resolve": {"scale": {"color": "independent"}},
        "vconcat": [
            {
                "title": "The baseline, 2010-2019: the median of the seeds (lines) and their 10-90 % (bands)",
                "width": width,
                "height": 260,
                "data": {"name": "path", "values": records(path)},
                "layer": [
                    {
                        "mark": {"type": "area", "opacity": 0.18},
                        "encoding": {
                            "x": x,
                            "y": {**score, "field": "low"},
                            "y2": {"field": "high"},
                            "color": _colour("pair", "Pair"),
                        },
                    },
                    {
                        "mark": {"type": "line"},
                        "encoding": {
                            "x": x,
                            "y": score,
                            "color": _colour("pair", "Pair"),
                            "tooltip": [
                                {"field": "quarter"},
                                {"field": "pair"},
                                {"field": "score", "type": "quantitative", "format": ".2f"},
                            ],
                        },
                    },
                ],
            },
            {
                "title": "The dated events the sources report (hover for what happened)",
                "width": width,
                "data": {"name": "events", "values": records(marks)},
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": x,
                    "y": {"field": "who", "type": "nominal", "title": "Events (from -> to)"},
                    "tooltip": [{"field": f} for f in ("quarter", "label", "type", "who")],
                },
            },
            {
                "title": "Arms (SIPRI) and aid (CRS) as entered, US$bn a year",
                "width": width,
                "height": 160,
                "data": {"name": "flows", "values": records(flows)},
                "mark": {"type": "line"},
                "encoding": {
                    "x": x,
                    "y": {"field": "US$bn a year", "type": "quantitative", "title": "US$bn a year"},
                    "color": _colour("flow", "Flow"),
                    "tooltip": [
                        {"field": "quarter"},
                        {"field": "flow"},
                        {"field": "US$bn a year", "type": "quantitative", "format": ".2f"},
                    ],
                },
            },
        ],
    }


def dataset(spec: dict, name: str) -> list[dict]:
    """The rows of a named dataset in a spec, wherever it sits (for tests and downloads)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and data.get("name") == name:
                found.extend(data.get("values", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found
