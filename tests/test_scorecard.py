"""The claims scorecard: every check runs, names a claim of the ledger, and a claim that fails is shown failing."""

import subprocess
import sys

from sim.model import scorecard
from sim.scenario import ledger
from tests.conftest import ROOT


def test_every_check_names_a_claim_and_reads_as_a_sentence():
    claims = ledger.claims()
    checks = scorecard.checks()
    assert len(checks) >= 10
    for c in checks:
        assert c.claim in claims, c.claim
        assert c.describe() and c.says
    assert {c.whatif for c in checks if c.whatif} >= {
        "us_ties_mended",
        "india_foots_the_bill",
        "daesh_threat_fades",
        "russia_arms_pakistan",
        "putin_visits_islamabad",
        "no_embargo_lift",
    }


def test_a_check_the_model_cannot_meet_is_reported_as_not_holding():
    impossible = scorecard.Check(
        claim="po.china-heavy-lifting",
        says="never",
        measure={"pair": ("PAK", "CHN")},
        expect="below",
        value=-0.99,
        when={"from": "2010Q1", "to": "2019Q4"},
    )
    certain = impossible.model_copy(update={"expect": "above", "value": -0.99})
    low, high = scorecard.score(range(10), [impossible, certain])
    assert low.share == 0.0 and low.verdict == "does not hold"
    assert high.share == 1.0 and high.verdict == "holds"


def test_the_scorecard_command_prints_each_claim_its_quote_its_check_and_its_share():
    done = subprocess.run(
        [sys.executable, "-m", "sim", "scorecard", "--seeds", "10"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    for c in scorecard.checks():
        assert c.claim in done.stdout and c.describe() in done.stdout
    assert "reluctant romance" in done.stdout and "% " in done.stdout
    assert "claims hold in at least 90% of seeds" in done.stdout


def test_a_claim_the_model_does_not_reproduce_says_why_it_departs():
    held = {r.check.claim + r.check.says: r.share for r in scorecard.score(range(30))}
    for c in scorecard.checks():
        if held[c.claim + c.says] < scorecard.HOLDS:
            assert c.departs and len(c.departs) > 80, c.claim
