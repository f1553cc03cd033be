"""The server's warm-up fills the pages' result caches (ui.results): a default view, or a tab
that trains when it is first opened, answers from the cache afterwards, with no training at
all; without the warm-up the same opening trains (the positive case)."""

from __future__ import annotations

import pytest
from conftest import open_page, problems

from core import engine
from core import initialisation as I
from core import optimiser_paths as O
from core.backprop import cost as BC
from core.backprop import neuron as BNR
from ui import results, server

#: What a cache miss of each warmed tab computes: trainings, the probe, optimiser paths.
COMPUTED = {"gradient_descent": [(engine, "train")],
            "activations": [(I, "probe"), (engine, "train")],
            "xor": [(engine, "train")],
            "classification": [(engine, "train")],
            "optimisers": [(O, "run_path")],
            "overfitting": [(engine, "train")],
            "backpropagation": [(BNR, "keras_gradients"), (BC, "measure"), (I, "probe")]}
#: Each page's view that trains when opened, as a link opens it.
OPENED = {"gradient_descent": ("gradient_descent", {}),
          "activations tab 2": ("activations", {"tab": "2"}), "xor tab 3": ("xor", {"tab": "3"}),
          "classification": ("classification", {}),
          "optimisers": ("optimisers", {}), "overfitting": ("overfitting", {}),
          "overfitting tab 2": ("overfitting", {"tab": "2"}),
          "backpropagation": ("backpropagation", {}),
          "backpropagation tab 3": ("backpropagation", {"tab": "3"})}
WARM = {"gradient_descent": results.warm_gradient_descent,
        "activations": results.warm_activations, "xor": results.warm_xor,
        "classification": results.warm_classification,
        "optimisers": results.warm_optimisers, "overfitting": results.warm_overfitting,
        "backpropagation": results.warm_backpropagation}


def _clear_caches() -> None:
    for cached in (results.keras_fit, results.probe_all, results.train_one, results.train_xor,
                   results.train_linear, results.compute_paths, results.train_fit,
                   results.playground_runs, results.two_tasks, results.neuron_run,
                   results.network_run, results.network_tape_gap, results.cost_sweep):
        cached.clear()


def _count_computations(monkeypatch, page: str) -> list[str]:
    calls: list[str] = []
    for module, name in COMPUTED[page]:
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("view", sorted(OPENED))
def test_a_warmed_view_opens_without_training(monkeypatch, view):
    page, query = OPENED[view]
    _clear_caches()
    WARM[page]()
    calls = _count_computations(monkeypatch, page)
    at = open_page(f"pages/{page}.py", query)
    assert not problems(at)
    assert at.get("plotly_chart")
    assert calls == []


@pytest.mark.parametrize("view", sorted(OPENED))
def test_without_the_warm_up_the_same_view_trains(monkeypatch, view):
    page, query = OPENED[view]
    _clear_caches()
    calls = _count_computations(monkeypatch, page)
    at = open_page(f"pages/{page}.py", query)
    assert not problems(at)
    assert calls


def _preset(at, label: str):
    return next(b for b in at.button if (b.key or "").startswith("playground.preset.")
                and b.label == label)


#: The exercise steps the test clicks: the slowest (1000 epochs of four layers) and the last.
PRESETS = ("bonus with Playground's SGD", "L1, rate 0.01")


@pytest.mark.parametrize("warmed", [True, False])
def test_the_playground_default_and_its_presets_answer_from_the_warm_up(monkeypatch, warmed):

    _clear_caches()
    monkeypatch.setattr(server, "WARM_UP_QUIET_S", 0.0)  # no visitor to wait for here
    if warmed:
        results.warm_playground()
    trainings: list[str] = []
    train = engine.train
    monkeypatch.setattr(engine, "train",
                        lambda *a, **k: trainings.append("train") or train(*a, **k))
    at = open_page("pages/playground.py")
    for label in PRESETS:
        _preset(at, label).click().run()
        assert not problems(at) and at.get("plotly_chart")
    # Warmed: nothing trains; the positive case: without the warm-up, each of them trains.
    assert trainings == ([] if warmed else ["train"] * (1 + len(PRESETS)))


def test_the_whole_warm_up_fits_the_pool_of_compiled_trainers(monkeypatch):
    """Every page's warm-up, in the server's order, compiles no more trainers than the pool
    keeps: a trainer compiled at start and dropped before anyone used it is a trace the
    first visitor pays again (XOR's first new seed, 0.8 s, when the pool overflowed)."""
    import importlib

    from core.engine import run as engine_run
    from core.engine.pool import Pools
    from core.engine.trainer import Trainer
    from ui.catalog import PAGES

    _clear_caches()
    monkeypatch.setattr(server, "WARM_UP_QUIET_S", 0.0)
    pool = Pools(Trainer, engine.TRAINERS_PER_STRUCTURE, engine.MAX_TRAINERS)
    monkeypatch.setattr(engine_run, "TRAINERS", pool)
    monkeypatch.setattr(engine, "TRAINERS", pool)
    for page in PAGES:
        module, _, function = page.warm_up.partition(":")
        getattr(importlib.import_module(module), function)()
    assert pool.builds > len(PAGES)  # it compiled every page's defaults ...
    assert pool.builds == len(pool) <= engine.MAX_TRAINERS  # ... and dropped none of them
