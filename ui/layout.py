"""Page furniture: the header every page opens with, the cache layer, and the guard that
turns an unexpected error into a message instead of a stack trace."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gc
import importlib
import logging
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from core.engine.budget import WorkLimitError
from core.engine.slots import notify_waits
from core.figures import prepared, style
from ui.state import plain

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("lecture_dashboard")


def require_router() -> None:
    """Make sure the page runs inside app.py's router.

    Because the project has a ``pages/`` folder, a freshly started Streamlit serves
    ``/xor`` by running pages/xor.py on its own (its legacy multipage mode), without app.py,
    until some session has run app.py once. A lecturer's link opened right after a (re)start
    would then miss the navigation, the page setup and the error guard. Leaving that mode
    and rerunning sends the same request through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, intro: str, formula: str | None = None) -> None:
    """The page's title on one line with its key formula small beside it (or under it when
    the line is full), then the intro as one small paragraph, hidden in presenter mode: the
    figure comes first.

    Every page starts with it, so it also makes sure the page runs inside the router. The
    title row ends with the lecture's recap (ui.flow.recap: a button, no extra height)."""
    from ui import flow

    require_router()
    with st.container(key="page_header", horizontal=True, wrap=True,
                      vertical_alignment="center", gap="medium"):
        st.title(title, width="content", anchor=False)
        if formula:
            st.latex(formula, width="content")
        flow.recap()
    if not is_presenting():
        st.caption(intro)


def is_presenting() -> bool:
    """Presenter mode: the lecturer's link says ``?present=1`` (fonts for the back of the
    hall, secondary text hidden)."""
    return st.query_params.get("present", "").strip().lower() in ("1", "true", "yes", "on")


def explain(markdown: str, container: Any = None) -> None:
    """Secondary text (explanations, "what to notice"): shown to readers, hidden while
    presenting, where the lecturer says it instead."""
    if not is_presenting():
        (container or st).markdown(markdown)


def chart(fig: Any, key: str, container: Any = None, caption: str | None = None) -> None:
    """Show a Plotly figure full width, laid out by the hall's rules (core.figures.style.tidy:
    legend in its band, titles that fit, fonts readable from the back; larger in presenter
    mode), in the dashboard's own style rather than Streamlit's theme, which would replace the
    projector-sized fonts and the class colours; recoloured for a light or dark page
    (core.figures.theme), with ``caption`` (default: a description made from the figure)
    below it as its text alternative.

    ``fig`` is best the call that makes the figure, ``functools.partial(figure_function,
    *args)``: the finished figure is then built once per arguments and view and shared by
    every session (core.figures.prepared). A figure object is laid out anew every time (a
    streamed, partial run)."""
    width = style.NARROW_WIDTH if container is not None else style.WIDE_WIDTH
    scale = 1.0
    if is_presenting():  # the sidebar is out of the way: wider charts, larger text
        scale, width = style.PRESENTER_SCALE, int(width * style.PRESENTER_ROOM)
    ready = prepared.prepare(fig, scale=scale, width=width,
                             dark=st.context.theme.type == "dark")
    # One element holding both: drawn into an st.empty (a streamed chart's slot), the caption
    # would otherwise replace the chart.
    box = (container or st).container()
    box.plotly_chart(_Spec(ready.spec), width="stretch", theme=None, key=key,
                     config={"displaylogo": False})
    box.caption(caption or plain(ready.caption))


class _Spec(go.Figure):
    """A finished spec handed to ``st.plotly_chart`` as it is: Streamlit asks a figure for
    ``to_dict()``, which for a graph-objects figure copies and re-encodes everything (a
    dict would be validated through graph objects again). The spec is shared, never
    modified: Streamlit only serialises it."""

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def cached(fn: F, *, max_entries: int = 64, spinner: str | bool = "Training…") -> F:
    """Cache a core function's result per parameter set, shared by all sessions.

    Bounded (``max_entries``), because a lecture hall of students explores many
    configurations. Two sessions asking for the same missing entry at once compute it once:
    ``st.cache_data`` holds a lock per entry while computing, and the second caller gets the
    first one's result (tests/test_limits.py checks it with threads). While a training in
    ``fn`` waits for a free trainer (core.engine.slots), the page says so.
    """
    compute = st.cache_data(max_entries=max_entries, show_spinner=spinner)(fn)

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with notify_waits(WaitNotice()):
            return compute(*args, **kwargs)

    call.clear = compute.clear  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


#: What a session sees while its run waits in line for one of the training slots.
WAIT_TEXT = ("Waiting for a free trainer: {running} runs are training for other students, "
             "{ahead} more ahead of yours. Yours starts as soon as one finishes.")


