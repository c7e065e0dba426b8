"""The `tightrope` command end to end, as a user runs it."""

import json
import subprocess
import sys

import pandas as pd
from conftest import ROOT, SCENARIOS

BASE = str(SCENARIOS / "baseline.yaml")


def tightrope(*args, check=True):
    done = subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_run_prints_country_names_and_writes_tidy_files(tmp_path):
    out = tightrope("run", BASE, "--seed", "4", "--out", str(tmp_path / "h.csv")).stdout
    assert "Pakistan" in out and "United States" in out and "Afghanistan" in out
    csv = pd.read_csv(tmp_path / "h.csv")
    assert list(csv.columns[:5]) == ["date", "step", "source", "target", "alignment"]
    assert len(csv) == 84 * 6 * 5 and csv["date"].iloc[0] == "2010-01-01"
    tightrope("run", BASE, "--seed", "4", "--out", str(tmp_path / "h.parquet"))
    tightrope("run", BASE, "--seed", "4", "--out", str(tmp_path / "h.json"))
    pq = pd.read_parquet(tmp_path / "h.parquet")
    js = json.loads((tmp_path / "h.json").read_text())
    assert pq["alignment"].tolist() == csv["alignment"].tolist()  # %.17g round-trips exactly
    assert len(js["rows"]) == len(csv) and js["events"]


def test_set_changes_the_run_and_bad_set_is_refused(tmp_path):
    calm = tightrope("run", BASE, "--set", "hedging_gain=0").stdout
    assert calm != tightrope("run", BASE).stdout
    bad = tightrope("run", BASE, "--set", "hedgin_gain=0.1", "--out", str(tmp_path / "x.csv"), check=False)
    assert bad.returncode == 2 and "did you mean 'hedging_gain'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.csv").exists()
    assert tightrope("run", BASE, "--set", "noise_sd=5", check=False).returncode == 2


def test_compare_names_the_pairs_that_diverge():
    out = tightrope("compare", BASE, str(SCENARIOS / "russia_arms_pakistan.yaml")).stdout
    assert "Pakistan - Russia" in out and "diverges" in out


def test_compare_with_one_scenario_compares_it_with_the_one_it_extends(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: us_ties_mended\nname: Mine\n")
    both = tightrope("compare", "baseline", "us_ties_mended", "--seeds", "3").stdout
    assert tightrope("compare", "us_ties_mended", "--seeds", "3").stdout == both
    assert tightrope("compare", str(mine), "--seeds", "3").stdout.startswith("Mine against US ties mended,")
    alone = tightrope("compare", "baseline", check=False)
    assert alone.returncode == 2 and alone.stdout == "" and "extends no scenario" in alone.stderr
    for gap in ("nan", "0", "-1", "3"):
        bad = tightrope("compare", "us_ties_mended", "--threshold", gap, check=False)
        assert bad.returncode == 2 and "more than 0 and at most 2" in bad.stderr, gap


def test_explain_shows_drivers_events_and_quotes():
    out = tightrope("explain", BASE, "--pair", "PAK:RUS", "--from", "2014", "--to", "2018").stdout
    for word in ("hedging", "threat", "embargo_lifted", "Friendship 2017", '"'):
        assert word in out
    later = tightrope("explain", BASE, "--pair", "PAK:RUS", "--from", "2020").stdout.splitlines()
    decided = [k for k, line in enumerate(later) if "[decided by " in line]
    assert decided and all(later[k + 1].strip() == "the rule rests on:" for k in decided)  # not news of that pair
    bad = tightrope("explain", BASE, "--pair", "PAK:XXX", check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    typo = tightrope("explain", BASE, "--pair", "PAK:RUSS", check=False)
    assert typo.returncode == 2 and "did you mean 'RUS'" in typo.stderr
    heading = out.splitlines()[0]
    for written in ("pak-rus", "Pakistan:Russia", "PAK / RUS"):  # as a sweep writes pairs, or in words
        again = tightrope("explain", BASE, "--pair", written, "--from", "2014", "--to", "2018").stdout
        assert again.splitlines()[0] == heading
    for window, line in (
        (("--from", "1990"), "--from 1990: outside the scenario's horizon 2010Q1..2030Q4"),
        (("--to", "2031Q1"), "--to 2031Q1: outside the scenario's horizon 2010Q1..2030Q4"),
        (("--from", "2030Q4"), "--from 2030Q4: expected a window that ends after it starts"),
    ):
        bad = tightrope("explain", BASE, "--pair", "PAK:RUS", *window, check=False)
        assert bad.returncode == 2 and bad.stdout == "" and bad.stderr == f"<command line>:1:1: {line}\n"


def test_claims_schema_and_validate():
    assert "nf.romance-frays-mends" in tightrope("claims").stdout
    assert "reluctant romance" in tightrope("claims", "--assumption", "hedging_gain").stdout
    assert json.loads(tightrope("schema").stdout)["title"] == "Tightrope scenario"
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 8 and tightrope("validate", *map(str, files)).stdout.count(": ok") == len(files)


def test_an_output_that_cannot_be_written_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    bad = tightrope("run", BASE, "--out", str(tmp_path / "file" / "x.csv"), check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_a_bad_option_is_one_line_naming_the_fix_and_nothing_runs(tmp_path):
    out = tmp_path / "x.csv"
    for args, words in (
        (("run", BASE, "--seed", "-1", "--out", str(out)), "expected a whole number from 0 to 4,294,967,295"),
        (("run", BASE, "--seed", "2018.5"), "got '2018.5'"),
        (("compare", BASE, BASE, "--seeds", "many"), "invalid int value: 'many'"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        ((), "required: command"),
    ):
        bad = tightrope(*args, check=False)
        assert bad.returncode == 2 and bad.stdout == "", (args, bad.stdout)
        (line,) = bad.stderr.strip().splitlines()
        assert line.startswith("<command line>:1:1: ") and words in line and "--help" in line, line
    assert not out.exists()
    assert "+0." in tightrope("run", BASE, "--seed", str(2**32 - 1)).stdout  # the largest seed runs
