"""The same run asked for by several sessions at the same time is trained once.

``st.cache_data`` already computes a missing entry once when sessions ask for it together
(a lock per entry), but a page that streams its run computes outside the cache and stores
the result afterwards, and two pages may train the same run through different cached
functions. So the engine itself shares a run in progress: the first caller trains, callers
with the same run arriving meanwhile wait for its result (a copy each) instead of taking a
training slot of their own.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import numpy as np

from core.engine.slots import WAIT_POLL_SECONDS, current_listener

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def fingerprint(*arrays: np.ndarray | None) -> str:
    """A digest of arrays' shapes, types and bytes: equal arrays, equal fingerprints."""
    digest = hashlib.blake2b(digest_size=16)
    for a in arrays:
        if a is None:
            digest.update(b"none")
            continue
        a = np.ascontiguousarray(a)
        digest.update(f"{a.dtype.str}{a.shape}".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


class _Call(Generic[V]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: V | None = None
        self.failed = False


class InFlight(Generic[K, V]):
    """Concurrent :meth:`run` calls with equal keys share one computation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[K, _Call[V]] = {}
        #: Computations started and calls answered by another's (for tests and benchmarks).
        self.computed = 0
        self.shared = 0

    def run(self, key: K, compute: Callable[[], V]) -> V:
        """``compute()``'s value; if an equal key is being computed now, a copy of that
        computation's value instead. If that computation fails (its caller gave up), this
        caller computes for itself."""
        while True:
            with self._lock:
                call = self._calls.get(key)
                leader = call is None
                if leader:
                    call = self._calls[key] = _Call()
                    self.computed += 1
            if leader:
                return self._lead(key, call, compute)
            self._follow(call)
            if not call.failed:
                with self._lock:
                    self.shared += 1
                return copy.deepcopy(call.value)

    def _lead(self, key: K, call: _Call[V], compute: Callable[[], V]) -> V:
        try:
            call.value = compute()
            return call.value
        except BaseException:
            call.failed = True
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()

    @staticmethod
    def _follow(call: _Call[V]) -> None:
        """Wait for the computation, letting the page's listener hear about it (and give
        up, by raising, when its student asks for something else)."""
        listener = current_listener()
        waited = False
        while not call.done.wait(WAIT_POLL_SECONDS):
            waited = True
            if listener is not None:
                listener(0)
        if waited and listener is not None:
            listener(None)
