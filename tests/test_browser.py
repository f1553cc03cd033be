"""The whole app in a real browser, as the hall sees it: streamlit serves app.py, Debian's
Chromium (driven by Playwright) visits every listed page.

Checked on every page at 1280×720 (a common projector), 1280×720 in presenter mode and
1920×1080: the main chart's top lies inside the first screen with most of it visible; no
button, metric, select, pill, tab bar, table or LaTeX block is cut or overflowing; no
horizontal scrolling; in every chart no legend over a title or axis title, no title cut, no
rotated tick labels, no text under 16 px, no two labels (or a label and a player's button)
drawn over each other; no metric value smaller than its label; no request to a host other
than this machine. Every tab and sub-tab is opened at 1280×720, with and without presenter
mode, and checked by the same rules (its charts need not start on the first screen).
Screenshots go to test-artifacts/browser/ (gitignored; the path is printed).

Skipped, with the reason, where Chromium or Playwright is missing; CI sets
DASHBOARD_REQUIRE_BROWSER=1, which turns that skip into a failure. One server and one browser
serve the whole module; each view keeps one tab that goes from page to page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ARTIFACTS, watch_requests

from benchmarks.browser_latency import SETTLED_JS
from ui.catalog import PAGES

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "browser"
#: name: (width, height, query). Presenter mode is the lecturer's projector view.
VIEWS = {"1280": (1280, 720, ""), "1280-present": (1280, 720, "present=1"),
         "1920": (1920, 1080, "")}
#: The main chart counts as visible when this much of it (px, or all of a smaller chart) is
#: on the first screen: its top edge inside the screen is not enough if only a sliver shows.
VISIBLE_PX = 300

#: Every problem of the layout the hall would see, as strings naming element, size and where.
LAYOUT_JS = (Path(__file__).parent / "browser_layout.js").read_text()


@pytest.fixture(scope="module")
def views(browser):
    """One browser tab per view (viewport and query), reused from page to page, with the
    requests it sent outside this machine."""
    opened = {}
    for name, (width, height, _) in VIEWS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        opened[name] = (page, watch_requests(page))
    yield opened
    for page, _ in opened.values():
        page.context.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    yield page
    context.close()


def _settle(page, min_charts: int = 1, timeout_ms: int = 180_000) -> None:
    """Wait until the script has finished, nothing is stale and the visible charts drew
    (at least ``min_charts``), and stays so for a moment."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_timeout(300)  # a rerun started by the last action shows itself by then
    for _ in range(2):
        page.wait_for_function(SETTLED_JS, arg=min_charts, timeout=timeout_ms, polling=100)
        page.wait_for_timeout(150)


def _assert_healthy(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Something went wrong" not in page.inner_text("body")


def _sidebar_open(page) -> bool:
    """The sidebar takes room on screen (collapsed, it is squeezed to nothing)."""
    return page.evaluate("""() => {
      const r = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
      return r.width > 100 && r.right > 100;
    }""")


def _url(server: str, path: str, query: str) -> str:
    return f"{server}/{path}" + (f"?{query}" if query else "")


def test_a_deep_link_on_a_fresh_server_goes_through_the_router(server, tab):
    """First request of this server: a link straight to a page (as pasted into slides) must
    still get app.py's navigation, not Streamlit's folder-based one (ui.patches.require_router).
    Keep this test first in the module: it needs a server no session has used yet."""
    first = PAGES[0]
    tab.goto(_url(server, first.url_path, "seed=8"))
    _settle(tab)
    nav = tab.inner_text('[data-testid="stSidebar"]')
    assert "Home" in nav and first.section in nav
    assert "app" not in nav.split()  # the folder-based navigation lists app.py as "app"
    assert "seed=8" in tab.url
    _assert_healthy(tab)


def test_home_links_every_page_and_asks_nothing_outside(server, tab):
    outside = watch_requests(tab)
    tab.goto(server)
    tab.wait_for_selector("h1", timeout=60_000)
    body = tab.inner_text("body")
    assert "How fully connected networks learn" in body
    for page in PAGES:
        assert tab.locator(f'a[href$="/{page.url_path}"]').count() >= 1, page.title
    # The favicon is this server's own file (no icon font from the internet).
    icon = tab.locator('link[rel~="icon"]').first.get_attribute("href")
    assert icon is not None and (icon.startswith(server) or not icon.startswith("http")), icon
    assert outside == [], outside
    _assert_healthy(tab)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.url_path)
