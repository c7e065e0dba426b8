"""Calibration: each fact from the sources holds on the baseline in at least 90 % of 100 seeds."""

import pytest

from sim.model import calibration

SEEDS = range(100)


@pytest.fixture(scope="module")
def shares():
    return calibration.shares(SEEDS)


@pytest.mark.parametrize("target", calibration.TARGETS, ids=lambda t: t.name)
def test_target_holds_in_nine_runs_of_ten(shares, target):
    assert shares[target.name] >= 0.9, f"{target.name}: held in {shares[target.name]:.0%} of {len(SEEDS)} seeds"
