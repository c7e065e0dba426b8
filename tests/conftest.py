"""Shared fixtures and helpers: paths, loaded scenarios, and one seeded run of a scenario."""

import os
from pathlib import Path

import pytest

from sim.model.mesa_model import run as run_world
from sim.model.world import compile
from sim.scenario.loader import load

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SHARED = Path(os.environ.get("TIGHTROPE_SHARED", ROOT.parent / "shared"))  # the source documents


def run(scenario, seed=None, overrides=None):
    """One seeded run of a scenario through the Mesa model."""
    return run_world(compile(scenario, overrides), seed)


@pytest.fixture(scope="session")
def baseline():
    return load(SCENARIOS / "baseline.yaml").scenario


def app_page(**query):
    """The classroom app through Streamlit's AppTest, opened at ``query``, its first run done."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def seen(elements) -> str:
    """What a reader sees of these elements' text: Markdown's character references decoded, no bold
    marks, no invisible word joiners (text from outside is shown as typed: sim.classroom.text)."""
    import html

    return html.unescape(" ".join(e.value for e in elements).replace("**", "")).replace("\u2060", "")
