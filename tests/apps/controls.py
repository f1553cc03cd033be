"""A small app for tests/test_widgets.py: one field of every kind, drawn by ui.widgets through
ui.page.PageState."""

from dataclasses import dataclass

import streamlit as st

from core.params import Params, choice, choices, flag, number, numbers, optional_number
from ui.page import PageState

KINDS = {"classification": ("circle", "xor"), "regression": ("plane",)}


@dataclass(frozen=True)
class Every(Params):
    units: int = number(4, 1, 16)
    rate: float = number(0.03, 0.001, 1.0, options=(0.001, 0.01, 0.03, 0.1, 1.0))
    shown: tuple[str, ...] = choices(("relu",), ("relu", "sigmoid", "tanh"), min_len=1)
    patience: int | None = optional_number(None, 1, 100)
    problem: str = choice("classification", tuple(KINDS))
    dataset: str = choice("circle", ("circle", "xor", "plane"), depends_on="problem",
                          options_for=KINDS.__getitem__)
    bias: bool = flag(True)
    layers: tuple[int, ...] = numbers((4, 2), 1, 8, min_len=0, max_len=4)
    weights: tuple[float, ...] = numbers((1.0, -1.0, 0.5, 2.0), -5.0, 5.0, min_len=4,
                                         max_len=4, step=0.5)

    def check(self) -> None:
        if self.units < len(self.layers):
            raise ValueError("units must be at least the number of layers")


page = PageState.load("t", classes=(Every,))
for name in Every.field_names():
    page.control(name, segmented=name == "problem", as_input=name == "units")
params = page.current(Every)
st.text(repr(params))
page.write_url()
