"""The game's pages through Streamlit's AppTest: a solo game to its debrief, a class game's teacher and teams."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import class_common
from sim.classroom.text import plain
from sim.game import access
from sim.game.moves import Move
from sim.game.store import Store
from tests.conftest import ROOT, app_page, seen

APP = str(ROOT / "app.py")
PIN = "4711"


page = app_page


def button(at: AppTest, starts: str):
    found = [b for b in at.button if b.label.startswith(starts)]
    assert found, f"no button {starts!r} among {[b.label for b in at.button]}"
    return found[0]


def picker(at: AppTest, starts: str):
    return next(m for m in at.multiselect if m.label.startswith(plain(starts)))


def effect(cell: str) -> float:
    """The number of a debrief cell such as "+0.12 (clear change, higher)"."""
    return float(html.unescape(cell).split(" ")[0])


def test_a_solo_game_runs_eight_turns_and_its_debrief_lists_every_move_made():
    at = page(page="play")
    at.selectbox[1].set_value("PAK").run()
    button(at, "Start the game").click().run()
    assert at.subheader[0].value == "You play Pakistan \u00b7 turn 1 of 8"
    assert [m.label for m in at.metric][-1] == "Objectives met so far"
    assert at.metric[-1].value == "none judged yet"  # nothing has happened: nothing is met or missed
    picker(at, "A leader's visit").select("RUS").run()
    picker(at, "A joint military exercise").select("CHN").run()
    picker(at, "A trade or energy deal").select("CHN").run()
    assert any("more than the turn's budget of 6" in e.value for e in at.error)
    assert button(at, "End 2011").disabled
    picker(at, "A trade or energy deal").unselect("CHN").run()
    picker(at, "A joint military exercise").unselect("CHN").run()
    picker(at, "Support at the UN").select("CHN").run()
    assert not at.error and not button(at, "End 2011").disabled
    assert not [m for m in at.multiselect if "aid" in html.unescape(m.label).lower()]  # aid is the donor's
    button(at, "End 2011").click().run()
    news = seen(at.markdown)
    assert "The news of 2011" in news and "Salala check-post attack" in news  # history mode: the dated events
    assert "(history (the sources' dated events))" in news and "a leader's visit with Russia: declined" in news
    assert at.metric[-1].value in ("0 of 1", "1 of 1")  # the objective for every year is judged; two wait for the end
    for k in range(7):
        picker(at, "Support at the UN").select("CHN").run()
        button(at, f"End {2012 + k}").click().run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Debrief"]
    assert at.main.children[1].type == "header" or at.header[0].value == "Debrief"
    table = at.table[0].value.map(html.unescape).rename(columns=html.unescape)
    assert len(table) == 9 and set(table["status"]) == {"declined", "done"}
    assert list(table.columns[:4]) == ["turn", "year", "move", "status"]
    assert {"China-Pakistan above 0.6 at the end", "US-Pakistan above 0 every year"} <= set(table.columns)
    support = table[table["move"].str.contains("support")]
    said = support["China-Pakistan above 0.6 at the end"]
    assert all(effect(c) >= 0 for c in said)  # shielding China warms a pair already near its ceiling, a little
    assert all(c.endswith("(no visible effect)") for c in said if abs(effect(c)) < 0.02)  # and says so in words
    assert sum("Reflect" in m.value for m in at.markdown) == 1


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_DB", str(tmp_path / "class.sqlite"))
    monkeypatch.setenv("TIGHTROPE_PIN", PIN)
    caches = (class_common.games, class_common.chosen_pin, class_common.replayed, class_common.debriefed)
    for cached in caches:
        cached.clear()
    yield Store(tmp_path / "class.sqlite")
    for cached in caches:
        cached.clear()


def signed_in() -> AppTest:
    at = page(page="class")
    at.text_input[0].input(PIN)
    button(at, "Open the teacher's page").click().run()
    return at


def test_the_teachers_page_needs_the_pin_and_creates_a_game_with_a_keyed_link_per_team(classroom):
    at = page(page="class")
    at.text_input[0].input("0000")
    button(at, "Open the teacher's page").click().run()
    assert "not the teacher's PIN" in at.error[0].value and "A new class game" not in seen(at.markdown)
    at = signed_in()
    at.multiselect[0].set_value(["PAK", "RUS", "IND"])
    button(at, "Create the game").click().run()
    (game,) = classroom.games()
    assert game.teams == ("PAK", "RUS", "IND") and game.turn == 0
    links = [c.value for c in at.code if "page=team" in c.value]
    keys = {c: access.team_key(classroom, game.code, c) for c in game.teams}
    assert [link.split("?")[1] for link in links] == [
        f"page=team&game={game.code}&state={c}&key={keys[c]}" for c in game.teams
    ]
    assert any("page=projector" in c.value for c in at.code)


def team(store: Store, code: str, state: str, key: str | None = None) -> AppTest:
    key = access.team_key(store, code, state.upper()) if key is None else key
    return page(page="team", game=code, state=state, key=key)


def new_game(store: Store, teams, **kw) -> str:
    import sim
    from sim.game.moves import setup

    loaded = sim.load("walk_the_tightrope")
    return store.create("walk_the_tightrope.yaml", loaded, setup(loaded, teams, **kw))


def test_teams_agree_a_joint_move_the_teacher_ends_the_turn_and_each_team_reads_its_outcome(classroom):
    code = new_game(classroom, ["PAK", "RUS", "IND"], turns=2)
    pak, rus, ind = team(classroom, code, "PAK"), team(classroom, code, "RUS"), team(classroom, code, "IND")
    assert pak.subheader[0].value == f"Game {code} \u00b7 turn 1 of 2 (2011)"
    picker(pak, "A minister's visit").select("RUS").run()
    button(pak, "Submit our moves").click().run()
    assert "Submitted for 2011: Pakistan: a minister's visit with Russia" in seen(pak.success)
    laptop = team(
        classroom, code, "PAK"
    )  # a second laptop of the team: it shows what the team sent, and can replace it
    assert "Submitted for 2011: Pakistan: a minister's visit with Russia (sent at " in seen(laptop.success)
    assert picker(laptop, "A minister's visit").value == ["RUS"]  # its form shows what the team sent
    picker(laptop, "A minister's visit").unselect("RUS").run()
    picker(laptop, "Support at the UN").select("CHN").run()
    button(laptop, "Submit our moves").click().run()
    pak.run()  # what its poll does once it sees the team's newer submission
    assert "Submitted for 2011: Pakistan: support at the UN, SCO or FATF towards China (sent at" in seen(pak.success)
    assert "Another laptop of your team sent its moves" in seen(pak.info)
    assert picker(pak, "Support at the UN").value == ["CHN"] and picker(pak, "A minister's visit").value == []
    picker(pak, "Support at the UN").unselect("CHN").run()
    picker(pak, "A minister's visit").select("RUS").run()
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
    assert "a minister's visit with Russia: agreed, both teams chose a minister's visit" in seen(pak.markdown)
    ind.run()
    assert "India: a request to buy arms from Russia: accepted" in seen(ind.markdown)
    classroom.pause(code, True)
    pak.run()
    assert "paused" in pak.info[0].value and button(pak, "Submit our moves").disabled
    classroom.pause(code, False)
    classroom.end_turn(code, 1)
    pak.run()
    assert [h.value for h in pak.header] == ["Debrief"]
    rows = pak.table[0].value.map(html.unescape).rename(columns=html.unescape)
    assert rows["move"].tolist() == ["Pakistan: a minister's visit with Russia"]
    assert effect(rows["Russia regards Pakistan above 0.4 at the end"].iloc[0]) > 0


def test_a_link_without_its_teams_key_opens_nothing_and_repeats_nothing(classroom):
    code = new_game(classroom, ["PAK", "IND"])
    refused = "This link does not open a team's page here. Ask your teacher for your team's link."
    pak_key = access.team_key(classroom, code, "PAK")
    for at in (
        team(classroom, "ZZZZZ", "PAK", pak_key),  # no such game
        team(classroom, code, "IND", pak_key),  # Pakistan's link edited to India
        team(classroom, code, "RUS", pak_key),  # a state no team plays
        team(classroom, code, "PAK", ""),  # the key cut off
        team(classroom, code, "PAK", "[click here](https://evil.example)"),
    ):
        assert [e.value for e in at.error] == [refused] and not at.button and not at.multiselect
    ok = team(classroom, code, "pak", pak_key)  # a hand-typed link in lower case
    assert ok.subheader[0].value.startswith(f"Game {code}")
    access.reissue(classroom, code, "PAK")  # the teacher makes a new link: the old one stops working
    assert [e.value for e in team(classroom, code, "PAK", pak_key).error] == [refused]


def test_the_teachers_levers_are_kept_in_the_file_and_forgive(classroom):
    code = new_game(classroom, ["PAK", "IND"], turns=3)
    at = signed_in()
    what = next(t for t in at.text_input if t.label.startswith("What happened"))
    what.input("**A border clash** in [Kashmir](https://evil.example)")
    button(at, "Add it to this turn").click().run()
    button(at, "Add it to this turn").click().run()  # the button clicked after Enter sent the form
    assert "Write what happened first" in at.error[0].value
    queued = classroom.queued(code, 0)
    assert [i.label for _, i in queued] == ["**A border clash** in [Kashmir](https://evil.example)"]
    what = next(t for t in at.text_input if t.label.startswith("What happened"))
    what.input("A second event")
    button(at, "Add it to this turn").click().run()
    assert len(classroom.queued(code, 0)) == 2
    button(at, "Remove").click().run()  # the first one goes
    assert [i.label for _, i in classroom.queued(code, 0)] == ["A second event"]
    classroom.unqueue(code, 0, 1)
    classroom.inject(code, 0, classroom_injection())
    next(t for t in at.toggle if t.label.startswith("End each turn")).set_value(True).run()
    assert classroom.game(code).auto_end  # kept in the file: it holds after a restart
    classroom.submit(code, 0, "PAK", [])
    classroom.submit(code, 0, "IND", [])
    at.run()  # the status board sees every team has sent, and ends the turn
    assert classroom.game(code).turn == 1
    pak = team(classroom, code, "PAK")
    shown = seen(pak.markdown)
    assert "**A border clash** in [Kashmir](https://evil.example) (put in by the teacher: no source)" in shown
    assert "https://evil.example" not in " ".join(m.value for m in pak.markdown)  # never a link's target
    projector = page(page="projector", game=code)
    assert projector.subheader[0].value == "Turn 2 of 3" and len(projector.get("vega_lite_chart")) == 1
    results = at.dataframe[-1].value
    assert set(results["team"]) == {"Pakistan", "India"} and len(results) == 6


def classroom_injection():
    from sim.game.play import Injection

    return Injection("incident", "IND", "PAK", 1.0, "**A border clash** in [Kashmir](https://evil.example)")


def test_ending_the_game_says_what_happens_to_the_moves_sent_and_can_play_the_turn_first(classroom):
    code = new_game(classroom, ["PAK", "IND"], turns=6)
    classroom.submit(code, 0, "PAK", [Move("PAK", "forum_support", "CHN")])
    at = signed_in()
    assert "1 of 2 teams have sent 1 moves for turn 1" in seen(at.markdown)
    button(at, "Play turn 1 with the moves sent, then end").click().run()
    g = classroom.game(code)
    assert g.status == "over" and g.turn == 1 and g.where == "over after 1 turn of 6"
    assert classroom.log(code)[0][0] == [Move("PAK", "forum_support", "CHN")]
    pak = team(classroom, code, "PAK")
    assert pak.header[0].value == "Debrief"


def test_a_game_whose_scenario_is_no_longer_served_says_so(classroom):
    import sim
    from sim.game.moves import setup

    loaded = sim.load("walk_the_tightrope")
    code = classroom.create("gone.yaml", loaded, setup(loaded, ["PAK"]))
    assert "no longer served here" in team(classroom, code, "PAK").error[0].value
