"""`tightrope batch`, `sensitivity` and `plot` end to end: same results however they are run,
resumable after a kill -9, and clear refusals."""

import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS

from sim.engine import ensemble
from sim.model.world import compile
from tests.conftest import run

SWEEP = f"""name: t
scenario: {SCENARIOS / "baseline.yaml"}
seed: 11
sampler: grid
samples: 4
replications: 12
vary:
  hedging_gain: {{range: [0.2, 1.4]}}
  aid_cut_share: {{values: [0.1, 0.6]}}
outputs:
  - {{name: pak_rus_2025, measure: score, pair: PAK-RUS, at: 2025Q1}}
  - {{name: pak_rus_mean, measure: mean, pair: PAK-RUS, from: 2014Q1, to: 2019Q4}}
  - {{name: partners_from, measure: first_crossing, pair: PAK-RUS, above: 0.45}}
  - {{name: partners_by_2020, measure: crossed, pair: PAK-RUS, above: 0.45, by: 2020Q4}}
  - {{name: balanced, measure: balanced_share, at: 2025Q1}}
keep_series: [PAK-RUS, PAK-USA]
"""


def tightrope(*args, check=True, timeout=300):
    done = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "sweep.yaml"
    path.write_text(SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(sweep, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out"
    tightrope("batch", sweep, "--out", out, "--csv")
    return out


def runs(out):
    return pd.read_parquet(out / "runs.parquet").sort_values("run").reset_index(drop=True)


def test_results_tables_and_manifest(reference):
    table = runs(reference)
    assert len(table) == 8 * 12 and table["run"].tolist() == list(range(96))
    assert list(table.columns[:6]) == ["run", "point", "replication", "seed", "hedging_gain", "aid_cut_share"]
    assert table.groupby("point")["replication"].nunique().eq(12).all()
    assert table["partners_by_2020"].isin([0.0, 1.0]).all() and table["balanced"].between(0, 1).all()
    csv = pd.read_csv(reference / "runs.csv")
    assert np.array_equal(csv["pak_rus_2025"].to_numpy(), table["pak_rus_2025"].to_numpy())  # %.17g round-trips
    series = pd.read_parquet(reference / "series.parquet")
    assert list(series.columns) == [
        "run",
        "date",
        "step",
        "source",
        "target",
        "alignment",
        "d_inertia",
        "d_memory",
        "d_benefits",
        "d_threat",
        "d_pressure",
        "d_displeasure",
        "d_balance",
        "d_hedging",
        "d_noise",
    ]
    assert set(zip(series.source, series.target)) == {("PAK", "RUS"), ("RUS", "PAK"), ("PAK", "USA"), ("USA", "PAK")}
    import json

    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["runs"] == 96 and manifest["finished"] and len(manifest["sweep_sha256"]) == 64
    assert not (reference / ".chunks").exists()


def test_jobs_chunking_and_a_dask_cluster_give_identical_runs(sweep, reference, tmp_path):
    pytest.importorskip("distributed")
    for args in (("--jobs", "2"), ("--chunk-size", "7"), ("--jobs", "2", "--scheduler", "local")):
        out = tmp_path / "-".join(args)
        tightrope("batch", sweep, "--out", out, *args)
        pd.testing.assert_frame_equal(runs(out), runs(reference), check_exact=True)


def test_a_folder_begun_by_the_retired_numpy_engine_is_refused_on_resume(sweep, reference, tmp_path):
    import json

    assert json.loads((reference / "manifest.json").read_text())["engine"] == "compiled"
    for engine in ("numpy", None):  # older folders recorded no engine: they were all numpy's
        out = tmp_path / f"old-{engine}"
        (out / ".chunks").mkdir(parents=True)
        info = json.loads((reference / "manifest.json").read_text()) | {"finished": None}
        if engine:
            info["engine"] = engine
        else:
            del info["engine"]
        (out / "manifest.json").write_text(json.dumps(info))
        refused = tightrope("batch", sweep, "--out", out, "--resume", check=False)
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "begun by the numpy engine, which this version no longer has" in refused.stderr
        assert sorted(p.name for p in out.iterdir()) == [".chunks", "manifest.json"]  # nothing written


def test_a_batch_row_equals_tightrope_run_with_that_seed(reference, tmp_path):
    row = runs(reference).iloc[53]
    tightrope(
        "run",
        SCENARIOS / "baseline.yaml",
        "--seed",
        int(row.seed),
        "--set",
        f"hedging_gain={float(row.hedging_gain)!r}",
        "--set",
        f"aid_cut_share={float(row.aid_cut_share)!r}",
        "--out",
        tmp_path / "one.parquet",
    )
    one = pd.read_parquet(tmp_path / "one.parquet")
    at = one[(one.date == "2025-01-01") & (one.source.isin(["PAK", "RUS"])) & (one.target.isin(["PAK", "RUS"]))]
    assert abs(at.alignment.mean() - row.pak_rus_2025) <= 1e-12
    kept = pd.read_parquet(reference / "series.parquet").query("run == 53")
    mine = one.merge(kept, on=["date", "source", "target"], suffixes=("", "_batch"))
    assert len(mine) == 2 * 2 * 84 and np.abs(mine.alignment - mine.alignment_batch).max() <= 1e-12


def test_a_vectorised_batch_equals_the_same_seeds_run_one_by_one(baseline):
    seeds = np.array([5, 17, 2**32 - 1, 40_000])
    gains = np.array([0.1, 0.5, 1.0, 1.9])
    weights = np.array([0.0, 0.3, 1.5, 3.0])
    together = ensemble.run(
        compile(baseline, {"noise_sd": 0.03}), seeds, varied={"hedging_gain": gains, "weight_aid": weights}
    )
    for r, seed in enumerate(seeds):
        alone = run(baseline, int(seed), {"noise_sd": 0.03, "hedging_gain": gains[r], "weight_aid": weights[r]})
        assert np.abs(alone.alignment - together.alignment[r]).max() <= 1e-12


def test_resume_after_kill_9_finishes_without_duplicates(sweep, reference, tmp_path):
    out = tmp_path / "out"
    chunks = out / ".chunks"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "batch", str(sweep), "--out", str(out), "--chunk-size", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while len(list(chunks.glob("runs-*.parquet"))) < 3:  # wait until it is mid-run
        assert proc.poll() is None and time.monotonic() < deadline, "the batch ended before it could be killed"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(chunks.glob("runs-*.parquet")))
    assert 3 <= done_before < 48 and not (out / "runs.parquet").exists()
    again = tightrope("batch", sweep, "--out", out, check=False)
    assert again.returncode == 2 and "--resume" in again.stderr
    # Damage two finished chunks: one cut short, one with a flipped bit. Resuming must notice both.
    finished = sorted(chunks.glob("done-*.json"))
    assert len(finished) >= 2
    cut, flipped = (chunks / f.name.replace("done-", "runs-").replace(".json", ".parquet") for f in finished[:2])
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    raw = bytearray(flipped.read_bytes())
    raw[len(raw) // 3] ^= 0x04
    flipped.write_bytes(bytes(raw))
    tightrope("batch", sweep, "--out", out, "--resume")
    table = runs(out)
    assert table["run"].is_unique
    pd.testing.assert_frame_equal(table, runs(reference), check_exact=True)
    series = pd.read_parquet(out / "series.parquet")
    assert not series.duplicated(["run", "step", "source", "target"]).any() and series["run"].nunique() == 96
    finished = tightrope("batch", sweep, "--out", out, "--resume")
    assert "already complete" in finished.stdout


def test_folders_of_other_sweeps_and_strangers_are_refused(sweep, reference, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(SWEEP.replace("seed: 11", "seed: 12"))
    before = (reference / "runs.parquet").stat().st_mtime_ns
    for args in ((other, "--out", reference, "--resume"), (sweep, "--out", reference)):
        done = tightrope("batch", *args, check=False)
        assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "another sweep" in tightrope("batch", other, "--out", reference, "--resume", check=False).stderr
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    assert "no manifest.json" in tightrope("batch", sweep, "--out", stranger, check=False).stderr
    assert (reference / "runs.parquet").stat().st_mtime_ns == before and os.listdir(stranger) == ["notes.txt"]


def test_an_unreachable_scheduler_is_reported_quickly_and_nothing_is_written(sweep, tmp_path):
    pytest.importorskip("distributed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and nobody listens once the socket closes
    start = time.monotonic()
    done = tightrope("batch", sweep, "--out", tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{port}", check=False)
    assert time.monotonic() - start < 30  # 5 s of waiting, plus the interpreter's start
    assert done.returncode == 2 and "no Dask scheduler answered" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_progress_is_quiet_when_not_a_terminal(reference, sweep, tmp_path):
    done = tightrope("batch", sweep, "--out", tmp_path / "q")
    assert "run/s" not in done.stderr and "%|" not in done.stderr
    assert "96 runs (8 points x 12 replications)" in done.stdout


def test_sobol_finds_the_assumption_that_matters(tmp_path):
    path = tmp_path / "sobol.yaml"
    path.write_text(f"""name: s
scenario: {SCENARIOS / "baseline.yaml"}
seed: 5
sampler: sobol
samples: 64
replications: 2
vary:
  inertia_rate: {{range: [0.05, 0.4]}}
  outreach_rate: {{range: [0.02, 0.3]}}
outputs:
  - {{name: pak_rus_2030, measure: score, pair: PAK-RUS, at: 2030Q4}}
""")
    done = tightrope("sensitivity", path, "--out", tmp_path / "out")
    assert "inertia_rate" in done.stdout and "ST" in done.stdout
    png = tmp_path / "out" / "sensitivity-sobol.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from sim.batch import sensitivity
    from sim.batch.sweep import load_sweep

    table, skipped = sensitivity.indices("sobol", load_sweep(path).sweep, runs(tmp_path / "out"))
    st = table.set_index("assumption")["ST"]
    assert st["inertia_rate"] > 0.5 > 0.1 > st["outreach_rate"] and not skipped
    wrong = tightrope("sensitivity", path, "--method", "morris", "--out", tmp_path / "out", check=False)
    assert wrong.returncode == 2 and "needs a sweep with sampler: morris" in wrong.stderr
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        path.read_text().replace("sampler: sobol", "sampler: grid").replace("range: [0.05, 0.4]", "values: [0.1]")
    )
    wrong = tightrope("sensitivity", grid, "--out", tmp_path / "grid", check=False)
    (line,) = wrong.stderr.splitlines()  # the sweep's own sampler line, not an option the user never typed
    assert wrong.returncode == 2 and line.startswith(f"{grid}:4:10: sampler: grid: sensitivity needs"), line


def test_plot_draws_a_fan_chart_of_a_kept_series(reference, tmp_path):
    tightrope("plot", reference, "--output", "partners_from", "--png", tmp_path / "fan.png")
    assert (tmp_path / "fan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tightrope("plot", reference, "--output", "PAK-USA", "--png", tmp_path / "usa.png")
    bad = tightrope("plot", reference, "--output", "RUS-IND", check=False)
    assert bad.returncode == 2 and "not among the kept series" in bad.stderr


def test_a_scheduler_without_workers_is_reported_and_nothing_is_written(sweep, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as cluster:
        done = tightrope(
            "batch", sweep, "--out", tmp_path / "out", "--scheduler", cluster.scheduler_address, check=False
        )
    assert done.returncode == 2 and "has no workers" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_batch_whose_every_worker_is_lost_says_so_within_seconds(tmp_path):
    distributed = pytest.importorskip("distributed")
    path = tmp_path / "long.yaml"
    path.write_text(SWEEP.replace("replications: 12", "replications: 4000"))  # 32,000 runs: a minute on one worker
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as cluster:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                cluster.scheduler_address,
                "--no-nanny",
                "--nthreads",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        out = tmp_path / "out"
        batch = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim",
                "batch",
                str(path),
                "--out",
                str(out),
                "--chunk-size",
                "128",
                "--scheduler",
                cluster.scheduler_address,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while len(list((out / ".chunks").glob("runs-*.parquet"))) < 2:  # the worker is computing
            assert batch.poll() is None and time.monotonic() < deadline, batch.communicate()
            time.sleep(0.05)
        worker.kill()
        worker.wait()
        lost = time.monotonic()
        _, err = batch.communicate(timeout=60)
        waited = time.monotonic() - lost
    assert batch.returncode == 1 and waited < 15, (batch.returncode, waited, err)
    assert "every Dask worker was lost" in err and "--resume" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert len(list((out / ".chunks").glob("runs-*.parquet"))) >= 2  # what was done is kept


def test_table_shows_how_often_by_the_value_of_a_varied_assumption(reference):
    done = tightrope("table", reference, "--by", "aid_cut_share")
    table = runs(reference)
    share = table.groupby("aid_cut_share")["partners_by_2020"].mean()
    assert "partners_by_2020 (share of runs) by aid_cut_share, 12 replications a point" in done.stdout
    for value, s in share.items():
        assert f"{s:.0%}" in done.stdout.split("partners_by_2020 (share of runs)")[1].split("\n\n")[0], (value, s)
    assert "pak_rus_2025 (median) by aid_cut_share" in done.stdout
    assert "partners_from (median of the runs that crossed)" in done.stdout
    two = tightrope("table", reference, "--by", "hedging_gain", "aid_cut_share")
    assert "by hedging_gain and aid_cut_share" in two.stdout
    bad = tightrope("table", reference, "--by", "noise_sd", check=False)
    assert bad.returncode == 2 and "expected one or two of the varied assumptions" in bad.stderr


def test_a_sampled_assumption_is_tabled_in_bins_holding_every_run(tmp_path):
    path = tmp_path / "lhs.yaml"
    path.write_text(
        "name: lhs\nscenario: baseline\nseed: 3\nsampler: lhs\nsamples: 40\nreplications: 2\n"
        "vary:\n  hedging_gain: {range: [0.0, 0.6]}\n  noise_sd: {range: [0.0, 0.02]}\n"
        "outputs:\n  - {name: pr, measure: score, pair: PAK-RUS, at: 2025}\n"  # a year, as scenarios take it
    )
    tightrope("batch", path, "--out", tmp_path / "out")
    done = tightrope("table", tmp_path / "out", "--by", "hedging_gain").stdout
    assert "hedging_gain in 6 equal bins, every run in its bin" in done
    rows = [line for line in done.splitlines() if " to " in line]
    x = runs(tmp_path / "out")
    lo, hi = x["hedging_gain"].min(), x["hedging_gain"].max()
    assert len(rows) == 6 and rows[0].startswith(f"{lo:.3g} to ") and rows[-1].split()[2] == f"{hi:.3g}"
    first = x.loc[x["hedging_gain"] <= lo + (hi - lo) / 6]
    assert f"{first['pr'].median():+.3f}" in rows[0]
    assert x["pr"].notna().all() and len(x) == 80


def test_no_single_assumption_decides_pakistan_russia_in_2030(tmp_path):
    """The shipped Sobol sweep (eleven assumptions from half to twice their defaults): no total index
    of Pakistan-Russia in 2030 above one half."""
    import sim
    from sim.batch import sensitivity

    loaded = sim.load_sweep("what_matters_2030")
    sim.run_sweep(loaded, tmp_path / "out", jobs=2)
    table, skipped = sensitivity.indices("sobol", loaded.sweep, runs(tmp_path / "out"))
    st = table[table.output == "pak_rus_2030"].set_index("assumption")["ST"]
    assert st.max() < 0.5 and not skipped, st.round(3).to_dict()
