"""Limits that keep one session from starving the rest: training slots (first come first
served, with a wait notice), trainer pools, the work cap, deduplicated cache misses, and
bounded caches and session state. Concurrency is tested with real threads."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from core import engine, limits
from core import playground as pg
from core.engine import Data, Network, Training
from core.engine import run as engine_run
from core.engine.pool import Pools
from core.engine.slots import TrainingSlots, notify_waits
from tests.conftest import ROOT, open_page, problems
from tests.engine_reference import assert_same_run
from ui import catalog


def start_all(targets) -> list[threading.Thread]:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    return threads


def join_all(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)


# ----------------------------------------------------------------------------------------
# Training slots
# ----------------------------------------------------------------------------------------


def test_slots_bound_the_runs_at_once_and_serve_in_order_of_arrival() -> None:
    slots = TrainingSlots(2)
    lock = threading.Lock()
    now, peak, order = [0], [0], []
    heard: dict[int, list] = {}

    def worker(i: int) -> None:
        heard[i] = []
        with notify_waits(heard[i].append), slots.hold():
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
                order.append(i)
            time.sleep(0.5)  # longer than all arrivals take
            with lock:
                now[0] -= 1

    threads = []
    for i in range(6):  # arrivals 30 ms apart: a known order
        threads += start_all([lambda i=i: worker(i)])
        time.sleep(0.03)
    join_all(threads)
    assert peak[0] == 2 == slots.peak
    assert order == list(range(6))
    assert (slots.served, slots.waited, slots.running, slots.waiting) == (6, 4, 0, 0)
    # The first two never waited (their listener never heard a thing); the others heard how
    # many were ahead, a count that only went down, and then None when their turn came.
    assert heard[0] == heard[1] == []
    for i in range(2, 6):
        counts, last = heard[i][:-1], heard[i][-1]
        assert last is None and counts and counts[0] == i - 2
        assert counts == sorted(counts, reverse=True) and None not in counts


def test_slots_let_everyone_run_at_once_when_there_are_enough() -> None:
    slots = TrainingSlots(4)
    heard: list = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        with notify_waits(heard.append), slots.hold():
            barrier.wait(timeout=10)  # all four inside at the same moment

    join_all(start_all([worker] * 4))
    assert heard == [] and slots.peak == 4 and slots.waited == 0


def test_a_caller_that_gives_up_waiting_leaves_the_line() -> None:
    slots = TrainingSlots(1)
    holding, release = threading.Event(), threading.Event()
    later: list = []

    def holder() -> None:
        with slots.hold():
            holding.set()
            release.wait(10)

    def impatient(ahead: int | None) -> None:
        raise KeyboardInterrupt("the student changed a slider")

    def patient() -> None:
        with notify_waits(later.append), slots.hold():
            later.append("ran")

    threads = start_all([holder])
    holding.wait(10)
    with notify_waits(impatient), pytest.raises(KeyboardInterrupt), slots.hold():
        pytest.fail("the impatient caller must not get a slot")
    assert slots.waiting == 0 and slots.running == 1
    threads += start_all([patient])
    time.sleep(0.3)
    release.set()
    join_all(threads)
    assert later[0] == 0 and later[-2:] == [None, "ran"]  # nobody ahead: the leaver is gone
    assert slots.running == 0 and slots.served == 2


# ----------------------------------------------------------------------------------------
# Trainer pools
# ----------------------------------------------------------------------------------------


def test_pools_lend_each_value_to_one_caller_and_build_one_at_a_time_per_key() -> None:
    building, max_building, lent = {}, {}, set()
    lock = threading.Lock()
    clashes: list = []

    def build(key: str) -> object:
        with lock:
            building[key] = building.get(key, 0) + 1
            max_building[key] = max(max_building.get(key, 0), building[key])
        time.sleep(0.1)
        with lock:
            building[key] -= 1
        return object()

    pools: Pools[str, object] = Pools(build, per_key=2, max_size=3)

    def use(key: str) -> None:
        with pools.lease(key) as value:
            with lock:
                if id(value) in lent:
                    clashes.append(value)
                lent.add(id(value))
            time.sleep(0.05)
            with lock:
                lent.discard(id(value))

    join_all(start_all([lambda: use("a")] * 6))
    assert clashes == [] and max_building["a"] == 1
    assert pools.count("a") == 2 == pools.builds  # never more than per_key
    # A second and a third key: room for three values in all, so "a" (least recently used)
    # gives up an idle value; every key keeps at least what it lends.
    use("b")
    use("c")
    assert len(pools) == 3 and pools.count("a") == 1 and "b" in pools and "c" in pools
    use("d")
    assert len(pools) == 3 and "a" not in pools and pools.builds == 5


def test_pools_forget_a_failed_build_and_try_again() -> None:
    calls: list[str] = []

    def build(key: str) -> object:
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("first build fails")
        return object()

    pools: Pools[str, object] = Pools(build, per_key=1, max_size=2)
    with pytest.raises(RuntimeError), pools.lease("x"):
        pass
    assert len(pools) == 0 and "x" not in pools
    with pools.lease("x") as value:
        assert value is not None
    assert calls == ["x", "x"] and pools.builds == 1
    with pytest.raises(ValueError, match="per_key"):
        Pools(build, per_key=3, max_size=2)


def test_build_once_is_always_bounded() -> None:
    from core.engine.cache import DEFAULT_MAX_SIZE

    cache = engine.BuildOnce(str)
    for i in range(100):
        cache.get(i)
    assert len(cache) == DEFAULT_MAX_SIZE and 99 in cache and 0 not in cache
    with pytest.raises(ValueError, match="max_size"):
        engine.BuildOnce(str, max_size=0)


# ----------------------------------------------------------------------------------------
# The engine under load
# ----------------------------------------------------------------------------------------

NET = Network(n_inputs=2, hidden_units=(5,), activation="tanh")
_RNG = np.random.default_rng(4)
DATA = Data(_RNG.normal(size=(24, 2)), _RNG.normal(size=(24, 1)))


def test_many_runs_at_once_take_turns_and_equal_runs_made_alone() -> None:
    fits = [Training(epochs=15, learning_rate=0.05, seed=s) for s in range(6)]
    alone = [engine.train(NET, f, DATA) for f in fits]
    peak_before, served = engine.SLOTS.peak, engine.SLOTS.served
    engine.SLOTS.peak = 0
    results: list = [None] * len(fits)
    barrier = threading.Barrier(len(fits))

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        results[i] = engine.train(NET, fits[i], DATA)

    join_all(start_all([(lambda i=i: run(i)) for i in range(len(fits))]))
    assert engine.SLOTS.served == served + len(fits)
    assert 1 <= engine.SLOTS.peak <= limits.MAX_TRAININGS
    assert engine.TRAINERS.count(engine_run.Structure.of(NET, fits[0])) <= \
        limits.TRAINERS_PER_STRUCTURE
    for got, want in zip(results, alone):
        assert_same_run(got, want)
    engine.SLOTS.peak = max(engine.SLOTS.peak, peak_before)


# ----------------------------------------------------------------------------------------
# The work cap
# ----------------------------------------------------------------------------------------


def test_work_is_epochs_times_samples_times_parameters() -> None:
    # 2 → 4 → 3 → 1: (2·4 + 4) + (4·3 + 3) + (3·1 + 1) = 12 + 15 + 4 = 31 weights and biases.
    net = Network(n_inputs=2, hidden_units=(4, 3))
    assert engine.budget.parameters(net) == 31
    assert engine.work(net, Training(epochs=7), 50) == 7 * 50 * 31
    assert engine.budget.parameters(Network(n_inputs=3, hidden_units=())) == 4


def test_a_run_above_the_cap_is_refused_before_it_takes_a_slot() -> None:
    per_epoch = len(DATA.x_train) * engine.budget.parameters(NET)  # 24 · 21 = 504
    assert per_epoch == 504
    fit = Training(epochs=100)
    assert engine.check_work(NET, fit, 24, limit=100 * 504) == 100 * 504  # at the limit
    with pytest.raises(engine.WorkLimitError) as err:
        engine.check_work(NET, fit, 24, limit=100 * 504 - 1)
    text = str(err.value)
    for part in ("100 epochs", "24 training samples", "21 parameters", "50,400",
                 "50,399", "MAX_WORK"):
        assert part in text
    assert isinstance(err.value, ValueError)
    served = engine.SLOTS.served
    huge = Training(epochs=limits.MAX_EPOCHS)
    wide = Network(n_inputs=64, hidden_units=(128,) * 8, n_outputs=16)
    x = np.zeros((2000, 64))
    with pytest.raises(engine.WorkLimitError, match="epochs"):
        engine.train(wide, huge, Data(x, np.zeros((2000, 16))))
    assert engine.SLOTS.served == served


def _recorded_work(monkeypatch) -> list[tuple[str, int]]:
    """Every run's work from here on, with the net that asked for it."""
    seen: list[tuple[str, int]] = []
    real = engine_run.check_work

    def record(net, fit, n_samples, *args):
        seen.append((f"{net.sizes} × {fit.epochs} epochs × {n_samples}",
                     engine.work(net, fit, n_samples)))
        return real(net, fit, n_samples, *args)

    monkeypatch.setattr(engine_run, "check_work", record)
    return seen


