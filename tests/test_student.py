"""The student's page: lessons, levers, predict-then-run, the verdict and the printable report."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from sim.classroom import printable, student, tables
from sim.classroom.whatif import WhatIf, apply
from sim.engine import ensemble
from sim.model.measures import pair_mean
from sim.model.world import compile
from sim.scenario import ledger
from sim.scenario.errors import InputError
from sim.scenario.loader import load, load_text
from tests.conftest import ROOT, app_page

APP = str(ROOT / "app.py")
SERVED, _ = tables.scenario_files(ROOT / "scenarios")
LESSONS = {f: s for f, s in SERVED.items() if s.scenario.lesson is not None}


page = app_page


def headline(at: AppTest) -> str:
    found = [m.value for m in at.markdown if m.value.startswith("### ")]
    return found[0][4:] if found else ""


def predict_and_run(at: AppTest, lesson: str, direction: str) -> AppTest:
    at.selectbox(key="lesson").set_value(lesson).run()
    at.radio(key=f"prediction@{lesson}").set_value(direction).run()
    at.button[[b.label for b in at.button].index("Run the model")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_pack_has_at_least_six_numbered_lessons_with_known_quotes():
    numbers = sorted(s.scenario.lesson.number for s in LESSONS.values())
    assert len(numbers) >= 6 and numbers == list(range(1, len(numbers) + 1))
    for loaded in LESSONS.values():
        lesson = loaded.scenario.lesson
        assert set(lesson.quotes) <= set(ledger.claims()) and 1 <= len(lesson.discuss) <= 6
        assert set(lesson.predict.pair) <= set(loaded.scenario.actors)


def test_the_student_page_opens_by_default_and_hides_the_result_until_a_prediction():
    at = page()
    assert at.session_state["page"] == "student"
    assert at.selectbox(key="lesson").value == "us_ties_mended.yaml"  # lesson 1
    run = at.button[[b.label for b in at.button].index("Run the model")]
    assert run.disabled
    assert headline(at) == "" and not at.get("vega_lite_chart")
    assert len(at.select_slider) == len(ledger.levers()) == 6
    assert all(s.value == student.AS_SOURCES for s in at.select_slider)


def independent_gap(lesson: str, overrides: dict[str, float], replications: int) -> np.ndarray:
    """The lesson's gap per seed, from the compiled engine directly."""
    pair, at = LESSONS[lesson].scenario.lesson.predict.pair, LESSONS[lesson].scenario.lesson.predict.at
    sides = []
    for name in (session_base(lesson), lesson):
        world = compile(SERVED[name], overrides)
        runs = ensemble.run(world, ensemble.replication_seeds(world.seed, replications))
        i, j = world.index[pair[0]], world.index[pair[1]]
        sides.append(pair_mean(runs.alignment[:, world.step_of(at)], i, j))
    return sides[1] - sides[0]


@pytest.mark.parametrize("lesson", ["us_ties_mended.yaml", "russia_arms_pakistan.yaml"])
def test_the_verdict_states_the_gap_with_its_size_and_says_whether_the_prediction_held(lesson):
    at = predict_and_run(page(), lesson, "higher")
    gaps = independent_gap(lesson, {}, 30)
    gap = float(np.median(gaps))
    text = headline(at)
    assert f"{abs(gap):.2f} {'higher' if gap > 0 else 'lower'}" in text, text
    word, direction = student.size_word(gap, float(np.mean(np.sign(gaps) == np.sign(gap))))
    assert word in text
    shown = (at.success or at.warning)[0].value
    assert ("Your prediction held" in shown) == (direction == "higher")
    assert at.radio(key=f"prediction@{lesson}").disabled  # committed
    assert any("Discuss" in m.value for m in at.markdown)


def test_a_lever_moves_both_sides_and_the_sentence_with_them():
    lesson = "us_ties_mended.yaml"
    at = predict_and_run(page(), lesson, "lower")
    before = headline(at)
    at.select_slider(key="lever_hedging").set_value("none").run()
    after = headline(at)
    assert before != after
    values = compile(SERVED[lesson]).values
    off = student.overrides({"hedging": "none"}, values)
    assert off == {"hedging_gain": 0.0, "outreach_rate": 0.0}
    gaps = independent_gap(lesson, off, 30)
    assert f"{abs(float(np.median(gaps))):.2f}" in after
    # The thaw runs through hedging (the sources' romance of convenience): without it, mending
    # US ties takes much less off Pakistan-Russia.
    assert abs(np.median(gaps)) < abs(np.median(independent_gap(lesson, {}, 30))) / 2


