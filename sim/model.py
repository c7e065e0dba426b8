"""The alignment model: Mesa structure over the pure dynamics of :mod:`sim.dynamics`.

Each quarter: the authored events of that quarter land on the stocks; every state
agent weighs its own moves (arms offers, aid reviews, outreach) and its events
land too; then the dynamics advance every score at once and record each driver's
contribution. All randomness comes from the model's seeded generator, drawn in
the alphabetical order of the actor codes, so listing the actors in another
order changes nothing but the labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim import decisions, dynamics as dyn, ledger, quarters
from sim.agents import StateAgent
from sim.schema import EVENT_KINDS, Scenario

RULES = ("arms_offer", "aid_cut", "aid_restore", "outreach")

# Which assumptions each driver rests on (its claims are theirs).
DRIVER_ASSUMPTIONS: dict[str, tuple[str, ...]] = {
    "inertia": ("inertia_rate",),
    "benefits": ("benefit_gain", "giver_share", "weight_arms", "weight_aid", "weight_trade", "weight_security", "weight_diplomacy"),
    "threat": ("threat_gain", "relax_threat"),
    "pressure": ("pressure_gain",),
    "balance": ("balance_gain",),
    "hedging": ("hedging_gain",),
    "noise": ("noise_sd",),
}


@dataclass(frozen=True)
class LoggedEvent:
    step: int
    date: str
    type: str
    source: str
    target: str
    magnitude: float
    origin: str  # "scenario" or the code of the state that decided it
    reason: str
    claims: tuple[str, ...] = field(default=())


def assumption_values(scenario: Scenario, overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Catalogue defaults, then the scenario's settings, then command-line overrides."""
    values = {name: a.default for name, a in ledger.assumptions().items()}
    for name, setting in scenario.assumptions.items():
        values[name] = float(setting if isinstance(setting, float | int) else setting.value)
    values.update(overrides or {})
    return values


def coefficients(values: dict[str, float | np.ndarray], hedging: np.ndarray) -> dyn.Coefficients:
    """The dynamics' coefficients from assumption values: numbers, or one per replication ``(R,)``."""
    stacked = lambda names: np.stack(np.broadcast_arrays(*(np.asarray(values[n], dtype=float) for n in names)), axis=-1)
    return dyn.Coefficients(
        inertia_rate=values["inertia_rate"],
        benefit_gain=values["benefit_gain"],
        giver_share=values["giver_share"],
        threat_gain=values["threat_gain"],
        pressure_gain=values["pressure_gain"],
        balance_gain=values["balance_gain"],
        hedging_gain=values["hedging_gain"],
        noise_sd=values["noise_sd"],
        channel_weight=stacked([f"weight_{c}" for c in dyn.BENEFIT_CHANNELS]),
        relax_rate=stacked([f"relax_{c}" for c in dyn.CHANNELS]),
        hedging=hedging,
    )


def landings(kind: str, g: int, targets: list[int]) -> list[tuple[bool, int, int, int]]:
    """Where an event of ``kind`` from actor ``g`` lands, in order: ``(on a level?, channel, a, b)``
    per cell; a mutual event lands on both directions of each pair."""
    k = EVENT_KINDS[kind]
    c = dyn.CHANNELS.index(k.channel)
    return [(k.mode != "pulse", c, a, b) for r in targets for a, b in (((g, r), (r, g)) if k.mutual else ((g, r),))]


def land(S: np.ndarray, L: np.ndarray, kind: str, g: int, targets: list[int], magnitude) -> None:
    """Put an event of ``kind`` from actor ``g`` on the stocks (pulses) or levels, in place.

    Works on any leading batch axes; ``magnitude`` is a number or one per replication.
    """
    sign = EVENT_KINDS[kind].sign
    for level, c, a, b in landings(kind, g, targets):
        table = L if level else S
        table[..., c, a, b] += sign * magnitude
        if c == dyn.CHANNELS.index("aid"):
            table[..., c, a, b] = np.maximum(table[..., c, a, b], 0.0)  # aid cannot be cut below nothing


