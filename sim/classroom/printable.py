"""A student's result as one self-contained HTML page that prints on A4 or Letter.

The chart is a PNG drawn here with matplotlib and embedded in the page, so the file opens
and prints offline, with nothing fetched. The page holds the lesson's question, the
prediction and whether it held, the verdict sentence, the why in words, the quotes to
read and the discussion questions.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import numpy as np

from sim.classroom.student import Verdict
from sim.classroom.tables import Side

# The page's own look: one column, print margins, the chart at the column's width.
STYLE = """
@page { size: auto; margin: 16mm; }
body { font-family: sans-serif; font-size: 11pt; line-height: 1.4; max-width: 170mm; margin: 0 auto; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 12pt 0 4pt; }
img { width: 100%; height: auto; } blockquote { margin: 4pt 0 4pt 12pt; font-style: italic; }
.verdict { font-weight: bold; } .small { color: #555; font-size: 9pt; }
"""


@dataclass(frozen=True)
class Result:
    """What a student's page shows, gathered for the report."""

    title: str
    question: str
    prompt: str
    predicted: str
    held: bool
    verdict: Verdict
    outcome: str
    levers: dict[str, str]  # question -> setting, for levers moved from the sources' values
    quotes: list[tuple[str, str, str]]  # (claim id, quote, source title)
    discuss: list[str]


def chart_png(base: Side, whatif: Side, pair: tuple[str, str], width_in: float = 6.5) -> bytes:
    """The pair's score over time in both runs (median and 10-90 % band), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    a, b = pair
    world = whatif.world
    years = np.array([(world.start + t) / 4 for t in range(world.n_steps)])
    fig, ax = plt.subplots(figsize=(width_in, 2.8), dpi=150)
    for side, label, colour in ((base, "without the change", "#888888"), (whatif, "the what-if", "#c0392b")):
        mid, low, high = side.pair(a, b)
        ax.plot(years[: mid.size], mid, color=colour, label=label, linewidth=1.8)
        if low is not None:
            ax.fill_between(years[: mid.size], low, high, color=colour, alpha=0.2, linewidth=0)
    ax.set_ylim(-1, 1)
    ax.axhline(0, color="#cccccc", linewidth=0.8)
    ax.set_ylabel("alignment score")
    ax.set_title(f"{world.names[a]} - {world.names[b]} (-1 hostile, +1 allied)", fontsize=10)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def page(result: Result, png: bytes) -> str:
    """The report as one HTML document, the chart inline."""
    e = html.escape
    v = result.verdict
    levers = "".join(f"<li>{e(q)}: <b>{e(s)}</b></li>" for q, s in result.levers.items())
    quotes = "".join(
        f"<blockquote>{e(q)}</blockquote><div class='small'>{e(t)} ({e(c)})</div>" for c, q, t in result.quotes
    )
    discuss = "".join(f"<li>{e(d)}</li>" for d in result.discuss)
    image = base64.b64encode(png).decode("ascii")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(result.title)}</title><style>{STYLE}</style></head>
<body>
<h1>{e(result.title)}</h1>
<p>{e(result.question)}</p>
<h2>My prediction</h2>
<p>{e(result.prompt)}<br>I predicted: <b>{e(result.predicted)}</b>.
{"It held." if result.held else "It did not hold."}</p>
<h2>What the model says</h2>
<p class="verdict">{e(v.sentence)}</p>
<img alt="{e(v.pair[0])}-{e(v.pair[1])} score over time, with and without the change"
 src="data:image/png;base64,{image}">
<p>{e(result.outcome)}</p>
<p class="small">Without the change: {v.base:+.2f}; with it: {v.whatif:+.2f} ({v.at}, median of {v.runs} runs).
A teaching model, not a forecast: every assumption rests on quotes from the sources.</p>
{"<h2>My assumptions</h2><ul>" + levers + "</ul>" if levers else ""}
<h2>Read</h2>
{quotes}
<h2>Discuss</h2>
<ol>{discuss}</ol>
</body></html>
"""
