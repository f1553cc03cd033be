"""The whole app in a real browser: streamlit serves app.py, Debian's Chromium (driven by
Playwright) visits every listed page and checks that its charts render and nothing failed.

Skipped, with the reason, where Chromium or Playwright is missing; CI sets
DASHBOARD_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from ui.catalog import PAGES

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _require_or_skip(reason: str) -> None:
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but cannot run: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "streamlit.log", "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1",
         "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    chromium = _chromium()
    if chromium is None:
        _require_or_skip("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require_or_skip("the playwright package is not installed (requirements-dev.txt)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def _settle(page, min_charts: int, timeout_ms: int = 120_000) -> None:
    """Wait until the script has finished and at least ``min_charts`` Plotly charts drew."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
        arg=min_charts, timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached",
                           timeout=timeout_ms)


def _assert_healthy(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Something went wrong" not in page.inner_text("body")


def test_a_deep_link_on_a_fresh_server_goes_through_the_router(server, tab):
    """First request of this server: a link straight to a page (as pasted into slides) must
    still get app.py's navigation, not Streamlit's folder-based one (ui.layout.require_router).
    Keep this test first in the module: it needs a server no session has used yet."""
    first = PAGES[0]
    tab.goto(f"{server}/{first.url_path}?seed=8")
    _settle(tab, min_charts=1)
    nav = tab.inner_text('[data-testid="stSidebar"]')
    assert "Home" in nav and first.section in nav
    assert "app" not in nav.split()  # the folder-based navigation lists app.py as "app"
    assert "seed=8" in tab.url
    _assert_healthy(tab)


def test_home_links_every_page(server, tab):
    tab.goto(server)
    tab.wait_for_selector("h1", timeout=60_000)
    body = tab.inner_text("body")
    assert "How fully connected networks learn" in body
    for page in PAGES:
        assert tab.locator(f'a[href$="/{page.url_path}"]').count() >= 1, page.title
    _assert_healthy(tab)


@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.url_path)
def test_every_page_renders_its_charts(server, tab, info):
    tab.goto(f"{server}/{info.url_path}")
    _settle(tab, min_charts=2)
    _assert_healthy(tab)
    # Every tab of the page draws its charts when opened.
    for i in range(tab.locator('[data-baseweb="tab"]').count()):
        tab.locator('[data-baseweb="tab"]').nth(i).click()
        tab.wait_for_timeout(300)
        _settle(tab, min_charts=1)
        _assert_healthy(tab)
    tab.screenshot(path=str(ARTIFACTS / f"{info.url_path}.png"), full_page=False)


def test_xor_control_change_updates_picture_and_link(server, tab):
    tab.goto(f"{server}/xor?hidden_units=3&seed=8")
    _settle(tab, min_charts=2)
    tab.get_by_role("tab", name="3 · Train it").click()
    _settle(tab, min_charts=1)
    assert "hidden_units=3" in tab.url and "seed=8" in tab.url
    seed_box = tab.get_by_label("seed")
    seed_box.fill("9")
    seed_box.press("Enter")
    tab.wait_for_function("() => location.search.includes('seed=9')", timeout=60_000)
    _settle(tab, min_charts=1)
    _assert_healthy(tab)


def test_a_mangled_link_loads_with_a_message(server, tab):
    tab.goto(f"{server}/xor?hidden_units=banana&learning_rate=1e9")
    _settle(tab, min_charts=2)
    body = tab.inner_text("body")
    assert "could not use" in body and "hidden_units" in body
    _assert_healthy(tab)


def test_screenshot_of_the_xor_replay(server, tab):
    """Keeps a picture of the page for the README (test-artifacts/, not committed)."""
    tab.goto(f"{server}/xor")
    _settle(tab, min_charts=2)
    tab.get_by_role("tab", name="3 · Train it").click()
    _settle(tab, min_charts=1)
    ARTIFACTS.mkdir(exist_ok=True)
    path = Path(ARTIFACTS / "xor-train.png")
    tab.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
