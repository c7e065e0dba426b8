"""PNG figures of batch results (matplotlib, Agg backend: no display, nothing fetched).

Okabe-Ito colours, a title and labelled axes on every figure, like the classroom app's charts.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.classroom.charts import OKABE_ITO  # noqa: E402
from sim.files import atomic  # noqa: E402

BAND = (10, 90)


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    with atomic(path) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)


def indices(table: pd.DataFrame, bars: list[tuple[str, str | None, str]], title: str, path: Path) -> None:
    """One panel per output: a horizontal bar per assumption and index, with confidence whiskers."""
    outputs = list(dict.fromkeys(table["output"]))
    names = list(dict.fromkeys(table["assumption"]))
    fig, axes = plt.subplots(
        1, len(outputs), figsize=(4.5 * len(outputs) + 1.5, 0.45 * len(names) + 1.8), sharey=True, squeeze=False
    )
    y = np.arange(len(names))
    height = 0.8 / len(bars)
    for ax, output in zip(axes[0], outputs):
        rows = table[table["output"] == output].set_index("assumption").loc[names]
        for k, (column, conf, label) in enumerate(bars):
            ax.barh(
                y + (k - (len(bars) - 1) / 2) * height,
                rows[column],
                height,
                label=label,
                color=OKABE_ITO[k],
                xerr=rows[conf] if conf else None,
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
        ax.set_title(output)
        ax.set_xlabel("index")
        ax.axvline(0, color="#444444", linewidth=0.6)
    axes[0][0].set_yticks(y, names)
    axes[0][0].set_ylabel("varied assumption")
    axes[0][0].invert_yaxis()
    axes[0][-1].legend(loc="lower right", fontsize=8)
    fig.suptitle(title)
    _save(fig, path)


def fan(
    years: np.ndarray, series: np.ndarray, title: str, ylabel: str, path: Path, marks: dict[str, float] | None = None
) -> None:
    """Median and 10-90 % band over runs of ``series (runs, T)`` against ``years (T,)``."""
    low, mid, high = np.percentile(series, [BAND[0], 50, BAND[1]], axis=0)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.fill_between(
        years, low, high, color=OKABE_ITO[0], alpha=0.25, label=f"{BAND[0]}-{BAND[1]} % of {len(series)} runs"
    )
    ax.plot(years, mid, color=OKABE_ITO[0], linewidth=2, label="median")
    for label, value in (marks or {}).items():
        ax.axhline(value, color=OKABE_ITO[5], linestyle="--", linewidth=1, label=label)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    _save(fig, path)