def test_page_fits_the_hall(server, views, info, view):
    """The page at projector size: main chart on the first screen, nothing cut, no sideways
    scrolling, charts laid out by the rules, nothing fetched from outside this machine."""
    page, outside = views[view]
    width, height, query = VIEWS[view]
    outside.clear()
    _open_and_shoot(page, _url(server, info.url_path, query), f"{info.url_path}-{view}")
    problems = page.evaluate(LAYOUT_JS, VISIBLE_PX)
    problems += [f"request outside this machine: {url}" for url in outside]
    for problem in problems:  # printed as found: one run lists every page's problems
        print(f"LAYOUT {info.url_path} {width}x{height}{' ' + query if query else ''}: {problem}")
    assert problems == [], f"{info.url_path} at {width}×{height} {query}:\n" + "\n".join(problems)


def test_presenter_mode_collapses_the_sidebar_and_hides_secondary_text(server, views):
    page, _ = views["1280-present"]
    page.goto(_url(server, PAGES[0].url_path, "present=1"))
    _settle(page)
    assert not _sidebar_open(page)
    assert page.locator('[data-testid="stCaptionContainer"]:visible').count() == 0
    # Positive case: the same page without it has its sidebar and its intro.
    normal, _ = views["1280"]
    normal.goto(_url(server, PAGES[0].url_path, ""))
    _settle(normal)
    assert _sidebar_open(normal)
    assert normal.locator('[data-testid="stCaptionContainer"]:visible').count() >= 1


