"""The small pieces under a page's state (ui.page.PageState): the session key of a field's
widget, the controls a classroom link hides, and text from a link or an upload made inert
before it reaches Markdown."""

from __future__ import annotations

import string

import streamlit as st

from ui.catalog import RESERVED_KEYS  # noqa: F401 - the page furniture's keys, read here


def widget_key(page: str, name: str) -> str:
    """Session-state key of the widget for field ``name`` on ``page`` (namespaced per page)."""
    return f"{page}.{name}"


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
