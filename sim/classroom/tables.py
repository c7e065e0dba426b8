"""What the classroom app shows, as tables: no Streamlit here, so it is tested like the rest.

A side is one scenario run: its seeded run (for the event log and the drivers)
and, when asked for, replications (for the 10-90 % bands). The app compares the
what-if side against the baseline side pair by pair.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine import ensemble
from sim.engine.ensemble import Ensemble
from sim.model import measures, mesa_model, report
from sim.model.dynamics import DRIVER_ASSUMPTIONS
from sim.model.run import Run
from sim.model.world import World, compile
from sim.scenario import dates, ledger
from sim.scenario.errors import InputError
from sim.scenario.loader import Loaded, load
from sim.scenario.schema import Scenario

DEFAULT_PAIRS = (("PAK", "RUS"), ("PAK", "USA"), ("RUS", "IND"), ("IND", "USA"))
BAND = (10, 90)  # percentiles of the uncertainty band


@dataclass(frozen=True, eq=False)
class Side:
    """One scenario, run: its seeded run through the compiled engine (scores and drivers) and, if
    asked for, its replications. The Mesa run with its event log is made the first time it is read."""

    scenario: Scenario
    world: World
    seeded: Ensemble  # one run, the scenario's seed, with each driver's contributions
    replicas: Ensemble | None

    @cached_property
    def run(self) -> Run:
        """The seeded run through the Mesa model, with the event log (the Why tab, the CSV)."""
        return mesa_model.run(self.world)

    @property
    def contributions(self) -> np.ndarray:
        """Each driver's share of every move of the seeded run, ``(T, drivers, n, n)``."""
        return self.seeded.contributions[0]

    def pair(self, a: str, b: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """The pair's mean score over time: the centre line and the band (None for one run)."""
        if self.replicas is None:
            return self.seeded.pair(a, b)[0], None, None
        series = self.replicas.pair(a, b)
        low, mid, high = np.percentile(series, [BAND[0], 50, BAND[1]], axis=0)
        return mid, low, high

    def alignment_at(self, step: int) -> np.ndarray:
        """Scores at one step: the seeded run's, or the median of the replications."""
        if self.replicas is None:
            return self.seeded.alignment[0, step]
        return np.median(self.replicas.alignment[:, step], axis=0)


replication_seeds = ensemble.replication_seeds


def run_side(scenario: Scenario, replications: int = 1, threads: int = 2) -> Side:
    """The seeded run and, for more than one replication, the ensemble split over ``threads``.

    The compiled loop runs without the GIL, so the parts overlap; each replication is the
    same whichever part it lands in (a test checks), so the split changes nothing but time.
    """
    world = compile(scenario)
    with ThreadPoolExecutor(threads) as pool:
        seeded = pool.submit(ensemble.run, world, [world.seed], None, True)
        chunks = np.array_split(replication_seeds(scenario.seed, replications), threads) if replications > 1 else []
        parts = [pool.submit(ensemble.run, world, chunk) for chunk in chunks if chunk.size]
        replicas = ensemble.concat([p.result() for p in parts]) if parts else None
        return Side(scenario, world, seeded.result(), replicas)


def scenario_files(directory: Path) -> tuple[dict[str, Loaded], list[str]]:
    """Every scenario file in ``directory`` that loads, by file name (the baseline first), and one
    ``FILE:LINE:COL`` line for each problem of those that do not."""
    found, problems = {}, []
    for path in sorted(directory.glob("*.yaml"), key=lambda p: (p.stem != "baseline", p.name)):
        try:
            found[path.name] = load(path)
        except InputError as err:
            problems.extend(str(p) for p in err.problems)
    return found, problems


def pair_label(scenario: Scenario, a: str, b: str) -> str:
    return f"{scenario.actors[a].name} - {scenario.actors[b].name}"


def series(base: Side, whatif: Side, pairs) -> pd.DataFrame:
    """Long table for the chart: quarter, pair, run (baseline / what-if), score and band."""
    m = base.world
    years = np.array([dates.decimal_year(m.start + t) for t in range(m.n_steps)])
    labels = np.array([m.date_label(t) for t in range(m.n_steps)])
    columns: dict[str, list] = {"year": [], "quarter": [], "pair": [], "run": [], "score": [], "low": [], "high": []}
    for a, b in pairs:
        for which, side in (("baseline", base), ("what-if", whatif)):
            mid, low, high = side.pair(a, b)
            blank = np.full(m.n_steps, np.nan)
            for key, values in (
                ("year", years),
                ("quarter", labels),
                ("score", mid),
                ("low", blank if low is None else low),
                ("high", blank if high is None else high),
            ):
                columns[key].append(values)
            columns["pair"].append(np.full(m.n_steps, pair_label(base.scenario, a, b), dtype=object))
            columns["run"].append(np.full(m.n_steps, which, dtype=object))
    if not pairs:
        return pd.DataFrame(columns)
    return pd.DataFrame({key: np.concatenate(parts) for key, parts in columns.items()})


def differences(table: pd.DataFrame) -> pd.DataFrame:
    """What-if minus baseline, per pair and quarter."""
    run, score = table["run"].to_numpy(), table["score"].to_numpy()
    base, what = run == "baseline", run == "what-if"  # series() writes them in the same order
    return pd.DataFrame(
        {
            "year": table["year"].to_numpy()[base],
            "quarter": table["quarter"].to_numpy()[base],
            "pair": table["pair"].to_numpy()[base],
            "difference": score[what] - score[base],
        }
    )


def event_marks(base: Scenario, whatif: Scenario) -> pd.DataFrame:
    """Authored events for the time axis: kept, dropped in the what-if, or added by it."""
    dropped = set(whatif.drop_events) - set(base.drop_events)
    rows = []
    for origin, events in (("baseline", base.events), ("added", whatif.events[len(base.events) :])):
        for e in events:
            if e.id is not None and e.id in base.drop_events:
                continue
            status = "dropped" if e.id in dropped else ("added" if origin == "added" else "kept")
            rows.append(
                {
                    "year": dates.decimal_year(dates.ordinal(e.date)),
                    "quarter": dates.label(dates.ordinal(e.date)),
                    "who": f"{e.from_} -> {', '.join(e.targets())}",
                    "type": e.type,
                    "status": status,
                    "label": e.label or e.type.replace("_", " "),
                    "id": e.id or "",
                }
            )
    return pd.DataFrame(rows, columns=["year", "quarter", "who", "type", "status", "label", "id"])


def network(side: Side, step: int) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    """Nodes on a circle and one edge per pair, coloured by their mean score at ``step``; triad counts."""
    return network_of(side.world, side.alignment_at(step))


def network_of(world: World, A: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    """The network of the scores ``A`` (n, n) of ``world``'s states."""
    codes = world.codes
    angle = np.pi / 2 - 2 * np.pi * np.arange(len(codes)) / len(codes)
    x, y = np.cos(angle), np.sin(angle)
    nodes = pd.DataFrame({"code": codes, "name": [world.names[c] for c in codes], "x": x, "y": y})
    P = measures.symmetric(A)
    edges = []
    for i in range(len(codes)):
        for j in range(i + 1, len(codes)):
            pair = f"{codes[i]}-{codes[j]}"
            for end in (i, j):
                edges.append(
                    {
                        "pair": pair,
                        "score": float(P[i, j]),
                        "strength": abs(float(P[i, j])),
                        "x": float(x[end]),
                        "y": float(y[end]),
                    }
                )
    balanced, unbalanced = measures.triads(A)
    return nodes, pd.DataFrame(edges), (int(balanced), int(unbalanced))


def why(side: Side, a: str, b: str, start: int, end: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Why a->b and b->a moved over the steps: each driver's share, the events behind it, and
    one sentence per direction naming the driver that pushed most and the claims it rests on."""
    explained = report.explain(side.run, a, b, start, end)
    rows = [
        {
            "direction": direction,
            "driver": driver,
            "contribution": value,
            "assumptions": ", ".join(DRIVER_ASSUMPTIONS[driver]),
        }
        for direction, part in explained["directions"].items()
        for driver, value in part["drivers"].items()
    ]
    log = [
        {
            "quarter": e.date,
            "event": e.type.replace("_", " "),
            "from": e.source,
            "to": e.target,
            "size": e.magnitude,
            "decided by": "scenario" if e.origin == "scenario" else e.origin,
            "reason": e.reason,
            "claims": (f"{e.claims_are}: " if e.claims_are and e.claims else "") + ", ".join(e.claims),
            "between the two": e in explained["events"],
        }
        for e in (*explained["events"], *explained["related_events"])
    ]
    lines = [
        because(side.world, direction, part, explained["basis"], start, end)
        for direction, part in explained["directions"].items()
    ]
    log_table = pd.DataFrame(log).sort_values("quarter", kind="stable") if log else pd.DataFrame(log)
    return pd.DataFrame(rows), log_table, lines


THAW = ("2014Q1", "2019Q4")  # the years the sources call the thaw
AFTER = 24  # quarters a what-if's period runs after its first change: the six years effects are measured over


def first_change(base: Scenario, whatif: Scenario) -> str | None:
    """The first quarter in which a what-if differs from its base: an event added or dropped, or the
    start of the horizon if it sets an assumption or adds a state; None if it is the base itself."""
    if whatif.assumptions != base.assumptions or set(whatif.actors) != set(base.actors) or whatif.seed != base.seed:
        return whatif.horizon.start
    added = whatif.events[len(base.events) :]
    dropped = [e for e in base.events if e.id in set(whatif.drop_events) - set(base.drop_events)]
    when = [dates.ordinal(e.date) for e in (*added, *dropped)]
    return dates.label(min(when)) if when else None


def default_period(base: Scenario, whatif: Scenario) -> tuple[str, str]:
    """The Why tab's period: from the what-if's first change to six years on (within the horizon),
    or the thaw of 2014-2019 when nothing has changed."""
    start, end = dates.ordinal(whatif.horizon.start), dates.ordinal(whatif.horizon.end)
    first = first_change(base, whatif)
    if first is None:
        inside = start <= dates.ordinal(THAW[0]) and dates.ordinal(THAW[1]) <= end
        return THAW if inside else (dates.label(start), dates.label(end))
    lo = dates.ordinal(first)
    return dates.label(lo if lo < end else end - 1), dates.label(min(lo + AFTER, end))


LEADING = 2  # drivers named on each side of a move


def because(world: World, direction: str, part: dict, basis: dict, start: int, end: int) -> str:
    """One sentence for a direction's move: which drivers pushed it the way it went, which held it
    back, and what the largest rests on. A move up is never explained by its largest push down."""
    a, b = direction.split("->")
    change = part["to"] - part["from"]
    steady = round(change, 2) == 0  # below what the sentence's two decimals can show: say so, not "fell by -0.00"
    way = "held steady" if steady else "rose" if change > 0 else "fell"
    sign = 1.0 if change >= 0 else -1.0
    pushes = sorted(((d, v) for d, v in part["drivers"].items() if v * sign > 0), key=lambda dv: -abs(dv[1]))
    holds = sorted(((d, v) for d, v in part["drivers"].items() if v * sign < 0), key=lambda dv: -abs(dv[1]))
    named = lambda items: " and ".join(f"{d} ({v:+.2f})" for d, v in items[:LEADING])
    by = "" if steady else f" by {change:+.2f}"
    text = (
        f"How {world.names[a]} regards {world.names[b]} {way}{by} ({part['from']:+.2f} to "
        f"{part['to']:+.2f}) from {world.date_label(start)} to {world.date_label(end)}"
    )
    if steady:
        largest = sorted(part["drivers"].items(), key=lambda dv: -abs(dv[1]))
        return text + f": its drivers all but cancelled out (the largest: {named(largest)})."
    if pushes:
        text += f": {'pushed up' if sign > 0 else 'pushed down'} most by {named(pushes)}"
    if holds:
        text += f", held back by {named(holds)}"
    if pushes:
        lead = pushes[0][0]
        gain, claims = next(iter(basis[lead].items()))
        text += f". The {lead} driver rests on {gain} (claims: {', '.join(claims[:3])})"
    return text + "."


def claims_table() -> pd.DataFrame:
    sources = ledger.sources()
    return pd.DataFrame(
        [
            {
                "id": c.id,
                "source": sources[c.source].title,
                "kind": c.kind,
                "actors": ", ".join(c.actors),
                "year": c.year,
                "quote": c.quote,
            }
            for c in ledger.claims().values()
        ]
    )


def assumption_evidence(name: str) -> list[tuple[str, str, str]]:
    """(claim id, quote, source title) for each claim an assumption rests on."""
    claims, sources = ledger.claims(), ledger.sources()
    return [(cid, claims[cid].quote, sources[claims[cid].source].title) for cid in ledger.assumptions()[name].claims]


def tooltip(name: str) -> str:
    """An assumption's meaning, unit and range, and the quotes behind it, for a slider's help."""
    a = ledger.assumptions()[name]
    quotes = "\n".join(f'- "{quote}" ({cid}, {title})' for cid, quote, title in assumption_evidence(name))
    return f"{a.meaning}\n\nUnit: {a.unit}. Range {a.low} to {a.high}; default {a.default}.\n\nSources:\n{quotes}"


def tidy_download(side: Side) -> bytes:
    return report.tidy(side.run).to_csv(index=False).encode("utf-8")
