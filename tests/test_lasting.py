"""The language of lasting conditions: sanctions imposed and lifted, trade cut, until: on a standing
event, enduring rivalries and partnerships; and the Mesa model and the compiled engine agree on all of it."""

import numpy as np
import pytest

from sim.engine import ensemble
from sim.model import dynamics as dyn
from sim.model import events
from sim.model.world import compile
from sim.scenario.loader import load
from sim.scenario.schema import EVENT_KINDS, STANDING, Scenario
from tests.conftest import run

AID, SANCTIONS, TRADE = (dyn.CHANNELS.index(c) for c in ("aid", "sanctions", "trade"))


def with_events(*extra: dict, **keys) -> Scenario:
    base = load("baseline").scenario.model_dump(by_alias=True, exclude_none=True)
    return Scenario.model_validate({**base, "events": [*base["events"], *extra], **keys})


def test_every_standing_event_has_an_opposite_that_lands_on_the_same_cells():
    for kind in STANDING:
        opposite = EVENT_KINDS[kind].opposite
        assert opposite in STANDING
        assert events.landings(kind, 0, (1, 2)) == events.landings(opposite, 0, (1, 2))


def test_until_undoes_exactly_what_the_event_changed_even_when_a_cut_stopped_at_zero():
    L, S = np.zeros((len(dyn.CHANNELS), 2, 2)), np.zeros((len(dyn.CHANNELS), 2, 2))
    L[AID, 0, 1] = 0.5
    applied = events.land(S, L, "aid_cut", 0, (1,), 2.0)  # more than is given: stops at zero
    assert L[AID, 0, 1] == 0.0 and applied[0] == -0.5
    events.undo(S, L, "aid_restored", 0, (1,), applied)
    assert L[AID, 0, 1] == 0.5  # back to what it was, not to 2.0
    events.land(S, L, "sanctions", 0, (1,), 1.0)
    events.land(S, L, "sanctions_lifted", 0, (1,), 3.0)  # lifting never goes beyond none
    assert L[SANCTIONS, 0, 1] == 0.0
    events.land(S, L, "trade_cut", 0, (1,), 1.0)
    assert L[TRADE, 0, 1] == 0.0 and L[TRADE, 1, 0] == 0.0  # a cut never below none, both ways


def test_an_event_with_until_is_logged_where_it_ends_and_the_level_is_as_before():
    scenario = with_events(
        {"type": "sanctions", "from": "USA", "to": "RUS", "date": "2022Q1", "until": "2026Q1", "magnitude": 1.0}
    )
    r = run(scenario, 3)
    ended = [e for e in r.log if e.type == "sanctions_lifted" and e.origin == "scenario"]
    assert [(e.date, e.source, e.target, e.magnitude) for e in ended] == [("2026Q1", "USA", "RUS", 1.0)]
    assert "ends (2026Q1)" in ended[0].reason


def test_sanctions_keep_the_pair_apart_and_an_embargo_blocks_the_sellers_offers():
    base = compile(load("baseline"))
    sanctioned = compile(
        with_events({"type": "sanctions", "from": "RUS", "to": "CHN", "date": "2012Q1", "magnitude": 1.0})
    )
    b, w = ensemble.run(base, range(10)), ensemble.run(sanctioned, range(10))
    after = base.step_of("2014Q1")
    assert np.all((w.pair("RUS", "CHN") - b.pair("RUS", "CHN"))[:, after:] < 0)


def test_third_states_cannot_warm_a_declared_rivalry():
    """Without the rivalry, restoring Pakistan's US aid warmed Pakistan and India through hedging."""
    aid = {"type": "aid_restored", "from": "USA", "to": "PAK", "date": "2023Q1", "magnitude": 1.3}
    plain = load("baseline").scenario.model_dump(by_alias=True, exclude_none=True)
    loose = Scenario.model_validate({**plain, "rivalries": [], "partnerships": []})
    bound = [compile(with_events(aid)), compile(load("baseline"))]
    unbound = [
        compile(loose.model_copy(update={"events": (*loose.events, *with_events(aid).events[-1:])})),
        compile(loose),
    ]
    gap = lambda worlds: np.median(
        ensemble.run(worlds[0], range(20)).pair("PAK", "IND") - ensemble.run(worlds[1], range(20)).pair("PAK", "IND"),
        axis=0,
    ).max()
    assert gap(unbound) > 0.1 and gap(bound) <= 0.05


@pytest.mark.parametrize("seed", [0, 5, 2018])
def test_the_engine_equals_the_model_on_sanctions_until_cuts_rivalries_and_partnerships(seed):
    scenario = with_events(
        {"type": "sanctions", "from": "USA", "to": "RUS", "date": "2014Q1", "until": "2019Q1", "magnitude": 1.0},
        {"type": "arms_embargo", "from": "RUS", "to": "PAK", "date": "2019Q2", "until": "2023Q1", "magnitude": 0.4},
        {"type": "trade_cut", "from": "RUS", "to": "PAK", "date": "2020Q1", "magnitude": 0.2},
        {"type": "aid_cut", "from": "USA", "to": "PAK", "date": "2020Q1", "until": "2022Q1", "magnitude": 9.0},
        {
            "type": "threat_shock",
            "from": "AFG",
            "to": ["RUS", "PAK"],
            "date": "2021Q1",
            "until": "2024Q1",
            "magnitude": 0.5,
        },
        {"type": "incident", "from": "CHN", "to": "IND", "date": "2020Q2", "magnitude": 1.5},
        rivalries=[{"between": ["USA", "RUS"], "claims": ["yk.us-in-afghanistan"]}],
        partnerships=[{"between": ["RUS", "IND"], "claims": ["yk.india-veto-power"]}],
    )
    world = compile(scenario)
    fast = ensemble.run(world, [seed], keep_contributions=True)
    ref = run(scenario, seed)
    np.testing.assert_allclose(fast.alignment[0], ref.alignment, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.contributions[0], ref.contributions, rtol=0, atol=1e-12)
