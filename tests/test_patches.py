"""ui.patches reaches into Streamlit's internals (checked against Streamlit 1.67.0). Each
test here fails when the internal it relies on changes, so that an upgrade of Streamlit
cannot silently switch a patch off."""

from __future__ import annotations

import contextvars
import inspect

import streamlit as st
from streamlit.testing.v1 import AppTest

from ui import patches


def test_streamlit_is_the_version_the_patches_were_checked_against():
    assert st.__version__ == "1.67.0", "re-check every function of ui/patches.py, then this"


def test_the_legacy_page_folder_switch_is_where_require_router_expects_it():
    from streamlit.runtime.pages_manager import PagesManager

    # None until Streamlit decides, then whether it serves pages/ files on their own.
    assert "uses_pages_directory" in vars(PagesManager)
    source = inspect.getsource(PagesManager)
    assert "PagesManager.uses_pages_directory = Path(" in source


def test_streamlit_still_clears_keras_after_every_run_unless_patched(monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner

    # Positive case: Streamlit's own clean-up, as its module defines it (another test may
    # have patched the module attribute already), clears Keras's session after every run.
    module_source = inspect.getsource(script_runner)
    own = module_source.split("def _clean_problem_modules", 1)[1].split("\ndef ", 1)[0]
    assert "keras" in own and "clear_session()" in own
    assert "_clean_problem_modules" in inspect.getsource(script_runner.ScriptRunner)
    sentinel = object()
    monkeypatch.setattr(script_runner, "_clean_problem_modules", lambda: sentinel)
    patches.keep_keras_state()
    assert script_runner._clean_problem_modules() is None  # a no-op now


def _cached_page() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function

    from ui import patches

    seen = {}

    @st.cache_data(max_entries=1, show_spinner=False)
    def compute() -> int:
        seen["inside"] = in_cached_function.get()
        patches.unrecorded(lambda: seen.update(unrecorded=in_cached_function.get()))
        return 1

    compute()
    st.write(f"inside={seen['inside']} unrecorded={seen['unrecorded']}")


def test_a_cached_function_records_its_elements_unless_drawn_unrecorded():
    from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function

    assert isinstance(in_cached_function, contextvars.ContextVar)
    at = AppTest.from_function(_cached_page).run()
    assert not at.exception
    # Streamlit marks the cached call (what it records), and unrecorded() lifts the mark.
    assert at.markdown[0].value == "inside=True unrecorded=False"
