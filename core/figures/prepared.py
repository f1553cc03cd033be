"""Finished figures, built once per parameter set and view, shared by every session.

Building a page's Plotly figures through graph objects, laying them out (style.tidy) and
recolouring them (theme.apply) costs the server 0.3–1.1 s of Python per visit even when every
result comes from the result cache, and in a hall thirty visits queue on that one interpreter.
:func:`prepare` keeps the finished spec (the dict Plotly's JSON is written from) and its
caption in a bounded LRU keyed by what made it: the figure function, its arguments and the
view (font scale, width, light or dark page). A visit that asks for the same figure gets the
same spec without building anything.

Keys are exact: arguments are fingerprinted by value (every byte of a NumPy array, every
field of a dataclass), never by identity or by a sample. Arguments it cannot fingerprint (an
object of another kind, a lambda or a closure, whose captured state is unknown) make the
figure be built uncached, which is always correct.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import threading
import types
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.figures import style, theme

#: Finished specs kept: a page shows 2–9 figures, a spec weighs 2–350 kB (~60 kB typical),
#: so both bounds hold several hundred figures; whichever is reached first drops the least
#: recently used.
MAX_ENTRIES = 400
MAX_BYTES = 32 * 2**20


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A figure ready to send: Plotly's JSON-ready dict (never modified after it is made,
    since sessions share it) and the one-sentence description shown under it."""

    spec: dict
    caption: str

    @functools.cached_property
    def nbytes(self) -> int:
        """About what the spec holds in memory: its texts (arrays travel as base64 text),
        any arrays left as arrays, 8 bytes per other value."""
        return _weight(self.spec) + len(self.caption)


def _weight(value: Any) -> int:
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(_weight(k) + _weight(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_weight(v) for v in value)
    return 8


class Unkeyable(TypeError):
    """An argument whose value :func:`fingerprint` cannot read."""


def prepare(build: go.Figure | Callable[[], go.Figure], *, scale: float = 1.0,
            width: int = style.WIDE_WIDTH, dark: bool = False) -> Prepared:
    """``build`` laid out for ``width`` px at font ``scale`` and coloured for the page.

    ``build`` is a finished figure (made uncached: a streamed, partial run) or a call that
    makes one, usually ``functools.partial(figure_function, *args)``, whose result is cached.
    """
    if isinstance(build, go.Figure):
        return _finish(build, scale, width, dark)
    try:
        key = fingerprint((build, scale, width, dark))
    except Unkeyable:
        return _finish(build(), scale, width, dark)
    found = CACHE.get(key)
    if found is None:
        found = _finish(build(), scale, width, dark)
        CACHE.put(key, found)
    return found


def _finish(fig: go.Figure, scale: float, width: int, dark: bool) -> Prepared:
    style.tidy(fig, scale=scale, width=width)
    theme.apply(fig, dark=dark)
    return Prepared(spec=fig.to_dict(), caption=theme.describe(fig))


class SpecCache:
    """A thread-safe LRU of :class:`Prepared` by fingerprint, at most ``max_entries`` and
    ``max_bytes`` (:attr:`Prepared.nbytes`)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[bytes, Prepared] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.nbytes = 0

    def get(self, key: bytes) -> Prepared | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, value: Prepared) -> None:
        if value.nbytes > self.max_bytes:
            return  # larger than the whole cache: never kept
        with self._lock:
            old = self._entries.pop(key, None)
            self.nbytes += value.nbytes - (old.nbytes if old is not None else 0)
            self._entries[key] = value
            while len(self._entries) > self.max_entries or self.nbytes > self.max_bytes:
                self.nbytes -= self._entries.popitem(last=False)[1].nbytes

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = self.nbytes = 0


CACHE = SpecCache()


# ----------------------------------------------------------------------------------------
# Fingerprints
# ----------------------------------------------------------------------------------------


def fingerprint(value: Any) -> bytes:
    """A digest of ``value``'s content: equal for equal values, different otherwise (up to
    BLAKE2b collisions). Raises :class:`Unkeyable` for what it cannot read."""
    h = hashlib.blake2b(digest_size=20)
    _feed(h, value)
    return h.digest()


def _tag(h: Any, tag: str, payload: bytes = b"") -> None:
    # Type tag and length first, so that no two different values feed the same bytes.
    h.update(f"{tag}:{len(payload)}:".encode())
    h.update(payload)


def _feed(h: Any, value: Any) -> None:  # noqa: PLR0912 - one branch per kind of value
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        _tag(h, type(value).__name__, repr(value).encode())  # repr of a float is exact
    elif isinstance(value, bytes):
        _tag(h, "bytes", value)
    elif isinstance(value, np.ndarray):
        if value.dtype == object:
            _tag(h, "ndarray-object", repr(value.shape).encode())
            for item in value.flat:
                _feed(h, item)
        else:
            _tag(h, "ndarray", f"{value.dtype.str}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.generic):
        _tag(h, f"np-{value.dtype.str}", value.tobytes())
    elif isinstance(value, (list, tuple)):
        _tag(h, type(value).__name__, str(len(value)).encode())
        for item in value:
            _feed(h, item)
    elif isinstance(value, dict):  # in order: a figure's legend follows it
        _tag(h, "dict", str(len(value)).encode())
        for k, v in value.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(value, (set, frozenset)):
        _tag(h, "set", str(len(value)).encode())
        for digest in sorted(fingerprint(item) for item in value):
            h.update(digest)
    elif isinstance(value, enum.Enum):
        _tag(h, "enum", f"{_name(type(value))}.{value.name}".encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _tag(h, "dataclass", _name(type(value)).encode())
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
    elif isinstance(value, functools.partial):
        _tag(h, "partial")
        _feed(h, value.func)
        _feed(h, value.args)
        _feed(h, value.keywords)
    elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        if value.__closure__ if isinstance(value, types.FunctionType) else False:
            raise Unkeyable(f"{value.__qualname__} captures variables")
        if "<" in value.__qualname__:  # <lambda>, <locals>: not reachable by name
            raise Unkeyable(f"{value.__qualname__} has no importable name")
        _tag(h, "function", _name(value).encode())
    else:
        raise Unkeyable(f"cannot fingerprint a {type(value).__name__}")


def _name(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"
