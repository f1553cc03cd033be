"""The server's warm-up fills the pages' result caches (ui.results): a tab that trains when
it is first opened answers from the cache afterwards, with no training at all; without the
warm-up the same opening trains (the positive case)."""

from __future__ import annotations

import pytest

from core import engine
from core import initialisation as I
from core import optimiser_paths as O
from tests.conftest import open_page, problems
from ui import results

#: What a cache miss of each warmed tab computes: trainings, the probe, optimiser paths.
COMPUTED = {"activations": [(I, "probe"), (engine, "train")],
            "xor": [(engine, "train")],
            "optimisers": [(engine, "train"), (O, "run_path")]}
#: Each page's tab that trains when opened, as a link opens it.
OPENED = {"activations": {"tab": "2"}, "xor": {"tab": "3"}, "optimisers": {"view": "network"}}
WARM = {"activations": results.warm_activations, "xor": results.warm_xor,
        "optimisers": results.warm_optimisers}


def _clear_caches() -> None:
    for cached in (results.probe_all, results.train_one, results.train_xor,
                   results.train_linear, results.compute_paths, results.train_network):
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


@pytest.mark.parametrize("page", sorted(WARM))
def test_a_warmed_tab_opens_without_training(monkeypatch, page):
    _clear_caches()
    WARM[page]()
    calls = _count_computations(monkeypatch, page)
    at = open_page(f"pages/{page}.py", OPENED[page])
    assert not problems(at)
    assert at.get("plotly_chart")
    assert calls == []


@pytest.mark.parametrize("page", sorted(WARM))
def test_without_the_warm_up_the_same_tab_trains(monkeypatch, page):
    _clear_caches()
    calls = _count_computations(monkeypatch, page)
    at = open_page(f"pages/{page}.py", OPENED[page])
    assert not problems(at)
    assert calls
