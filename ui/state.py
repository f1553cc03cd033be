"""A page's parameters live in three places kept in step: the URL (so a link reproduces
the configuration), the widgets (so the lecturer can change it), and one frozen dataclass
(the cache key and the input of ``core``).

First visit: the URL is read, anything it holds that is unknown, malformed or out of range
is reported and replaced by the default. Then the widgets own the values, and after every
run the URL is rewritten from them.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

from core.params import Params
from ui.catalog import RESERVED_KEYS  # noqa: F401 - the page furniture's keys, read here

P = TypeVar("P", bound=Params)


def widget_key(page: str, name: str) -> str:
    """Session-state key of the widget for field ``name`` on ``page`` (namespaced per page)."""
    return f"{page}.{name}"


def _params_key(page: str, cls: type[Params]) -> str:
    return f"{page}.params.{cls.__name__}"


def load(cls: type[P], page: str, *, others: Sequence[type[Params]] = ()) -> P:
    """Make sure the widgets of ``cls`` on ``page`` have values, and return the parameters.

    On a session's first visit the values come from the URL; afterwards from the session
    (also after visiting other pages, when Streamlit has dropped the widgets' own state).
    """
    key = _params_key(page, cls)
    if key not in st.session_state:
        other_keys = [*RESERVED_KEYS, *(n for o in others for n in o.field_names())]
        params, notes = cls.from_query(st.query_params.to_dict(), other_keys=other_keys)
        st.session_state[key] = params
        st.session_state.setdefault(f"{page}.notes", []).extend(notes)
    params = st.session_state[key]
    for name in cls.field_names():
        st.session_state.setdefault(widget_key(page, name), getattr(params, name))
    return params


def current(cls: type[P], page: str) -> P:
    """The parameters as the widgets now set them; stored for the next run and the URL.

    A combination the parameters reject (a rule across fields) keeps the last valid
    parameters, with a message naming the rule: nothing the user set before is lost."""
    values = {}
    for name in cls.field_names():
        value = st.session_state.get(widget_key(page, name))
        values[name] = tuple(value) if isinstance(value, list) else value
    key = _params_key(page, cls)
    try:
        params = cls(**values)
    except ValueError as err:
        st.warning(f"Kept the last valid settings: {plain(str(err))}")
        params = st.session_state.get(key) or cls()
    st.session_state[key] = params
    return params


def reset(cls: type[Params], page: str, params: Params | None = None) -> None:
    """Put the widgets of ``cls`` back to ``params`` (default: the defaults). Call from a
    button's ``on_click`` so the widgets are not yet drawn in this run."""
    params = params or cls()
    st.session_state[_params_key(page, cls)] = params
    for name in cls.field_names():
        key = widget_key(page, name)
        st.session_state[key] = getattr(params, name)
        for sub in [k for k in st.session_state if str(k).startswith(f"{key}.")]:
            del st.session_state[sub]  # element boxes of a tuple field start afresh


def write_url(*params: Params) -> None:
    """Rewrite the page's query string so it pins exactly these parameters."""
    wanted = {k: v for k, v in st.query_params.to_dict().items() if k in RESERVED_KEYS}
    for p in params:
        wanted.update(p.to_query())
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)


def update_url(params: Params) -> None:
    """Rewrite only these parameters' keys: for a fragment, whose reruns end before the
    page's :func:`write_url`."""
    wanted = params.to_query()
    if any(st.query_params.get(k) != v for k, v in wanted.items()):
        st.query_params.update(wanted)


def show_notes(page: str) -> None:
    """Tell the user, once, which values of the link were ignored."""
    notes = list(dict.fromkeys(st.session_state.pop(f"{page}.notes", [])))  # each note once
    if notes:
        st.warning("This link had values the page could not use:\n\n"
                   + "\n".join(f"- {plain(n)}" for n in notes))


def plain(text: str) -> str:
    """``text`` made inert inside Markdown, so that a link's or an upload's text can never
    become a link, an image, HTML, LaTeX or a Streamlit directive such as ``:red[…]``.

    Every ASCII punctuation mark is backslash-escaped (CommonMark renders ``\\x`` as ``x``).
    That alone does not stop the browser's renderer from turning a bare address
    (``https://…``, ``www.…``, ``name@host``) into a live link: it finds those in the text
    after the escapes are undone. A word joiner (U+2060, invisible) on both sides of every
    ``:``, ``.`` and ``@`` breaks each of those patterns (the scheme's ``://``, ``www.``,
    the characters around ``@``) without changing what the reader sees."""
    out = []
    for c in text.replace("\n", " "):
        escaped = f"\\{c}" if c in _PUNCTUATION else c
        out.append(f"{WORD_JOINER}{escaped}{WORD_JOINER}" if c in _LINK_BREAKS else escaped)
    return "".join(out)


WORD_JOINER = "\u2060"
_LINK_BREAKS = frozenset(":.@")
_PUNCTUATION = frozenset(string.punctuation)


def hidden_controls() -> set[str]:
    """Controls a classroom link asked to hide (``?hide=learning_rate,seed``)."""
    raw = st.query_params.get("hide", "")
    return {part.strip() for part in raw.split(",") if part.strip()}
