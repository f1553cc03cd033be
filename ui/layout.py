"""Page furniture: the header every page opens with, the cache layer, and the guard that
turns an unexpected error into a message instead of a stack trace."""

from __future__ import annotations

import importlib
import logging
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

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
    """Title, one or two sentences, and the page's key formula in the lecture's notation.

    Every page starts with it, so it also makes sure the page runs inside the router."""
    require_router()
    st.title(title)
    st.markdown(intro)
    if formula:
        st.latex(formula)


def is_presenting() -> bool:
    """Presenter mode: the lecturer's link says ``?present=1`` (fonts for the back of the
    hall, secondary text hidden)."""
    return st.query_params.get("present", "").strip().lower() in ("1", "true", "yes", "on")


def explain(markdown: str, container: Any = None) -> None:
    """Secondary text (explanations, "what to notice"): shown to readers, hidden while
    presenting, where the lecturer says it instead."""
    if not is_presenting():
        (container or st).markdown(markdown)


def chart(fig: Any, key: str, container: Any = None) -> None:
    """Show a Plotly figure full width in the dashboard's own style (not Streamlit's theme,
    which would replace the projector-sized fonts and the class colours)."""
    (container or st).plotly_chart(fig, width="stretch", theme=None, key=key,
                                   config={"displaylogo": False})


def cached(fn: F, *, max_entries: int = 64, spinner: str | bool = "Training…") -> F:
    """Cache a core function's result per parameter set, shared by all sessions.

    Bounded, because a lecture hall of students explores many configurations.
    """
    return st.cache_data(max_entries=max_entries, show_spinner=spinner)(fn)  # type: ignore


def run_guarded(page: Any) -> None:
    """Run a page; an unexpected error becomes a short message (details go to the log)."""
    try:
        page.run()
    except Exception as err:  # noqa: BLE001 - last line of defence in front of an audience
        log.error("page %s failed:\n%s", getattr(page, "title", "?"), traceback.format_exc())
        st.error(f"Something went wrong on this page ({type(err).__name__}). The settings are "
                 "unchanged: try another value, or reload the page.")


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


@st.cache_resource(show_spinner=False)
def start_warm_up(targets: tuple[str, ...]) -> threading.Thread | None:
    """Once per server: import TensorFlow and compile the listed pages' default trainers in a
    background thread, while the first visitor is still reading the home page.

    ``DASHBOARD_WARM_UP=0`` switches it off (tests and benchmarks measure cold starts).
    """
    if os.environ.get("DASHBOARD_WARM_UP", "1") == "0":
        return None

    def work() -> None:
        for target in targets:
            module, _, function = target.partition(":")
            try:
                getattr(importlib.import_module(module), function)()
            except Exception:  # noqa: BLE001 - warming up is an optimisation, never fatal
                log.warning("warm-up %s failed:\n%s", target, traceback.format_exc())

    thread = threading.Thread(target=work, name="dashboard-warm-up", daemon=True)
    thread.start()
    return thread
