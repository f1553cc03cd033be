"""Hostile links in a real browser: AppTest sees the Markdown a page sends, not what the
browser's renderer makes of it. A bare address inside a warning (``https://…``, ``www.…``,
``name@host``) becomes a live link there even when every punctuation mark is escaped, so a
doctored link could show the hall a link to another site.

Every page is opened with hostile values in several of its own parameters, an unknown key and
the tab; no anchor may point to a host other than the app's own, no injected element may
exist, and the values must still be named in the page's note. The positive case opens the same
texts unprotected (tests/apps/autolink.py) and finds the foreign links the check looks for.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

import pytest
from conftest import ARTIFACTS
from hostile_texts import HOSTILE_TEXTS

from benchmarks.browser_latency import SETTLED_JS, AppServer
from ui.catalog import PAGES

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "browser"

#: Anchors and injected elements anywhere on the page (the app's own links are relative or
#: on its own host).
FOREIGN_JS = """(origin) => {
  const hosts = [...document.querySelectorAll('a[href]')]
    .map(a => a.href).filter(h => !h.startsWith(origin) && !h.startsWith('javascript:void'));
  const injected = document.querySelectorAll('#inj, img[src="x"], [onerror]').length;
  return {foreign: hosts, injected: injected};
}"""


def _hostile_query(page) -> dict[str, str]:
    """Hostile texts spread over the page's own fields (numbers and choices), an unknown key
    and the tab: every place a link's text can come back as a note."""
    fields = [n for cls in page.params for n in cls.field_names()
              if cls.meta(n)["kind"] in ("number", "choice", "numbers", "choices")]
    query = {name: text for name, text in zip(fields[:5], HOSTILE_TEXTS)}
    query["note"] = HOSTILE_TEXTS[1]
    query["tab"] = HOSTILE_TEXTS[2]
    query[fields[-1]] = HOSTILE_TEXTS[-1]  # the 10 kB value
    return query


def _open(tab, url: str, charts: int = 0) -> None:
    """Load ``url`` and wait until the script has finished and ``charts`` charts drew."""
    tab.goto(url)
    tab.wait_for_selector('[data-testid="stApp"]', timeout=180_000)
    tab.wait_for_timeout(300)
    tab.wait_for_function(SETTLED_JS, arg=charts, timeout=180_000, polling=100)
    tab.wait_for_selector('[data-testid="stAlert"]', timeout=60_000)  # the link's note


@pytest.fixture(scope="module")
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_a_hostile_link_plants_no_link_and_no_element(server, tab, page):
    query = _hostile_query(page)
    _open(tab, f"{server}/{page.url_path}?{urlencode(query)}", charts=1)
    found = tab.evaluate(FOREIGN_JS, server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"hostile-{page.url_path}.png"))
    assert found == {"foreign": [], "injected": 0}, found
    notes = " ".join(tab.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "could not use" in notes and "evil" in notes  # named, as plain text
    assert urlparse(tab.url).hostname == urlparse(server).hostname


def test_the_check_finds_links_in_unprotected_text(browser):
    """The positive case: the same texts in a warning without ui.state.plain give live links
    to the foreign host (the Markdown link and the autolinks), and with it none."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    try:
        with AppServer(script="tests/apps/autolink.py") as app:
            _open(tab, f"{app.url}/?as=raw")
            raw = tab.evaluate(FOREIGN_JS, app.url)
            _open(tab, f"{app.url}/?as=plain")
            protected = tab.evaluate(FOREIGN_JS, app.url)
    finally:
        context.close()
    hosts = {urlparse(h).hostname for h in raw["foreign"]}
    assert len(raw["foreign"]) >= 4 and hosts <= {"evil.example", "www.evil.example", None}
    assert any(h.startswith("mailto:") for h in raw["foreign"])
    assert protected == {"foreign": [], "injected": 0}
