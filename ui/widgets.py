"""Widgets drawn from a parameter field's declaration, so bounds and options are written once
(in the dataclass) and the widget, the validation and the URL always agree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from core.params import Params
from ui.state import hidden_controls, widget_key


def control(cls: type[Params], name: str, page: str, *, container: Any = None,
            labels: Mapping[Any, str] | None = None, fmt: Callable[[Any], str] | None = None,
            as_input: bool = False, help: str | None = None) -> Any:
    """Draw the widget for field ``name`` and return its value.

    Choices become a select box (``labels`` maps option → text), numbers with a ladder of
    options a select slider, other numbers a slider (or a number box with ``as_input``),
    flags a toggle. A control hidden by the link (``?hide=name``) is not drawn; its value
    stays as the link set it.
    """
    meta = cls.meta(name)
    key = widget_key(page, name)
    if name in hidden_controls():
        return st.session_state[key]
    where = container or st
    label = meta.get("label") or name.replace("_", " ")
    help = help or meta.get("help") or None
    kind = meta["kind"]
    if kind == "choice":
        names = labels or {}
        return where.selectbox(label, meta["options"], key=key, help=help,
                               format_func=lambda o: names.get(o, o))
    if kind == "flag":
        return where.toggle(label, key=key, help=help)
    if kind == "number" and meta["options"]:
        return where.select_slider(label, options=list(meta["options"]), key=key, help=help,
                                   format_func=fmt or (lambda v: f"{v:g}"))
    if kind == "number":
        is_int = isinstance(cls().__getattribute__(name), int)
        lo, hi = (int(meta["lo"]), int(meta["hi"])) if is_int else (meta["lo"], meta["hi"])
        if as_input:
            return where.number_input(label, min_value=lo, max_value=hi, key=key, help=help,
                                      step=1 if is_int else None)
        return where.slider(label, min_value=lo, max_value=hi, key=key, help=help,
                            step=1 if is_int else None)
    if kind == "text":
        return where.text_input(label, key=key, help=help, max_chars=meta["max_len"])
    raise ValueError(f"{name}: no widget for a field of kind {kind!r}")


def numbers_input(cls: type[Params], name: str, page: str, *, columns: int,
                  container: Any = None, step: float = 0.5) -> tuple[float, ...]:
    """Number boxes for a tuple field (a weight matrix row by row, or a vector).

    The tuple itself is kept under the field's key; each box has its own key below it.
    """
    meta = cls.meta(name)
    key = widget_key(page, name)
    values = list(st.session_state[key])
    where = container or st
    cols = where.columns(columns)
    for i, value in enumerate(values):
        box = f"{key}.{i}"
        st.session_state.setdefault(box, float(value))
        values[i] = cols[i % columns].number_input(
            f"{meta.get('label') or name} [{i // columns + 1},{i % columns + 1}]",
            min_value=float(meta["lo"]), max_value=float(meta["hi"]), step=step, key=box,
            label_visibility="collapsed")
    st.session_state[key] = tuple(float(v) for v in values)
    return st.session_state[key]