class WaitNotice:
    """The listener core.engine.slots calls while a run waits for a slot: an info box at
    the place of the result, updated while the line moves, removed when the run starts.
    A settings change while waiting gives up the wait (the page reruns with the new ones)."""

    def __init__(self) -> None:
        self._box: Any = None
        self._text = ""

    def __call__(self, ahead: int | None) -> None:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            get_run_yield_check,
        )

        check = get_run_yield_check()
        if check is None:  # no page to draw on (a warm-up or benchmark thread)
            return
        if ahead is None:
            if self._box is not None:
                _unrecorded(self._box.empty)
            return
        from core.engine import SLOTS

        text = WAIT_TEXT.format(running=SLOTS.running, ahead=ahead)
        if text != self._text:
            self._text = text
            _unrecorded(lambda: self._show(text))
        check()  # raises Streamlit's rerun/stop request, which leaves the line

    def _show(self, text: str) -> None:
        if self._box is None:
            self._box = st.empty()
        self._box.info(text, icon=":material/hourglass_top:")


def _unrecorded(draw: Callable[[], Any]) -> None:
    """Draw as if outside any cached function. The notice is drawn while a cached function
    computes, and ``st.cache_data`` would otherwise record it and replay the "waiting" box
    on every later cache hit. Without that Streamlit internal, the notice is left out."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function
    except ImportError:  # pragma: no cover - Streamlit moved it
        return

    def run() -> None:
        in_cached_function.set(False)
        draw()

    contextvars.copy_context().run(run)


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


def keep_keras_state() -> None:
    """Stop Streamlit from calling ``keras.backend.clear_session()`` after every script run.

    Streamlit does it for apps that build a model inside the script. This app keeps compiled
    models across runs and sessions (core.engine), and the call costs ~0.3 s per run (a full
    garbage collection), empties TensorFlow's kernel cache, and swaps Keras's global state
    under sessions that are tracing a model at that moment.
    """
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:  # pragma: no cover - Streamlit moved it; nothing to undo then
        return
    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = lambda: None


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


def tabs(page: str, views: dict[str, Callable[[], None]]) -> None:
    """The page's tabs, lazy: ``views`` maps each tab's label to the function that draws it,
    and only the open tab's function runs, so a page computes and sends one view, not all."""
    for tab, view in zip(lazy_tabs(list(views), page), views.values()):
        if tab.open:
            with tab:
                view()


def lazy_tabs(labels: list[str], page: str, name: str = "tab") -> list[Any]:
    """Streamlit's lazy tabs (each container's ``.open`` says whether to draw it), with the
    open tab in the link: ``?tab=3`` opens the third (the first needs none), so a slide can
    point at exactly the view the lecturer shows. ``name`` is the link's key, for a second
    row of tabs inside a tab (``subtab``)."""
    key = f"{page}.{name}"
    if key not in st.session_state:
        st.session_state[key] = labels[_tab_from_link(len(labels), name)]
    containers = st.tabs(labels, key=key, on_change="rerun")
    number = next((i for i, tab in enumerate(containers) if tab.open), 0) + 1
    if number > 1:
        if st.query_params.get(name) != str(number):
            st.query_params[name] = str(number)
    elif name in st.query_params:
        del st.query_params[name]
    return containers


def _tab_from_link(count: int, name: str) -> int:
    """The tab a link asks for (0-based); a value that names no tab is reported and ignored."""
    raw = st.query_params.get(name, "1").strip()
    if raw.isdigit() and 1 <= int(raw) <= count:
        return int(raw) - 1
    st.warning(f"This link asked for {name} {plain(raw[:40])}; this page has tabs 1 to "
               f"{count} there, so it opens on the first.")
    return 0


# ----------------------------------------------------------------------------------------
# Presenter mode and the hall's page style
# ----------------------------------------------------------------------------------------

#: Query key of presenter mode (``?present=1``, read by is_presenting), kept by
#: ui.state.write_url.
PRESENT_KEY = "present"
STATIC = Path(__file__).resolve().parent.parent / "static"
#: Served by this server (no request to a font or icon server: the hall may be offline).
FAVICON = str(STATIC / "favicon.png")


def page_style() -> None:
    """The hall's CSS (compact top of page; in presenter mode larger text, captions hidden).
    Style-only HTML takes no room on the page."""
    st.html(STATIC / "hall.css")
    if is_presenting():
        st.html(STATIC / "presenter.css")


def _set_presenting() -> None:
    if st.session_state.get("hall.present"):
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def presenter_toggle() -> None:
    """The sidebar's presenter-mode switch, kept in step with ``?present=1``."""
    st.session_state["hall.present"] = is_presenting()
    st.sidebar.toggle("Presenter mode", key="hall.present", on_change=_set_presenting,
                      help="Bigger figures and text for the back of a hall, sidebar collapsed, "
                           "explanations hidden. Same as ?present=1 in the address.")
