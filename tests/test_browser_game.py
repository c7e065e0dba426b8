"""The class game in a real browser: a teacher and three teams, each in its own Chromium context.

The teams' pages are never reloaded: they must follow the teacher's "end the turn", and a
team's second laptop what the first one sent, by their own polling. A second test kills the
server mid-game and starts a new one on the same database: the game resumes at the same turn
with the same scores.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import sim
from sim.game import access
from sim.game.moves import Move, setup
from sim.game.play import Injection
from sim.game.store import Store
from tests.serving import FITS, TURN_WAIT, Server, choose, launch_args, submit, wait_until_idle

PIN = "2468"
SHOTS = Path(os.environ["TIGHTROPE_SHOTS"]) if os.environ.get("TIGHTROPE_SHOTS") else None  # screenshots, if asked
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


def opened(browser: Browser, url: str, height: int = 1000) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": height}).new_page()
    page.goto(url)
    wait_until_idle(page)
    return page


def shot(page: Page, name: str) -> None:
    """A screenshot of the first screen of a 1280 x 800 laptop, when TIGHTROPE_SHOTS names a folder."""
    if SHOTS:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.mouse.move(1, 1)  # no tooltip left over a button
        page.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
        wait_until_idle(page)
        page.screenshot(path=str(SHOTS / name), full_page=False)
        page.set_viewport_size({"width": 1280, "height": 1000})


def sign_in(page: Page, pin: str = PIN) -> None:
    page.get_by_label("Teacher's PIN").fill(pin)
    page.get_by_label("Teacher's PIN").press("Enter")
    wait_until_idle(page)


def test_a_teacher_and_three_teams_play_two_turns_in_one_world(browser: Browser, classroom):
    server, db = classroom
    teacher = opened(browser, f"{server.url}/?page=class")
    sign_in(teacher)
    expect(teacher.get_by_text("A new class game")).to_be_visible(timeout=TURN_WAIT)
    teams = teacher.get_by_test_id("stMultiSelect").filter(has_text="States played by teams").locator("input")
    teams.click()
    for _ in range(3):  # keep Pakistan, Russia and the United States; India, China and Afghanistan are agents
        teams.press("Backspace")
    teacher.keyboard.press("Escape")
    teacher.get_by_test_id("stRadio").filter(has_text="Turns").get_by_text("6 turns (6 years)", exact=True).click()
    teacher.get_by_role("button", name="Create the game").click()
    created = teacher.get_by_text(re.compile(r"^Game [A-Z0-9]{5} · turn 1 of 6, playing$"))
    expect(created).to_be_visible(timeout=TURN_WAIT)
    (game,) = Store(db).games()
    assert game.teams == ("PAK", "RUS", "USA") and game.turns == 6

    keys = {c: access.team_key(Store(db), game.code, c) for c in game.teams}
    links = {c: f"{server.url}/?page=team&game={game.code}&state={c}&key={keys[c]}" for c in game.teams}
    for c in game.teams:  # each link is on the teacher's page, to click or to copy
        expect(teacher.get_by_text(links[c])).to_be_visible()
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
    teacher.get_by_role("button", name="End the turn", exact=True).click()
    for page in (pak, rus, usa):  # no reload: each page follows by its own polling
        expect(page.get_by_text(f"Game {game.code} · turn 2 of 6 (2012)")).to_be_visible(timeout=TURN_WAIT)
    expect(pak.get_by_text("Pakistan: a minister's visit with Russia: agreed")).to_be_visible()
    expect(pak.get_by_text(re.compile(r"with India: declined, India regards Pakistan at -"))).to_be_visible()
    expect(usa.get_by_text("United States: public pressure towards Pakistan: done")).to_be_visible()
    shot(pak, "class-team-turn-2.png")
    shot(teacher, "class-teacher.png")

    # 2012: Russia shields Pakistan at a forum; the US cuts aid
    choose(rus, "Support at the UN", "Pakistan")
    submit(rus, 2012)
    choose(usa, "An aid cut", "Pakistan")
    submit(usa, 2012)
    submit(pak, 2012)  # a pass
    expect(teacher.get_by_text(ALL_SENT)).to_be_visible(timeout=TURN_WAIT)
    teacher.get_by_role("button", name="End the turn", exact=True).click()
    for page in (pak, rus, usa):
        expect(page.get_by_text(f"Game {game.code} · turn 3 of 6 (2013)")).to_be_visible(timeout=TURN_WAIT)
    expect(rus.get_by_text("Russia: support at the UN, SCO or FATF towards Pakistan: done")).to_be_visible()
    teacher.get_by_role("button", name="End the game…").click()  # the lesson's time is up: to the debrief
    expect(teacher.get_by_text("0 of 3 teams have sent 0 moves for turn 3")).to_be_visible()
    teacher.get_by_role("button", name=re.compile("^End now: turn 3 is not played")).click()
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
    shot(pak, "class-debrief.png")


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

    key = access.team_key(store, code, "PAK")
    first = Server(env)
    page = opened(browser, f"{first.url}/?page=team&game={code}&state=PAK&key={key}")
    expect(page.get_by_text(f"Game {code} · turn 2 of 8 (2012)")).to_be_visible()
    before = scores(page)
    assert len(before) == 4 and before[-1] == "1 of 1"  # the objective for every year; two wait for the end
    first.kill()

    second = Server(env)
    try:
        page.goto(f"{second.url}/?page=team&game={code}&state=PAK&key={key}")
        wait_until_idle(page)
        expect(page.get_by_text(f"Game {code} · turn 2 of 8 (2012)")).to_be_visible()
        assert scores(page) == before
        sent = "Submitted for 2012: Pakistan: support at the UN, SCO or FATF towards China"
        expect(page.get_by_text(sent)).to_be_visible()  # the move sent before the crash is still there
    finally:
        second.stop()


def test_a_student_who_edits_a_link_or_guesses_the_pin_gets_nowhere(browser: Browser, classroom):
    """A team's link edited to another state, or cut of its key, opens nothing; wrong PINs in fresh
    browser contexts (new tabs, another browser) are counted in the file, delayed, then locked out."""
    server, db = classroom
    loaded = sim.load("walk_the_tightrope")
    store = Store(db)
    code = store.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK", "IND", "USA"]))
    pak = access.team_key(store, code, "PAK")
    store.submit(code, 0, "IND", [Move("IND", "minister_visit", "RUS")])
    refused = "This link does not open a team's page here. Ask your teacher for your team's link."
    for query in (f"state=IND&key={pak}", f"state=USA&key={pak}", "state=PAK", f"state=PAK&key={pak[:-2]}"):
        page = opened(browser, f"{server.url}/?page=team&game={code}&{query}")
        expect(page.get_by_text(refused)).to_be_visible()
        assert page.get_by_role("button").filter(has_text="Submit").count() == 0
        assert "minister" not in page.inner_text("body")  # India's moves are not read
        assert "India" not in page.inner_text("body") and "USA" not in page.inner_text("body")  # nor its teams listed
        page.context.close()
    crafted = opened(browser, f"{server.url}/?page=team&game=%5Bwin%5D(https%3A%2F%2Fevil.example)&state=PAK&key=x")
    expect(crafted.get_by_text(refused)).to_be_visible()
    assert crafted.locator("a[href*='evil.example']").count() == 0  # nothing of the link is said back, let alone linked
    assert store.submitted(code, 0) == {"IND": [Move("IND", "minister_visit", "RUS")]}  # and nothing was sent

    for _ in range(5):  # five wrong PINs, each from a fresh context: the sixth try has to wait
        guess = opened(browser, f"{server.url}/?page=class")
        sign_in(guess, "0000")
        guess.context.close()
    late = opened(browser, f"{server.url}/?page=class")
    sign_in(late, PIN)  # even the right PIN waits its turn
    expect(late.get_by_text(re.compile("wait [0-9]+ s before the next try"))).to_be_visible()
    expect(late.get_by_text("A new class game")).to_have_count(0)
    late.context.close()
    with sqlite3.connect(db) as file:  # 19 wrong tries in a row, the last two minutes ago (past its wait)
        file.execute("DELETE FROM pin_failures")
        file.executemany("INSERT INTO pin_failures VALUES (?)", [(time.time() - 1800 + 90 * k,) for k in range(19)])
    last = opened(browser, f"{server.url}/?page=class")
    sign_in(last, "1111")
    expect(last.get_by_text("the teacher's page is locked for 15 minutes")).to_be_visible()
    fresh = opened(browser, f"{server.url}/?page=class")
    sign_in(fresh, PIN)
    expect(fresh.get_by_text(re.compile("the teacher's page is locked for 1[45] more minutes"))).to_be_visible()
    expect(fresh.get_by_text("A new class game")).to_have_count(0)
    logged = server.output()
    assert logged.count("a wrong teacher's PIN was typed") == 6 and "(20 in a row)" in logged


def test_markup_in_a_teachers_event_is_shown_as_typed_on_every_page(browser: Browser, classroom):
    server, db = classroom
    loaded = sim.load("walk_the_tightrope")
    store = Store(db)
    code = store.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK", "IND"], turns=6))
    label = "**Clash** at [the LoC](https://evil.example) <b>now</b> www.evil.example"
    store.inject(code, 0, Injection("incident", "IND", "PAK", 1.0, label))
    store.end_turn(code, 0)
    key = access.team_key(store, code, "PAK")
    team = opened(browser, f"{server.url}/?page=team&game={code}&state=PAK&key={key}")
    projector = opened(browser, f"{server.url}/?page=projector&game={code}")
    store.finish(code)
    for page in (team, projector):
        page.reload()
        wait_until_idle(page)
    expect(team.get_by_role("heading", name="Debrief")).to_be_visible(timeout=60_000)
    for page in (team, projector):
        expect(page.get_by_text("Clash** at [the LoC]").first).to_be_visible()
        seen = page.inner_text("main").replace("\u2060", "")  # an address keeps an invisible joiner: no link
        assert label in seen  # the very characters typed
        assert page.locator("a[href*='evil.example']").count() == 0
        assert page.locator("main b").filter(has_text="now").count() == 0
    with team.expect_download() as download:
        team.get_by_role("button", name="Download the debrief (a page to print)").click()
    printed = Path(download.value.path()).read_text()
    assert "&lt;b&gt;now&lt;/b&gt;" in printed and 'href="https://evil.example' not in printed


def test_the_pin_the_auto_end_and_a_queued_event_outlast_a_restart(browser: Browser, tmp_path):
    db = tmp_path / "class.sqlite"
    loaded = sim.load("walk_the_tightrope")
    store = Store(db)
    code = store.create("walk_the_tightrope.yaml", loaded, setup(loaded, ["PAK", "IND"]))
    pin = access.new_pin(store)  # as `tightrope class` makes and prints it
    first = Server({"TIGHTROPE_DB": str(db)})
    teacher = opened(browser, f"{first.url}/?page=class")
    sign_in(teacher, pin)
    teacher.get_by_text("End each turn when every team has submitted").click()
    teacher.get_by_text("Put an event into this turn").click()
    teacher.get_by_label("What happened").fill("A border clash")
    teacher.get_by_role("button", name="Add it to this turn").click()
    wait_until_idle(teacher)
    assert [i.label for _, i in store.queued(code, 0)] == ["A border clash"] and store.game(code).auto_end
    first.kill()
    second = Server({"TIGHTROPE_DB": str(db)})
    try:
        again = opened(browser, f"{second.url}/?page=class")
        sign_in(again, pin)  # the same PIN after the restart
        expect(again.get_by_text(re.compile("The PIN is kept in the class's file since"))).to_be_visible()
        toggle = again.get_by_role("switch", name="End each turn when every team has submitted")
        expect(toggle).to_be_checked()
        again.get_by_text("Put an event into this turn").click()
        expect(again.get_by_text("Event 1: Pakistan → Russia: A border clash (incident, size 1)")).to_be_visible()
        store.submit(code, 0, "PAK", [])
        store.submit(code, 0, "IND", [])
        expect(again.get_by_text(re.compile(r"^Game .* · turn 2 of 8, playing$"))).to_be_visible(timeout=TURN_WAIT)
    finally:
        second.stop()