def test_no_default_or_preset_of_any_page_comes_near_the_cap(monkeypatch) -> None:
    seen = _recorded_work(monkeypatch)
    # Every page's default view (the catalogue's warm-ups train exactly that) ...
    for page in catalog.PAGES:
        if page.warm_up:
            module, _, function = page.warm_up.partition(":")
            getattr(importlib.import_module(module), function)()
    # ... and every one-click preset at its full length.
    from core import universal_approximation as U

    U.train_fit(U.ApproxParams().replace(**U.LECTURE_PRESET))
    for ex in pg.EXERCISES:
        for step in ex.steps:
            pg.run(step.params)
    assert len(seen) > 20
    biggest = max(seen, key=lambda s: s[1])
    # A margin of 4: a student may push a preset's epochs or width a little further.
    assert biggest[1] * 4 <= limits.MAX_WORK, biggest


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
# The same cache miss asked for by many sessions at once
# ----------------------------------------------------------------------------------------


def _train_small(fit: Training) -> engine.TrainResult:
    return engine.train(NET, fit, DATA)


def test_identical_requests_at_once_train_once_and_distinct_ones_each() -> None:
    from ui import layout

    cached = layout.cached(_train_small, spinner=False)
    same = Training(epochs=25, learning_rate=0.02, seed=987)
    for fits, trainings in (([same] * 10, 1),
                            ([dataclasses.replace(same, seed=900 + i) for i in range(4)], 4)):
        served = engine.SLOTS.served
        results: list = [None] * len(fits)
        barrier = threading.Barrier(len(fits))

        def ask(i: int, fits=fits, results=results, barrier=barrier) -> None:
            barrier.wait(timeout=30)
            results[i] = cached(fits[i])

        join_all(start_all([(lambda i=i: ask(i)) for i in range(len(fits))]))
        assert engine.SLOTS.served - served == trainings
        for got, fit in zip(results, fits):
            assert_same_run(got, engine.train(NET, fit, DATA))
    cached.clear()


# ----------------------------------------------------------------------------------------
# A page that waits for a free trainer says so
# ----------------------------------------------------------------------------------------


def _waits(at) -> list[str]:
    return [i.value for i in at.info if "free trainer" in i.value]


def test_a_waiting_page_shows_the_wait_and_removes_it_when_training_starts(monkeypatch) -> None:
    from ui import layout

    slots = TrainingSlots(1)  # one slot, held by "another student" until this page waits
    monkeypatch.setattr(engine_run, "SLOTS", slots)
    monkeypatch.setattr(engine, "SLOTS", slots)
    shown: list[str] = []
    real_show = layout.WaitNotice._show

    def spy(self, text: str) -> None:
        shown.append(text)
        real_show(self, text)

    monkeypatch.setattr(layout.WaitNotice, "_show", spy)
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
    query = {"seed": "4321"}  # a configuration no other test trains: a cache miss
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
    from ui import layout

    drawn: list[str] = []
    monkeypatch.setattr(layout.WaitNotice, "_show", lambda self, text: drawn.append(text))
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
    # draws, and the page keeps nothing else per run.
    at = open_page("pages/playground.py", {"epochs": "40"})
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
