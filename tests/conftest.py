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
    reruns itself through app.py (ui.layout.require_router), and that rerun drops a button's
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


def link_notes(at) -> str:
    """The text of the page's warnings as the reader sees it: the page escapes every
    punctuation mark of a link's text (ui.state.plain), the browser shows them plain."""
    return re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))


def problems(at) -> list[str]:
    """Exceptions and the guard's 'Something went wrong' messages shown by a run."""
    found = [str(e.value) for e in at.exception]
    found += [e.value for e in at.error if "Something went wrong" in e.value]
    return found


@pytest.fixture
def page():
    return open_page
