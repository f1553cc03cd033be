"""Limits as a page shows them: the work-cap warning, the "waiting for a free trainer"
notice, one training for many identical cache misses, bounded caches and session state.
Pages run through AppTest; concurrency with real threads."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import streamlit as st

from core import engine
from core import playground as pg
from core.engine import run as engine_run
from core.engine.slots import TrainingSlots
from tests.conftest import ROOT, open_page, problems
from tests.test_limits import join_all, start_all


@pytest.mark.parametrize(("page", "query"), [
    # 4 × 128 units (49,921 parameters), 5000 epochs, 1000 points: the page's own bounds.
    ("pages/universal_approximation.py",
     {"hidden_layers": "4", "hidden_units": "128", "epochs": "5000", "points": "1000"}),
    # Own data of 2000 rows (1800 for training), 8 layers of 16 on all 7 features, 2000 epochs.
    # 2000 · 1000 · 2049 = 4.1e9.
    ("pages/playground.py", {"dataset": pg.USER_DATA, "hidden_units": ",".join(["16"] * 8),
                             "epochs": "2000", "batch_size": "64", "x1_sq": "1", "x2_sq": "1",
                             "x1x2": "1", "sin_x1": "1", "sin_x2": "1"}),
])
def test_a_page_asked_for_too_much_work_warns_and_goes_on(page, query) -> None:
    if page == "pages/playground.py":
        # A table of 2000 points stands in for an upload (the table is the data).
        import pandas as pd

        rng = np.random.default_rng(0)
        x = rng.uniform(-5, 5, (2000, 2))
        frame = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": (x[:, 0] > 0) * 1})
    at = open_page(page, query)
    if page == "pages/playground.py":
        at.session_state["playground.user_frame"] = frame
        at.run()
    notes = " ".join(w.value for w in at.warning)
    assert "MAX_WORK" in notes and "epochs" in notes and "parameters" in notes
    assert not problems(at) and not at.error
    if page == "pages/playground.py":  # the rest of the page is still there
        assert any("Lecture exercises" in e.label for e in at.expander)


# ----------------------------------------------------------------------------------------
# A page that waits for a free trainer says so
# ----------------------------------------------------------------------------------------


def _waits(at) -> list[str]:
    return [i.value for i in at.info if "free trainer" in i.value]


def test_a_waiting_page_shows_the_wait_and_removes_it_when_training_starts(monkeypatch) -> None:
    from ui import waiting

    slots = TrainingSlots(1)  # one slot, held by "another student" until this page waits
    monkeypatch.setattr(engine_run, "SLOTS", slots)
    monkeypatch.setattr(engine, "SLOTS", slots)
    shown: list[str] = []
    real_show = waiting.WaitNotice._show

    def spy(self, text: str) -> None:
        shown.append(text)
        real_show(self, text)

    monkeypatch.setattr(waiting.WaitNotice, "_show", spy)
    holding, release = threading.Event(), threading.Event()

    def other_student() -> None:
        with slots.hold():
            holding.set()
            release.wait(120)

    def free_when_the_page_waits() -> None:
        deadline = time.monotonic() + 60  # a page that never waits fails below, not hangs
        while not (shown and slots.waiting) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the page keeps waiting a while: the notice stays up meanwhile
        release.set()

    threads = start_all([other_student])
    holding.wait(10)
    threads += start_all([free_when_the_page_waits])
    st.cache_data.clear()  # a cache miss, whatever other tests trained before
    query = {"seed": "4321"}
    at = open_page("pages/xor.py", query)
    join_all(threads)
    assert shown and "1 runs are training" in shown[0] and "0 more ahead" in shown[0]
    assert slots.waited >= 1 and not problems(at)
    assert _waits(at) == []  # removed once training started
    assert at.get("plotly_chart")
    # The same page again: a cache hit, which must not replay the notice.
    again = open_page("pages/xor.py", query)
    assert _waits(again) == [] and not problems(again) and again.get("plotly_chart")


def test_the_wait_notice_is_only_drawn_while_a_run_waits(monkeypatch) -> None:
    from ui import waiting

    drawn: list[str] = []
    monkeypatch.setattr(waiting.WaitNotice, "_show", lambda self, text: drawn.append(text))
    at = open_page("pages/xor.py", {"seed": "4322"})  # slots free: nobody waits
    assert drawn == [] and _waits(at) == [] and not problems(at)


# ----------------------------------------------------------------------------------------
# Caches and session state are bounded
# ----------------------------------------------------------------------------------------

CACHE_DECORATORS = {"cache_data", "cache_resource"}


def _python_files() -> list[Path]:
    return [p for d in ("core", "ui", "pages") for p in (ROOT / d).rglob("*.py")] + \
        [ROOT / "app.py"]


def test_every_streamlit_cache_is_bounded() -> None:
    unbounded, seen = [], 0
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in CACHE_DECORATORS:
                seen += 1
                if not any(k.arg == "max_entries" for k in node.keywords):
                    unbounded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if name == "cached":  # ui.layout.cached: bounded unless it says max_entries=None
                seen += 1
                for k in node.keywords:
                    if k.arg == "max_entries" and isinstance(k.value, ast.Constant) \
                            and k.value.value is None:
                        unbounded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert seen > 10 and unbounded == []


def test_a_bare_cache_call_would_be_caught() -> None:
    tree = ast.parse("@st.cache_data\ndef f(): ...\ng = st.cache_data(show_spinner=False)(f)")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", "") in CACHE_DECORATORS]
    assert len(calls) == 1 and not any(k.arg == "max_entries" for k in calls[0].keywords)
    # The bare decorator form is not a Call: make sure no source file uses it.
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    assert getattr(dec, "attr", "") not in CACHE_DECORATORS, path


def test_session_state_keeps_one_entry_per_control_however_long_a_student_explores() -> None:
    # The Playground's inspector keys its widgets by the run's epochs and network shape, so
    # every new run makes new keys: Streamlit drops the state of widgets a run no longer
    # draws, and the page keeps nothing else per run. (The inspector is on tab 2.)
    at = open_page("pages/playground.py", {"epochs": "40", "tab": "2"})
    keys = set(at.session_state)
    seen = set(keys)
    for label in ("+250 epochs", "new seed", "reset", "new seed"):
        next(b for b in at.button if b.label == label).click().run()
        assert not problems(at)
        seen |= set(at.session_state)
        now = set(at.session_state)
        inspect = [k for k in now if k.startswith("playground.inspect.")]
        assert len(inspect) == 1 and len(now) <= len(keys) + 1  # + the "train more" base
    assert any(k.endswith(".290") for k in seen) and any(k.endswith(".40") for k in keys)
    assert not any(k.endswith(".290") for k in now)  # the longer run's inspector is gone
