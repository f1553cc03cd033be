"""Gradient descent: a line fitted to data step by step, and the learning rate that makes or
breaks it. Three views: the line (W, b) on its loss surface, one weight W on its parabola,
and full batch against mini-batches against single samples."""

from functools import partial

import pandas as pd
import streamlit as st

from core import gradient_descent as GD
from core import gradient_descent_notes as notes
from core.figures import gd_views as views
from core.figures import gradient_descent as fig_gd
from core.quadratic import LAMBDA_MAX, LAMBDA_MIN
from ui import layout, results
from ui.notes import show
from ui.page import PageState
from ui.state import hidden_controls

P = GD.GradientDescentParams
SIDEBAR = {"Descent": ("epochs", "full_batch", "batch_size", "plateau_patience", "W0", "b0"),
           "Data": ("n_points", "noise", "w_true", "b_true", "x_center", "seed")}

page = PageState.load("gradient_descent")
layout.header("Gradient descent: fitting a line", "")


def controls(p: GD.GradientDescentParams) -> None:
    """One row: the view, α and three rates for this data; the other settings in the
    sidebar (the batch size only where batches are used)."""
    row = st.columns([2.7, 1.9, 3.2], vertical_alignment="bottom")
    page.control("view", container=row[0], labels=GD.VIEWS, segmented=True)
    page.control("learning_rate", container=row[1])
    if "learning_rate" not in hidden_controls():
        buttons = row[2].container(horizontal=True, gap="small")
        for name, (rate, regime) in GD.rate_presets(p).items():
            buttons.button(name, on_click=page.update, args=(P,), kwargs={"learning_rate": rate},
                           key=f"gradient_descent.preset.{name}", help=f"α = {rate:g}: {regime}")
    with st.sidebar:
        for title, names in SIDEBAR.items():
            st.markdown(f"**{title}**")
            for name in names:
                if name != "batch_size" or not p.full_batch or p.view == "batches":
                    page.control(name, as_input=title == "Data" and name == "seed")


def line_view(p: GD.GradientDescentParams) -> None:
    """The line (W, b): the replay on the data and the loss surface, then the loss per step,
    the Hessian, and the same fit in Keras."""
    r = results.gd_run(p)
    layout.chart(partial(fig_gd.descent_replay, r, frames=GD.replay_steps(r.descent.steps)),
                 "gradient_descent.replay")
    show(notes.regime_note(r.regime, r.descent.diverged_at, p))
    if caption := notes.line_caption(r):
        st.caption(caption)
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_gd.loss_per_step, r), "gradient_descent.loss", left)
    with right:
        if p.plateau_patience:
            layout.chart(partial(views.learning_rates, r.descent), "gradient_descent.rates")
        hessian_panel(r)
    keras_section(r)
    layout.explain(notes.line_notice(r))


def hessian_panel(r: GD.GradientDescentRun) -> None:
    q = r.quadratic
    (hxx, hxb), (_, hbb) = q.hessian
    st.markdown("**Curvature of J.** J is a quadratic in θ; its Hessian is the same "
                "everywhere:")
    st.latex(r"H = \tfrac{2}{N}\sum_i \begin{pmatrix} x_i^2 & x_i \\ x_i & 1 \end{pmatrix}")
    st.latex(rf"H = \begin{{pmatrix}} {hxx:.3g} & {hxb:.3g} \\ {hxb:.3g} & {hbb:.3g} "
             r"\end{pmatrix}")
    m = st.columns(2)
    m[0].metric(LAMBDA_MIN, f"{q.eigenvalues[0]:.3g}", help="the smallest eigenvalue of H")
    m[1].metric(LAMBDA_MAX, f"{q.eigenvalues[-1]:.3g}", help="the largest eigenvalue of H")
    m[0].metric("limit", f"{q.critical_rate:.3g}",
                help=f"2/{LAMBDA_MAX}: full-batch descent diverges above this α")
    m[1].metric("fastest", f"{q.best_rate:.3g}",
                help=f"2/({LAMBDA_MIN} + {LAMBDA_MAX}): the α whose slowest direction shrinks "
                     "fastest")
    st.caption(notes.hessian_caption(q))


def keras_section(r: GD.GradientDescentRun) -> None:
    p = r.params
    st.subheader("The same thing in Keras")
    st.markdown(f"A `Dense(1)` layer with linear output, mean squared error and plain SGD "
                f"(α = {p.learning_rate:g}, batch {p.batch}, {p.epochs_run} epochs) on the "
                "same points. Keras draws its own starting weights, so the path differs: "
                "where both converge, both must end at the closed-form minimum.")
    k = results.keras_fit(p)  # filled at server start for the defaults
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_gd.keras_comparison, r, k), "gradient_descent.keras", left)
    rows = notes.comparison_rows(r, k)
    table = pd.DataFrame(list(rows.values()), index=list(rows), columns=["W", "b", "J(θ)"])
    right.dataframe(table.style.format("{:.4g}"), width="stretch")
    show(notes.keras_note(r, k), right)
    right.caption(notes.true_line_caption(rows, r.quadratic))


def one_weight_view(p: GD.GradientDescentParams) -> None:
    """y = W·x: J(W) is a parabola, and every step, its overshoot and the thresholds 1/λ and
    2/λ are on one curve."""
    r = results.gd_one_weight(p)
    left, right = st.columns([3, 2])
    layout.chart(partial(views.parabola, r), "gradient_descent.parabola", left)
    layout.chart(partial(views.step_factor, r), "gradient_descent.factor", right)
    show(notes.regime_note(r.regime, r.diverged_at, p))
    st.latex(r"y = W x,\quad J(W) = J_{\min} + \tfrac12\,\lambda\,(W - W^*)^2,\quad "
             rf"\lambda = \tfrac{{2}}{{N}}\textstyle\sum_i x_i^2 = {r.curvature:.3g}")
    st.latex(r"W_{k+1} = W_k - \alpha J'(W_k) \;\Rightarrow\; "
             r"W_k - W^* = (1 - \alpha\lambda)^k\,(W_0 - W^*)")
    layout.explain(notes.one_weight_notice(r))


def batches_view(p: GD.GradientDescentParams) -> None:
    """Full batch, mini-batches and single samples on the same surface, the same epochs."""
    c = results.gd_batches(p)
    layout.chart(partial(views.batch_paths, c), "gradient_descent.batches")
    left, right = st.columns([3, 2])
    layout.chart(partial(views.batch_losses, c), "gradient_descent.batch_losses", left)
    layout.explain(notes.batch_notice(c), right)
    if (diverged := notes.batch_divergence(c)) is not None:
        show(diverged, right)


p = page.current(P)  # known before the widgets are drawn: the rate buttons need the data
controls(p)
{"one_weight": one_weight_view, "batches": batches_view}.get(p.view, line_view)(p)
page.write_url()
