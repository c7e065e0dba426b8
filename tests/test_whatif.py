"""What-ifs as the app edits them: the same scenario however they travel (widgets, YAML, link)."""

import base64
import json

import numpy as np
import pytest

from sim.classroom import tables as classroom
from sim.classroom import whatif
from sim.classroom.whatif import WhatIf
from sim.engine import ensemble
from sim.model import measures
from sim.model.world import compile
from sim.scenario.errors import InputError
from sim.scenario.loader import load, load_text
from sim.scenario.schema import Event
from tests.conftest import SCENARIOS

BASE = load(SCENARIOS / "baseline.yaml")
SERVED, _ = classroom.scenario_files(SCENARIOS)

RESTORED = Event.model_validate(
    {"type": "aid_restored", "from": "USA", "to": "PAK", "date": "2020Q1", "magnitude": 1.3, "label": "US aid back"}
)
CHANGED = WhatIf(
    name="Test", seed=5, assumptions={"hedging_gain": 0.7}, drop_events=("embargo-lifted",), events=(RESTORED,)
)


def test_yaml_round_trip_and_same_scenario_as_the_loader(baseline):
    text = whatif.to_yaml(CHANGED)
    assert text.startswith(whatif.SCHEMA_COMMENT) and "extends: baseline\n" in text  # a shipped scenario, by name
    assert whatif.from_yaml(text, SERVED) == CHANGED
    assert whatif.apply(BASE, CHANGED) == load_text(text, "w.yaml", SCENARIOS).scenario


def test_token_round_trip_and_refusals():
    assert whatif.from_token(whatif.to_token(CHANGED)) == CHANGED
    assert whatif.from_token(whatif.to_token(WhatIf())) == WhatIf()
    for bad in ("%%%", whatif.to_token(CHANGED)[:-7], "eyJiYXNlIjoiLi4vLi4vZXRjIn0", "A" * 100_001):
        with pytest.raises(ValueError):
            whatif.from_token(bad)


@pytest.mark.parametrize(
    "text, where, words",
    [
        ("extends: baseline.yaml\nname: x\nhorizon: {end: 2040Q4}\n", "w.yaml:3:1:", "the app takes only"),
        ("extends: baseline.yaml\nassumptions: {hedgin_gain: 0.3}\n", "w.yaml:2:15:", "did you mean 'hedging_gain'"),
        (
            "extends: baseline.yaml\nevents:\n  - {type: visit, from: USA, to: PAK, date: 2040Q1}\n",
            "w.yaml:3:",
            "outside the horizon",
        ),
        (
            "name: x\ndescription: y\nactors: {PAK: {name: P}, RUS: {name: R}}\n",
            "w.yaml:1:1:",
            "starts from a scenario",
        ),
        ("extends: baseline.yaml\nname: [\n", "w.yaml:", "malformed YAML"),
    ],
)
def test_bad_yaml_names_its_line(text, where, words):
    with pytest.raises(InputError) as err:
        whatif.from_yaml(text, SERVED, "w.yaml")
    first = str(err.value.problems[0])
    assert first.startswith(where) and words in first, first


def test_apply_refuses_what_the_checks_refuse(baseline):
    with pytest.raises(ValueError, match="no event with id"):
        whatif.apply(BASE, WhatIf(drop_events=("no-such-event",)))
    with pytest.raises(ValueError, match="out of range"):
        whatif.apply(BASE, WhatIf(assumptions={"hedging_gain": 99.0}))


def test_dropping_the_2014_embargo_lift_lowers_pak_rus_in_2016_on_every_seed(baseline):
    seeds = range(60)
    before = ensemble.run(compile(baseline), seeds)
    after = ensemble.run(compile(whatif.apply(BASE, WhatIf(drop_events=("embargo-lifted",)))), seeds)
    t = (2016 - 2010) * 4 + 2
    gap = after.pair("PAK", "RUS")[:, t] - before.pair("PAK", "RUS")[:, t]
    assert np.all(gap < 0), gap.max()


