"""A small app for tests/test_cold_start.py: ui.layout's Plotly preload ahead of a page,
left in place (``?keep=1``) or run through the router's guard, which removes it."""

import streamlit as st

from ui import server


class Page:
    url_path = "xor"  # any page but the home page

    def run(self) -> None:
        st.write("page")


if st.query_params.get("keep"):
    st.session_state["sent"] = server._plotly_preload(Page()) is not None
else:
    server.run_guarded(Page())