class AlignmentModel(mesa.Model):
    """Six (or more) states whose regard for one another moves quarter by quarter."""

    def __init__(self, scenario: Scenario, seed: int | None = None, overrides: dict[str, float] | None = None):
        self.seed = scenario.seed if seed is None else seed
        super().__init__(rng=self.seed)
        self.spec = scenario
        self.codes = list(scenario.actors)
        self.names = {code: a.name for code, a in scenario.actors.items()}
        self.index = {code: i for i, code in enumerate(self.codes)}
        order = sorted(self.codes)
        self._rank = np.array([order.index(code) for code in self.codes])
        self.values = assumption_values(scenario, overrides)
        n = len(self.codes)

        self.start = quarters.ordinal(scenario.horizon.start)
        self.n_steps = quarters.ordinal(scenario.horizon.end) - self.start + 1
        A0 = np.zeros((n, n))
        for entry in scenario.initial:
            for a, b in entry.pairs():
                A0[self.index[a], self.index[b]] = entry.value
        self.L = np.zeros((len(dyn.CHANNELS), n, n))
        self.S = np.zeros_like(self.L)
        for tie in scenario.ties:
            c, g, r = dyn.CHANNELS.index(tie.channel), self.index[tie.from_], self.index[tie.to]
            self.L[c, g, r] = tie.level
            self.S[c, g, r] = tie.level if tie.start is None else tie.start
        self.L0 = self.L.copy()
        self.A = A0
        hedging = np.array([a.doctrine.hedging for a in scenario.actors.values()])
        self.coef = coefficients(self.values, hedging)
        self.anchor = dyn.make_anchor(A0, self.S, self.coef)
        self.export = np.array([a.doctrine.arms_export for a in scenario.actors.values()])
        self.conditionality = np.array([a.doctrine.aid_conditionality for a in scenario.actors.values()])

        self.schedule: dict[int, list] = {}
        dropped = set(scenario.drop_events)
        for event in scenario.events:
            if event.id is None or event.id not in dropped:
                when = max(quarters.ordinal(event.date) - self.start, 1)
                self.schedule.setdefault(when, []).append(event)

        for i, code in enumerate(self.codes):
            StateAgent(self, code, self.names[code], i, scenario.actors[code].doctrine)

        # Every draw of the run is made up front, so a run's luck does not depend on which
        # decisions it takes: a what-if and its baseline with one seed share their noise.
        steps = self.n_steps - 1
        self.uniforms = self._canonical(self.rng.random((steps, len(RULES), n, n)))
        self.normals = self._canonical(self.rng.standard_normal((steps, n, n)))

        self.quarter = 0
        self.alignment = np.zeros((self.n_steps, n, n))
        self.contributions = np.zeros((self.n_steps, len(dyn.DRIVERS), n, n))
        self.alignment[0] = A0
        self.log: list[LoggedEvent] = []
        self.chances: dict[str, np.ndarray] = {}
        self.draws: dict[str, np.ndarray] = {}

    # --- helpers the agents call ---------------------------------------------------
    def value(self, name: str) -> float:
        return self.values[name]

    def aid_level(self, donor: int, recipient: int) -> tuple[float, float]:
        aid = dyn.CHANNELS.index("aid")
        return float(self.L[aid, donor, recipient]), float(self.L0[aid, donor, recipient])

    def emit(self, kind: str, source: str, target: str, magnitude: float, reason: str, assumptions: tuple[str, ...]) -> None:
        """A state's own decision: apply it and log it with its reason and the claims behind it."""
        if magnitude <= 0:
            return
        catalogue = ledger.assumptions()
        claims = [c for name in assumptions for c in catalogue[name].claims]
        claims += self.spec.actors[source].claims
        self._apply(kind, source, [target], magnitude)
        self.log.append(LoggedEvent(self.quarter, self.date_label(self.quarter), kind, source, target, magnitude,
                                    source, reason, tuple(dict.fromkeys(claims))))

    def date_label(self, step: int) -> str:
        return quarters.label(self.start + step)

    # --- the quarter ---------------------------------------------------------------
    def _apply(self, kind: str, source: str, targets: list[str], magnitude: float) -> None:
        land(self.S, self.L, kind, self.index[source], [self.index[t] for t in targets], magnitude)

    def _canonical(self, draws: np.ndarray) -> np.ndarray:
        """Map draws made in alphabetical actor order to this model's actor order."""
        n = len(self._rank)
        flat = (self._rank[:, None] * n + self._rank[None, :]).ravel()
        return np.take(draws.reshape(*draws.shape[:-2], n * n), flat, axis=-1).reshape(draws.shape)

    def _decide(self) -> None:
        v, A = self.values, self.A
        aid = dyn.CHANNELS.index("aid")
        self.chances = {
            "arms_offer": decisions.arms_offer(A, self.S, self.L[dyn.CHANNELS.index("arms")], self.coef,
                                               self.export, v["arms_offer_rate"]),
            "aid_cut": decisions.aid_cut(A, self.anchor.alignment, self.L[aid], self.conditionality,
                                         v["aid_review_rate"], v["aid_cut_gap"]),
            "aid_restore": decisions.aid_restore(A, self.anchor.alignment, self.L[aid], self.L0[aid],
                                                 self.conditionality, v["aid_review_rate"], v["aid_cut_gap"]),
            "outreach": decisions.outreach(A, self.anchor.alignment, self.coef.hedging, v["outreach_rate"]),
        }
        self.draws = dict(zip(RULES, self.uniforms[self.quarter - 1]))

    def step(self) -> None:
        self.quarter += 1
        t = self.quarter
        for event in self.schedule.get(t, ()):
            self._apply(event.type, event.from_, event.targets(), event.magnitude)
            for target in event.targets():
                self.log.append(LoggedEvent(t, self.date_label(t), event.type, event.from_, target, event.magnitude,
                                            "scenario", event.label or EVENT_KINDS[event.type].meaning, tuple(event.claims)))
        self._decide()
        self.agents.do("step")
        self.A, self.S, contrib = dyn.advance(self.A, self.S, self.L, self.anchor, self.coef, self.normals[t - 1])
        self.alignment[t] = self.A
        self.contributions[t] = contrib
        if t == self.n_steps - 1:
            self.running = False

    def run(self) -> AlignmentModel:
        while self.quarter < self.n_steps - 1:
            self.step()
        return self
