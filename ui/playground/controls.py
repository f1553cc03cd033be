"""The Playground's controls: the settings a lecturer changes most at the top of the sidebar
(TensorFlow Playground's top bar), the rest in collapsed sections, and the run buttons."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import playground as pg
from ui.page import PageState
from ui.state import hidden_controls

P = pg.PlaygroundParams
#: Epochs one click on "+250 epochs" adds (the field's maximum stops it).
TRAIN_MORE = 250


def sidebar(page: PageState) -> None:
    with st.sidebar:
        top_bar(page, st.container())
        data(page, st.expander("Data"))
        features(page, st.expander("Input features"))
        training(page, st.expander("Training options"))
        st.caption(pg.LIMITS_HELP)


def top_bar(page: PageState, where: Any) -> None:
    """Playground's top bar. The data sets offered follow the problem type (set under
    "Data", drawn later but with its value already)."""
    for name in ("dataset", "learning_rate", "activation"):
        page.control(name, container=where)
    page.control("hidden_units", container=where, columns=4)
    left, right = where.columns(2)
    page.control("regularization", container=left)
    page.control("regularization_rate", container=right)


def data(page: PageState, where: Any) -> None:
    page.control("problem", container=where, segmented=True)
    for name in ("noise", "train_ratio", "show_test", "discretize"):
        page.control(name, container=where)
    page.control("data_seed", container=where, as_input=True)


def features(page: PageState, where: Any) -> None:
    left, right = where.columns(2)
    for i, name in enumerate(pg.FEATURE_NAMES):
        page.control(name, container=left if i % 2 == 0 else right)


#: Under the loss menu and in the page's loss rule: whose convention the default is, and the
#: classification page that shows why cross-entropy is the usual choice.
LOSS_NOTE = ("The default loss is TensorFlow Playground's ½·squared error on a tanh output; "
             "cross-entropy on a sigmoid is the usual choice for classes "
             "([why](classification?tab=2)).")


def loss(page: PageState, where: Any) -> None:
    """The loss menu, for a classification only: Playground's ½ squared error with a tanh
    output, or the lecture's cross-entropy."""
    if page.value("problem") == "classification":
        page.control("loss", container=where)
        where.caption(LOSS_NOTE)


def training(page: PageState, where: Any) -> None:
    loss(page, where)
    page.control("optimizer", container=where)
    left, right = where.columns(2)
    page.control("batch_size", container=left)
    page.control("epochs", container=right)
    for name in ("dropout", "initializer", "lr_schedule", "early_stopping"):
        page.control(name, container=where)
    page.control("seed", container=where, as_input=True)


def run_buttons(page: PageState, where: Any) -> None:
    """Playground's buttons: more epochs, back to its start, reseed, new data (short labels;
    the long form is in the tooltip). Each is a validated change of the parameters."""
    hidden = hidden_controls()
    start = P().epochs
    cols = where.columns([1.35, 1, 1.1, 1.1])
    cols[0].button(f"+{TRAIN_MORE} epochs", width="stretch", disabled="epochs" in hidden,
                   on_click=page.change, args=(P, lambda p: p.stepped("epochs", TRAIN_MORE)),
                   help=f"Train {TRAIN_MORE} more epochs: the same run, longer (the engine is "
                        "deterministic, so its first epochs are exactly the shorter run).")
    cols[1].button("reset", width="stretch", disabled="epochs" in hidden,
                   on_click=page.update, args=(P,), kwargs={"epochs": start},
                   help=f"Back to {start} epochs, Playground's start; ▶ under the picture "
                        "replays training from epoch 0.")
    cols[2].button("new seed", width="stretch", disabled="seed" in hidden,
                   on_click=page.change, args=(P, lambda p: p.stepped("seed", 1, wrap=True)),
                   help="Other initial weights and shuffles.")
    cols[3].button("new data", width="stretch", disabled="data_seed" in hidden,
                   on_click=page.change,
                   args=(P, lambda p: p.stepped("data_seed", 1, wrap=True)),
                   help="Regenerate the data (a new data seed).")