def test_every_lesson_moves_its_pair_visibly_against_seed_noise():
    """Each lesson's prediction is about a change a student can see: a clear change on every seed."""
    for lesson in LESSONS:
        base = session_base(lesson)
        b = tables.run_side(apply(SERVED[base], WhatIf(base=base, name="b")), 30)
        w = tables.run_side(apply(SERVED[lesson], WhatIf(base=lesson, name="w")), 30)
        predict = LESSONS[lesson].scenario.lesson.predict
        v = student.verdict(b, w, predict.pair, predict.at)
        assert v.agree == 1.0 and abs(v.gap) >= student.SAME, (lesson, v.sentence)


def session_base(lesson: str) -> str:
    from sim.classroom import session

    return session.compared_with(SERVED, lesson)


def test_size_words_follow_the_documented_thresholds():
    assert student.size_word(0.019, 1.0) == ("about the same", "about the same")
    assert student.size_word(0.03, 0.8) == ("too small to tell from chance", "about the same")
    assert student.size_word(-0.03, 1.0) == ("a small change", "lower")
    assert student.size_word(0.05, 0.95) == ("a clear change", "higher")
    assert student.size_word(-0.2, 1.0) == ("a large change", "lower")


def test_levers_scale_within_each_assumptions_range():
    catalogue = ledger.assumptions()
    values = {a: catalogue[a].high * 0.9 for a in catalogue}
    out = student.overrides({"hedging": "twice as much", "gifts": student.AS_SOURCES}, values)
    assert out == {"hedging_gain": catalogue["hedging_gain"].high, "outreach_rate": catalogue["outreach_rate"].high}
    for lever in ledger.levers().values():
        assert set(lever.assumptions) <= set(catalogue)


def test_the_report_is_one_offline_page_with_the_chart_the_sentence_and_the_quotes():
    lesson = "daesh_threat_fades.yaml"
    b = tables.run_side(apply(SERVED["baseline.yaml"], WhatIf(base="baseline.yaml", name="b")), 10)
    w = tables.run_side(apply(SERVED[lesson], WhatIf(base=lesson, name="w")), 10)
    spec = LESSONS[lesson].scenario.lesson
    v = student.verdict(b, w, spec.predict.pair, spec.predict.at)
    held, said = student.outcome("lower", v, student.gap_drivers(b, w, spec.predict.pair, 0, 60))
    quotes = [(c, ledger.claims()[c].quote, "a source") for c in spec.quotes]
    result = printable.Result("Daesh", spec.question, spec.predict.prompt, "lower", held, v, said, {}, quotes, ["Q?"])
    html = printable.page(result, printable.chart_png(b, w, spec.predict.pair))
    assert v.sentence.replace("'", "&#x27;") in html and said.split(":")[0] in html
    for _, quote, _ in quotes:
        assert quote.replace('"', "&quot;").replace("'", "&#x27;") in html
    png = base64.b64decode(re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 800 and height > 300
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing fetched when opened or printed


def test_a_lesson_with_an_unknown_quote_or_state_is_refused_where_it_is_written():
    text = (
        "extends: baseline\nname: x\nlesson:\n  number: 1\n  question: q\n"
        "  predict: {pair: [PAK, XYZ], at: 2025Q1, prompt: p}\n  discuss: [d]\n  quotes: [no.such-claim]\n"
    )
    with pytest.raises(InputError) as err:
        load_text(text, "lesson.yaml", ROOT / "scenarios")
    lines = str(err.value).splitlines()
    assert any(line.startswith("lesson.yaml:6:") and "unknown actor 'XYZ'" in line for line in lines), lines
    assert any(line.startswith("lesson.yaml:8:") and "unknown claim 'no.such-claim'" in line for line in lines), lines


def test_shipped_lessons_load_through_the_cli_loader():
    for name in LESSONS:
        assert load(ROOT / "scenarios" / name).scenario.lesson.number >= 1


def test_every_driver_has_words_for_a_student():
    from sim.model.dynamics import DRIVERS

    assert set(student.DRIVER_WORDS) == set(DRIVERS)
