"""Presenter mode (``?present=1``: fonts for the back of the hall, secondary text hidden,
sidebar collapsed) and the hall's page style."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def is_presenting() -> bool:
    """Presenter mode: the lecturer's link says ``?present=1`` (fonts for the back of the
    hall, secondary text hidden)."""
    return st.query_params.get("present", "").strip().lower() in ("1", "true", "yes", "on")


#: Query key of presenter mode (``?present=1``, read by is_presenting), kept by
#: ui.page.PageState.write_url (a key of the page furniture).
PRESENT_KEY = "present"
STATIC = Path(__file__).resolve().parent.parent / "static"
#: Served by this server (no request to a font or icon server: the hall may be offline).
FAVICON = str(STATIC / "favicon.png")


def page_style() -> None:
    """The hall's CSS (compact top of page; in presenter mode larger text, captions hidden).
    Style-only HTML takes no room on the page."""
    st.html(STATIC / "hall.css")
    if is_presenting():
        st.html(STATIC / "presenter.css")


def _set_presenting() -> None:
    if st.session_state.get("hall.present"):
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def presenter_toggle() -> None:
    """The sidebar's presenter-mode switch, kept in step with ``?present=1``."""
    st.session_state["hall.present"] = is_presenting()
    st.sidebar.toggle("Presenter mode", key="hall.present", on_change=_set_presenting,
                      help="Bigger figures and text for the back of a hall, sidebar collapsed, "
                           "explanations hidden. Same as ?present=1 in the address.")
