"""The helpers that check the pages' sentences and captions can fire: a number not from the
run, and a chart without its caption, are found."""

from __future__ import annotations

import pytest
from sentences import assert_numbers_from, chart_captions, number_texts


def test_numbers_are_found_and_names_with_digits_are_not():
    assert number_texts("L2 0.01 ends at 0.275 (78.8%) after 46 epochs; x₁, 2-D, 1,981 units") == [
        "0.01", "0.275", "78.8%", "46", "1,981"]
    assert_numbers_from("loss 0.275 at epoch 46", {"0.275", "46"})
    with pytest.raises(AssertionError, match="0.276"):
        assert_numbers_from("loss 0.276 at epoch 46", {"0.275", "46"})
    with pytest.raises(AssertionError, match="no number"):
        assert_numbers_from("no numbers here", {"1"})


def test_a_chart_without_its_caption_is_found():
    from streamlit.testing.v1 import AppTest

    script = """
import streamlit as st
figure = {"data": [{"type": "scatter", "x": [1], "y": [1]}], "layout": {}}
with st.container():
    st.plotly_chart(figure, key="a")
    st.caption("first")
st.plotly_chart(figure, key="b")
st.caption("elsewhere")
with st.container():
    st.plotly_chart(figure, key="c")
"""
    at = AppTest.from_string(script).run()
    assert chart_captions(at) == ["first", "elsewhere", None]
