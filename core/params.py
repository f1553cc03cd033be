"""Parameter dataclasses: one frozen dataclass per demo is its defaults, its validation,
its cache key and its URL.

A field declares its range once (with :func:`number`, :func:`optional_number`,
:func:`choice`, :func:`choices`, :func:`flag` or :func:`numbers`); the same declaration
validates constructor arguments, parses query strings and gives widgets their bounds, so a
link can never hold a value the UI could not have produced.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

_NUMBER = "number"
_OPTIONAL = "optional_number"
_CHOICE = "choice"
_CHOICES = "choices"
_FLAG = "flag"
_NUMBERS = "numbers"
_TEXT = "text"
#: How a link spells "off" for an optional number (the first is what links are written with).
_OFF = ("off", "none", "")
#: Longest piece of a link's own text repeated in a note: a 10 kB value makes a short note.
_SHOWN_CHARS = 40


def number(
    default: float,
    lo: float,
    hi: float,
    *,
    options: Sequence[float] | None = None,
    step: float | None = None,
    label: str = "",
    help: str = "",
) -> Any:
    """A numeric field within [lo, hi], optionally restricted to a ladder of ``options``;
    ``step`` is the widget's increment for a float (whole numbers step by 1)."""
    meta = {"kind": _NUMBER, "lo": lo, "hi": hi, "options": tuple(options or ()), "step": step,
            "label": label, "help": help}
    return dataclasses.field(default=default, metadata=meta)


def optional_number(
    default: float | None,
    lo: float,
    hi: float,
    *,
    options: Sequence[float] | None = None,
    step: float | None = None,
    off_label: str = "off",
    label: str = "",
    help: str = "",
) -> Any:
    """A number within [lo, hi], or None for "off" (e.g. a patience that can be switched off)."""
    meta = {"kind": _OPTIONAL, "lo": lo, "hi": hi, "options": tuple(options or ()),
            "step": step, "off_label": off_label, "label": label, "help": help}
    return dataclasses.field(default=default, metadata=meta)


def choice(
    default: str,
    options: Sequence[str],
    *,
    depends_on: str = "",
    options_for: Callable[[Any], Sequence[str]] | None = None,
    label: str = "",
    help: str = "",
) -> Any:
    """A string field that must be one of ``options`` (usually a registry's keys).

    With ``depends_on``, only ``options_for(value of that field)`` are allowed: the widget
    offers just those, and a combination outside them is rejected like any invalid value.
    """
    if bool(depends_on) != (options_for is not None):
        raise TypeError("choice: give depends_on and options_for together")
    meta = {"kind": _CHOICE, "options": tuple(options), "depends_on": depends_on,
            "options_for": options_for, "label": label, "help": help}
    return dataclasses.field(default=default, metadata=meta)


def choices(
    default: Sequence[str],
    options: Sequence[str],
    *,
    min_len: int = 0,
    max_len: int | None = None,
    label: str = "",
    help: str = "",
) -> Any:
    """Several of ``options`` at once (e.g. the activations drawn together).

    Kept in the options' order without repeats, so the same selection is one cache key and
    one link whatever order it was clicked in."""
    meta = {"kind": _CHOICES, "options": tuple(options), "min_len": min_len,
            "max_len": len(options) if max_len is None else max_len, "label": label,
            "help": help}
    return dataclasses.field(default=tuple(default), metadata=meta)


def flag(default: bool, *, label: str = "", help: str = "") -> Any:
    """A yes/no field."""
    return dataclasses.field(default=default, metadata={"kind": _FLAG, "label": label,
                                                         "help": help})


def numbers(
    default: tuple[float, ...],
    lo: float,
    hi: float,
    *,
    min_len: int,
    max_len: int,
    step: float | None = None,
    label: str = "",
    help: str = "",
) -> Any:
    """A tuple of numbers (e.g. units per layer, or a weight matrix read row by row).

    With ``min_len == max_len`` the tuple has a fixed length (a matrix); otherwise the
    widget lets the user choose how many entries there are (e.g. hidden layers)."""
    meta = {"kind": _NUMBERS, "lo": lo, "hi": hi, "min_len": min_len, "max_len": max_len,
            "step": step, "label": label, "help": help}
    return dataclasses.field(default=tuple(default), metadata=meta)


def text(default: str, *, max_len: int, validator: Callable[[str], Any] | None = None,
         label: str = "", help: str = "") -> Any:
    """A free-text field of at most ``max_len`` characters (e.g. a formula), accepted only if
    ``validator(value)`` does not raise ValueError; its message names what is wrong."""
    meta = {"kind": _TEXT, "max_len": max_len, "validator": validator, "label": label,
            "help": help}
    return dataclasses.field(default=default, metadata=meta)


