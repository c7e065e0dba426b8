"""One Mesa agent per state: it reads the quarter's decision chances and acts on them.

The chances come from :mod:`sim.decisions` (pure arrays computed once a quarter
by the model); the draws come from the model's seeded generator. An agent that
acts emits an event into the model's log, with its reason, exactly like an
authored event.
"""

from __future__ import annotations

import mesa

from sim.schema import Doctrine


class StateAgent(mesa.Agent):
    """A state: its code, its name, its doctrine, and the three things it may do each quarter."""

    def __init__(self, model, code: str, name: str, index: int, doctrine: Doctrine):
        super().__init__(model)
        self.code = code
        self.name = name
        self.index = index
        self.doctrine = doctrine

    def _chances(self, rule: str):
        """This agent's row of chances and draws for one rule, over the other states."""
        m = self.model
        return m.chances[rule][self.index], m.draws[rule][self.index]

    def offer_arms(self) -> None:
        p, u = self._chances("arms_offer")
        for j in (u < p).nonzero()[0].tolist():
            buyer = self.model.codes[j]
            self.model.emit(
                "arms_sale", self.code, buyer, self.model.value("arms_offer_size"),
                f"{self.name} offers arms to {self.model.names[buyer]}: both regard each other well and "
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
                why = ("its regard has fallen well below its 2010 level" if kind == "aid_cut"
                       else "its regard is back near its 2010 level")
                m.emit(kind, self.code, m.codes[j], size,
                       f"{self.name} reviews aid to {m.names[m.codes[j]]}: {why}",
                       ("aid_review_rate", "aid_cut_gap", "aid_cut_share"))

    def reach_out(self) -> None:
        p, u = self._chances("outreach")
        for j in (u < p).nonzero()[0].tolist():
            rival = self.model.codes[j]
            self.model.emit(
                "visit", self.code, rival, self.model.value("outreach_size"),
                f"{self.name} hedges: ties with a patron have frayed and {self.model.names[rival]} is that patron's rival",
                ("outreach_rate", "outreach_size"),
            )

    def step(self) -> None:
        if self.doctrine.arms_export > 0:
            self.offer_arms()
        if self.doctrine.aid_conditionality > 0:
            self.review_aid()
        if self.doctrine.hedging > 0:
            self.reach_out()
