"""Shared test helpers: opening a page of the real app headless with Streamlit's AppTest."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Tests open pages directly; a background warm-up would only compete with them for the CPU.
os.environ.setdefault("DASHBOARD_WARM_UP", "0")
ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def _route_every_run_through_app_py() -> None:
    """AppTest starts every run as if the server had just started, when Streamlit still
    serves files of the pages/ folder on their own (its legacy multipage mode); a page then
    reruns itself through app.py (ui.patches.require_router), and that rerun drops a button's
    click. A real server does this once per process, for its first request (covered by the
    browser test); here app.py runs directly, as it does on a server after that request."""
    import runpy

    from streamlit.runtime.scriptrunner import script_runner

    script_runner._mpa_v1 = lambda main_script_path: runpy.run_path(  # noqa: SLF001
        main_script_path, run_name="__main__")


_route_every_run_through_app_py()


def open_page(path: str, query: dict[str, str] | None = None, timeout: float = 120):
    """Run app.py on page ``path`` (e.g. "pages/xor.py") with a URL query, as a browser would."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    # Run app.py once first: only then are the st.navigation pages registered, and
    # switch_page goes through the router (before it, AppTest would run the page file alone).
    at.run()
    at.switch_page(path)
    at.run()
    return at


def as_read(markdown: str) -> str:
    """Text as the reader sees it: the page escapes every punctuation mark of a link's or an
    upload's text and puts invisible word joiners around ``:.@`` (ui.state.plain); the
    browser shows neither."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("\u2060", ""))


def link_notes(at) -> str:
    """The text of the page's warnings as the reader sees it."""
    return as_read(" ".join(w.value for w in at.warning))


def problems(at) -> list[str]:
    """Exceptions and the guard's 'Something went wrong' messages shown by a run."""
    found = [str(e.value) for e in at.exception]
    found += [e.value for e in at.error if "Something went wrong" in e.value]
    return found


@pytest.fixture
def page():
    return open_page


# ----------------------------------------------------------------------------------------
# Real-browser fixtures: one streamlit server and one Chromium per test module
# ----------------------------------------------------------------------------------------

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def _require_or_skip(reason: str) -> None:
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server():
    """A streamlit server of app.py on a free local port, for one test module; its log goes
    to test-artifacts/streamlit.log."""
    from benchmarks.browser_latency import AppServer

    ARTIFACTS.mkdir(exist_ok=True)
    with AppServer(log_path=ARTIFACTS / "streamlit.log") as app:
        yield app.url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (skipped, or failed under
    DASHBOARD_REQUIRE_BROWSER=1, where either is missing)."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
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


def watch_requests(page) -> list[str]:
    """A list that fills with every request ``page`` sends to a host other than this
    machine (the hall may be offline: nothing may depend on the internet)."""
    from urllib.parse import urlparse

    outside: list[str] = []

    def seen(request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if urlparse(url).hostname not in LOCAL_HOSTS:
            outside.append(url)

    page.on("request", seen)
    return outside
