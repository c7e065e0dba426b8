"""The game's pages through Streamlit's AppTest: a solo game to its debrief, a class game's teacher and teams."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import class_game
from sim.game.moves import Move
from sim.game.store import Store
from tests.conftest import ROOT, app_page

APP = str(ROOT / "app.py")
PIN = "4711"


page = app_page


def button(at: AppTest, starts: str):
    found = [b for b in at.button if b.label.startswith(starts)]
    assert found, f"no button {starts!r} among {[b.label for b in at.button]}"
    return found[0]


def picker(at: AppTest, starts: str):
    return next(m for m in at.multiselect if m.label.startswith(starts))


def test_a_solo_game_runs_eight_turns_and_its_debrief_lists_every_move_made():
    at = page(page="play")
    at.selectbox[1].set_value("PAK").run()
    button(at, "Start the game").click().run()
    assert at.subheader[0].value == "You play Pakistan \u00b7 turn 1 of 8"
    assert [m.label for m in at.metric][-1] == "Objectives met so far"
    picker(at, "A leader's visit").select("RUS").run()
    picker(at, "A joint military exercise").select("CHN").run()
    picker(at, "A trade or energy deal").select("CHN").run()
    assert any("more than the turn's budget of 6" in e.value for e in at.error)
    assert button(at, "End 2011").disabled
    picker(at, "A trade or energy deal").unselect("CHN").run()
    picker(at, "A joint military exercise").unselect("CHN").run()
    picker(at, "Support at the UN").select("CHN").run()
    assert not at.error and not button(at, "End 2011").disabled
    button(at, "End 2011").click().run()
    news = " ".join(m.value for m in at.markdown)
    assert "The news of 2011" in news and "Salala check-post attack" in news  # history mode: the dated events
    assert "decided by history" in news and "a leader's visit with Russia**: postponed" in news
    for k in range(7):
        picker(at, "Support at the UN").select("CHN").run()
        button(at, f"End {2012 + k}").click().run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Debrief"]
    table = at.table[0].value
    assert len(table) == 9 and set(table["status"]) == {"postponed", "done"}
    assert list(table.columns[:4]) == ["turn", "year", "move", "status"]
    assert {"China-Pakistan above 0.6 at the end", "US-Pakistan above 0 every year"} <= set(table.columns)
    support = table[table["move"].str.contains("support")]
    assert (support["China-Pakistan above 0.6 at the end"] > 0).all()  # shielding China warms the pair
    assert sum("Reflect" in m.value for m in at.markdown) == 1


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_DB", str(tmp_path / "class.sqlite"))
    monkeypatch.setenv("TIGHTROPE_PIN", PIN)
    for cached in (class_game.games, class_game.pin, class_game.replayed, class_game.debriefed):
        cached.clear()
    yield Store(tmp_path / "class.sqlite")
    for cached in (class_game.games, class_game.pin, class_game.replayed, class_game.debriefed):
        cached.clear()


def test_the_teachers_page_needs_the_pin_and_creates_a_game_with_a_join_link_per_team(classroom):
    at = page(page="class")
    at.text_input[0].input("0000").run()
    assert "not the one printed in the server" in at.error[0].value and not at.get("form")
    at.text_input[0].input(PIN).run()
    at.multiselect[0].set_value(["PAK", "RUS", "IND"])
    button(at, "Create the game").click().run()
    (game,) = classroom.games()
    assert game.teams == ("PAK", "RUS", "IND") and game.turn == 0
    links = at.dataframe[0].value["join link"].tolist()
    assert [link.split("?")[1] for link in links] == [f"page=team&game={game.code}&state={c}" for c in game.teams]


def team(code: str, state: str) -> AppTest:
    return page(page="team", game=code, state=state)


def test_teams_agree_a_joint_move_the_teacher_ends_the_turn_and_each_team_reads_its_outcome(classroom):
    import sim
    from sim.game.moves import setup

    loaded = sim.load("walk_the_tightrope")
    code = classroom.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK", "RUS", "IND"], turns=2))
    pak, rus, ind = team(code, "PAK"), team(code, "RUS"), team(code, "IND")
    assert pak.subheader[0].value == f"Game {code} \u00b7 turn 1 of 2 (2011)"
    picker(pak, "A minister's visit").select("RUS").run()
    button(pak, "Submit our moves").click().run()
    assert "Submitted for 2011: Pakistan: a minister's visit with Russia" in pak.success[0].value
    laptop = team(code, "PAK")  # a second laptop of the same team: it shows what the team sent, and can replace it
    assert "Submitted for 2011: Pakistan: a minister's visit with Russia (sent at " in laptop.success[0].value
    picker(laptop, "Support at the UN").select("CHN").run()
    button(laptop, "Submit our moves").click().run()
    pak.run()  # what its poll does once it sees the team's newer submission
    assert "Submitted for 2011: Pakistan: support at the UN, SCO or FATF towards China (sent at" in pak.success[0].value
    button(pak, "Submit our moves").click().run()  # the first laptop sends its own picks again: they count
    assert classroom.submitted(code, 0)["PAK"] == [Move("PAK", "minister_visit", "RUS")]
    picker(rus, "A minister's visit").select("PAK").run()
    button(rus, "Submit our moves").click().run()
    picker(ind, "A request to buy arms").select("RUS").run()
    button(ind, "Submit our moves").click().run()
    assert set(classroom.submitted(code, 0)) == {"PAK", "RUS", "IND"}
    classroom.end_turn(code, 0)
    pak.run()
    assert pak.subheader[0].value == f"Game {code} \u00b7 turn 2 of 2 (2012)"
    shown = " ".join(m.value for m in pak.markdown)
    assert "a minister's visit with Russia**: agreed, both teams chose a minister's visit" in shown
    ind.run()
    assert "India: a request to buy arms from Russia**: accepted" in " ".join(m.value for m in ind.markdown)
    classroom.pause(code, True)
    pak.run()
    assert "paused" in pak.info[0].value and button(pak, "Submit our moves").disabled
    classroom.pause(code, False)
    classroom.end_turn(code, 1)
    pak.run()
    assert [h.value for h in pak.header] == ["Debrief"]
    rows = pak.table[0].value
    assert rows["move"].tolist() == ["Pakistan: a minister's visit with Russia"]
    assert rows["Russia regards Pakistan above 0.4 at the end"].iloc[0] > 0


def test_a_team_link_to_an_unknown_game_or_state_says_what_is_wrong(classroom):
    assert "no game with the code 'ZZZZZ'" in team("ZZZZZ", "PAK").error[0].value
    import sim
    from sim.game.moves import setup

    loaded = sim.load("walk_the_tightrope")
    code = classroom.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK"]))
    assert "no team plays 'RUS'" in team(code, "rus").error[0].value
    assert team(code, "pak").subheader[0].value.startswith(f"Game {code}")  # a hand-typed link in lower case
    assert team(code, "pak").subheader[0].value.startswith(f"Game {code}")


def test_the_teachers_levers_an_injection_lands_and_a_turn_ends_itself_when_every_team_has_sent(classroom):
    import sim
    from sim.game.moves import setup

    loaded = sim.load("walk_the_tightrope")
    code = classroom.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK", "IND"], turns=3))
    at = page(page="class")
    at.text_input[0].input(PIN).run()
    next(t for t in at.text_input if t.label.startswith("What happened")).input("A border clash in Kashmir")
    button(at, "Add it to this turn").click().run()
    assert "Added: A border clash in Kashmir" in at.success[0].value
    at.toggle[0].set_value(True).run()
    classroom.submit(code, 0, "PAK", [])
    classroom.submit(code, 0, "IND", [])
    at.run()  # the status board sees every team has sent, and ends the turn
    assert classroom.game(code).turn == 1
    _, injections = classroom.log(code)
    assert [i.label for i in injections[0]] == ["A border clash in Kashmir"]
    pak = team(code, "PAK")
    assert "A border clash in Kashmir (put in by the teacher: no source)" in " ".join(m.value for m in pak.markdown)
    projector = page(page="projector", game=code)
    assert projector.subheader[0].value == "Turn 2 of 3" and len(projector.get("vega_lite_chart")) == 1
    results = at.dataframe[-1].value
    assert set(results["team"]) == {"Pakistan", "India"} and len(results) == 6


def test_a_game_whose_scenario_is_no_longer_served_says_so(classroom):
    import sim
    from sim.game.moves import setup

    loaded = sim.load("walk_the_tightrope")
    code = classroom.create("gone.yaml", loaded, setup(loaded, ["PAK"]))
    assert "played on gone.yaml, which this server no longer serves" in team(code, "PAK").error[0].value
