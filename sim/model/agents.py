"""One Mesa agent per state: it reads the quarter's decision chances and acts on them.

The chances come from :mod:`sim.model.decisions` (pure arrays computed once a quarter
by the model); the draws come from the model's seeded generator. An agent that
acts emits an event into the model's log, with its reason, exactly like an
authored event.
"""

from __future__ import annotations

import mesa


class StateAgent(mesa.Agent):
    """A state: its code, its name, its doctrine, and the three things it may do each quarter."""

    def __init__(
        self, model, code: str, name: str, index: int, hedging: float, arms_export: float, aid_conditionality: float
    ):
        super().__init__(model)
        self.code = code
        self.name = name
        self.index = index
        self.hedging, self.arms_export, self.aid_conditionality = hedging, arms_export, aid_conditionality

    def _chances(self, rule: str):
        """This agent's row of chances and draws for one rule, over the other states."""
        m = self.model
        return m.chances[rule][self.index], m.draws[rule][self.index]

    def _name_of(self, j: int) -> str:
        world = self.model.world
        return world.names[world.codes[j]]

    def offer_arms(self) -> None:
        p, u = self._chances("arms_offer")
        for j in (u < p).nonzero()[0].tolist():
            self.model.emit(
                "arms_sale",
                self.index,
                j,
                self.model.value("arms_offer_size"),
                f"{self.name} offers arms to {self._name_of(j)}: both regard each other well and "
                f"its other clients' displeasure left a {p[j]:.0%} chance",
                ("arms_offer_rate", "arms_offer_size"),
            )

    def review_aid(self) -> None:
        m = self.model
        for rule, kind in (("aid_cut", "aid_cut"), ("aid_restore", "aid_restored")):
            p, u = self._chances(rule)
            for j in (u < p).nonzero()[0].tolist():
                level, normal = m.aid_level(self.index, j)
                size = level * m.value("aid_cut_share") if kind == "aid_cut" else normal - level
                why = (
                    "its regard has fallen well below its 2010 level"
                    if kind == "aid_cut"
                    else "its regard is back near its 2010 level"
                )
                m.emit(
                    kind,
                    self.index,
                    j,
                    size,
                    f"{self.name} reviews aid to {self._name_of(j)}: {why}",
                    ("aid_review_rate", "aid_cut_gap", "aid_cut_share"),
                )

    def reach_out(self) -> None:
        p, u = self._chances("outreach")
        for j in (u < p).nonzero()[0].tolist():
            self.model.emit(
                "visit",
                self.index,
                j,
                self.model.value("outreach_size"),
                f"{self.name} hedges: ties with a patron have frayed and {self._name_of(j)} is that patron's rival",
                ("outreach_rate", "outreach_size"),
            )

    def step(self) -> None:
        if self.arms_export > 0:
            self.offer_arms()
        if self.aid_conditionality > 0:
            self.review_aid()
        if self.hedging > 0:
            self.reach_out()
