"""ui/live.py's cache for streamed results and its redraw pacing, and the warm-up's freezing
of long-lived objects (ui.server.freeze_warm_objects)."""

from __future__ import annotations

import gc
import time
import weakref

import streamlit as st

from ui import live, server


def _square(x: int) -> int:
    _square.calls += 1
    return x * x


_square.calls = 0


def _cube(x: int) -> int:
    return x**3


def test_streamed_cache_looks_up_without_computing_and_stores_a_handed_over_result() -> None:
    st.cache_data.clear()
    cache = live.StreamedCache(_square, max_entries=4)
    calls = _square.calls
    assert cache.get(3) is None and _square.calls == calls  # a miss computes nothing
    assert cache.put(9, 3) == 9 and _square.calls == calls  # handed over, not computed
    assert cache.get(3) == 9
    assert cache(4) == 16 and _square.calls == calls + 1  # a plain call computes once
    assert cache.get(4) == 16 and cache(4) == 16 and _square.calls == calls + 1
    other = live.StreamedCache(_cube, max_entries=4)  # same code inside, separate entries
    assert other.get(3) is None and other(3) == 27 and cache.get(3) == 9
    st.cache_data.clear()  # cleared like every st.cache_data
    assert cache.get(3) is None and other.get(3) is None


def test_streamed_caches_of_different_bounds_used_in_turn_keep_their_entries() -> None:
    """Streamlit replaces a cached function's store when it is asked for with another bound;
    each StreamedCache is its own function, so one never empties another."""
    st.cache_data.clear()
    small = live.StreamedCache(_square, max_entries=4)
    large = live.StreamedCache(_cube, max_entries=64)
    small.put(9, 3)
    large.put(27, 3)
    assert small.get(3) == 9 and large.get(3) == 27 and small.get(3) == 9
    # The positive case: one function asked for with two bounds loses its entries.
    shared = st.cache_data(max_entries=4, show_spinner=False)(_square)
    shared(5)
    bounds = st.cache_data(max_entries=64, show_spinner=False)(_square)
    calls = _square.calls
    bounds(5)
    assert _square.calls == calls + 1  # the store was replaced: computed again
    st.cache_data.clear()


def test_pace_lets_a_redraw_through_at_most_every_interval() -> None:
    pace = live.Pace(0.05)
    assert pace.due() and not pace.due()
    time.sleep(0.06)
    assert pace.due()


def test_pace_keeps_redraws_to_a_third_of_the_time() -> None:
    pace = live.Pace(0.01)
    assert pace.due()
    time.sleep(0.05)  # a slow redraw: the next one waits twice as long as it took
    pace.drawn()
    time.sleep(0.02)
    assert not pace.due()  # the interval alone would allow it by now
    time.sleep(0.1)
    assert pace.due()


def test_pace_skips_a_redraw_just_before_the_run_ends() -> None:
    pace = live.Pace(0.05)
    time.sleep(0.02)
    # 90 % done in 0.02 s: the rest takes ~0.002 s, the finished picture comes first.
    assert not pace.due(0.9)
    # 10 % done in 0.02 s: ~0.18 s to go, long enough to be worth a picture.
    assert pace.due(0.1)
    time.sleep(0.06)
    assert pace.due(0.5)  # 0.08 s more to go: still drawn


def test_pace_moves_the_progress_bar_at_most_every_progress_interval(monkeypatch) -> None:
    monkeypatch.setattr(live, "PROGRESS_INTERVAL", 0.05)
    pace = live.Pace()
    assert pace.progress_due() and not pace.progress_due()
    time.sleep(0.06)
    assert pace.progress_due() and not pace.progress_due()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_frozen_objects_are_skipped_and_later_garbage_is_still_collected() -> None:
    frozen = _Node()
    frozen_ref = weakref.ref(frozen)
    try:
        server.freeze_warm_objects()
        assert gc.get_freeze_count() > 0
        del frozen
        gc.collect()
        assert frozen_ref() is not None  # frozen: never walked, so kept
        later = _Node()
        later_ref = weakref.ref(later)
        del later
        gc.collect()
        assert later_ref() is None  # created after the freeze: collected as usual
    finally:
        gc.unfreeze()
