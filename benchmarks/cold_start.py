"""Cold start: how long the first visitor waits after ``streamlit run app.py``.

For the home page and then each page of ui/catalog.py, a fresh server is started (with its
warm-up thread, as on Community Cloud) and a tab of headless Chromium at 1280×720, open
before the server starts (the lecturer's browser window), loads the page as soon as
/_stcore/health answers. Measured from starting the server process to the page rendered:
Streamlit idle, every visible Plotly chart drawn (home: its title shown); and to the first
chart drawn (``first_chart_s``, the page's main figure at the top: what the visitor sees
while the rest of the page is still computed). One server per page, so every page is
measured as the very first visit with the warm-up still running; ``health_s`` is the part
before the server answered at all.
Also reported: whether the server process had imported TensorFlow when the home page was
rendered (read from /proc/PID/maps: libtensorflow mapped or not).

    python -m benchmarks.cold_start [--pages home,xor]

The last line is JSON: {"pages": {name: {"rendered_s", "first_chart_s", "health_s",
"tensorflow_loaded"}}, "load_average": ...}.
Targets: home < 3 s, any page < 8 s.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks import live
from benchmarks.browser_latency import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    FIRST_CHART_JS,
    SETTLED_JS,
    VIEWPORT,
)
from ui.catalog import PAGES

HOME_TITLE = "How fully connected networks learn"
TIMEOUT_S = 120


def tensorflow_loaded(pid: int) -> bool:
    """True when TensorFlow's shared library is mapped into process ``pid``."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            return any("libtensorflow" in line for line in f)
    except OSError:
        return False


def first_visit(browser, page: str, port: int | None, warm_up: bool = True) -> dict:
    """A fresh server; the page opened, in a tab already open, once the server answers."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        with live.Server(port, warm_up=warm_up) as server:
            health = server.wait_healthy(TIMEOUT_S)
            tab.goto(f"{server.url}/{page}", wait_until="commit", timeout=TIMEOUT_S * 1000)
            first_chart = None
            if page:
                tab.wait_for_function(FIRST_CHART_JS, timeout=TIMEOUT_S * 1000, polling=50)
                first_chart = time.perf_counter() - server.started_at
                tab.wait_for_function(SETTLED_JS, arg=1, timeout=TIMEOUT_S * 1000,
                                      polling=50)
            else:
                tab.get_by_text(HOME_TITLE).first.wait_for(timeout=TIMEOUT_S * 1000)
                tab.wait_for_function(SETTLED_JS, arg=0, timeout=TIMEOUT_S * 1000,
                                      polling=50)
            rendered = time.perf_counter() - server.started_at
            tf = tensorflow_loaded(server.proc.pid)
    finally:
        context.close()
    return {"rendered_s": round(rendered, 2),
            "first_chart_s": None if first_chart is None else round(first_chart, 2),
            "health_s": round(health, 2), "tensorflow_loaded": tf}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="comma-separated url paths, home = 'home'")
    parser.add_argument("--port", type=int, default=0, help="server port (default: free)")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="DASHBOARD_WARM_UP=0: what the warm-up thread costs or saves")
    args = parser.parse_args()
    names = ["home", *(p.url_path for p in PAGES)]
    if args.pages:
        names = [n for n in names if n in args.pages.split(",")]
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for name in names:
                results[name] = first_visit(browser, "" if name == "home" else name,
                                            args.port or None, not args.no_warm_up)
                r = results[name]
                first = "" if r["first_chart_s"] is None else f"{r['first_chart_s']:6.2f}"
                print(f"{name:24s} rendered {r['rendered_s']:6.2f} s  first chart {first:>6s}"
                      f" s  (server answered {r['health_s']:5.2f} s; TensorFlow loaded: "
                      f"{r['tensorflow_loaded']})", flush=True)
        finally:
            browser.close()
    print("targets: home < 3 s, any page < 8 s after `streamlit run`")
    print(json.dumps({"pages": results, "load_average": live.load_average()}))


if __name__ == "__main__":
    main()
