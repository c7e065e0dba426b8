"""What every page of the classroom app shares: the served scenarios and the cached runs.

Cached once per server (``st.cache_resource``) and read-only: never mutate what these return.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from sim.classroom import tables as classroom
from sim.classroom import whatif
from sim.classroom.whatif import WhatIf
from sim.scenario import shipped


def folder() -> Path:
    """The folder of scenarios this server serves: the shipped ones, or a teacher's own (TIGHTROPE_SCENARIOS)."""
    return Path(os.environ.get("TIGHTROPE_SCENARIOS") or shipped.scenarios())


@st.cache_resource
def served(folder: str):
    """The scenarios this app serves (those that load), and the problems of any that do not."""
    return classroom.scenario_files(Path(folder))


def scenarios():
    return served(str(folder()))[0]


@st.cache_resource
def claims():
    return classroom.claims_table()


SCORECARD_SEEDS = 100


@st.cache_resource
def scorecard():
    """The claims scorecard, and the baseline's runs on the same seeds (read-only, shared by every session)."""
    from sim.engine import ensemble
    from sim.model import scorecard as card
    from sim.model.world import compile

    world = compile(scenarios()["baseline.yaml"])
    return card.score(range(SCORECARD_SEEDS)), world, ensemble.run(world, range(SCORECARD_SEEDS)).alignment


@st.cache_resource(max_entries=64)
def side(whatif_key: str, replications: int) -> classroom.Side:
    w = WhatIf.model_validate_json(whatif_key)
    return classroom.run_side(whatif.apply(scenarios()[w.base], w), replications)


@st.cache_resource
def expectations():
    """The expectations panel over its seeds (read-only, shared by every session)."""
    from sim.engine import expectations as panel

    return panel.run(panel.load_panel())
