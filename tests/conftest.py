"""Shared fixtures: paths and loaded scenarios."""

import os
from pathlib import Path

import pytest

from sim.loader import load

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SHARED = Path(os.environ.get("TIGHTROPE_SHARED", ROOT.parent / "shared"))  # the source documents


@pytest.fixture(scope="session")
def baseline():
    return load(SCENARIOS / "baseline.yaml").scenario
