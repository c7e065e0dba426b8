"""Shared fixtures: paths and loaded scenarios."""

from pathlib import Path

import pytest

from sim.loader import load

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def baseline():
    return load(SCENARIOS / "baseline.yaml").scenario
