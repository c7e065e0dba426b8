"""The vectorised ensemble is the Mesa model run once per seed, only faster, in either engine."""

import numpy as np
import pytest

from sim import ensemble, ledger
from sim.loader import load
from sim.model import AlignmentModel
from tests.conftest import SCENARIOS

SEEDS = [0, 1, 7, 99, 2018, 123456789]


@pytest.mark.parametrize("engine", ensemble.ENGINES)
@pytest.mark.parametrize("name", ["baseline", "us_ties_mended", "no_embargo_lift", "russia_arms_pakistan"])
def test_each_replication_equals_the_model_with_its_seed(name, engine):
    scenario = load(SCENARIOS / f"{name}.yaml").scenario
    batch = ensemble.run(scenario, SEEDS, keep_contributions=True, engine=engine)
    assert batch.alignment.shape[0] == len(SEEDS)
    for r, seed in enumerate(SEEDS):
        model = AlignmentModel(scenario, seed=seed).run()
        np.testing.assert_allclose(batch.alignment[r], model.alignment, rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch.contributions[r], model.contributions, rtol=0, atol=1e-12)
        decided = [e for e in model.log if e.origin != "scenario"]
        for rule, kind in (("arms_offer", "arms_sale"), ("aid_cut", "aid_cut"),
                           ("aid_restore", "aid_restored"), ("outreach", "visit")):
            assert batch.decisions[rule][r] == sum(e.type == kind for e in decided), (seed, rule)


@pytest.mark.parametrize("name", ["baseline", "daesh_threat_fades", "india_foots_the_bill"])
def test_the_engines_agree_over_every_assumption_varied_at_once(name):
    """Every assumption drawn per run across its whole catalogue range, on 160 runs: the
    compiled loop must follow the numpy reference through every decision it takes."""
    scenario = load(SCENARIOS / f"{name}.yaml").scenario
    rng = np.random.default_rng(2024)
    runs = 160
    varied = {a.name: rng.uniform(a.low, a.high, runs) for a in ledger.assumptions().values()}
    seeds = rng.integers(0, 2**32, runs)
    fast = ensemble.run(scenario, seeds, varied=varied, keep_contributions=True, engine="compiled")
    ref = ensemble.run(scenario, seeds, varied=varied, keep_contributions=True, engine="numpy")
    np.testing.assert_allclose(fast.alignment, ref.alignment, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.contributions, ref.contributions, rtol=0, atol=1e-12)
    for rule in ref.decisions:
        assert np.array_equal(fast.decisions[rule], ref.decisions[rule]), rule
    assert sum(int(d.sum()) for d in ref.decisions.values()) > runs  # the decisions were exercised
    assert np.ptp(fast.alignment[:, -1], axis=0).max() > 0.1  # and the runs really differ


@pytest.mark.parametrize("engine", ensemble.ENGINES)
def test_the_seeds_decide_not_the_company_a_replication_keeps(baseline, engine):
    seeds = np.arange(150) * 7919 + 11
    whole = ensemble.run(baseline, seeds, engine=engine)
    for part in (slice(2, 5), slice(50, 140), slice(149, 150)):
        alone = ensemble.run(baseline, seeds[part], engine=engine)
        assert np.array_equal(whole.alignment[part], alone.alignment)
        assert all(np.array_equal(whole.decisions[k][part], alone.decisions[k]) for k in alone.decisions)
    assert not np.array_equal(whole.alignment[0], whole.alignment[1])


def test_overrides_reach_every_replication(baseline):
    low = ensemble.run(baseline, SEEDS, overrides={"hedging_gain": 0.0})
    high = ensemble.run(baseline, SEEDS, overrides={"hedging_gain": 1.0})
    pak, rus = baseline_index(baseline, "PAK"), baseline_index(baseline, "RUS")
    assert np.all(high.pair(pak, rus)[:, -1] > low.pair(pak, rus)[:, -1])


def test_an_unknown_engine_is_refused(baseline):
    with pytest.raises(ValueError, match="expected one of compiled, numpy"):
        ensemble.run(baseline, SEEDS, engine="fortran")


def baseline_index(scenario, code):
    return list(scenario.actors).index(code)
