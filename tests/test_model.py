"""The Mesa model: reproducibility, relabelling, decomposition, and the states' own decisions."""

import numpy as np

from sim.model import report as results
from sim.scenario.schema import Scenario
from tests.conftest import run


def test_same_seed_gives_bitwise_identical_runs(baseline):
    a, b = run(baseline, 11), run(baseline, 11)
    assert np.array_equal(a.alignment, b.alignment)
    assert np.array_equal(a.contributions, b.contributions)
    assert a.log == b.log
    assert results.tidy(a).equals(results.tidy(b))


def test_other_seeds_give_other_runs(baseline):
    a, b = run(baseline, 1), run(baseline, 2)
    assert not np.array_equal(a.alignment, b.alignment)


def test_relabelling_the_actor_order_changes_nothing_but_the_labels(baseline):
    order = list(reversed(baseline.actors))
    shuffled = Scenario.model_validate(
        {**baseline.model_dump(by_alias=True), "actors": {k: baseline.actors[k].model_dump() for k in order}}
    )
    a, b = run(baseline, 5), run(shuffled, 5)
    perm = [b.world.index[c] for c in a.codes]
    np.testing.assert_allclose(b.alignment[:, perm][:, :, perm], a.alignment, rtol=0, atol=1e-12)
    key = lambda e: (e.step, e.type, e.source, e.target)
    assert sorted(map(key, a.log)) == sorted(map(key, b.log))


def test_contributions_of_every_row_sum_to_its_change(baseline):
    m = run(baseline, 3)
    table = results.tidy(m).sort_values(["source", "target", "step"])
    change = table.groupby(["source", "target"])["alignment"].diff().fillna(0.0)
    drivers = table.filter(like="d_").sum(axis=1)
    assert np.max(np.abs(drivers - change)) < 1e-9
    assert set(table.columns) == {
        "date",
        "step",
        "source",
        "target",
        "alignment",
        "d_inertia",
        "d_memory",
        "d_benefits",
        "d_threat",
        "d_pressure",
        "d_displeasure",
        "d_balance",
        "d_hedging",
        "d_noise",
    }


def test_states_decide_events_and_give_reasons(baseline):
    own = [e for seed in range(10) for e in run(baseline, seed).log if e.origin != "scenario"]
    assert own, "no state acted of its own accord in ten runs"
    assert {e.type for e in own} <= {"arms_sale", "aid_cut", "aid_restored", "visit"}
    for e in own:
        assert e.reason and e.claims and e.source == e.origin and e.source != e.target


def test_no_embargo_means_no_russian_offers_to_pakistan_while_it_stands():
    from sim.scenario.loader import load
    from tests.conftest import SCENARIOS

    whatif = load(SCENARIOS / "no_embargo_lift.yaml").scenario
    for seed in range(20):
        log = run(whatif, seed).log
        assert not [e for e in log if e.type == "arms_sale" and (e.source, e.target) == ("RUS", "PAK")]


def test_an_added_state_needs_no_code(baseline):
    data = baseline.model_dump(by_alias=True, exclude_none=True)
    data["actors"]["IRN"] = {"name": "Iran", "doctrine": {"hedging": 0.3}}
    data["initial"].append({"between": ["IRN", "USA"], "value": -0.6})
    m = run(Scenario.model_validate(data), 0)
    assert m.world.names["IRN"] == "Iran" and m.alignment.shape[1:] == (7, 7)
    assert results.final_scores(m).loc["Iran", "United States"] < 0
