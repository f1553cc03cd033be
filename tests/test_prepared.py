"""core.figures.prepared: finished figures cached by exact content, shared by sessions."""

from __future__ import annotations

import dataclasses
import threading
from functools import partial

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import open_page, problems

from core.figures import prepared, style, theme
from core.figures.prepared import Unkeyable, fingerprint

BUILDS: list[tuple] = []


def line_figure(y: np.ndarray, title: str = "loss") -> go.Figure:
    """A figure function as the pages pass them: module level, arguments by value."""
    BUILDS.append((y.copy(), title))
    return go.Figure(go.Scatter(y=y, mode="lines", name="training"),
                     layout=dict(title=title, xaxis_title="epoch", yaxis_title="loss"))


@dataclasses.dataclass(frozen=True)
class Run:
    history: np.ndarray
    label: str


@pytest.fixture(autouse=True)
def empty_cache():
    prepared.CACHE.clear()
    BUILDS.clear()
    yield
    prepared.CACHE.clear()


# ----------------------------------------------------------------------------------------
# Fingerprints: equal for equal content, different for any difference
# ----------------------------------------------------------------------------------------


def test_equal_values_give_equal_fingerprints() -> None:
    a = Run(np.arange(10.0), "x")
    b = Run(np.arange(10.0), "x")
    assert a is not b
    assert fingerprint((a, [1, 2.5], {"k": None})) == fingerprint((b, [1, 2.5], {"k": None}))


def test_one_changed_element_of_a_large_array_changes_the_fingerprint() -> None:
    # Streamlit's own hasher samples arrays of ≥ 100,000 elements; these keys read every byte.
    y = np.zeros(1_000_003)
    z = y.copy()
    z[765_432] = 1e-300
    assert fingerprint(y) != fingerprint(z)


@pytest.mark.parametrize("a, b", [
    (0.0, -0.0), (1, 1.0), (1, True), ([1, 2], (1, 2)), ("ab", b"ab"), (("a", "b"), ("ab",)),
    (np.zeros(4, np.float32), np.zeros(4, np.float64)), (np.zeros((2, 2)), np.zeros(4)),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # legend order follows dict order
    (Run(np.ones(3), "x"), Run(np.ones(3), "y")), (np.float64(1.0), np.float32(1.0)),
])
def test_different_values_give_different_fingerprints(a, b) -> None:
    assert fingerprint(a) != fingerprint(b)


def test_functions_by_name_partials_by_function_and_arguments() -> None:
    assert fingerprint(partial(line_figure, np.ones(3))) == fingerprint(
        partial(line_figure, np.ones(3)))
    assert fingerprint(partial(line_figure, np.ones(3))) != fingerprint(
        partial(line_figure, np.ones(3), title="other"))
    assert fingerprint(line_figure) != fingerprint(style.tidy)


def test_what_cannot_be_read_is_refused() -> None:
    scale = 2.0
    with pytest.raises(Unkeyable):
        fingerprint(lambda: None)
    with pytest.raises(Unkeyable):
        fingerprint(lambda: scale)  # a closure: its captured value is unknown
    with pytest.raises(Unkeyable):
        fingerprint(partial(line_figure, threading.Lock()))
    with pytest.raises(Unkeyable):
        fingerprint(go.Figure())


# ----------------------------------------------------------------------------------------
# prepare: built once per content and view, identical to building anew
# ----------------------------------------------------------------------------------------


def test_same_arguments_are_built_once_and_shared() -> None:
    first = prepared.prepare(partial(line_figure, np.arange(5.0)), width=800)
    again = prepared.prepare(partial(line_figure, np.arange(5.0)), width=800)
    assert len(BUILDS) == 1
    assert again is first
    assert prepared.CACHE.hits == 1


