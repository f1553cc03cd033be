"""Browser latency: what a lecturer waits for in the hall. Starts the app on a free local port
and opens every page of ui/catalog.py in headless Chromium at 1280×720.

Measured as in the lecture, in one browser that has opened the app before (the lecturer
tries it before class: the server has imported TensorFlow, finished its start-up warm-up and
cached the default results, and the browser holds Streamlit's and Plotly's scripts): per page
the way there through the sidebar (``nav``), its link opened anew (``load``: a link pasted
from a slide), and a few typical clicks. Then each link once more in a browser that has never
seen the app (``fresh_load``: ~7 MB of scripts fetched and compiled first, once per browser).

Settled means: Streamlit idle (no running indicator, no stale element) and every visible Plotly
chart drawn and no longer changing. A click is timed from its input event (a mouse press in
the middle of the control, or Enter in a number input), as a user's click is; Playwright
finds the control and checks that it can be clicked before that. Each time is split where it
can be: ``server`` runs from the navigation or click to the last websocket message the page
received, ``browser`` from there to settled (mostly Plotly drawing). The page's own work
delays when its messages are seen, so ``server`` is an upper bound. Also reported per page:
what its charts send (spec bytes, animation frames, data points), so that the heavy figures
can be cut.

    python -m benchmarks.browser_latency [--pages xor,playground]

Clicks that change the seed train anew (same compiled structure, new result).
A link load also reports when its first chart (the main figure, at the top) was drawn.
The last line is JSON: {"pages": {name: {"nav_s", "load_s", "load_first_chart_s",
"fresh_load_s", "click_p50_s", "click_max_s"}}, "charts": {...}}.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import live
from ui.catalog import PAGES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}
TIMEOUT_S = 180

#: Typical clicks per page (the page's url_path): ("tab", label) opens a tab, ("step", label)
#: presses a number input's "+", ("fill", "label=value") types a value into a number input
#: (narrow ones have no "+"), ("button", label) presses a button, ("select", "label=option")
#: picks an option of a select box. Pages not listed get two "+" on their seed (a new
#: initialisation: same compiled structure) and their second tab, then back to the first.
CLICKS: dict[str, list[tuple[str, str]]] = {
    "gradient_descent": [("button", "too large"), ("button", "too small"),
                         ("button", "just right")],
    "activations": [("tab", "2 · Initialisation"), ("tab", "1 · Activation functions")],
    # The step control walks the backward pass (a fragment: only the graph is redrawn).
    "backpropagation": [("button", "◀"), ("button", "◀"), ("button", "▶"),
                        ("tab", "2 · A network"), ("button", "◀"), ("tab", "1 · One neuron")],
    "xor": [("tab", "3 · Train it"), ("fill", "seed=8"), ("fill", "seed=9"),
            ("tab", "2 · The hand-set network")],
    "universal_approximation": [("select", "target f(x)=sin x"), ("select", "target f(x)=step"),
                                ("select", "target f(x)=complicated")],
    "optimisers": [("select", "surface=Rosenbrock"), ("select", "surface=Himmelblau"),
                   ("select", "surface=Beale")],
    "playground": [("button", "new seed"), ("button", "new seed"), ("button", "reset")],
}

#: True when the page is idle: no script running, no stale element, every visible chart drawn.
SETTLED_JS = """(minCharts) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (!document.querySelector('[data-testid="stMain"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => c.offsetParent !== null);
  return charts.length >= minCharts
    && charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""

#: Per visible chart: the bytes of its spec as the browser holds it, frames and data points.
WEIGHT_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const frames = (gd._transitionData && gd._transitionData._frames) || [];
  const itemSize = {f8: 8, f4: 4, i4: 4, u4: 4, i2: 2, u2: 2, i1: 1, u1: 1, u1c: 1};
  const count = v => {
    if (!v) return 0;
    if (typeof v.bdata === 'string')  // numpy arrays travel base64-encoded
      return Math.floor(v.bdata.length * 3 / 4 / (itemSize[v.dtype] || 8));
    if (Array.isArray(v) || ArrayBuffer.isView(v))
      return v.length && (Array.isArray(v[0]) || ArrayBuffer.isView(v[0]))
        ? v.reduce((n, row) => n + row.length, 0) : v.length;
    return 0;
  };
  const points = traces => (traces || []).reduce(
      (n, t) => n + Math.max(count(t.x), count(t.y), count(t.z)), 0);
  let bytes = 0;
  try { bytes = JSON.stringify({data: gd.data, layout: gd.layout, frames: frames}).length; }
  catch (e) { bytes = -1; }
  return {bytes: bytes, traces: (gd.data || []).length, frames: frames.length,
          points: points(gd.data) + frames.reduce((n, f) => n + points(f.data), 0)};
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` (or another ``script`` of the repository) on a free local port
    while the ``with`` block runs; waits for /_stcore/health. The log goes to ``log_path``
    (default: discarded)."""

    def __init__(self, *, log_path: Path | None = None, warm_up: bool = False,
                 script: str = "app.py") -> None:
        self.port, self.script = free_port(), script
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path, self.warm_up = log_path, warm_up
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> AppServer:
        env = dict(os.environ, DASHBOARD_WARM_UP="1" if self.warm_up else "0")
        self._log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1",
             "--browser.gatherUsageStats=false"],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early with code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("streamlit did not become healthy")

    def wait_idle(self) -> None:
        """Wait until the server's start-up warm-up has finished (its CPU idle)."""
        live.wait_idle(self.proc.pid, timeout=300.0)

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()


def _die_with_parent() -> None:
    """In the server's process (Linux): end it when the process that started it ends, so a
    killed test run or benchmark leaves no server behind."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Clock:
    """Times of the websocket messages a page receives, to split server from browser time."""

    def __init__(self, page) -> None:
        self.last_message = 0.0
        page.on("websocket", lambda ws: ws.on("framereceived", self._seen))

    def _seen(self, _payload: Any) -> None:
        self.last_message = time.perf_counter()


def settle(page, clock: Clock, start: float, *, min_charts: int = 0, grace_s: float = 0.6,
           timeout_s: float = TIMEOUT_S) -> dict[str, float]:
    """Wait until the page is settled; return total, server and browser seconds from ``start``.

    Settled once the page has received a message after ``start`` (the server answered) and is
    idle, and stays so; when no message comes within ``grace_s`` (a click that needs no
    rerun, such as opening a tab), at the first idle moment. A page load waits for at least
    ``min_charts`` visible charts.
    """
    deadline, first_idle = start + timeout_s, None
    while time.perf_counter() < deadline:
        idle = page.evaluate(SETTLED_JS, min_charts)
        now = time.perf_counter()
        first_idle = (first_idle or now) if idle else None
        answered = clock.last_message > start
        if idle and answered:
            page.wait_for_timeout(120)  # settled means staying settled
            if page.evaluate(SETTLED_JS, min_charts) and clock.last_message < now:
                server = clock.last_message - start
                return {"total_s": now - start, "server_s": server,
                        "browser_s": now - start - server}
        elif idle and not answered and now - start > grace_s:
            return {"total_s": first_idle - start, "server_s": 0.0,
                    "browser_s": first_idle - start}
        page.wait_for_timeout(40)
    raise TimeoutError(f"page did not settle within {timeout_s} s")


def _prepare(page, kind: str, label: str) -> Callable[[], None] | None:
    """Find the control of one typical click and get it ready (a select box opened, a
    number typed); return the user's input event that triggers the rerun, or None when the
    page has no such control (it is skipped). The clock starts at that event: Playwright's
    locating and actionability checks before it are not part of a user's click."""
    main = page.locator('[data-testid="stMain"]')
    if kind == "tab":
        target = main.get_by_role("tab", name=label)
    elif kind == "button":
        target = main.get_by_role("button", name=label, exact=True)
    elif kind == "select":
        label, option = label.split("=", 1)
        box = main.locator('[data-testid="stSelectbox"]').filter(
            has=page.get_by_text(label, exact=True))
        if box.count() == 0:
            return None
        box.first.get_by_role("button", name="Open").click()  # Streamlit's combobox
        target = page.get_by_role("option", name=option, exact=True)
    elif kind == "fill":
        label, value = label.split("=", 1)
        box = main.locator('[data-testid="stNumberInput"]').filter(
            has=page.get_by_text(label, exact=True))
        if box.count() == 0 or not box.first.is_visible():
            return None
        box.first.locator("input").fill(value)
        return lambda: page.keyboard.press("Enter")  # the input keeps the focus fill gave it
    else:
        # Number inputs anywhere: the Playground keeps its seed in the sidebar.
        box = page.locator('[data-testid="stNumberInput"]').filter(
            has=page.get_by_text(label, exact=True))
        target = box.locator('[data-testid="stNumberInputStepUp"]')
    if target.count() == 0 or not target.first.is_visible():
        return None
    return _press(page, target.first)


def _press(page, target) -> Callable[[], None]:
    """A mouse click in the middle of ``target``, scrolled into view now."""
    target.scroll_into_view_if_needed()
    target.wait_for(state="visible")
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return lambda: page.mouse.click(x, y)


def _default_clicks(page) -> list[tuple[str, str]]:
    tabs = page.locator('[data-testid="stMain"]').get_by_role("tab").all_inner_texts()
    return [("step", "seed"), ("step", "seed")] + [("tab", t) for t in tabs[1:2] + tabs[:1]]


def measure_pages(browser, base: str, wanted: list[str],
                  wait_idle: Callable[[], None] = lambda: None) -> dict[str, dict[str, Any]]:
    """Every page as the lecturer's browser meets it, then once in a browser that never
    opened the app; times and chart weight per page. ``wait_idle`` returns once the
    server's start-up warm-up has finished."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    clock = Clock(page)
    results: dict[str, dict[str, Any]] = {}
    try:
        _warm_up(page, clock, base, wanted)
        wait_idle()
        for url_path in wanted:
            results[url_path] = measure_page(page, clock, base, url_path)
    finally:
        context.close()
    for url_path in wanted:
        results[url_path]["fresh_load"] = fresh_load(browser, base, url_path)
    return results


def measure_page(page, clock: Clock, base: str, url_path: str) -> dict[str, Any]:
    """In the lecturer's browser: go to the page through the sidebar, open its link anew (a
    link pasted from a slide), then make its typical clicks."""
    click = _press(page, page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]').first)
    start = time.perf_counter()
    click()
    nav = settle(page, clock, start, min_charts=1)
    load = _open(page, clock, f"{base}/{url_path}")
    weight = page.evaluate(WEIGHT_JS)
    clicks = []
    for kind, label in CLICKS.get(url_path) or _default_clicks(page):
        click = _prepare(page, kind, label)
        if click is not None:
            start = time.perf_counter()
            click()
            clicks.append({"what": f"{kind} {label}", **settle(page, clock, start)})
        else:  # said, so that a renamed control does not silently drop out of the figures
            print(f"{url_path}: no {kind} {label!r} on the page, not measured", file=sys.stderr)
    return {"nav": nav, "load": load, "clicks": clicks, "charts": weight}


def fresh_load(browser, base: str, url_path: str) -> dict[str, float]:
    """The page's link opened in a browser that has never seen the app: Streamlit's and
    Plotly's scripts (~7 MB) fetched and compiled first. Once per browser."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        return _open(page, Clock(page), f"{base}/{url_path}")
    finally:
        context.close()


#: The page's first chart is drawn (a fresh page: nothing stale yet).
#: A visible chart drawn (ui.layout's hidden Plotly preload does not count).
FIRST_CHART_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .some(c => c.offsetParent !== null && c.querySelector('.js-plotly-plot .main-svg'))"""


def _open(page, clock: Clock, url: str) -> dict[str, float]:
    """Open ``url``; settled times, and ``first_chart_s``: when the first chart (the page's
    main figure, at the top) was drawn, what the hall sees before the rest arrives."""
    start = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_S * 1000)
    page.wait_for_function(FIRST_CHART_JS, timeout=TIMEOUT_S * 1000, polling=40)
    first_chart = time.perf_counter() - start
    return {**settle(page, clock, start, min_charts=1), "first_chart_s": first_chart}


def _summary(result: dict[str, Any]) -> dict[str, float]:
    times = [c["total_s"] for c in result["clicks"]]
    return {"nav_s": round(result["nav"]["total_s"], 2),
            "load_s": round(result["load"]["total_s"], 2),
            "load_first_chart_s": round(result["load"]["first_chart_s"], 2),
            "fresh_load_s": round(result["fresh_load"]["total_s"], 2),
            "click_p50_s": round(statistics.median(times), 2) if times else None,
            "click_max_s": round(max(times), 2) if times else None}


def _print_table(results: dict[str, dict[str, Any]]) -> None:
    print(f"{'page':24s} {'what':28s} {'total s':>8s} {'server s':>9s} {'browser s':>10s}")
    for name, r in results.items():
        rows = [("sidebar navigation", r["nav"]), ("load (link, warm browser)", r["load"]),
                ("load (fresh browser)", r["fresh_load"])] + [(c["what"], c) for c in r["clicks"]]
        for what, t in rows:
            print(f"{name:24s} {what[:28]:28s} {t['total_s']:8.2f} {t['server_s']:9.2f} "
                  f"{t['browser_s']:10.2f}")
    print()
    print(f"{'page':24s} {'chart':>5s} {'spec kB':>8s} {'traces':>7s} {'frames':>7s} "
          f"{'points':>8s}")
    for name, r in results.items():
        for i, c in enumerate(r["charts"]):
            print(f"{name:24s} {i:5d} {c['bytes'] / 1000:8.1f} {c['traces']:7d} "
                  f"{c['frames']:7d} {c['points']:8d}")
    print()
    print(f"{'page':24s} {'first chart drawn after a link load (warm browser) s':>54s}")
    for name, r in results.items():
        print(f"{name:24s} {r['load']['first_chart_s']:54.2f}")
    print("targets (warm server, the lecturer's browser): navigation and load < 2.5 s, "
          "click < 1.5 s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="comma-separated url paths (default: all)")
    args = parser.parse_args(argv)
    wanted = [p.url_path for p in PAGES]
    if args.pages:
        wanted = [p for p in wanted if p in args.pages.split(",")]
    from playwright.sync_api import sync_playwright

    with AppServer(warm_up=True) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            results = measure_pages(browser, app.url, wanted, app.wait_idle)
        finally:
            browser.close()
    _print_table(results)
    print(json.dumps({"pages": {name: _summary(r) for name, r in results.items()},
                      "charts": {name: r["charts"] for name, r in results.items()}}))


def _warm_up(page, clock: Clock, base: str, pages: list[str]) -> None:
    """Open the home page and every page once, unmeasured, as the lecturer does before the
    lecture: the server has imported TensorFlow, compiled the default trainers and cached
    the default results, and the browser holds the app's scripts. Ends on the home page."""
    for url_path in pages:
        _open(page, clock, f"{base}/{url_path}")
    page.goto(base, timeout=TIMEOUT_S * 1000)
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=TIMEOUT_S * 1000)


if __name__ == "__main__":
    main()
