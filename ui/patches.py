"""Every place the app reaches into Streamlit's internals, in one module, each small and each
with a test that fails if Streamlit's behaviour changes under it (tests/test_patches.py).

Checked against Streamlit 1.67.0 (requirements.txt pins it). The first two exist because the
design card's ``pages/`` folder makes Streamlit start in its legacy multipage mode, and
because Streamlit resets Keras after every script run; the third keeps a notice drawn while a
cached function waits out of that function's recorded output.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

import streamlit as st


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


def unrecorded(draw: Callable[[], Any]) -> None:
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
