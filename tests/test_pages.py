"""Every listed page, driven through app.py with AppTest: default run, a bad link, the router."""

import pytest
from conftest import APP, link_notes, open_page, problems
from streamlit.testing.v1 import AppTest

from ui.catalog import PAGES


def test_home_lists_every_page_in_lecture_order():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not problems(at)
    text = " ".join(m.value for m in at.markdown)
    for page in PAGES:
        assert page.summary in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_page_runs_with_defaults_and_draws_charts(page):
    at = open_page(page.path)
    assert not problems(at)
    assert len(at.get("plotly_chart")) >= 2
    assert not at.warning or all("link" not in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_page_survives_a_mangled_link(page):
    at = open_page(page.path, {"learning_rate": "abc", "seed": "-5", "epochs": "1e9",
                               "nonsense": "1"})
    assert not problems(at)
    notes = link_notes(at)
    assert "could not use" in notes and "nonsense" in notes
    assert len(at.get("plotly_chart")) >= 2


def test_streamlit_does_not_clear_the_keras_session_between_runs(monkeypatch):
    """Compiled trainers outlive a script run; Streamlit's per-run clear_session must not
    reset Keras under them (ui.patches.keep_keras_state)."""
    import keras

    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: calls.append(1))
    at = open_page("pages/xor.py")
    at.run()
    assert not problems(at)
    assert calls == []
