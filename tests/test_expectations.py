"""The expectations panel: what IR teaching expects of the model, held over 30 seeds, and its file
checked like a scenario (one FILE:LINE:COL line a problem)."""

import subprocess
import sys

import pytest

from sim.engine import expectations
from sim.scenario import ledger
from sim.scenario.errors import InputError
from tests.conftest import ROOT

PANEL = expectations.load_panel()


@pytest.fixture(scope="module")
def rows():
    return {r.case.id: r for r in expectations.run(PANEL)}


def test_the_panel_has_at_least_25_cases_each_resting_on_claims_or_the_record():
    claims = ledger.claims()
    assert len(PANEL.cases) >= 25
    assert {c.kind for c in PANEL.cases} == {"intended", "side", "structure"}
    assert sum(c.kind == "side" for c in PANEL.cases) >= 8
    for case in PANEL.cases:
        assert set(case.claims) <= set(claims), case.id
        assert case.claims or case.record, case.id
    assert len({c.id for c in PANEL.cases}) == len(PANEL.cases)


@pytest.mark.parametrize("case", PANEL.cases, ids=lambda c: c.id)
def test_every_case_holds_in_nine_seeds_of_ten(rows, case):
    r = rows[case.id]
    assert r.share >= expectations.HOLDS, f"{case.describe()}: median {r.gap:+.3f} at {r.when}, holds in {r.share:.0%}"


def test_a_case_the_model_cannot_meet_is_reported_as_not_holding():
    case = next(c for c in PANEL.cases if c.id == "clash-keeps-apart")
    wrong = case.model_copy(update={"id": "wrong", "expect": expectations.Expect(at_least=0.10)})
    (row,) = expectations.run(expectations.Panel([wrong], PANEL.scenarios), range(10))
    assert row.share == 0.0 and not row.holds and row.gap < -0.1


def test_a_bad_panel_points_at_its_lines(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "whatifs:\n"
        "  clash:\n"
        "    events:\n"
        "      - {type: incident, from: CHN, to: IDN, date: 2020Q2}\n"
        "cases:\n"
        "  - id: one\n"
        "    says: a clash\n"
        "    kind: intended\n"
        "    whatif: clsh\n"
        "    measure: {pair: [IND, CHN]}\n"
        "    at: 2024Q2\n"
        "    expect: {at_mots: -0.1}\n"
        "    claims: [nf.arch-rival]\n"
    )
    with pytest.raises(InputError) as err:
        expectations.load_panel(bad)
    lines = [str(p) for p in err.value.problems]
    assert any(ln.startswith(f"{bad}:12:") and "did you mean 'at_most'" in ln for ln in lines), lines
    bad.write_text(bad.read_text().replace("at_mots", "at_most"))
    with pytest.raises(InputError) as err:
        expectations.load_panel(bad)
    lines = [str(p) for p in err.value.problems]
    assert any(ln.startswith(f"{bad}:4:") and "unknown actor 'IDN'" in ln for ln in lines), lines
    assert any(ln.startswith(f"{bad}:9:") and "whatif: clsh" in ln for ln in lines), lines


def test_the_expectations_command_prints_every_case_and_the_count_that_hold():
    done = subprocess.run(
        [sys.executable, "-m", "sim", "expectations", "--seeds", "10", "--case", "clash"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "clash-keeps-apart" in done.stdout and "intended" in done.stdout and "cases hold" in done.stdout
    wrong = subprocess.run(
        [sys.executable, "-m", "sim", "expectations", "--case", "no-such-case"], capture_output=True, text=True
    )
    assert wrong.returncode == 2 and wrong.stderr.startswith("<command line>:1:1: --case no-such-case")
