"""Page latency: every listed page run headless (Streamlit's AppTest through app.py) with its
default parameters.

In one process: each page is first run once (``first_s``: imports, TensorFlow start-up and
compiling the page's trainers, what the very first visitor after a server start waits),
then the result caches and the finished figures (core.figures.prepared) are cleared and a
new session opens the page (``uncached_s``: the first visitor with these parameters on a
running server), then that session reruns it (``cached_s``: anyone after, or the lecturer
clicking back).

    python -m benchmarks.page_latency [--pages xor,playground]

The last line is JSON: {"pages": {name: {"first_s", "uncached_s", "cached_s"}}}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from core.figures import prepared
from ui.catalog import PAGES

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120


def _open(page: str) -> tuple[AppTest, float]:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()  # the home page: registers the router's pages, so switch_page goes through it
    at.switch_page(page)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].value}")
    return at, elapsed


def _timed_rerun(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="comma-separated url paths (default: all)")
    wanted = {name for name in parser.parse_args().pages.split(",") if name}
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["DASHBOARD_WARM_UP"] = "0"  # measure the cold first visit, not a warmed one
    results: dict[str, dict[str, float]] = {}
    for page in (p for p in PAGES if not wanted or p.url_path in wanted):
        _, first = _open(page.path)
        st.cache_data.clear()
        prepared.CACHE.clear()  # finished figures too: a new parameter set has none
        at, uncached = _open(page.path)
        cached = min(_timed_rerun(at) for _ in range(3))
        results[page.url_path] = {"first_s": round(first, 3), "uncached_s": round(uncached, 3),
                                  "cached_s": round(cached, 3)}
    print(f"{'page':24s} {'first s':>8s} {'uncached s':>11s} {'cached s':>9s}")
    for name, r in results.items():
        print(f"{name:24s} {r['first_s']:8.2f} {r['uncached_s']:11.2f} {r['cached_s']:9.2f}")
    print("targets: uncached < 1.5 s, cached < 0.3 s")
    print(json.dumps({"pages": results}))


if __name__ == "__main__":
    main()