def test_triads_follow_heiders_rule():
    friends = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0.0]])
    assert measures.triads(friends) == (1, 0)
    two_against_one = np.array([[0, 1, -1], [1, 0, -1], [-1, -1, 0.0]])
    assert measures.triads(two_against_one) == (1, 0)
    a_friend_of_enemies = np.array([[0, 1, 1], [1, 0, -1], [1, -1, 0.0]])
    assert measures.triads(a_friend_of_enemies) == (0, 1)
    stack = np.stack([friends, a_friend_of_enemies])
    assert [list(x) for x in measures.triads(stack)] == [[1, 0], [0, 1]]


def test_series_bands_hold_the_median(baseline):
    side = classroom.run_side(baseline, replications=25)
    table = classroom.series(side, side, [("PAK", "RUS")])
    assert len(table) == 2 * side.world.n_steps
    assert (table.low <= table.score + 1e-12).all() and (table.score <= table.high + 1e-12).all()
    assert (table.high - table.low).iloc[-1] > 0
    assert (classroom.differences(table).difference == 0).all()


def test_replication_seeds_are_runs_you_can_repeat(baseline):
    side = classroom.run_side(baseline, replications=4)
    seeds = classroom.replication_seeds(baseline.seed, 4)
    assert len(set(seeds.tolist())) == 4
    again = ensemble.run(compile(baseline), seeds[2:3])
    assert np.array_equal(again.alignment[0], side.replicas.alignment[2])


def test_splitting_the_replications_over_threads_changes_nothing(baseline):
    one = classroom.run_side(baseline, replications=9, threads=1)
    three = classroom.run_side(baseline, replications=9, threads=3)
    assert np.array_equal(one.replicas.alignment, three.replicas.alignment)
    assert np.array_equal(one.run.alignment, three.run.alignment)


def test_an_uploaded_what_if_may_add_a_state_as_tightrope_run_does(tmp_path):
    text = """extends: baseline
name: Iran joins
actors:
  IRN: {name: Iran, doctrine: {hedging: 0.3}}
initial:
  - {between: [IRN, USA], value: -0.6}
events:
  - {type: visit, from: IRN, to: PAK, date: 2020Q1, magnitude: 0.5}
"""
    w = whatif.from_yaml(text, SERVED)
    scenario = whatif.apply(BASE, w)
    assert "IRN" in scenario.actors and whatif.from_token(whatif.to_token(w), SERVED) == w
    (tmp_path / "w.yaml").write_text(whatif.to_yaml(w))
    assert load(tmp_path / "w.yaml").scenario == scenario  # the download runs as it is


@pytest.mark.parametrize(
    "base",
    [
        "/etc/passwd",
        "../../etc/hostname",
        "/proc/self/environ",
        "../README.md",
        "/dev/zero",
        "baseline.yaml\x00",
        "sweeps/partnership_by_2025.yaml",
        "nosuch",
    ],
)
def test_a_what_if_may_only_extend_a_scenario_the_app_serves(base, monkeypatch):
    opened = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    with pytest.raises(InputError) as err:
        whatif.from_yaml(f"extends: {json.dumps(base)}\nname: x\n", SERVED, "w.yaml")
    assert not opened, opened
    (problem,) = err.value.problems
    assert str(problem).startswith("w.yaml:1:10:") and "a scenario the app serves" in problem.message
    assert "root:" not in str(problem)


@pytest.mark.parametrize(
    "payload",
    [
        {"base": "../../etc/passwd"},
        {"base": "secret.yaml"},
        {"assumptions": {"hedging_gain": 99}},
        {"assumptions": {"hedging_gain": float("nan")}},
        {"events": [{"type": "visit", "from": "XXX", "to": "PAK", "date": "2020"}]},
        {"world": {"horizon": {"end": "9999Q4"}}},
        {"seed": -1},
        "not a mapping",
    ],
)
def test_a_tampered_share_link_is_refused_with_a_reason(payload):
    token = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    with pytest.raises(ValueError) as err:
        whatif.from_token(token, SERVED)
    assert "Traceback" not in str(err.value) and len(str(err.value)) < 400


def test_a_deeply_nested_link_is_refused():
    token = base64.urlsafe_b64encode(("[" * 100_000).encode()).decode()[:99_000]
    with pytest.raises(ValueError):
        whatif.from_token(token, SERVED)
