"""Compiled trainers lent out one run at a time: a few per structure, a bounded number in all.

A compiled trainer serves one run at a time, and a lecture hall mostly trains one structure
(the page's default) with different seeds. With one trainer per structure, two such runs
holding both training slots would leave one slot waiting for the trainer while students
with other structures queue behind; with ``per_key`` trainers (as many as slots) every slot
holder trains at once (benchmarks.concurrency measures 1, 2 and 3 per structure).

Each trainer takes about a second to trace and ~12 MB that TensorFlow never fully frees, so
trainers are built only when a run finds none idle, one build at a time per structure (two
sessions asking for a new structure at once trace it once, and the second build waits until
a second run actually needs it), and at most ``max_size`` are kept over all structures: the
idle ones of the least recently used structures go first.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class _Pool(Generic[V]):
    """One key's values: ``size`` counts the idle, the lent and the one being built."""

    idle: list[V] = field(default_factory=list)
    size: int = 0
    building: bool = False


class Pools(Generic[K, V]):
    """Up to ``per_key`` values of ``build(key)`` per key, each lent to one caller at a time
    (:meth:`lease`); at most ``max_size`` values kept over all keys."""

    def __init__(self, build: Callable[[K], V], per_key: int, max_size: int) -> None:
        if not 1 <= per_key <= max_size:
            raise ValueError(f"need 1 <= per_key <= max_size, got {per_key} and {max_size}")
        self._build = build
        self.per_key = per_key
        self.max_size = max_size
        self._cond = threading.Condition()
        self._pools: OrderedDict[K, _Pool[V]] = OrderedDict()
        #: How many values were built so far (for tests and benchmarks).
        self.builds = 0

    @contextlib.contextmanager
    def lease(self, key: K) -> Iterator[V]:
        """A value for ``key`` for the block, nobody else's meanwhile: an idle one, a new
        one if the key has fewer than ``per_key``, else the next one given back."""
        pool, value = self._acquire(key)
        try:
            yield value
        finally:
            with self._cond:
                pool.idle.append(value)
                self._cond.notify_all()
                self._trim()

    def _acquire(self, key: K) -> tuple[_Pool[V], V]:
        with self._cond:
            while True:
                pool = self._pools.setdefault(key, _Pool())
                self._pools.move_to_end(key)
                if pool.idle:
                    return pool, pool.idle.pop()
                if not pool.building and pool.size < self.per_key:
                    pool.building, pool.size = True, pool.size + 1
                    break
                self._cond.wait()
        try:
            value = self._build(key)
        except BaseException:
            with self._cond:
                pool.building, pool.size = False, pool.size - 1
                self._forget_if_empty(key, pool)
                self._cond.notify_all()
            raise
        with self._cond:
            pool.building = False
            self.builds += 1
            self._cond.notify_all()
            self._trim()
        return pool, value

    def _trim(self) -> None:
        """Under the lock: drop idle values, least recently used keys first, until at most
        ``max_size`` are kept (values lent out are dropped when given back, if need be)."""
        for key in list(self._pools):
            if len(self) <= self.max_size:
                return
            pool = self._pools[key]
            while pool.idle and len(self) > self.max_size:
                pool.idle.pop(0)
                pool.size -= 1
            self._forget_if_empty(key, pool)

    def _forget_if_empty(self, key: K, pool: _Pool[V]) -> None:
        if pool.size == 0 and self._pools.get(key) is pool:
            del self._pools[key]

    def __len__(self) -> int:
        """Values kept now (idle, lent out or being built)."""
        with self._cond:  # a re-entrant lock: also called while holding it
            return sum(p.size for p in self._pools.values())

    def __contains__(self, key: object) -> bool:
        with self._cond:
            return key in self._pools

    def count(self, key: K) -> int:
        """Values kept now for ``key``."""
        with self._cond:
            pool = self._pools.get(key)
            return pool.size if pool is not None else 0