@pytest.mark.parametrize("view", [dict(width=500), dict(scale=1.5), dict(dark=True)])
def test_another_view_or_other_data_is_built_anew(view) -> None:
    prepared.prepare(partial(line_figure, np.arange(5.0)), width=800)
    other = prepared.prepare(partial(line_figure, np.arange(5.0)), **{"width": 800, **view})
    assert len(BUILDS) == 2
    changed = prepared.prepare(partial(line_figure, np.arange(5.0) + 1), width=800)
    assert len(BUILDS) == 3
    assert changed.spec != other.spec


def test_the_cached_spec_equals_a_figure_laid_out_and_themed_directly() -> None:
    y = np.linspace(0, 1, 7)
    ready = prepared.prepare(partial(line_figure, y, title="a title"), scale=1.5, width=700,
                             dark=True)
    direct = theme.apply(style.tidy(line_figure(y, title="a title"), scale=1.5, width=700),
                         dark=True)
    assert ready.spec == direct.to_dict()
    assert ready.caption == theme.describe(direct)
    assert ready.spec["layout"]["paper_bgcolor"] == theme.DARK.background


def test_a_figure_object_or_an_unkeyable_call_is_built_every_time_and_never_stored() -> None:
    y = np.arange(3.0)
    prepared.prepare(line_figure(y), width=600)
    prepared.prepare(line_figure(y), width=600)
    assert len(prepared.CACHE) == 0
    for _ in range(2):
        ready = prepared.prepare(lambda: line_figure(y), width=600)  # noqa: B023
    assert len(BUILDS) == 4 and len(prepared.CACHE) == 0
    assert ready.spec["layout"]["title"]["text"] == "loss"


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = prepared.SpecCache(max_entries=3)
    item = prepared.Prepared(spec={}, caption="")
    for key in (b"a", b"b", b"c"):
        cache.put(key, item)
    assert cache.get(b"a") is item  # "a" used again: "b" is now the oldest
    cache.put(b"d", item)
    assert len(cache) == 3
    assert cache.get(b"b") is None
    assert all(cache.get(k) is item for k in (b"a", b"c", b"d"))
    assert prepared.CACHE.max_entries == prepared.MAX_ENTRIES


def test_the_cache_is_bounded_in_bytes_too() -> None:
    def item(n: int) -> prepared.Prepared:
        return prepared.Prepared(spec={"data": [{"y": {"bdata": "A" * n}}]}, caption="")

    assert 1000 <= item(1000).nbytes < 1100
    cache = prepared.SpecCache(max_entries=100, max_bytes=3500)
    for key in (b"a", b"b", b"c"):
        cache.put(key, item(1000))
    cache.put(b"d", item(1000))  # over 3500 bytes: "a" goes
    assert cache.get(b"a") is None and len(cache) == 3 and cache.nbytes <= 3500
    cache.put(b"b", item(10))  # replacing an entry counts its new size only
    assert len(cache) == 3 and cache.nbytes < 2300
    cache.put(b"huge", item(5000))  # larger than the whole cache: not kept, nothing dropped
    assert cache.get(b"huge") is None and len(cache) == 3
    assert prepared.CACHE.max_bytes == prepared.MAX_BYTES


def test_real_figures_weigh_what_they_send() -> None:
    ready = prepared.prepare(partial(line_figure, np.arange(20_000.0)), width=800)
    assert 20_000 * 8 * 4 / 3 <= ready.nbytes <= 20_000 * 8 * 4 / 3 + 5_000  # base64 text
    assert prepared.CACHE.nbytes == ready.nbytes


# ----------------------------------------------------------------------------------------
# Through a page: a second visitor gets the same charts without building any
# ----------------------------------------------------------------------------------------


def test_a_second_visitor_gets_the_same_charts_from_the_cache() -> None:
    first = open_page("pages/xor.py")
    assert not problems(first)
    built = prepared.CACHE.misses
    assert built >= 2 and prepared.CACHE.hits == 0
    second = open_page("pages/xor.py")
    assert not problems(second)
    assert prepared.CACHE.misses == built  # nothing built again
    assert prepared.CACHE.hits == built
    specs = [[c.proto.spec for c in at.get("plotly_chart")] for at in (first, second)]
    assert specs[0] == specs[1] and len(specs[0]) == built
