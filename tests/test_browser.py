"""The classroom app in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.

Waits only on the page's own states (connection, script run, skeletons), never on
sleeps. Fails if any request leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.serving import FITS, Server, launch_args, wait_until_idle

SNAPSHOT = """() => {
  const chart = document.querySelector('[data-testid=stVegaLiteChart]');
  if (!chart) return '';
  const canvas = chart.querySelector('canvas');
  return canvas ? canvas.toDataURL() : chart.innerHTML;
}"""


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return launch_args()


@pytest.fixture(scope="session")
def server() -> str:
    running = Server()
    yield running.url
    running.stop()


def screenshot_path(tmp_path: Path) -> Path:
    """The test's own tmp dir; `make screenshot` also asks for a copy for the README."""
    return tmp_path / "app.png"


def test_a_slider_moves_the_chart_and_nothing_leaves_localhost(page: Page, server: str, tmp_path: Path):
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(request.url))
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?page=teacher")
    wait_until_idle(page)
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    expect(chart).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Tightrope: the Pakistan-Russia thaw, what if?")).to_be_visible()
    before = page.evaluate(SNAPSHOT)
    assert before

    slider = page.locator("[data-testid=stSlider]").filter(has_text="hedging_gain").locator("input[type=range]")
    slider.focus()
    slider.press("End")
    expect(slider).to_have_value(slider.get_attribute("max"), timeout=10_000)
    page.wait_for_function(f"(before) => ({SNAPSHOT})() !== before", arg=before, timeout=60_000)
    wait_until_idle(page)
    assert "hedging_gain" in page.url or "w=" in page.url  # the share link follows the change

    shot = screenshot_path(tmp_path)
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("TIGHTROPE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["TIGHTROPE_SCREENSHOT"])

    page.get_by_role("tab", name="Share and export").click()
    wait_until_idle(page)
    link = page.locator("[data-testid=stCode]").first.inner_text().strip()
    assert link.startswith(f"{server}/?") and "w=" in link, link  # a whole link, not a bare query
    opened = page.context.new_page()
    opened.goto(link)
    wait_until_idle(opened)
    shared = opened.locator("[data-testid=stSlider]").filter(has_text="hedging_gain").locator("input[type=range]")
    expect(shared).to_have_value(slider.get_attribute("max"), timeout=60_000)  # the same what-if
    opened.close()

    outside = [
        u for u in hosts if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname != "127.0.0.1"
    ]
    assert not outside, outside
    assert any(urlparse(u).hostname == "127.0.0.1" for u in hosts)


MARKS = """(el) => Array.from(el.querySelectorAll('.mark-rect.role-mark path'))
  .map(p => { const r = p.getBoundingClientRect(); return [r.width, r.height]; })"""  # a chart's bars, not its legend


@pytest.mark.parametrize("width", [1024, 1440, 1920])
def test_the_why_chart_is_drawn_at_every_page_width(page: Page, server: str, width: int):
    """What is drawn, not the spec: the chart's box has a height and its bars are visibly tall."""
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{server}/?page=teacher")
    wait_until_idle(page)
    page.get_by_role("tab", name="Why").click()
    wait_until_idle(page)
    chart = page.locator("[data-testid=stVegaLiteChart]").filter(has_text="Why the scores moved").first
    expect(chart).to_be_visible(timeout=60_000)
    assert chart.bounding_box()["height"] > 150
    bars = [h for w, h in chart.evaluate(MARKS) if w > 0]
    assert len(bars) >= 8 and min(bars) > 15, bars  # eight drivers, each a bar taller than a line


def test_every_chart_of_the_teacher_page_fits_a_1280_pixel_laptop(page: Page, server: str):
    """Drawn, legends included, inside the page's column: a legend past the edge hides the pairs' names."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/?page=teacher")
    wait_until_idle(page)
    for tab, title in (
        ("Alignments", "Alignment of each pair"),
        ("Network", "Who regards whom"),
        ("Why", "Why the scores moved"),
        ("Sources check", "The baseline"),
    ):
        page.get_by_role("tab", name=tab).click()
        wait_until_idle(page)
        chart = page.locator("[data-testid=stVegaLiteChart]").filter(has_text=title).first
        expect(chart.locator("canvas, svg").first).to_be_visible(timeout=60_000)
        drawn, edge = chart.evaluate(FITS)
        assert drawn <= edge + 1, (tab, drawn, edge)


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_a_student_predicts_runs_reads_the_why_and_prints_the_result(page: Page, server: str, tmp_path: Path):
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(server)  # the student's page is the default
    wait_until_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Lesson").click()
    page.get_by_role("option", name="Lesson 4. Russia arms Pakistan").click()
    expect(page.get_by_role("heading", name="Can Russia sell its newest fighters")).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    run = page.get_by_role("button", name="Run the model")
    expect(run).to_be_disabled()
    page.get_by_text("further apart (a lower score)").click()
    expect(page.get_by_role("radio", name="further apart (a lower score)")).to_be_checked()
    expect(run).to_be_enabled(timeout=60_000)  # once the page has rerun with the prediction
    run.click()
    wait_until_idle(page)
    sentence = page.get_by_role("heading", name=re.compile(r"^India-Russia is [0-9.]+ (higher|lower) in 2025Q1"))
    expect(sentence).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"Your prediction (held|did not hold)"))).to_be_visible()
    chart = page.locator("[data-testid=stVegaLiteChart]").filter(has_text="Alignment of each pair").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 200
    drawn, edge = chart.evaluate(FITS)
    assert drawn <= edge + 1, (drawn, edge)  # on a 1280-pixel laptop the chart and its legends fit the page

    page.get_by_text("Why did it change?").click()
    wait_until_idle(page)
    why = page.locator("[data-testid=stVegaLiteChart]").filter(has_text="Where the difference came from").first
    expect(why).to_be_visible(timeout=60_000)
    bars = [h for w, h in why.evaluate(MARKS) if w > 0]
    assert len(bars) >= 4 and max(bars) > 15, bars

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my result (a page to print)").click()
    report = tmp_path / "result.html"
    download.value.save_as(report)
    text = report.read_text(encoding="utf-8")
    assert "India-Russia is" in text and "I predicted: <b>lower</b>" in text

    printed = page.context.new_page()
    printed.goto(report.as_uri())
    image = printed.locator("img")
    expect(image).to_be_visible()
    assert printed.evaluate("() => document.images[0].complete && document.images[0].naturalWidth") > 800
    printed.emulate_media(media="print")
    assert image.bounding_box()["height"] > 150  # the chart keeps its size in print
    for paper in ("A4", "Letter"):
        pdf = printed.pdf(format=paper)
        assert 1 <= pdf_pages(pdf) <= 2, (paper, pdf_pages(pdf))
        assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf  # the chart is in the PDF
    printed.close()