@pytest.mark.parametrize("view", ["1280", "1280-present"])
def test_the_playground_run_buttons_are_on_the_first_screen(server, views, view):
    """The lecturer's clicks (+epochs, reset, new seed, new data) need no scrolling at
    1280×720; in presenter mode, with the taller map, they sit under the metrics."""
    page, _ = views[view]
    page.goto(_url(server, "playground", VIEWS[view][2]))
    _settle(page, min_charts=2)
    height = VIEWS[view][1]
    for name in ("new seed", "new data", "reset"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (name, box)


def test_presenter_toggle_keeps_the_other_parameters(server, views):
    page, _ = views["1280"]
    page.goto(_url(server, "xor", "seed=8"))
    _settle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Presenter mode").click()
    page.wait_for_function("() => location.search.includes('present=1')", timeout=60_000)
    _settle(page)
    assert "seed=8" in page.url
    _assert_healthy(page)


def _has_tabs(info) -> bool:
    """Whether the page lays its views out in tabs (ui.layout.tabs or lazy_tabs)."""
    source = Path(__file__).parent.parent / "pages" / f"{info.url_path}.py"
    return re.search(r"layout\.(lazy_)?tabs\(", source.read_text(encoding="utf-8")) is not None


@pytest.mark.parametrize("view", ["1280", "1280-present"])
@pytest.mark.parametrize("info", [p for p in PAGES if _has_tabs(p)], ids=lambda p: p.url_path)
def test_every_tab_of_every_page_renders_and_fits(server, views, info, view):
    """Each tab at projector size, as the lecturer clicks through it: no error, and the
    rules of test_page_fits_the_hall for what it shows (its charts need not start on the
    first screen: a tab's controls may come first)."""
    page, _ = views[view]
    page.goto(_url(server, info.url_path, VIEWS[view][2]))
    _settle(page)
    _assert_healthy(page)
    visited: list[str] = []
    while (name := _next_tab(page, visited)) is not None:
        visited.append(name)
        page.get_by_role("tab", name=name, exact=True).click()
        _settle(page, min_charts=0)
        _assert_healthy(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{info.url_path}-{view}-tab{len(visited)}.png"))
        problems = [p for p in page.evaluate(LAYOUT_JS, 0)
                    if not p.startswith(("main chart starts", "no chart on the page"))]
        for problem in problems:
            print(f"LAYOUT {info.url_path} {view} tab {name!r}: {problem}")
        assert problems == [], f"{info.url_path} {view}, tab {name!r}:\n" + "\n".join(problems)
    assert len(visited) >= 2, f"the page's tabs were not found: {visited}"


#: The tabs on screen, each with how many tab panels it sits in (0: a page's own tabs).
TABS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [role="tab"]')]
  .filter(t => t.offsetParent !== null)
  .map(t => {
    let depth = 0;
    for (let n = t.parentElement; n; n = n.parentElement)
      if (n.getAttribute('role') === 'tabpanel') depth++;
    return {name: t.innerText.trim(), depth};
  })"""


def _next_tab(page, visited: list[str]) -> str | None:
    """The next tab to open: a tab nested in the open one (a sub-tab) before the next
    top-level tab, so that every sub-tab is opened while its parent tab is showing."""
    tabs = page.evaluate(TABS_JS)
    todo = [t for t in tabs if t["name"] not in visited]
    return max(todo, key=lambda t: t["depth"])["name"] if todo else None


def test_xor_control_change_updates_picture_and_link(server, tab):
    tab.goto(f"{server}/xor?hidden_units=3&seed=8")
    _settle(tab)
    tab.get_by_role("tab", name="3 · Train it").click()
    _settle(tab)
    assert "hidden_units=3" in tab.url and "seed=8" in tab.url
    seed_box = tab.get_by_label("seed")
    seed_box.fill("9")
    seed_box.press("Enter")
    tab.wait_for_function("() => location.search.includes('seed=9')", timeout=60_000)
    _settle(tab)
    _assert_healthy(tab)


def test_a_mangled_link_loads_with_a_message(server, tab):
    tab.goto(f"{server}/xor?hidden_units=banana&learning_rate=1e9")
    _settle(tab)
    body = tab.inner_text("body")
    assert "could not use" in body and "hidden_units" in body
    _assert_healthy(tab)


def test_screenshot_of_the_xor_replay_shows_the_trained_map(server, tab):
    """The picture of the XOR replay (test-artifacts/, for the README) really shows it: the
    replay chart on screen with both class colours in its map and its play button."""
    from PIL import Image

    tab.goto(f"{server}/xor")
    _settle(tab)
    tab.get_by_role("tab", name="3 · Train it").click()
    _settle(tab)
    chart = tab.locator('[data-testid="stPlotlyChart"]:visible').filter(
        has=tab.locator(".updatemenu-button")).first
    chart.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "xor-train.png"
    chart.screenshot(path=str(path))
    print(f"screenshot: {path}")
    pixels = Image.open(path).convert("RGB")
    pixels.thumbnail((200, 200))
    colours = list(pixels.getdata())

    def share(rgb: tuple[int, int, int]) -> float:
        near = sum(1 for c in colours if sum(abs(a - b) for a, b in zip(c, rgb)) < 60)
        return near / len(colours)

    assert share((0x00, 0x72, 0xB2)) > 0.01, "no class-0 blue in the replay"
    assert share((0xE6, 0x9F, 0x00)) > 0.01, "no class-1 orange in the replay"
    assert share((0xFF, 0xFF, 0xFF)) < 0.9, "the replay is (almost) blank"
    assert "replay" in chart.text_content()


# ----------------------------------------------------------------------------------------
# A phone held upright: students join from the QR code of the projected view
# ----------------------------------------------------------------------------------------

PHONE = (390, 844)
#: Narrowest chart and smallest chart text (px) still read comfortably on a phone.
PHONE_CHART_PX, PHONE_TEXT_PX = 300, 12
#: What makes a page unusable on a phone: sideways scrolling, squeezed charts, tiny text.
PHONE_JS = """([minWidth, minText]) => {
  const problems = [];
  const doc = document.scrollingElement || document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1)
    problems.push(`page scrolls sideways: ${doc.scrollWidth} px wide`);
  const main = document.querySelector('[data-testid="stMain"]');
  if (main.scrollWidth > main.clientWidth + 1)
    problems.push(`main area scrolls sideways: ${main.scrollWidth} > ${main.clientWidth} px`);
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(el => el.offsetParent !== null);
  charts.forEach((chart, i) => {
    const r = chart.getBoundingClientRect();
    if (r.width < minWidth) problems.push(`chart ${i} only ${Math.round(r.width)} px wide`);
    if (r.right > window.innerWidth + 1) problems.push(`chart ${i} sticks out to ${r.right}`);
    for (const t of chart.querySelectorAll('.main-svg text')) {
      const size = parseFloat(t.style.fontSize || getComputedStyle(t).fontSize);
      const hidden = parseFloat(getComputedStyle(t).fillOpacity) === 0;  // Plotly's own spacers
      if (t.textContent.trim() && !t.closest('.hoverlayer') && !hidden && size < minText)
        { problems.push(`chart ${i}: text "${t.textContent.slice(0, 20)}" at ${size} px`); break; }
    }
  });
  return problems;
}"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def _open_and_shoot(page, url: str, name: str) -> None:
    """Open ``url``, wait until it is settled, save the first screen as a test artifact
    (test-artifacts/browser/NAME.png) and check that the page shows no error."""
    page.goto(url)
    _settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=False)
    print(f"screenshot: {shot}")
    _assert_healthy(page)


