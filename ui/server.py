"""The server's side of every page run: the guard that turns an unexpected error into a
message, the quiet moments the warm-up waits for, Plotly's script sent ahead of a page's first
chart, and the warm-up thread that compiles the pages' default trainers."""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any

import streamlit as st

from core.engine.budget import WorkLimitError

log = logging.getLogger("lecture_dashboard")


class PageRuns:
    """Whether a page script is running, and since when none has: the warm-up thread waits
    for a quiet moment, so that it never competes with a visitor's page for the interpreter
    (nor, on a laptop, with the browser drawing what the page sent)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._last_end = time.monotonic()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._last_end = time.monotonic()

    def quiet_s(self) -> float:
        """Seconds since the last page run ended; 0 while one runs."""
        with self._lock:
            return 0.0 if self._running else time.monotonic() - self._last_end

    def wait_quiet(self, quiet_s: float, poll_s: float = 0.1) -> None:
        """Return once no page has run for ``quiet_s`` seconds."""
        while (quiet := self.quiet_s()) < quiet_s:
            time.sleep(max(poll_s, quiet_s - quiet) if quiet else poll_s)


PAGE_RUNS = PageRuns()


def run_guarded(page: Any) -> None:
    """Run a page; an unexpected error becomes a short message (details go to the log)."""
    preload = None
    with PAGE_RUNS.running():
        try:
            preload = _plotly_preload(page)
            page.run()
        except WorkLimitError as err:  # settings the server refuses: say which, keep the page
            st.warning(str(err))
        except Exception as err:  # noqa: BLE001 - last line of defence in front of an audience
            log.error("page %s failed:\n%s", getattr(page, "title", "?"),
                      traceback.format_exc())
            st.error(f"Something went wrong on this page ({type(err).__name__}). The settings "
                     "are unchanged: try another value, or reload the page.")
    if preload is not None:
        preload.empty()


#: The session-state flag: this browser tab has been sent Plotly's script.
PLOTLY_LOADED = "hall.plotly_loaded"


def _plotly_preload(page: Any) -> Any:
    """On a tab's first page with charts, an empty chart, hidden (static/hall.css), ahead of
    the page: the browser fetches and starts Plotly's script (3.5 MB; ~1.8 s of a fresh
    browser's CPU on the lecture machine) while the server computes the page, instead of
    after the page's first chart arrives. On a first visit after a (re)start the server
    spends seconds importing TensorFlow meanwhile (benchmarks.cold_start). Removed when the
    page is done; returns its slot (None when not sent)."""
    if not getattr(page, "url_path", "") or st.session_state.get(PLOTLY_LOADED):
        return None  # the home page draws no chart
    st.session_state[PLOTLY_LOADED] = True
    slot = st.container(key="plotly_preload").empty()
    slot.plotly_chart(PRELOAD_FIGURE, key="plotly_preload_chart", config={"staticPlot": True})
    return slot


#: The preloading chart: empty, no axes, nothing to draw.
PRELOAD_FIGURE = {"data": [{"type": "scatter", "x": [], "y": []}],
                  "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False},
                             "height": 10}}


def freeze_warm_objects() -> None:
    """Exclude everything alive after the warm-up from Python's garbage collector.

    TensorFlow, Keras, Streamlit and Plotly leave ~350,000 objects after import, and every
    compiled trainer ~17,000 more. A full collection walks all of them: 1.7 s after the
    imports alone and 4.4 s after the Playground's warm-up, measured at a load average of
    12–15 (several tenths of a second on a quiet core), with every session's script stopped
    meanwhile; one landed in the middle of a click (benchmarks.interaction_latency). Frozen,
    a full collection walks only what came later (0.1 s with two new trainers). The price:
    a warm-up trainer dropped from the pool later keeps its memory (~14 MB; the defaults'
    and presets' trainers, used most, are the last to be dropped)."""
    gc.collect()
    gc.freeze()


#: The warm-up starts a compilation only after this long without a page running: the
#: browser has drawn what the last run sent, and a visitor's page gets the interpreter.
WARM_UP_QUIET_S = 2.0


@st.cache_resource(show_spinner=False, max_entries=1)
def start_warm_up(targets: tuple[str, ...], quiet_s: float = WARM_UP_QUIET_S
                  ) -> threading.Thread | None:
    """Once per server: import TensorFlow and compile the listed pages' default trainers in a
    background thread, while the first visitor is still reading the home page.

    Before each target the thread waits until no page has run for ``quiet_s`` seconds
    (:data:`PAGE_RUNS`): importing TensorFlow and tracing are seconds of CPU, mostly holding
    the GIL, and would otherwise slow the page a visitor is waiting for. On a server busy
    with a hall it waits, and pages compile what they need themselves.
    ``DASHBOARD_WARM_UP=0`` switches it off (tests and benchmarks measure cold starts).
    """
    if os.environ.get("DASHBOARD_WARM_UP", "1") == "0":
        return None

    def work() -> None:
        for target in targets:
            PAGE_RUNS.wait_quiet(quiet_s)
            module, _, function = target.partition(":")
            try:
                getattr(importlib.import_module(module), function)()
            except Exception:  # noqa: BLE001 - warming up is an optimisation, never fatal
                log.warning("warm-up %s failed:\n%s", target, traceback.format_exc())
        freeze_warm_objects()

    thread = threading.Thread(target=work, name="dashboard-warm-up", daemon=True)
    thread.start()
    return thread
