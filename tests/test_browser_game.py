"""The class game in a real browser: a teacher and three teams, each in its own Chromium context.

The teams' pages are never reloaded: they must follow the teacher's "end the turn", and a
team's second laptop what the first one sent, by their own polling. A second test kills the
server mid-game and starts a new one on the same database: the game resumes at the same turn
with the same scores.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

import sim
from sim.game.moves import Move, setup
from sim.game.store import Store
from tests.serving import FITS, TURN_WAIT, Server, choose, launch_args, submit, wait_until_idle

PIN = "2468"
ALL_SENT = re.compile(r"PAK sent · .*RUS sent · .*USA sent")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return launch_args()


@pytest.fixture
def classroom(tmp_path):
    db = tmp_path / "class.sqlite"
    server = Server({"TIGHTROPE_DB": str(db), "TIGHTROPE_PIN": PIN})
    yield server, db
    server.stop()


def opened(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(url)
    wait_until_idle(page)
    return page


def test_a_teacher_and_three_teams_play_two_turns_in_one_world(browser: Browser, classroom):
    server, db = classroom
    teacher = opened(browser, f"{server.url}/?page=class")
    teacher.get_by_label("Teacher's PIN").fill(PIN)
    teacher.get_by_label("Teacher's PIN").press("Enter")
    expect(teacher.get_by_text("A new class game")).to_be_visible(timeout=TURN_WAIT)
    teams = teacher.get_by_test_id("stMultiSelect").filter(has_text="States played by teams").locator("input")
    teams.click()
    for _ in range(3):  # keep Pakistan, Russia and the United States; India, China and Afghanistan are agents
        teams.press("Backspace")
    teacher.keyboard.press("Escape")
    teacher.get_by_test_id("stRadio").filter(has_text="Turns").get_by_text("6", exact=True).click()
    teacher.get_by_role("button", name="Create the game").click()
    created = teacher.get_by_text(re.compile(r"^Game [A-Z0-9]{5} · turn 1 of 6, playing$"))
    expect(created).to_be_visible(timeout=TURN_WAIT)
    (game,) = Store(db).games()
    assert game.teams == ("PAK", "RUS", "USA") and game.turns == 6

    links = {c: f"{server.url}/?page=team&game={game.code}&state={c}" for c in game.teams}
    expect(teacher.get_by_text(f"page=projector&game={game.code}")).to_be_visible()
    pak, rus, usa = (opened(browser, links[c]) for c in game.teams)
    pak_laptop = opened(browser, links["PAK"])  # a second laptop of Pakistan's team
    for page, name in ((pak, "Pakistan"), (rus, "Russia"), (usa, "United States")):
        expect(page.get_by_role("heading", name=f"Walk the Tightrope: {name}")).to_be_visible()

    # 2011: Pakistan and Russia agree a visit; India, played by its agent, turns down Pakistan's deal
    choose(pak, "A minister's visit", "Russia")
    choose(pak, "A trade or energy deal", "India")
    submit(pak, 2011)
    sent = pak_laptop.get_by_text(
        re.compile(r"^Submitted for 2011: .*Pakistan: a minister's visit with Russia \(sent at")
    )
    expect(sent).to_be_visible(timeout=TURN_WAIT)  # no reload: the team's other laptop sees what was sent
    pak_laptop.close()
    choose(rus, "A minister's visit", "Pakistan")
    submit(rus, 2011)
    choose(usa, "Public pressure", "Pakistan")
    submit(usa, 2011)
    expect(teacher.get_by_text(ALL_SENT)).to_be_visible(timeout=TURN_WAIT)
    teacher.get_by_role("button", name="End the turn for everyone").click()
    for page in (pak, rus, usa):  # no reload: each page follows by its own polling
        expect(page.get_by_text(f"Game {game.code} · turn 2 of 6 (2012)")).to_be_visible(timeout=TURN_WAIT)
    expect(pak.get_by_text("Pakistan: a minister's visit with Russia: agreed")).to_be_visible()
    expect(pak.get_by_text(re.compile(r"with India: postponed, India regards Pakistan at -"))).to_be_visible()
    expect(usa.get_by_text("United States: public pressure towards Pakistan: done")).to_be_visible()

    # 2012: Russia shields Pakistan at a forum; the US cuts aid
    choose(rus, "Support at the UN", "Pakistan")
    submit(rus, 2012)
    choose(usa, "An aid cut", "Pakistan")
    submit(usa, 2012)
    submit(pak, 2012)  # a pass
    expect(teacher.get_by_text(ALL_SENT)).to_be_visible(timeout=TURN_WAIT)
    teacher.get_by_role("button", name="End the turn for everyone").click()
    for page in (pak, rus, usa):
        expect(page.get_by_text(f"Game {game.code} · turn 3 of 6 (2013)")).to_be_visible(timeout=TURN_WAIT)
    expect(rus.get_by_text("Russia: support at the UN, SCO or FATF towards Pakistan: done")).to_be_visible()
    teacher.get_by_role("button", name="End the game now").click()  # the lesson's time is up: to the debrief
    made = {
        pak: ["Pakistan: a minister's visit with Russia", "Pakistan: a trade or energy deal with India"],
        rus: ["Russia: a minister's visit with Pakistan", "Russia: support at the UN, SCO or FATF towards Pakistan"],
        usa: ["United States: public pressure towards Pakistan", "United States: an aid cut towards Pakistan"],
    }
    for page, moves in made.items():
        expect(page.get_by_role("heading", name="Debrief")).to_be_visible(timeout=60_000)
        table = page.get_by_test_id("stTable")
        expect(table).to_be_visible()
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(len(moves))
        for move in moves:
            expect(table.get_by_text(move)).to_be_visible()
        chart = page.get_by_test_id("stVegaLiteChart").first
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["height"] > 250 and box["width"] > 400, box
        drawn, edge = chart.evaluate(FITS)
        assert drawn <= edge + 1, (drawn, edge)  # the objectives' names too fit a 1280-pixel page
        assert chart.locator("canvas, svg").count() > 0


def test_a_game_survives_the_server_being_killed_mid_game(browser: Browser, tmp_path):
    db = tmp_path / "class.sqlite"
    env = {"TIGHTROPE_DB": str(db), "TIGHTROPE_PIN": PIN}
    loaded = sim.load("walk_the_tightrope")
    store = Store(db)
    code = store.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK", "RUS"]))
    store.submit(code, 0, "PAK", [Move("PAK", "minister_visit", "RUS")])
    store.submit(code, 0, "RUS", [Move("RUS", "minister_visit", "PAK")])
    store.end_turn(code, 0)
    store.submit(code, 1, "PAK", [Move("PAK", "forum_support", "CHN")])  # sent, not yet resolved

    def scores(page: Page) -> list[str]:
        return page.get_by_test_id("stMetricValue").all_inner_texts()

    first = Server(env)
    page = opened(browser, f"{first.url}/?page=team&game={code}&state=PAK")
    expect(page.get_by_text(f"Game {code} · turn 2 of 8 (2012)")).to_be_visible()
    before = scores(page)
    assert len(before) == 4 and before[-1].endswith("of 3")
    first.kill()

    second = Server(env)
    try:
        page.goto(f"{second.url}/?page=team&game={code}&state=PAK")
        wait_until_idle(page)
        expect(page.get_by_text(f"Game {code} · turn 2 of 8 (2012)")).to_be_visible()
        assert scores(page) == before
        sent = "Submitted for 2012: Pakistan: support at the UN, SCO or FATF towards China"
        expect(page.get_by_text(sent)).to_be_visible()  # the move sent before the crash is still there
    finally:
        second.stop()
