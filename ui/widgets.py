"""Widgets drawn from a parameter field's declaration, so bounds and options are written once
(in the dataclass) and the widget, the validation and the URL always agree.

Every control of every page goes through :func:`control`, so a classroom link's ``?hide=``
works for all of them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from core.params import Params, allowed_options, element_type
from ui.state import hidden_controls, widget_key


def control(cls: type[Params], name: str, page: str, *, container: Any = None,
            labels: Mapping[Any, str] | None = None, fmt: Callable[[Any], str] | None = None,
            as_input: bool = False, segmented: bool = False, columns: int = 2,
            help: str | None = None, on_change: Callable[[], None] | None = None) -> Any:
    """Draw the widget for field ``name`` and return its value.

    By the field's kind: a choice is a select box (``segmented`` for a row of buttons;
    ``labels`` maps option → text), several choices a row of pills, a number with a ladder of
    options a select slider, another number a slider (or a number box with ``as_input``), an
    optional number a number box that may be left empty ("off"), a tuple of numbers a grid
    of number boxes (``columns`` wide; with a count box when its length may vary), a flag a
    toggle. A control hidden by the link (``?hide=name``) is not drawn; its value stays as
    the link set it.
    """
    meta = cls.meta(name)
    key = widget_key(page, name)
    if name in hidden_controls():
        return st.session_state[key]
    where = container or st
    common = {"key": key, "help": help or meta.get("help") or None, "on_change": on_change}
    label = meta.get("label") or name.replace("_", " ")
    draw = _DRAWERS[meta["kind"]]
    return draw(where, cls, name, label, meta, common,
                labels=labels or {}, fmt=fmt, as_input=as_input, segmented=segmented,
                columns=columns, page=page)


def _choice(where, cls, name, label, meta, common, *, labels, segmented, page, **_) -> Any:
    values = {n: st.session_state.get(widget_key(page, n)) for n in cls.field_names()}
    options = list(allowed_options(cls, name, values))
    if st.session_state.get(common["key"]) not in options:
        # The field it depends on changed: take its first allowed option, before drawing.
        st.session_state[common["key"]] = options[0]
    shown = {"format_func": lambda o: labels.get(o, o)}
    if segmented:
        return where.segmented_control(label, options, required=True, **shown, **common)
    return where.selectbox(label, options, **shown, **common)


def _choices(where, cls, name, label, meta, common, *, labels, **_) -> tuple[str, ...]:
    chosen = where.pills(label, list(meta["options"]), selection_mode="multi",
                         format_func=lambda o: labels.get(o, o), **common)
    return tuple(chosen or ())


def _flag(where, cls, name, label, meta, common, **_) -> bool:
    return where.toggle(label, **common)


def _number(where, cls, name, label, meta, common, *, fmt, as_input, **_) -> float | int:
    if meta["options"]:
        return where.select_slider(label, options=list(meta["options"]),
                                   format_func=fmt or (lambda v: f"{v:g}"), **common)
    lo, hi, step = _bounds(cls, name, meta)
    widget = where.number_input if as_input else where.slider
    return widget(label, min_value=lo, max_value=hi, step=step, **common)


def _optional(where, cls, name, label, meta, common, *, fmt, **_) -> float | int | None:
    off = meta["off_label"]
    if meta["options"]:
        return where.select_slider(
            label, options=[None, *meta["options"]],
            format_func=lambda v: off if v is None else (fmt or (lambda x: f"{x:g}"))(v),
            **common)
    lo, hi, step = _bounds(cls, name, meta)
    return where.number_input(label, min_value=lo, max_value=hi, step=step, value=None,
                              placeholder=off, **common)


def _numbers(where, cls, name, label, meta, common, *, columns, **_) -> tuple:
    """Number boxes for a tuple field (a weight matrix row by row, or units per layer).

    The tuple itself is kept under the field's key; each box has its own key below it, and
    a tuple whose length may vary gets a count box first."""
    key, boxes = common["key"], {"help": common["help"], "on_change": common["on_change"]}
    values = list(st.session_state[key])
    lo, hi, step = _bounds(cls, name, meta)
    if meta["min_len"] != meta["max_len"]:
        count_key = f"{key}.n"
        st.session_state.setdefault(count_key, len(values))
        n = where.number_input(f"{label}: how many", min_value=meta["min_len"],
                               max_value=meta["max_len"], step=1, key=count_key, **boxes)
        fill = values[-1] if values else lo
        values = (values + [fill] * n)[:n]
    cols = where.columns(columns) if values else []
    for i, value in enumerate(values):
        box = f"{key}.{i}"
        st.session_state.setdefault(box, value)
        values[i] = cols[i % columns].number_input(
            f"{label} [{i // columns + 1},{i % columns + 1}]", min_value=lo, max_value=hi,
            step=step, key=box, label_visibility="collapsed", **boxes)
    st.session_state[key] = tuple(values)
    return st.session_state[key]


def _bounds(cls: type[Params], name: str, meta: Mapping[str, Any]):
    """Widget bounds and step in the field's own type (whole numbers step by 1)."""
    if element_type(cls, name) is int:
        return int(meta["lo"]), int(meta["hi"]), 1
    return float(meta["lo"]), float(meta["hi"]), meta.get("step")


_DRAWERS: dict[str, Callable[..., Any]] = {
    "choice": _choice, "choices": _choices, "flag": _flag, "number": _number,
    "optional_number": _optional, "numbers": _numbers,
}
