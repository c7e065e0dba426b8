"""The classroom app through Streamlit's AppTest: every control and tab, asserting on the data shown."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from sim.classroom import charts, whatif
from tests.conftest import ROOT, seen

APP = str(ROOT / "app.py")
PAK_RUS = "Pakistan - Russia"


def start(**query) -> AppTest:
    """The teacher's page (a link may name another), its first run done."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"page": "teacher", **query})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at: AppTest, title: str = "Alignment of each pair") -> dict:
    """The chart whose title (or first panel's title) starts with ``title``."""
    for chart in at.get("vega_lite_chart"):
        found = json.loads(chart.proto.spec)
        heading = found.get("title") or found.get("vconcat", [{}])[0].get("title", "")
        if heading.startswith(title):
            return found
    raise AssertionError(f"no chart titled {title!r}")


def series(at: AppTest, pair: str, run: str) -> dict[str, float]:
    return {
        row["quarter"]: row["score"]
        for row in charts.dataset(spec(at), "series")
        if row["pair"] == pair and row["run"] == run
    }


def gen(at: AppTest) -> int:
    return at.session_state["gen"]


def open_list(at: AppTest, name: str = "events_open") -> AppTest:
    """Open a sidebar expander (events_open, add_open): closed ones draw nothing."""
    at.session_state[name] = True
    at.run()
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Select a tab, as a click on it does: only the open tab is drawn."""
    at.session_state["tab"] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app() -> AppTest:
    return start()


def test_opens_on_the_baseline_with_nothing_changed(app):
    rows = charts.dataset(spec(app), "series")
    assert {r["pair"] for r in rows} == {PAK_RUS, "Pakistan - United States", "Russia - India", "United States - India"}
    assert series(app, PAK_RUS, "what-if") == series(app, PAK_RUS, "baseline")
    assert all(r["difference"] == 0 for r in charts.dataset(spec(app), "gaps"))
    assert [t.label for t in app.tabs] == [
        "Alignments",
        "Network",
        "Why",
        "Evidence",
        "Sources check",
        "Scenario YAML",
        "Share and export",
    ]


def test_moving_the_hedging_assumption_moves_pak_rus_and_not_the_baseline(app):
    before = series(app, PAK_RUS, "baseline")
    app.slider(key=f"hedging_gain@{gen(app)}").set_value(2.0).run()  # the top of its range
    after = series(app, PAK_RUS, "what-if")
    assert series(app, PAK_RUS, "baseline") == before
    assert after["2016Q1"] > before["2016Q1"] + 0.02  # while Pakistan-US ties fray
    assert whatif.from_token(
        app.query_params["w"][0] if isinstance(app.query_params["w"], list) else app.query_params["w"]
    ).assumptions == {"hedging_gain": 2.0}


def test_switching_off_the_2014_embargo_lift_lowers_pak_rus_in_2016(app):
    open_list(app)
    app.toggle(key=f"embargo-lifted@{gen(app)}").set_value(False).run()
    base, what = series(app, PAK_RUS, "baseline"), series(app, PAK_RUS, "what-if")
    assert what["2016Q3"] < base["2016Q3"]
    events = charts.dataset(spec(app), "events")
    assert {e["status"] for e in events if e["id"] == "embargo-lifted"} == {"dropped"}


def test_adding_an_event_and_refusing_a_bad_one(app):
    open_list(app, "add_open")
    app.selectbox(key="new_type").set_value("aid_restored")
    app.selectbox(key="new_from").set_value("USA")
    app.selectbox(key="new_to").set_value("PAK")
    app.text_input(key="new_date").set_value("2020Q1")
    app.number_input(key="new_size").set_value(1.3)
    app.button[[b.label for b in app.button].index("Add event")].click().run()
    assert not app.error
    pak_usa_base, pak_usa = (
        series(app, "Pakistan - United States", "baseline"),
        series(app, "Pakistan - United States", "what-if"),
    )
    assert pak_usa["2022Q1"] > pak_usa_base["2022Q1"]
    assert any(e["status"] == "added" for e in charts.dataset(spec(app), "events"))
    app.text_input(key="new_date").set_value("2045Q1")
    app.button[[b.label for b in app.button].index("Add event")].click().run()
    assert any("outside the horizon" in e.value for e in app.error)


def test_replications_draw_bands_around_the_median(app):
    app.number_input(key="reps").set_value(30).run()
    rows = [r for r in charts.dataset(spec(app), "series") if r["run"] == "what-if"]
    assert all(r["low"] <= r["score"] <= r["high"] for r in rows)
    assert max(r["high"] - r["low"] for r in rows) > 0.01
    assert any(layer.get("mark", {}).get("type") == "area" for layer in spec(app)["vconcat"][0]["layer"])


def test_network_tab_shows_the_chosen_quarter_and_counts_triads(app):
    open_tab(app, "Network")
    app.select_slider(key="net_step").set_value(0).run()
    network = spec(app, "Who regards whom")
    assert "2010Q1" in network["title"]
    scores = {e["pair"]: e["score"] for e in charts.dataset(network, "edges")}
    assert scores["PAK-RUS"] < 0 and scores["PAK-CHN"] > 0.4
    balanced, unbalanced = (int(m.value) for m in app.metric)
    assert balanced + unbalanced <= 20


def test_why_tab_adds_up_and_names_its_events(app):
    open_tab(app, "Why")
    app.selectbox(key="why_a").set_value("PAK").run()
    app.selectbox(key="why_b").set_value("RUS").run()
    rows = charts.dataset(spec(app, "Why the scores moved"), "drivers")
    assert {r["direction"] for r in rows} == {"PAK->RUS", "RUS->PAK"}
    said = seen(m for m in app.markdown if m.value.startswith("- How Pakistan regards Russia"))
    pak_rus = [r for r in rows if r["direction"] == "PAK->RUS"]
    change = sum(r["contribution"] for r in pak_rus)
    along = max((r for r in pak_rus if r["contribution"] * change > 0), key=lambda r: abs(r["contribution"]))
    against = max((r for r in pak_rus if r["contribution"] * change < 0), key=lambda r: abs(r["contribution"]))
    # The sentence names what moved it the way it went, and what held it back: never the reverse.
    assert f"most by {along['driver']}" in said and f"held back by {against['driver']}" in said and "claims:" in said
    assert ("rose" in said) == (change > 0)
    log = app.dataframe[0].value
    lifted = log[(log["event"] == "embargo lifted") & (log["from"] == "RUS")]
    assert len(lifted) == 1 and lifted["claims"].iloc[0]


def test_evidence_search_filters_the_claims(app):
    open_tab(app, "Evidence")
    everything = len(app.dataframe[0].value)
    app.text_input(key="claim_search").set_value("embargo").run()
    found = app.dataframe[0].value
    assert 0 < len(found) < everything
    assert all("embargo" in " ".join(map(str, row)).lower() for row in found.itertuples())


def test_invalid_yaml_shows_its_line_and_keeps_the_text(app):
    open_tab(app, "Scenario YAML")
    text = "extends: baseline.yaml\nname: Broken\nassumptions: {hedgin_gain: 0.9}\n"
    app.text_area(key="yaml_text").set_value(text)
    app.button[[b.label for b in app.button].index("Apply the YAML")].click().run()
    assert any(seen([e]).startswith("what-if.yaml:3:15:") and "hedging_gain" in seen([e]) for e in app.error)
    assert app.text_area(key="yaml_text").value == text
    open_tab(open_tab(app, "Alignments"), "Scenario YAML")  # a look at another tab loses nothing
    assert app.text_area(key="yaml_text").value == text


def test_valid_yaml_sets_the_widgets(app):
    open_tab(app, "Scenario YAML")
    text = "extends: baseline.yaml\nname: Hedge hard\nassumptions: {hedging_gain: 0.9}\ndrop_events: [fatf-russia]\n"
    app.text_area(key="yaml_text").set_value(text)
    app.button[[b.label for b in app.button].index("Apply the YAML")].click().run()
    assert not app.error
    g = gen(app)
    assert app.slider(key=f"hedging_gain@{g}").value == 0.9
    assert "hedging_gain: 0.9" in app.text_area(key="yaml_text").value
    assert any(c.value == "1 of the scenario's events switched off" for c in app.sidebar.caption)
    assert open_list(app).toggle(key=f"fatf-russia@{g}").value is False


def test_an_upload_over_one_megabyte_is_refused(app):
    open_tab(app, "Scenario YAML")
    big = b"# padding\n" * 110_000
    app.get("file_uploader")[0].set_value(("big.yaml", big, "text/yaml")).run()
    assert any("big.yaml:1:1:" in seen([e]) and "expected at most 1,000,000" in seen([e]) for e in app.error)
    open_tab(app, "Alignments")
    assert series(app, PAK_RUS, "what-if") == series(app, PAK_RUS, "baseline")


def test_a_share_link_reopens_the_same_what_if(app):
    app.slider(key=f"hedging_gain@{gen(app)}").set_value(0.8).run()
    open_list(app).toggle(key=f"embargo-lifted@{gen(app)}").set_value(False).run()
    token = app.query_params["w"]
    token = token[0] if isinstance(token, list) else token
    again = start(w=token, reps="1")
    assert series(again, PAK_RUS, "what-if") == series(app, PAK_RUS, "what-if")
    assert again.slider(key=f"hedging_gain@{gen(again)}").value == 0.8


def test_a_broken_link_warns_and_opens_the_baseline():
    at = start(w="not-a-what-if")
    assert any("could not be opened" in w.value for w in at.warning)
    assert series(at, PAK_RUS, "what-if") == series(at, PAK_RUS, "baseline")


def test_reset_and_the_scenario_picker(app):
    app.slider(key=f"hedging_gain@{gen(app)}").set_value(0.9).run()
    app.button[[b.label for b in app.button].index("Reset to the scenario")].click().run()
    assert series(app, PAK_RUS, "what-if") == series(app, PAK_RUS, "baseline")
    app.selectbox(key=f"base@{gen(app)}").set_value("us_ties_mended.yaml").run()
    assert any("US restores" in c.value or "ties mend" in c.value for c in app.caption)
    events = charts.dataset(spec(app), "events")
    assert any("restores" in e["label"] and e["status"] == "added" for e in events)
    # A what-if file is set against the scenario it extends, not against itself.
    pak_usa = "Pakistan - United States"
    assert series(app, pak_usa, "what-if")["2023Q1"] > series(app, pak_usa, "baseline")["2023Q1"] + 0.1
    assert max(abs(r["difference"]) for r in charts.dataset(spec(app), "gaps")) > 0.1


def test_only_the_open_tab_is_drawn_and_closed_tabs_keep_their_choices(app):
    def title(spec):
        heading = spec.get("title") or spec.get("vconcat", [{}])[0].get("title", "")
        return "alignments" if heading.startswith("Alignment of each pair") else heading

    titles = lambda: {title(json.loads(c.proto.spec)) for c in app.get("vega_lite_chart")}
    assert titles() == {"alignments"}
    open_tab(app, "Why")
    app.selectbox(key="why_a").set_value("IND").run()
    assert {t for t in titles() if t.startswith("Why")} and "alignments" not in titles()
    open_tab(open_tab(app, "Network"), "Why")
    assert app.selectbox(key="why_a").value == "IND"
    open_list(app).toggle(key=f"embargo-lifted@{gen(app)}").set_value(False).run()
    app.session_state["events_open"] = False
    app.run()  # a closed list keeps what was switched off
    assert not app.toggle and whatif.from_token(app.query_params["w"]).drop_events == ("embargo-lifted",)
    assert {r["direction"] for r in charts.dataset(spec(app, "Why the scores moved"), "drivers")} == {
        "IND->RUS",
        "RUS->IND",
    }


def test_a_malformed_file_in_the_folder_is_listed_and_the_rest_still_load(tmp_path, monkeypatch):
    import shutil

    for path in ROOT.joinpath("scenarios").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "broken.yaml").write_text("name: broken\ndescription: [unclosed\n")
    monkeypatch.setenv("TIGHTROPE_SCENARIOS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "teacher"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warning = " ".join(w.value for w in at.warning)
    assert "broken.yaml:" in warning and "could not be loaded" in warning
    assert "US ties mended" in at.selectbox(key=f"base@{at.session_state['gen']}").options


def test_an_uploaded_what_if_with_a_new_state_is_taken(app):
    open_tab(app, "Scenario YAML")
    app.session_state["yaml_text"] = (
        "extends: baseline\nname: Iran joins\nactors:\n  IRN: {name: Iran}\n"
        "initial:\n  - {between: [IRN, USA], value: -0.6}\n"
    )
    app.button[[b.label for b in app.button].index("Apply the YAML")].click().run()
    assert not app.exception and not app.error
    assert app.session_state["loaded"].world["actors"] == {"IRN": {"name": "Iran"}}
    open_tab(app, "Network")
    names = {n["code"] for n in charts.dataset(spec(app, "Who regards whom"), "nodes")}
    assert "IRN" in names


@pytest.mark.parametrize("extends", ["/etc/passwd", "../../etc/hostname", "/proc/self/environ", "/dev/zero"])
def test_the_yaml_tab_never_opens_a_file_outside_the_served_scenarios(app, extends, monkeypatch):
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    open_tab(app, "Scenario YAML")
    app.session_state["yaml_text"] = f"extends: {extends}\nname: x\n"
    app.button[[b.label for b in app.button].index("Apply the YAML")].click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "a scenario the app serves" in errors and "root:" not in errors
    assert not [p for p in opened if not p.startswith(str(ROOT)) and "site-packages" not in p], opened


def test_a_tampered_share_link_shows_a_reason_and_the_baseline():
    at = start(w="eyJiYXNlIjoiLi4vLi4vZXRjL3Bhc3N3ZC55YW1sIn0", reps="9" * 5000)
    assert not at.exception
    assert any("could not be opened" in w.value for w in at.warning)
    assert at.session_state["reps"] == 1
