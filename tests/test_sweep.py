"""Sweep files, samplers and outputs: what a batch will run and measure, and every way to write it wrong."""

import json
import re

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS

from sim import cli
from sim.batch import outputs, samplers
from sim.batch import plan as planning
from sim.batch.sweep import json_schema, load_sweep
from sim.model.measures import pair_mean

LINE = re.compile(r"^[^\n]+:\d+:\d+: .+$")

SWEEP = f"""name: t
scenario: {SCENARIOS / "baseline.yaml"}
seed: 3
sampler: grid
samples: 3
replications: 2
vary:
  hedging_gain: {{range: [0.2, 1.2]}}
  pressure_gain: {{values: [0.02, 0.08]}}
outputs:
  - {{name: pak_rus_2025, measure: score, pair: PAK-RUS, at: 2025Q1}}
"""


def write(tmp_path, text, name="sweep.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path, capsys, text):
    """Run `tightrope batch` on a bad sweep: exit 2, one FILE:LINE:COL line each, nothing written."""
    out = tmp_path / "out"
    code = cli.main(["batch", str(write(tmp_path, text)), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and all(LINE.match(line) for line in lines), err
    assert not out.exists()
    return lines


@pytest.mark.parametrize(
    "change, expect, line",
    [
        (("hedging_gain: {range", "hedgin_gain: {range"), "did you mean 'hedging_gain'", 8),
        (("[0.2, 1.2]", "[1.2, 1.2]"), "is empty (expected lo < hi)", 8),
        (("[0.2, 1.2]", "[1.2, 0.2]"), "is empty (expected lo < hi)", 8),
        (("[0.2, 1.2]", "[0.2, 9.0]"), "outside its allowed 0 to 2", 8),
        (
            ("sampler: grid\nsamples: 3", "sampler: sobol\nsamples: 100"),
            "sobol needs a power of two (got 100; try 64 or 128)",
            5,
        ),
        (("sampler: grid", "sampler: lhs"), "sampler lhs draws from ranges", 9),
        (("sampler: grid", "sampler: halton"), "sampler", 4),
        (("at: 2025Q1}", "at: 2045Q1}"), "outside the scenario's horizon", 11),
        (("pair: PAK-RUS", "pair: PAK-XYZ"), "expected two different actors", 11),
        (("measure: score", "measure: mean"), "measure mean needs from, to", 11),
        (("replications: 2", "replications: 0"), "replications", 6),
        (("seed: 3", "seed: 3\nspeed: 2"), "unknown key 'speed'", 4),
    ],
)
def test_bad_sweeps_get_one_clear_line_and_nothing_is_written(tmp_path, capsys, change, expect, line):
    lines = refused(tmp_path, capsys, SWEEP.replace(*change))
    assert any(expect in x for x in lines), lines
    assert any(f":{line}:" in x for x in lines), lines


def test_a_missing_base_scenario_and_a_yaml_alias_are_refused(tmp_path, capsys):
    lines = refused(tmp_path, capsys, SWEEP.replace(str(SCENARIOS / "baseline.yaml"), "nowhere.yaml"))
    assert "does not exist" in lines[0] and ":2:" in lines[0]
    lines = refused(tmp_path, capsys, SWEEP + "keep_series: &a [PAK-RUS]\nx: *a\n")
    assert any("alias" in x or "anchor" in x for x in lines)


def test_seeds_are_spawned_from_the_sweep_seed_by_run_index(tmp_path):
    p = planning.plan(load_sweep(write(tmp_path, SWEEP)))
    spawned = np.random.SeedSequence(3).spawn(p.runs)
    assert p.seeds(np.arange(p.runs)).tolist() == [int(c.generate_state(1, np.uint32)[0]) for c in spawned]
    assert len(set(p.seeds(np.arange(p.runs)).tolist())) == p.runs


def test_samplers_cover_their_designs(tmp_path):
    grid = load_sweep(write(tmp_path, SWEEP)).sweep
    assert samplers.points(grid).shape == (6, 2) == (samplers.count(grid), 2)
    assert sorted(set(samplers.points(grid)[:, 0])) == [0.2, 0.7, 1.2]
    ranged = SWEEP.replace("{values: [0.02, 0.08]}", "{range: [0.0, 0.1]}")
    for sampler, samples, count in (("lhs", 10, 10), ("sobol", 16, 16 * 4), ("morris", 5, 5 * 3)):
        sweep = load_sweep(
            write(tmp_path, ranged.replace("sampler: grid\nsamples: 3", f"sampler: {sampler}\nsamples: {samples}"))
        ).sweep
        pts = samplers.points(sweep)
        assert pts.shape == (count, 2) == (samplers.count(sweep), 2)
        assert (pts[:, 0] >= 0.2).all() and (pts[:, 0] <= 1.2).all() and (pts[:, 1] <= 0.1).all()
        assert np.array_equal(pts, samplers.points(sweep))  # the sweep's seed fixes its design


def test_outputs_measure_what_they_say():
    years = 2010 + np.arange(6) / 4
    A = np.zeros((2, 6, 3, 3))
    A[0, :, 0, 1] = A[0, :, 1, 0] = [0.0, 0.2, 0.6, 0.7, 0.4, 0.1]  # run 0 crosses 0.5 in 2010Q3
    A[1, :, 0, 1] = A[1, :, 1, 0] = -0.3  # run 1 never does
    series = pair_mean(A, 0, 1)
    got = outputs.first_crossing(series, years, 0.5, None)
    assert got[0] == 2010.5 and np.isnan(got[1])
    assert outputs.first_crossing(series, years, None, 0.25)[0] == 2010.0
    A[:, :, 0, 2] = A[:, :, 2, 0] = 0.5
    A[:, :, 1, 2] = A[:, :, 2, 1] = -0.5
    # signs (+, +, -) make run 0's one triad unbalanced; run 1's (-, +, -) is balanced
    assert outputs.balanced_share(A[:, 3]).tolist() == [0.0, 1.0]


def test_committed_sweep_schema_equals_the_printed_one(capsys):
    assert cli.main(["schema", "--sweep"]) == 0
    printed = capsys.readouterr().out
    assert printed == json_schema() == (ROOT / "sweep.schema.json").read_text()
    assert json.loads(printed)["title"] == "Tightrope sweep"


@pytest.mark.parametrize("path", sorted((SCENARIOS / "sweeps").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_lesson_sweep_is_valid(path):
    loaded = load_sweep(path)
    assert loaded.sweep.description and path.read_text().startswith(
        "# yaml-language-server: $schema=../../sweep.schema.json"
    )
    assert 0 < planning.plan(loaded).runs <= 10_000


def test_a_sweep_too_big_to_run_is_refused_before_its_design_is_drawn(tmp_path, capsys):
    many = SWEEP.replace("samples: 3", "samples: 4000").replace("replications: 2", "replications: 1000")
    lines = refused(tmp_path, capsys, many)
    assert "8,000,000 runs is more than 5,000,000" in lines[0]
