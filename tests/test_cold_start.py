"""The first visit after a server (re)start: TensorFlow stays off the home page's path and
starts importing as soon as a page that trains opens; the warm-up never competes with a
page being computed; a fresh browser gets Plotly's script while the server works
(benchmarks.cold_start measures the times)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import server

ROOT = Path(__file__).resolve().parent.parent
PRELOAD_APP = str(Path(__file__).parent / "apps" / "preload.py")

FIRST_VISIT = """
import sys, threading
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=300)
at.run()
home = "tensorflow" in sys.modules or any(t.name == "tensorflow-import"
                                           for t in threading.enumerate())
at.switch_page("pages/{page}.py")
at.run()
print(home, "tensorflow" in sys.modules and "keras" in sys.modules, not at.exception)
"""


def _first_visit(page: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", FIRST_VISIT.format(page=page)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "DASHBOARD_WARM_UP": "0",
                               "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()[-3:]


def test_the_home_page_never_imports_tensorflow_and_a_training_page_does():
    home_imported, page_imported, ok = _first_visit("xor")
    assert ok == "True"
    assert home_imported == "False"
    assert page_imported == "True"


def test_the_preload_chart_is_sent_once_per_browser_tab():
    at = AppTest.from_file(PRELOAD_APP, default_timeout=30)
    at.query_params["keep"] = "1"
    at.run()
    assert at.session_state["sent"] is True
    assert [c.key for c in at.get("plotly_chart")] == ["plotly_preload_chart"]
    at.run()  # the same tab again: its browser has Plotly's script now
    assert at.session_state["sent"] is False
    assert not at.get("plotly_chart")


def test_the_router_removes_the_preload_chart_when_the_page_is_done():
    at = AppTest.from_file(PRELOAD_APP, default_timeout=30)
    at.run()
    assert at.session_state[server.PLOTLY_LOADED] is True  # it was sent ...
    assert not at.get("plotly_chart")  # ... and is gone from the finished page
    assert at.markdown[-1].value == "page" and not at.exception


def test_the_home_page_gets_no_preload_chart():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert server.PLOTLY_LOADED not in at.session_state
    assert not at.exception


def test_waiting_for_quiet_lasts_while_a_page_runs_and_a_moment_after():
    runs = server.PageRuns()
    returned: list[float] = []
    with runs.running():
        waiter = threading.Thread(target=lambda: (runs.wait_quiet(0.3, poll_s=0.02),
                                                  returned.append(time.monotonic())))
        waiter.start()
        time.sleep(0.5)
        assert not returned and runs.quiet_s() == 0.0
    ended = time.monotonic()
    waiter.join(5)
    assert returned and returned[0] - ended >= 0.3
    start = time.monotonic()
    runs.wait_quiet(0.3)  # quiet already: returns at once
    assert time.monotonic() - start < 0.1


WARMED: list[float] = []


def _warm() -> None:
    WARMED.append(time.monotonic())


def test_the_warm_up_starts_only_when_no_page_has_run_for_a_moment(monkeypatch):
    monkeypatch.setenv("DASHBOARD_WARM_UP", "1")
    monkeypatch.setattr(server, "freeze_warm_objects", lambda: None)
    WARMED.clear()
    with server.PAGE_RUNS.running():
        thread = server.start_warm_up((f"{__name__}:_warm",), quiet_s=0.3)
        time.sleep(0.5)
        assert not WARMED  # a page is running: the warm-up waits
    ended = time.monotonic()
    thread.join(5)
    assert WARMED and WARMED[0] - ended >= 0.3
