"""Limits that keep one session from starving the rest, in core: training slots (first come
first served, telling a listener about the wait), trainer pools, the work cap, and the same
run asked for at once trained once. Concurrency is tested with real threads; the pages'
side is in tests/test_limits_pages.py."""

from __future__ import annotations

import dataclasses
import importlib
import threading
import time

import numpy as np
import pytest

from core import engine, limits
from core import playground as pg
from core.engine import Data, Network, Training
from core.engine import run as engine_run
from core.engine.pool import Pools
from core.engine.slots import TrainingSlots, notify_waits
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
    for p in pg.CONFIGURATIONS:
        pg.run(p)
    assert len(seen) > 20
    biggest = max(seen, key=lambda s: s[1])
    # A margin of 4: a student may push a preset's epochs or width a little further.
    assert biggest[1] * 4 <= limits.MAX_WORK, biggest


# ----------------------------------------------------------------------------------------
# The same cache miss asked for by many sessions at once
# ----------------------------------------------------------------------------------------


def test_the_engine_trains_a_run_asked_for_by_many_at_once_once() -> None:
    # Pages that stream their runs compute outside st.cache_data: the engine shares a run in
    # progress itself. Ten identical requests: one training, nine copies of its result.
    fit = Training(epochs=30, learning_rate=0.02, seed=4711)
    runs, served = engine_run.RUNS.computed, engine.SLOTS.served
    results: list = [None] * 10
    barrier = threading.Barrier(10)

    def ask(i: int, f: Training = fit) -> None:
        barrier.wait(timeout=30)
        results[i] = engine.train(NET, f, DATA)

    join_all(start_all([(lambda i=i: ask(i)) for i in range(10)]))
    assert engine_run.RUNS.computed - runs == 1 and engine.SLOTS.served - served == 1
    assert len({id(r) for r in results}) == 10  # copies: no session shares another's arrays
    alone = engine.train(NET, fit, DATA)
    for got in results:
        assert_same_run(got, alone)
    # Different data (one row changed) is a different run, trained on its own.
    changed = np.array(DATA.x_train, dtype=float)
    changed[0, 0] += 1.0
    other = Data(changed, np.array(DATA.y_train))
    runs = engine_run.RUNS.computed
    pair = [None, None]
    barrier = threading.Barrier(2)

    def ask_data(i: int) -> None:
        barrier.wait(timeout=30)
        pair[i] = engine.train(NET, fit, (DATA, other)[i])

    join_all(start_all([(lambda i=i: ask_data(i)) for i in range(2)]))
    assert engine_run.RUNS.computed - runs == 2 and differs_final(pair[0], pair[1])


def differs_final(a, b) -> bool:
    return not np.array_equal(a.final.weights[0][0], b.final.weights[0][0])


def test_when_the_first_asker_gives_up_the_others_train_it_themselves() -> None:
    fit = Training(epochs=60, learning_rate=0.02, seed=4712)
    runs = engine_run.RUNS.computed
    got: dict = {}

    def give_up(done: int, total: int) -> None:
        time.sleep(0.3)  # the second caller arrives and waits meanwhile
        raise KeyboardInterrupt("a newer click")

    def first() -> None:
        with pytest.raises(KeyboardInterrupt):
            engine.train(NET, fit, DATA, on_progress=give_up)

    def second() -> None:
        time.sleep(0.1)
        got["result"] = engine.train(NET, fit, DATA)

    join_all(start_all([first, second]))
    assert engine_run.RUNS.computed - runs == 2
    assert_same_run(got["result"], engine.train(NET, fit, DATA))


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