@functools.cache
def element_type(cls: type, name: str) -> type:
    """The Python type of a field, or of a tuple field's elements (int or float or str...),
    or of an optional field's value."""
    hint = typing.get_type_hints(cls)[name]
    if typing.get_origin(hint) is tuple:
        return typing.get_args(hint)[0]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def _check_number(name: str, value: Any, meta: Mapping[str, Any], kind: type) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if kind is int and not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if not meta["lo"] <= value <= meta["hi"]:
        raise ValueError(f"{name} must be between {meta['lo']:g} and {meta['hi']:g}, got {value:g}")
    options = meta.get("options") or ()
    if options and not any(math.isclose(value, o, rel_tol=1e-9) for o in options):
        shown = ", ".join(f"{o:g}" for o in options)
        raise ValueError(f"{name} must be one of {shown}, got {value:g}")


def check_field(cls: type, name: str, value: Any) -> None:
    """Raise ValueError naming ``name`` if ``value`` is outside the field's declared range."""
    meta = _metas(cls)[name]
    kind = meta.get("kind")
    if kind == _NUMBER:
        _check_number(name, value, meta, element_type(cls, name))
    elif kind == _OPTIONAL:
        if value is not None:
            _check_number(name, value, meta, element_type(cls, name))
    elif kind == _CHOICE:
        if value not in meta["options"]:
            raise ValueError(f"{name} must be one of {', '.join(meta['options'])}, "
                             f"got {_shown(value)}")
    elif kind == _CHOICES:
        _check_choices(name, value, meta)
    elif kind == _FLAG:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, got {value!r}")
    elif kind == _NUMBERS:
        if not isinstance(value, tuple):
            raise ValueError(f"{name} must be a tuple, got {value!r}")
        if not meta["min_len"] <= len(value) <= meta["max_len"]:
            raise ValueError(f"{name} must have {meta['min_len']} to {meta['max_len']} "
                             f"entries, got {len(value)}")
        for v in value:
            _check_number(name, v, meta, element_type(cls, name))
    elif kind == _TEXT:
        _check_text(name, value, meta)


def _check_text(name: str, value: Any, meta: Mapping[str, Any]) -> None:
    # The length first, so a huge value costs nothing more; messages never quote the text.
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    if len(value) > meta["max_len"]:
        raise ValueError(f"{name} must be at most {meta['max_len']} characters, got "
                         f"{len(value)}")
    if meta.get("validator") is not None:
        try:
            meta["validator"](value)
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None


def _check_choices(name: str, value: Any, meta: Mapping[str, Any]) -> None:
    if not isinstance(value, tuple):
        raise ValueError(f"{name} must be a tuple, got {value!r}")
    unknown = [v for v in value if v not in meta["options"]]
    if unknown:
        raise ValueError(f"{name}: {_shown(unknown[0])} is not one of "
                         f"{', '.join(meta['options'])}")
    if len(set(value)) != len(value):
        raise ValueError(f"{name} names an option twice")
    if not meta["min_len"] <= len(value) <= meta["max_len"]:
        raise ValueError(f"{name} must have {meta['min_len']} to {meta['max_len']} "
                         f"entries, got {len(value)}")


def check_dependent_choices(params: Params) -> None:
    """Raise ValueError if a choice is not among the options its ``depends_on`` field allows."""
    for name, meta in _metas(type(params)).items():
        if meta.get("kind") == _CHOICE and meta.get("depends_on"):
            other = getattr(params, meta["depends_on"])
            allowed = tuple(meta["options_for"](other))
            if getattr(params, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)} when "
                                 f"{meta['depends_on']} is {other!r}, got "
                                 f"{getattr(params, name)!r}")


def allowed_options(cls: type, name: str, values: Mapping[str, Any]) -> tuple[str, ...]:
    """The options of choice field ``name`` given the other fields' ``values`` (for widgets)."""
    meta = _metas(cls)[name]
    if meta.get("depends_on"):
        return tuple(meta["options_for"](values[meta["depends_on"]]))
    return tuple(meta["options"])


@functools.cache
def _metas(cls: type) -> dict[str, Mapping[str, Any]]:
    return {f.name: f.metadata for f in dataclasses.fields(cls)}


def _parse(cls: type, name: str, text: str) -> Any:
    """Turn one query-string value into the field's Python value (ValueError if it can't)."""
    meta = _metas(cls)[name]
    kind, elem = meta.get("kind"), element_type(cls, name)
    text = text.strip()
    if kind == _FLAG:
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name}: {_shown(text)} is not true/false")
    if kind in (_CHOICE, _TEXT):
        return text
    if kind == _CHOICES:
        return tuple(p.strip() for p in text.split(",") if p.strip())
    if kind == _OPTIONAL and text.lower() in _OFF:
        return None
    if kind == _NUMBERS:
        parts = [p for p in text.split(",") if p.strip()] if text else []
        return tuple(_parse_number(name, p, elem) for p in parts)
    return _parse_number(name, text, elem)


