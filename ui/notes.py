"""A core :class:`~core.notes.Note` drawn in the message box its level names."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.notes import Note


def show(note: Note, container: Any = None) -> None:
    """Draw ``note`` as ``st.info``/``success``/``warning``/``error`` (in ``container``)."""
    getattr(container or st, note.level)(note.text)
