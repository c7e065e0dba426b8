"""The compiled ensemble is the Mesa model run once per seed, only faster."""

import numpy as np
import pytest

from sim.engine import ensemble
from sim.model.world import compile
from sim.scenario import ledger
from sim.scenario.loader import load
from tests.conftest import SCENARIOS, run

SEEDS = [0, 1, 7, 99, 2018, 123456789]
DECIDED = (("arms_offer", "arms_sale"), ("aid_cut", "aid_cut"), ("aid_restore", "aid_restored"), ("outreach", "visit"))


def decided(log, kind: str) -> int:
    return sum(e.type == kind for e in log if e.origin != "scenario")


@pytest.mark.parametrize("name", ["baseline", "us_ties_mended", "no_embargo_lift", "russia_arms_pakistan"])
def test_each_replication_equals_the_model_with_its_seed(name):
    world = compile(load(SCENARIOS / f"{name}.yaml"))
    batch = ensemble.run(world, SEEDS, keep_contributions=True)
    assert batch.alignment.shape[0] == len(SEEDS)
    for r, seed in enumerate(SEEDS):
        model = run(load(SCENARIOS / f"{name}.yaml").scenario, seed)
        np.testing.assert_allclose(batch.alignment[r], model.alignment, rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch.contributions[r], model.contributions, rtol=0, atol=1e-12)
        for rule, kind in DECIDED:
            assert batch.decisions[rule][r] == decided(model.log, kind), (seed, rule)


@pytest.mark.parametrize("name", ["baseline", "daesh_threat_fades", "india_foots_the_bill"])
def test_the_engine_equals_the_model_over_every_assumption_varied_at_once(name):
    """Every assumption drawn per run across its whole catalogue range, on 160 runs: the
    compiled loop must follow the Mesa model through every decision it takes."""
    loaded = load(SCENARIOS / f"{name}.yaml")
    rng = np.random.default_rng(2024)
    runs = 160
    varied = {a.name: rng.uniform(a.low, a.high, runs) for a in ledger.assumptions().values()}
    seeds = rng.integers(0, 2**32, runs)
    fast = ensemble.run(compile(loaded), seeds, varied=varied, keep_contributions=True)
    exercised = 0
    for r in range(runs):
        ref = run(loaded.scenario, int(seeds[r]), {k: float(v[r]) for k, v in varied.items()})
        np.testing.assert_allclose(fast.alignment[r], ref.alignment, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fast.contributions[r], ref.contributions, rtol=0, atol=1e-12)
        for rule, kind in DECIDED:
            assert fast.decisions[rule][r] == decided(ref.log, kind), (r, rule)
            exercised += decided(ref.log, kind)
    assert exercised > runs  # the decisions were exercised
    assert np.ptp(fast.alignment[:, -1], axis=0).max() > 0.1  # and the runs really differ


def test_the_seeds_decide_not_the_company_a_replication_keeps(baseline):
    seeds = np.arange(150) * 7919 + 11
    world = compile(baseline)
    whole = ensemble.run(world, seeds)
    for part in (slice(2, 5), slice(50, 140), slice(149, 150)):
        alone = ensemble.run(world, seeds[part])
        assert np.array_equal(whole.alignment[part], alone.alignment)
        assert all(np.array_equal(whole.decisions[k][part], alone.decisions[k]) for k in alone.decisions)
    assert not np.array_equal(whole.alignment[0], whole.alignment[1])


def test_overrides_reach_every_replication(baseline):
    low = ensemble.run(compile(baseline, {"hedging_gain": 0.0}), SEEDS)
    high = ensemble.run(compile(baseline, {"hedging_gain": 2.0}), SEEDS)
    t = low.world.step_of("2015Q4")  # while Pakistan-US ties fray
    assert np.all(high.pair("PAK", "RUS")[:, t] > low.pair("PAK", "RUS")[:, t] + 0.1)
