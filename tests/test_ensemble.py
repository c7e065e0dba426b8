"""The vectorised ensemble is the Mesa model run once per seed, only faster."""

import numpy as np
import pytest

from sim import ensemble
from sim.loader import load
from sim.model import AlignmentModel
from tests.conftest import SCENARIOS

SEEDS = [0, 1, 7, 99, 2018, 123456789]


@pytest.mark.parametrize("name", ["baseline", "us_ties_mended", "no_embargo_lift", "russia_arms_pakistan"])
def test_each_replication_equals_the_model_with_its_seed(name):
    scenario = load(SCENARIOS / f"{name}.yaml").scenario
    batch = ensemble.run(scenario, SEEDS, keep_contributions=True)
    assert batch.alignment.shape[0] == len(SEEDS)
    for r, seed in enumerate(SEEDS):
        model = AlignmentModel(scenario, seed=seed).run()
        np.testing.assert_allclose(batch.alignment[r], model.alignment, rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch.contributions[r], model.contributions, rtol=0, atol=1e-12)
        decided = [e for e in model.log if e.origin != "scenario"]
        for rule, kind in (("arms_offer", "arms_sale"), ("aid_cut", "aid_cut"),
                           ("aid_restore", "aid_restored"), ("outreach", "visit")):
            assert batch.decisions[rule][r] == sum(e.type == kind for e in decided), (seed, rule)


def test_the_seeds_decide_not_the_company_a_replication_keeps(baseline):
    whole = ensemble.run(baseline, SEEDS)
    part = ensemble.run(baseline, SEEDS[2:5])
    assert np.array_equal(whole.alignment[2:5], part.alignment)
    assert not np.array_equal(whole.alignment[0], whole.alignment[1])


def test_overrides_reach_every_replication(baseline):
    low = ensemble.run(baseline, SEEDS, overrides={"hedging_gain": 0.0})
    high = ensemble.run(baseline, SEEDS, overrides={"hedging_gain": 1.0})
    pak, rus = baseline_index(baseline, "PAK"), baseline_index(baseline, "RUS")
    assert np.all(high.pair(pak, rus)[:, -1] > low.pair(pak, rus)[:, -1])


def baseline_index(scenario, code):
    return list(scenario.actors).index(code)