def _parse_number(name: str, text: str, elem: type) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}: {_shown(text)} is not a number") from None
    if elem is int:
        if not value.is_integer():
            raise ValueError(f"{name}: {_shown(text)} is not a whole number")
        return int(value)
    return value


def _shown(text: Any) -> str:
    """A link's value as a note repeats it: quoted, and cut short (a note is no echo chamber)."""
    if not isinstance(text, str):
        return repr(text)
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return repr(text)


def _format(value: Any) -> str:
    if value is None:
        return _OFF[0]
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(_format(v) for v in value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else repr(value).removesuffix(".0")
    return str(value)


class Params:
    """Base for a demo's frozen parameter dataclass.

    Subclasses are ``@dataclass(frozen=True)`` with every field declared through the helpers
    above. Validation of single fields is automatic; override :meth:`check` for rules that
    relate several fields.
    """

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = f.metadata.get("kind")
            if kind in (_NUMBERS, _CHOICES) and isinstance(value, list):
                value = tuple(value)
            if kind == _CHOICES and isinstance(value, tuple):
                order = {o: i for i, o in enumerate(f.metadata["options"])}
                value = tuple(sorted(value, key=lambda v: order.get(v, len(order))))
            if element_type(type(self), f.name) is float and isinstance(value, int) and \
                    not isinstance(value, bool) and kind in (_NUMBER, _OPTIONAL):
                value = float(value)
            object.__setattr__(self, f.name, value)
            check_field(type(self), f.name, value)
        check_dependent_choices(self)
        self.check()

    def check(self) -> None:
        """Rules across fields; raise ValueError naming the parameter."""

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (validated like a new instance)."""
        return dataclasses.replace(self, **changes)

    def stepped(self, name: str, by: float, *, wrap: bool = False) -> Self:
        """A copy with number field ``name`` moved by ``by`` within its declared range:
        clamped at the ends ("+250 epochs" stops at the maximum), or with ``wrap`` going
        round from the top to the bottom ("new seed")."""
        meta = self.meta(name)
        lo, hi, value = meta["lo"], meta["hi"], getattr(self, name) + by
        if wrap and element_type(type(self), name) is int:
            value = lo + (value - lo) % (int(hi) - int(lo) + 1)
        else:
            value = min(max(value, lo), hi)
        return self.replace(**{name: type(getattr(self, name))(value)})

    @classmethod
    def meta(cls, name: str) -> Mapping[str, Any]:
        """The declared range/options/label of field ``name`` (for widgets)."""
        return _metas(cls)[name]

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def to_query(self) -> dict[str, str]:
        """Every field as a query-string value, so a link pins the exact configuration."""
        return {f.name: _format(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_query(
        cls, query: Mapping[str, str | Sequence[str]], *, other_keys: Sequence[str] = ()
    ) -> tuple[Self, list[str]]:
        """Build parameters from a URL's query, never failing.

        Returns the parameters and a list of human-readable notes, one per value that was
        ignored (unknown key, malformed or out-of-range value); ignored values keep their
        defaults. Keys in ``other_keys`` belong to something else on the page and are skipped.
        """
        defaults = cls()
        names = set(cls.field_names())
        accepted: dict[str, Any] = {}
        notes: list[str] = []
        for key, raw in query.items():
            if isinstance(raw, str):
                text = raw
            elif isinstance(raw, (list, tuple)):
                text = str(raw[-1]) if raw else ""
            else:
                text = str(raw)
            if key in other_keys:
                continue
            if key not in names:
                notes.append(f"ignored unknown parameter {_shown(key)}")
                continue
            try:
                value = _parse(cls, key, text)
                # This field's own range only: rules across fields are checked below, on
                # the link's values together (not against the other fields' defaults).
                check_field(cls, key, value)
            except ValueError as err:
                # Free text is not repeated (it may be long, or be Markdown): only its size.
                shown = (f"{key} ({len(text)} characters)" if cls.meta(key)["kind"] == _TEXT
                         else f"{key}={_shown(text)}")
                notes.append(f"ignored {shown} ({_reason(err)}); "
                             f"using the default {_format(getattr(defaults, key))}")
                continue
            accepted[key] = value
        try:
            return cls(**accepted), notes
        except ValueError as err:
            notes.append(f"ignored the link's settings ({_reason(err)}); using the defaults")
            return defaults, notes


def _reason(err: ValueError) -> str:
    return str(err).split(": ", 1)[-1] if ": " in str(err) else str(err)


def defined_params() -> list[type[Params]]:
    """Every Params subclass defined in a core module, importing them all first (so demos
    added later are included: the hostile-link test and the load benchmarks use it)."""
    import importlib
    import pkgutil

    import core

    for info in pkgutil.walk_packages(core.__path__, "core."):
        importlib.import_module(info.name)
    found, todo = [], list(Params.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c.__module__.startswith("core.")]
