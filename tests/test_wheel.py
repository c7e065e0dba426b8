"""The package as a user installs it: a wheel in a fresh venv, used from a folder outside the checkout.

The wheel must carry the claim ledger and the shipped scenarios; a what-if written anywhere
extends a shipped scenario by name; the compiled engine compiles once on first use (saying so)
and caches where the install can write, even with Dask workers starting beside it.
"""

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

WHATIF = """# yaml-language-server: $schema=https://example.invalid/scenario.schema.json
extends: baseline
name: Aid back in 2021
description: What if the US restores its aid in 2021?
events:
  - {type: aid_restored, from: USA, to: PAK, date: 2021Q1, magnitude: 1.3, claims: [ne.end-1-3bn]}
"""
SWEEP = """name: two hundred
scenario: baseline
seed: 5
replications: 100
vary:
  hedging_gain: {values: [0.2, 0.9]}
outputs:
  - {name: pak_rus_2025, measure: score, pair: PAK-RUS, at: 2025Q1}
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A venv holding the wheel alone; the dependencies come from the test's own environment."""
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("tightrope-*.whl"))
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    outside = work / "elsewhere"
    outside.mkdir()
    return python, outside, wheel


def tightrope(installed, *args):
    python, outside, _ = installed
    env = {k: v for k, v in os.environ.items() if k not in ("TIGHTROPE_CACHE_DIR", "NUMBA_CACHE_DIR", "PYTHONPATH")}
    return subprocess.run(
        [str(python.parent / "tightrope"), *args], cwd=outside, capture_output=True, text=True, env=env, timeout=600
    )


def test_the_wheel_carries_the_ledger_and_the_scenarios(installed):
    import zipfile

    names = zipfile.ZipFile(installed[2]).namelist()
    assert {
        "sim/data/seeds/claims.yaml",
        "sim/data/seeds/assumptions.yaml",
        "sim/data/scenarios/baseline.yaml",
        "sim/data/scenarios/sweeps/partnership_by_2025.yaml",
    } <= set(names)
    python, outside, _ = installed
    got = subprocess.run(
        [python, "-c", "import sim; from sim.scenario import ledger; print(sim.__file__); print(len(ledger.claims()))"],
        cwd=outside,
        capture_output=True,
        text=True,
    )
    where, count = got.stdout.split()
    assert str(python.parent.parent) in where and int(count) > 100, got.stderr


def test_run_validate_and_batch_work_from_another_folder(installed):
    python, outside, _ = installed
    run = tightrope(installed, "run", "baseline")
    assert run.returncode == 0 and "Pakistan - Russia" in run.stdout, run.stderr
    (outside / "aid_back.yaml").write_text(WHATIF)
    valid = tightrope(installed, "validate", "aid_back.yaml")
    assert valid.returncode == 0 and "aid_back.yaml: ok (Aid back in 2021" in valid.stdout, valid.stderr
    compared = tightrope(installed, "compare", "baseline", "aid_back.yaml")
    assert compared.returncode == 0 and "Pakistan - United States" in compared.stdout, compared.stderr
    # The first use of the compiled engine (compare, over 20 seeds) compiles it once and says so in one line.
    assert compared.stderr.count("compiling the batch engine once") == 1, compared.stderr
    (outside / "two_hundred.yaml").write_text(SWEEP)
    batch = tightrope(installed, "batch", "two_hundred.yaml", "--jobs", "2", "--scheduler", "local")
    assert batch.returncode == 0 and "200 runs (2 points x 100 replications), 200 computed" in batch.stdout, (
        batch.stderr
    )
    # The Dask workers load what it saved: none of them compiles again.
    assert "compiling" not in batch.stderr, batch.stderr
    assert (outside / "runs" / "two_hundred" / "runs.parquet").is_file()
    again = tightrope(installed, "batch", "two_hundred.yaml", "--out", "again")
    assert again.returncode == 0 and "compiling" not in again.stderr, again.stderr
    named = tightrope(installed, "batch", "partnership_by_202", "--out", "x")
    assert named.returncode == 2 and "did you mean 'partnership_by_2025'" in named.stderr
