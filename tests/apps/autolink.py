"""A small app for tests/test_browser_hostile.py: the hostile texts of the test in warnings,
as the pages show a link's text (``?as=plain``: through ui.state.plain) and, as the positive
case that shows the browser check can fire, unprotected (``?as=raw``)."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.hostile_texts import HOSTILE_TEXTS  # noqa: E402
from ui.state import plain  # noqa: E402

protect = plain if st.query_params.get("as") == "plain" else (lambda text: text)
for text in HOSTILE_TEXTS:
    st.warning(f"This link had values the page could not use: {protect(text)}")
