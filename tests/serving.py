"""A real `streamlit run` of the app for the browser tests, and Chromium's launch: shared by their modules.

The server is up when its own health endpoint says so; pages are ready when Streamlit's
own states say so (connected, script not running, no skeletons), never after a sleep.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT

CHROMIUM = Path("/usr/lib/chromium/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TURN_WAIT = 30_000  # ms a team page may take to notice a turn ended (it polls every second)
# Where a chart is drawn to, and where the page's column ends: [right edge drawn, right edge of the column].
FITS = """(el) => { const main = el.closest('[data-testid=stMainBlockContainer]');
  const right = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
  return [el.querySelector('canvas, svg').getBoundingClientRect().right, right]; }"""
READY = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"


def launch_args() -> dict:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {"executable_path": str(CHROMIUM), "args": FLAGS}


class Server:
    """`streamlit run app.py` on a free port of 127.0.0.1, with ``env`` added to the environment."""

    def __init__(self, env: dict[str, str] | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
        command = [streamlit, "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1"]
        command += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []  # what the server printed, read as it comes (a full pipe would stall it)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.proc.kill()
                    pytest.fail(f"streamlit did not start: {self.output()[-2000:]}")
                time.sleep(0.1)  # polling the health endpoint, not waiting for the page

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.decode(errors="replace"))

    def output(self) -> str:
        """What the server has printed so far (its log)."""
        return "".join(self.lines)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def kill(self) -> None:
        """As a crash or a pulled plug would: no shutdown, no chance to write anything."""
        self.proc.kill()
        self.proc.wait(timeout=20)


def wait_until_idle(page: Page) -> None:
    page.wait_for_selector(READY, timeout=60_000)
    expect(page.locator("[data-testid=stSkeleton]")).to_have_count(0, timeout=60_000)


def choose(page: Page, action: str, partner: str) -> None:
    """Pick a partner for an action in the turn's pickers, as a student would with the mouse.

    A click that lands while the page is redrawing (its poll reruns a fragment every second)
    may not open the list; a student clicks again, and so does this, up to three times."""
    page.bring_to_front()  # a list opens in the tab that has the focus, as on a student's own screen
    picker = page.get_by_test_id("stMultiSelect").filter(has_text=action)
    option = page.get_by_role("option", name=partner, exact=True)
    for attempt in range(3):
        wait_until_idle(page)
        picker.evaluate("e => e.scrollIntoView({block: 'center'})")  # room below it for the list to open
        picker.click()
        try:
            expect(option).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    option.click()
    page.keyboard.press("Escape")
    expect(picker).to_contain_text(partner)
    wait_until_idle(page)


def submit(page: Page, year: int) -> None:
    page.get_by_role("button", name="Submit our moves").click()
    expect(page.get_by_text(f"Submitted for {year}:")).to_be_visible(timeout=TURN_WAIT)
