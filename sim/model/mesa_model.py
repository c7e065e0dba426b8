"""The alignment model in Mesa: one agent per state over the pure dynamics of :mod:`sim.model.dynamics`.

Each quarter: the authored events of that quarter land on the stocks; every state
agent weighs its own moves (arms offers, aid reviews, outreach) and its events
land too; then the dynamics advance every score at once and record each driver's
contribution. All randomness comes from the model's seeded generator, drawn in
the alphabetical order of the actor codes, so listing the actors in another
order changes nothing but the labels. The model runs a compiled
:class:`~sim.model.world.World` and returns a :class:`~sim.model.run.Run`.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.model import decisions, events
from sim.model import dynamics as dyn
from sim.model.agents import StateAgent
from sim.model.decisions import RULES
from sim.model.events import Scheduled
from sim.model.run import LoggedEvent, Run
from sim.model.world import World
from sim.scenario import ledger

ARMS, AID, SANCTIONS = (dyn.CHANNELS.index(c) for c in ("arms", "aid", "sanctions"))


def canonical(world: World, draws: np.ndarray) -> np.ndarray:
    """Draws made over the actors in alphabetical order, put in the world's actor order."""
    n, rank = len(world.codes), world.rank
    flat = (rank[:, None] * n + rank[None, :]).ravel()
    return np.take(draws.reshape(*draws.shape[:-2], n * n), flat, axis=-1).reshape(draws.shape)


class AlignmentModel(mesa.Model):
    """Six (or more) states whose regard for one another moves quarter by quarter."""

    def __init__(self, world: World, seed: int | None = None):
        self.seed = world.seed if seed is None else seed
        super().__init__(rng=self.seed)
        self.world = world
        n = len(world.codes)
        self.A, self.S, self.L = world.A0.copy(), world.S0.copy(), world.L0.copy()
        self.memory = world.memory  # what the states are used to; it drifts each quarter
        self.standing = world.S0.copy()  # what the standing ties deliver, without one-off pulses
        for i, code in enumerate(world.codes):
            StateAgent(self, code, world.names[code], i, world.hedging[i], world.export[i], world.conditionality[i])

        # Every draw of the run is made up front, so a run's luck does not depend on which
        # decisions it takes: a what-if and its baseline with one seed share their noise.
        steps = world.n_steps - 1
        self.uniforms = canonical(world, self.rng.random((steps, len(RULES), n, n)))
        self.normals = canonical(world, self.rng.standard_normal((steps, n, n)))

        self.quarter = 0
        self.alignment = np.zeros((world.n_steps, n, n))
        self.contributions = np.zeros((world.n_steps, len(dyn.DRIVERS), n, n))
        self.alignment[0] = world.A0
        self.log: list[LoggedEvent] = []
        self.added: dict[int, list[tuple[Scheduled, str]]] = {}  # events decided during the run
        self.kept: dict[int, list] = {}  # what each event with until: changed, to undo at its end
        self.chances: dict[str, np.ndarray] = {}
        self.draws: dict[str, np.ndarray] = {}

    # --- what the agents read and do ------------------------------------------------
    def value(self, name: str) -> float:
        return self.world.values[name]

    def aid_level(self, donor: int, recipient: int) -> tuple[float, float]:
        return float(self.L[AID, donor, recipient]), float(self.world.L0[AID, donor, recipient])

    def emit(
        self, kind: str, source: int, target: int, magnitude: float, reason: str, assumptions: tuple[str, ...]
    ) -> None:
        """A state's own decision: apply it and log it with its reason and the claims behind it."""
        if magnitude <= 0:
            return
        catalogue = ledger.assumptions()
        code = self.world.codes[source]
        claims = [c for name in assumptions for c in catalogue[name].claims] + list(self.world.actor_claims[code])
        events.land(self.S, self.L, kind, source, (target,), magnitude)
        self.log.append(
            LoggedEvent(
                self.quarter,
                self.world.date_label(self.quarter),
                kind,
                code,
                self.world.codes[target],
                magnitude,
                code,
                reason,
                tuple(dict.fromkeys(claims)),
            )
        )

    # --- the quarter ---------------------------------------------------------------
    def add(self, t: int, event: Scheduled, origin: str) -> None:
        """An event decided while the run goes on (a player's move, a teacher's), landing in quarter ``t``
        after the scenario's own; ``origin`` is who decided it, for the log."""
        if t <= self.quarter:
            raise ValueError(f"quarter {t} has already run (the run is at {self.quarter})")
        self.added.setdefault(t, []).append((event, origin))

    def _land_authored(self, t: int) -> None:
        codes = self.world.codes
        for e, origin in (*((e, "scenario") for e in self.world.schedule[t]), *self.added.get(t, ())):
            if e.undo:
                applied = events.undo(self.S, self.L, e.type, e.source, e.targets, self.kept.pop(e.slot))
            else:
                applied = events.land(self.S, self.L, e.type, e.source, e.targets, e.magnitude)
                if e.slot >= 0:
                    self.kept[e.slot] = applied
            per_target = len(applied) // len(e.targets)
            for k, target in enumerate(e.targets):
                # An ending says what it took back (a cut that stopped at zero took back less).
                size = abs(float(applied[k * per_target])) if e.undo else e.magnitude
                self.log.append(
                    LoggedEvent(
                        t,
                        self.world.date_label(t),
                        e.type,
                        codes[e.source],
                        codes[target],
                        size,
                        origin,
                        e.label,
                        e.claims,
                    )
                )

    def _decide(self) -> None:
        w, v, A = self.world, self.world.values, self.A
        flows = dyn.benefit_flows(self.S, w.coef.channel_weight)
        self.chances = {
            "arms_offer": decisions.arms_offer(
                A, flows, self.L[ARMS], self.L[SANCTIONS], w.export, v["arms_offer_rate"]
            ),
            "aid_cut": decisions.aid_cut(
                A, w.A0, self.L[AID], w.conditionality, v["aid_review_rate"], v["aid_cut_gap"]
            ),
            "aid_restore": decisions.aid_restore(
                A, w.A0, self.L[AID], w.L0[AID], w.conditionality, v["aid_review_rate"], v["aid_cut_gap"]
            ),
            "outreach": decisions.outreach(A, w.A0, w.hedging, v["outreach_rate"]),
        }
        self.draws = dict(zip(RULES, self.uniforms[self.quarter - 1]))

    def step(self) -> None:
        self.quarter += 1
        t = self.quarter
        before, L_before = self.S.copy(), self.L.copy()
        self._land_authored(t)
        self._decide()
        self.agents.do("step")
        self.A, self.memory, self.S, self.standing, contrib = dyn.advance(
            self.A,
            self.memory,
            self.S,
            self.standing,
            self.L,
            self.world.A0,
            self.world.coef,
            self.normals[t - 1],
            self.S - before,  # the acts that landed this quarter, authored and decided
            L_before,
        )
        self.alignment[t] = self.A
        self.contributions[t] = contrib
        if t == self.world.n_steps - 1:
            self.running = False

    def run_to(self, t: int) -> None:
        """Every quarter up to and including ``t``."""
        while self.quarter < min(t, self.world.n_steps - 1):
            self.step()

    def run(self) -> Run:
        """Every quarter of the horizon; the finished run as a record."""
        while self.quarter < self.world.n_steps - 1:
            self.step()
        return Run(self.world, self.seed, self.alignment, self.contributions, tuple(self.log))


def run(world: World, seed: int | None = None) -> Run:
    """One seeded run of ``world`` through the Mesa model (the world's own seed if none)."""
    return AlignmentModel(world, seed).run()
