"""Streaming a training run into the page: results shown as they come, into the same places.

A click must be answered at once. A page therefore draws a first picture (the untrained
network) within a fraction of a second, then redraws the same charts as the engine hands
over chunks of training (``core.engine.train(..., on_chunk=...)``), and finally shows the
finished run, which is cached for everyone. Every chunk makes one cheap ``st.*`` call (the
progress bar): that is where Streamlit stops the script when a newer click arrives, between
two compiled calls, so the engine's trainer is never left mid-call.

``StreamedCache`` is ``st.cache_data`` for such a function: a finished result is looked up
without computing (:meth:`StreamedCache.get`), a result computed outside the cache while
streaming is stored afterwards (:meth:`StreamedCache.put`), and ``st.cache_data.clear()``
clears it like any other cache. (A cached function cannot stream itself: Streamlit forbids
it to write into containers created outside it.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import streamlit as st

R = TypeVar("R")

#: Seconds between two redraws of the charts while streaming: each redraw sends the figures
#: (~60 kB) and costs the browser a Plotly redraw.
REDRAW_INTERVAL = 0.5
#: Seconds between two moves of the progress bar: each is a message that the browser answers
#: by re-rendering the page's elements (10-50 ms of its main thread), and a run makes 15-30
#: chunks. A newer click still stops the run within this (and one chunk).
PROGRESS_INTERVAL = 0.2

#: Called with an event name ("picture": a page's main picture was drawn) by :func:`mark`;
#: benchmarks.interaction_latency listens here to time a click's first picture.
OBSERVERS: list[Callable[[str], None]] = []

_local = threading.local()  # each script run has its own thread: the hand-over slot
_PROBE = object()


class _Miss(Exception):
    """Raised inside the cached function when only looking up: nothing is cached then."""


class StreamedCache(Generic[R]):
    """A bounded ``st.cache_data`` of ``fn(*args)``, shared by all sessions, that can also
    store a result computed (streamed) outside it."""

    def __init__(self, fn: Callable[..., R], *, max_entries: int = 64) -> None:
        self._name = f"{fn.__module__}.{fn.__qualname__}"

        # Streamlit tells cached functions apart by module, qualified name and code, which
        # are this one's for every StreamedCache: alone they would share one store, and as
        # Streamlit replaces a function's store when it is asked for with another bound, two
        # caches of different bounds used in turn would empty each other. The qualified name
        # makes each one a function of its own; the name argument keeps the entries apart
        # even so.
        def stored(name: str, *args: Any) -> R:
            slot = getattr(_local, "slot", None)
            if slot is _PROBE:
                raise _Miss
            return slot if slot is not None else fn(*args)

        stored.__qualname__ = f"StreamedCache[{self._name}]"
        self._cached = st.cache_data(max_entries=max_entries, show_spinner=False)(stored)

    def _call(self, slot: Any, args: tuple) -> R:
        _local.slot = slot
        try:
            return self._cached(self._name, *args)
        finally:
            _local.slot = None

    def get(self, *args: Any) -> R | None:
        """The cached result for ``args``, or None (never computes)."""
        try:
            return self._call(_PROBE, args)
        except _Miss:
            return None

    def put(self, result: R, *args: Any) -> R:
        """Store ``result`` as the value of ``args`` (a finished streamed run); returns the
        cached value (the same numbers: every computation here is deterministic)."""
        return self._call(result, args)

    def __call__(self, *args: Any) -> R:
        """The cached result for ``args``, computed now (not streamed) if missing."""
        return self._call(None, args)

    def clear(self) -> None:
        """Drop every stored result."""
        self._cached.clear()


class Pace:
    """Says when a streamed run should redraw its charts: at most every ``interval`` s, and
    never more than a third of the time (a redraw builds and sends the figures, ~0.1–0.3 s
    of the same CPU the training needs; on a busy server it takes longer, so it comes less
    often), and not when the run is about to end anyway. Call :meth:`drawn` after each
    redraw."""

    def __init__(self, interval: float = REDRAW_INTERVAL) -> None:
        self.interval = interval
        self._next = -float("inf")
        self._started = 0.0
        self._begun = time.perf_counter()
        self._next_progress = -float("inf")

    def due(self, done: float | None = None) -> bool:
        """Whether to redraw now; ``done`` is the share of the run trained so far. At the
        pace so far, a run that ends within the interval gets no redraw: its finished
        picture replaces that one a moment later (both would cost the server and the
        browser a redraw)."""
        now = time.perf_counter()
        if now < self._next:
            return False
        if done is not None and done > 0 and (now - self._begun) * (1 - done) < (
                self.interval * done):
            return False
        self._started, self._next = now, now + self.interval
        return True

    def progress_due(self) -> bool:
        """Whether to move the progress bar now: at most every ``PROGRESS_INTERVAL`` s."""
        now = time.perf_counter()
        if now < self._next_progress:
            return False
        self._next_progress = now + PROGRESS_INTERVAL
        return True

    def drawn(self) -> None:
        """The redraw that :meth:`due` allowed is done: the next waits twice its cost."""
        now = time.perf_counter()
        self._next = max(self._next, now + 2 * (now - self._started))


def compiling(slot: Any, what: str) -> None:
    """Say at once that a new structure is being compiled (the wait is ~1 s, longer when the
    server is busy), in ``slot`` (an ``st.empty``), with the untrained network already shown."""
    with slot.container():
        st.status(f"Compiling a trainer for {what}: the first run of a new structure "
                  "traces it once, later runs reuse it.", state="running")


def progress(slot: Any, done: int, total: int) -> None:
    """The progress of a streamed run in ``slot``; also the point where a newer click stops
    this script (Streamlit checks at every element it sends)."""
    slot.progress(min(1.0, done / max(total, 1)), text=f"training: epoch {done} of {total}")


def mark(event: str) -> None:
    """Tell the observers (benchmarks) that ``event`` happened now."""
    for observer in OBSERVERS:
        observer(event)
