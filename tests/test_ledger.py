"""The claim ledger: verbatim quotes, coverage, and that everything the model assumes cites a claim."""

from collections import Counter

import pytest
from conftest import SCENARIOS, SHARED

from sim.scenario import ledger
from sim.scenario.loader import load


def source_text(source: ledger.Source) -> str:
    """The article's own text: reader comments after it and spam lines inside it left out."""
    lines = (SHARED / source.file).read_text(encoding="utf-8").splitlines()
    first, last = source.article_lines or (1, len(lines))
    return "\n".join(line for n, line in enumerate(lines, 1) if first <= n <= last and n not in source.excluded_lines)


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is absent, so quotes cannot be checked")
@pytest.mark.parametrize("claim", list(ledger.claims().values()), ids=lambda c: c.id)
def test_quote_is_verbatim_in_the_articles_own_text(claim):
    text = ledger.normalise(source_text(ledger.sources()[claim.source]))
    assert ledger.normalise(claim.quote) in text


def test_normalise_treats_typographic_quotes_and_whitespace_as_plain():
    assert ledger.normalise("Pakistan\u2019s  \u201cdo more\u201d\n\u2013 x") == 'Pakistan\'s "do more" - x'


def test_reader_comments_are_not_source_text():
    nf = ledger.sources()["nf"]
    if not (SHARED / nf.file).is_file():
        pytest.skip("../shared/seeds is absent")
    assert "Chinese apron" not in source_text(nf)  # a reader comment on line 24
    assert "synthroid" not in source_text(ledger.sources()["yk"])  # spam on line 11


def test_ledger_covers_every_document_and_kind():
    claims = list(ledger.claims().values())
    assert len(claims) >= 40
    by_source = Counter(c.source for c in claims)
    for sid, source in ledger.sources().items():
        assert by_source[sid] >= (5 if source.kind == "article" else 1), sid
    kinds = {c.kind for c in claims}
    for needed in (
        "arms",
        "embargo",
        "aid",
        "exercise",
        "diplomatic_support",
        "visit",
        "trade_energy",
        "threat",
        "history",
        "mechanism",
        "pressure",
    ):
        assert needed in kinds


def test_every_assumption_cites_existing_claims():
    claims = ledger.claims()
    for a in ledger.assumptions().values():
        assert a.claims and all(c in claims for c in a.claims), a.name


def test_every_baseline_number_cites_a_claim(baseline):
    claims = ledger.claims()
    cited = [("actor " + k, a.claims) for k, a in baseline.actors.items()]
    cited += [(f"initial {i}", a.claims) for i, a in enumerate(baseline.initial)]
    cited += [(f"tie {i}", t.claims) for i, t in enumerate(baseline.ties)]
    cited += [(f"event {e.id}", e.claims) for e in baseline.events]
    for what, ids in cited:
        assert ids, f"{what} cites no claim"
        assert all(c in claims for c in ids), what


def test_every_whatif_event_cites_a_claim():
    for path in SCENARIOS.glob("*.yaml"):
        doc = load(path)
        for e in doc.scenario.events:
            assert e.claims, f"{path.name}: {e.label}"
