"""Values built once per key, however many threads ask for a new key at once.

Compiled trainers and optimiser loops take about a second and ~12 MB to trace, and
TensorFlow never frees all of it: two sessions opening the same new page at once must not
trace the same loop twice. The first caller builds (under a lock of that key only, so other
keys go on); the others wait for it and get the same object. Always bounded: beyond
``max_size`` keys the least recently used value goes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

#: The bound of a BuildOnce that does not choose its own: more than any registry's keys.
DEFAULT_MAX_SIZE = 32

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BuildOnce(Generic[K, V]):
    """A cache of ``build(key)`` results, least recently used first out beyond ``max_size``."""

    def __init__(self, build: Callable[[K], V], max_size: int = DEFAULT_MAX_SIZE) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self._build = build
        self._max_size = max_size
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()
        self._building: dict[K, threading.Lock] = {}
        #: How many values were built so far (for tests and benchmarks).
        self.builds = 0

    def _cached(self, key: K) -> V | None:
        """The value of ``key`` if present (marked as recently used); call under the lock."""
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def get(self, key: K) -> V:
        """The value for ``key``, built now if missing; concurrent callers wait for the one
        build."""
        with self._lock:
            value = self._cached(key)
            if value is not None:
                return value
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                value = self._cached(key)
                if value is not None:
                    return value
            try:
                value = self._build(key)
            except BaseException:
                with self._lock:
                    self._building.pop(key, None)
                raise
            # Stored before the key's lock is forgotten: a caller arriving in between
            # finds the value instead of building it again.
            with self._lock:
                self.builds += 1
                self._items[key] = value
                self._building.pop(key, None)
                while len(self._items) > self._max_size:
                    self._items.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items
