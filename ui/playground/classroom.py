"""The Playground's classroom furniture below the results: the lecture's exercises as
one-click steps (ui.lectures.playground), a link that hides chosen controls, and the loss,
penalty and update rule the page trains with."""

from __future__ import annotations

import streamlit as st

from core import initializers, optimizers
from core import playground as pg
from ui.lectures.playground import EXERCISES
from ui.page import PageState
from ui.state import hidden_controls

P = pg.PlaygroundParams


def exercises(page: PageState) -> None:
    """Each exercise: its questions, a button per step (a validated preset), and its answer,
    written from the steps' runs when opened."""
    with st.expander("Lecture exercises (one click loads the configuration)"):
        for ex, col in zip(EXERCISES, st.columns(len(EXERCISES))):
            col.markdown(f"**{ex.title}**")
            col.markdown("\n".join(f"- {q}" for q in ex.questions))
            for i, step in enumerate(ex.steps):
                col.button(step.label, key=f"playground.preset.{ex.name}.{i}",
                           on_click=page.apply, args=(step,), width="stretch",
                           help=step.question)
            answer = col.expander("Answer", key=f"playground.answer.{ex.name}",
                                  on_change="rerun")
            if answer.open:
                answer.markdown(ex.answer())


@st.fragment
def classroom_link(params: pg.PlaygroundParams) -> None:
    """A link that hides chosen controls. A fragment: choosing redraws only the link."""
    with st.expander("Classroom link: hide controls"):
        chosen = st.multiselect("controls to hide", P.field_names(), key="playground.hide_pick",
                                default=sorted(hidden_controls() & set(P.field_names())))
        base = (st.context.url or "").split("?")[0]
        st.code(pg.hide_link(params, chosen, base), language=None, wrap_lines=True)


LOSSES = {
    "binary_tanh": r"J(\theta) = \frac{1}{N}\sum_i \tfrac12\big(\hat y_i - y_i\big)^2,\quad "
                   r"\hat y = \tanh(\cdot),\ y_i = \pm 1",
    "regression": r"J(\theta) = \frac{1}{N}\sum_i \tfrac12\big(\hat y_i - y_i\big)^2,\quad "
                  r"\hat y \text{ linear}",
    "binary_sigmoid": r"J(\theta) = -\frac{1}{N}\sum_i \big[y_i\ln\hat y_i + (1-y_i)"
                      r"\ln(1-\hat y_i)\big],\quad \hat y = \mathrm{sigmoid}(\cdot)",
    "softmax": r"J(\theta) = -\frac{1}{N}\sum_i \ln \hat y_{i,y_i},\quad "
               r"\hat y = \mathrm{softmax}(\cdot)",
}
PENALTIES = {"none": "", "l2": r" + \tfrac12\lambda\sum_{w\in W} w^2",
             "l1": r" + \lambda\sum_{w\in W}|w|"}
CONVENTION = {
    "binary_tanh": "This is TensorFlow Playground's convention, kept so that its exercises "
                   "look the same: a tanh output with labels ±1 and half the squared error "
                   "(a constant output 0 scores 0.5). The lecture's classification uses a "
                   "sigmoid (or softmax) output with cross-entropy: choose it as the loss "
                   "under Training options ([why](classification?tab=2)).",
    "binary_sigmoid": "This is the lecture's classification loss: a sigmoid output with "
                      "cross-entropy (Playground's own is half the squared error with a tanh "
                      "output).",
    "softmax": "More than two classes: a softmax output with cross-entropy, the lecture's "
               "classification loss.",
    "regression": "For regression the output is linear and the loss half the squared error "
                  "(the lecture's mean squared error, halved as TensorFlow Playground does).",
}


def about(p: pg.PlaygroundParams, run: pg.PlaygroundRun | None) -> None:
    """The loss, the penalty and the update the page trains with now, and which convention
    they follow."""
    head = run.head if run is not None else pg.Head.of(p, 2)
    rate = p.regularization_rate if p.regularization != "none" else 0.0
    with st.expander("The loss, the penalty and the update"):
        st.latex(LOSSES[head.kind] + (PENALTIES[p.regularization] if rate else ""))
        st.latex(optimizers.get(p.optimizer).latex + r",\qquad g = \frac{dJ}{d\theta}")
        st.markdown(
            f"{CONVENTION[head.kind]} The penalty acts on the weights W, never on the biases; "
            "Playground's L2 rate λ adds ½λw² per weight, so an SGD step subtracts α·λ·w. "
            f"Playground's starting point: {pg.N_POINTS} points on the plane "
            f"[−{pg.HALF_WIDTH:g}, {pg.HALF_WIDTH:g}]², and its initialisation "
            f"({initializers.get('playground').label}). Cross-entropy, more optimizers, "
            "initialisations, dropout and your own data are one control away.")