@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.url_path)
def test_page_is_usable_on_a_phone(server, phone, info):
    """390×844: no sideways scrolling, every chart at least 300 px wide inside the screen,
    chart text at least 12 px; the link to the view and the QR button are there."""
    _open_and_shoot(phone, _url(server, info.url_path, ""), f"{info.url_path}-phone")
    problems = phone.evaluate(PHONE_JS, [PHONE_CHART_PX, PHONE_TEXT_PX])
    assert problems == [], f"{info.url_path} on a phone:\n" + "\n".join(problems)
    assert phone.get_by_role("button", name="QR code").count() == 1


def test_the_qr_code_fills_a_phone_screen_without_scrolling(server, phone):
    phone.goto(_url(server, "xor", "seed=8"))
    _settle(phone)
    phone.get_by_role("button", name="QR code").click()
    image = phone.locator('[role="dialog"] img').first
    image.wait_for(timeout=60_000)
    phone.wait_for_timeout(300)
    box = image.bounding_box()
    assert box is not None and 250 <= box["width"] <= PHONE[0]
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0] + 1
    assert "seed=8" in phone.locator('[role="dialog"]').inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "xor-phone-qr.png"))
    assert phone.evaluate(PHONE_JS, [PHONE_CHART_PX, PHONE_TEXT_PX]) == []


def test_charts_follow_a_dark_page(server, browser, views):
    """With the reader's system in dark mode the app takes its dark theme and the charts
    follow it (core.figures.theme); the light page keeps white charts (positive case)."""
    def chart_background(page) -> str:
        return page.evaluate("""() => getComputedStyle(document.querySelector(
            '[data-testid="stPlotlyChart"] .main-svg')).backgroundColor""")

    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    try:
        dark = context.new_page()
        dark.goto(_url(server, "xor", ""))
        _settle(dark)
        _assert_healthy(dark)
        assert chart_background(dark) == "rgb(14, 17, 23)"
        page_bg = dark.evaluate("""() => getComputedStyle(
            document.querySelector('[data-testid="stApp"]')).backgroundColor""")
        assert page_bg == "rgb(14, 17, 23)"
    finally:
        context.close()
    light, _ = views["1280"]
    light.goto(_url(server, "xor", ""))
    _settle(light)
    assert chart_background(light) == "rgb(255, 255, 255)"


def test_the_layout_check_sees_covered_labels_and_small_metric_values(server, views):
    """Positive case of test_page_fits_the_hall's chart and metric rules: the Playground
    passes them; its player's buttons moved onto the x axis's tick labels are reported, and
    so are metric values shrunk to a label's size (as a presenter-mode rule once did)."""
    page, _ = views["1280"]
    page.goto(_url(server, "playground", ""))
    _settle(page, min_charts=2)
    assert page.evaluate(LAYOUT_JS, VISIBLE_PX) == []
    page.evaluate("""() => Plotly.relayout(document.querySelector('.js-plotly-plot'),
                                           {'updatemenus[0].y': 0})""")  # anchored at its top
    page.wait_for_timeout(300)
    problems = page.evaluate(LAYOUT_JS, VISIBLE_PX)
    assert any("drawn over each other" in p and "button" in p for p in problems), problems
    page.add_style_tag(content='[data-testid="stMetricValue"] p { font-size: 12px; }')
    problems = page.evaluate(LAYOUT_JS, VISIBLE_PX)
    assert any("value at 12 px" in p for p in problems), problems


#: Per drawn chart: the margins its spec asked for and the ones Plotly drew with. Plotly's
#: automargin widens a side the labels or legend need and then draws the whole figure again.
PUSHED_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const asked = gd._fullLayout.margin, drawn = gd._fullLayout._size;  // before and after
  return {title: (gd.layout.title && gd.layout.title.text) || '',
          pushed: ['l', 'r', 't', 'b'].filter(s => Math.round(drawn[s]) > asked[s])};
})"""


def test_the_playground_figures_are_drawn_once(server, tab):
    """style.tidy starts each figure from the margins automargin would push it to, so the
    Playground's click draws its replay, loss, accuracy and confusion charts once, not twice
    (~0.2 s of the browser's time per click)."""
    tab.goto(_url(server, "playground", ""))
    _settle(tab, min_charts=3)
    charts = tab.evaluate(PUSHED_JS)
    assert len(charts) >= 3 and all(c["pushed"] == [] for c in charts), charts
    # Positive case: a chart whose margin is smaller than its labels need is pushed.
    tab.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot');
                            return Plotly.relayout(gd, {'margin.b': 5}); }""")
    assert tab.evaluate(PUSHED_JS)[0]["pushed"] == ["b"]
