"""Gradient descent: a line fitted to data step by step, and the learning rate that makes or
breaks it."""

import numpy as np
import pandas as pd
import streamlit as st

from core import gradient_descent as GD
from core import quadratic as quad
from core.figures import gradient_descent as fig_gd
from ui import layout, state, widgets

PAGE = "gradient_descent"
P = GD.GradientDescentParams

run_descent = layout.cached(GD.run, max_entries=256, spinner=False)
keras_fit = layout.cached(GD.keras_fit)
MESSAGE = {"too_small": st.info, "good": st.success, "zigzag": st.warning, "too_large": st.error}


def set_learning_rate(rate: float) -> None:
    st.session_state[state.widget_key(PAGE, "learning_rate")] = rate


layout.header(
    "Gradient descent: fitting a line",
    "Linear regression, trained the way every network is trained: start somewhere, compute "
    "the gradient of the loss, take a small step downhill, repeat. The step size α decides "
    "whether this crawls, arrives, or explodes.",
    r"y_m(x, \theta) = W x + b, \qquad J(\theta) = \frac{1}{N}\sum_{i=1}^{N}"
    r"\big(y_m(x_i, \theta) - y_i\big)^2, \qquad \theta \leftarrow \theta - \alpha\,"
    r"\frac{dJ}{d\theta}",
)
state.load(P, PAGE)
state.show_notes(PAGE)
params = state.current(P, PAGE)  # the widgets' values, known before they are drawn
r = run_descent(params)
q, d = r.quadratic, r.descent

with st.container(border=True):
    top = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
    widgets.control(P, "learning_rate", PAGE, container=top[0])
    presets = {} if "learning_rate" in state.hidden_controls() else quad.preset_rates(
        q, GD.LEARNING_RATES, params.epochs_run * params.steps_per_epoch)
    for col, (name, rate) in zip(top[1:], presets.items()):
        col.button(f"{name} ({rate:g})", on_click=set_learning_rate, args=(rate,),
                   key=f"{PAGE}.preset.{name}", width="stretch")
    c = st.columns(5)
    widgets.control(P, "full_batch", PAGE, container=c[0])
    if not params.full_batch:
        widgets.control(P, "batch_size", PAGE, container=c[0])
    widgets.control(P, "epochs", PAGE, container=c[1])
    widgets.control(P, "W0", PAGE, container=c[2])
    widgets.control(P, "b0", PAGE, container=c[3])
    with c[4].popover("Data", icon=":material/scatter_plot:", width="stretch"):
        for name in ("n_points", "noise", "w_true", "b_true", "x_center"):
            widgets.control(P, name, PAGE)
        widgets.control(P, "seed", PAGE, as_input=True)

alpha, crit = params.learning_rate, q.critical_rate
if d.diverged and alpha >= crit:
    st.error(f"**Diverged at step {d.diverged_at}:** α = {alpha:g} is above 2/λ_max = "
             f"{crit:.3g}. Every step overshoots the valley of J and lands further away on the "
             "other side, until the numbers blow up. Lower α.")
elif d.diverged:
    st.error(f"**Diverged at step {d.diverged_at}**, although α = {alpha:g} is below the "
             f"full-batch limit 2/λ_max = {crit:.3g}: a mini-batch of {params.batch} points "
             "can be steeper than the whole data set, and one such batch is enough. Lower α or "
             "use larger batches.")
else:
    MESSAGE[r.regime.name](f"**{r.regime.label.capitalize()}.** {r.regime.explanation}")
if not params.full_batch:
    st.caption("With mini-batches each step follows the gradient of a few points only: the "
               "path is noisy and the loss settles into a band around its minimum. The "
               "regime above is the full-batch theory.")
if r.truncated:
    st.caption(f"{params.epochs} epochs of {params.steps_per_epoch} steps exceed the limit of "
               f"{GD.MAX_STEPS:,} steps per run: trained {params.epochs_run} epochs.")

layout.chart(fig_gd.descent_replay(r, frames=GD.replay_steps(d.steps)), f"{PAGE}.replay")

left, right = st.columns([3, 2])
layout.chart(fig_gd.loss_per_step(r), f"{PAGE}.loss", left)
with right:
    (hxx, hxb), (_, hbb) = q.hessian
    st.markdown("**Curvature of J.** J is a quadratic in θ; its Hessian is the same everywhere:")
    st.latex(r"H = \frac{2}{N}\sum_i \begin{pmatrix} x_i^2 & x_i \\ x_i & 1 \end{pmatrix} = "
             rf"\begin{{pmatrix}} {hxx:.3g} & {hxb:.3g} \\ {hxb:.3g} & {hbb:.3g} "
             r"\end{pmatrix}")
    m = st.columns(2)
    m[0].metric("λ_min", f"{q.eigenvalues[0]:.3g}")
    m[1].metric("λ_max", f"{q.eigenvalues[-1]:.3g}")
    m[0].metric("limit 2/λ_max", f"{crit:.3g}")
    m[1].metric("fastest 2/(λ_min+λ_max)", f"{q.best_rate:.3g}")
    st.caption(f"Along each eigenvector of H a step multiplies the distance to the minimum by "
               f"1 − αλ. Condition number λ_max/λ_min = {q.condition:.3g}: the larger, the "
               "narrower the valley and the slower the descent along it.")

st.subheader("The same thing in Keras")
st.markdown(f"A `Dense(1)` layer with linear output, mean squared error and plain SGD "
            f"(α = {alpha:g}, batch {params.batch}, {params.epochs_run} epochs) on the same "
            "points. Keras draws its own starting weights, so the path differs: where both "
            "converge, both must end at the closed-form minimum.")
k = keras_fit(params)
left, right = st.columns([3, 2])
layout.chart(fig_gd.keras_comparison(r, k), f"{PAGE}.keras", left)
rows = {"true line": (params.w_true, params.b_true),
        "least squares θ* (closed form)": tuple(q.theta_star),
        f"NumPy after {d.steps} steps": tuple(d.final),
        f"Keras after {k.epochs} epochs": tuple(k.theta)}
table = pd.DataFrame([(w, b, GD.loss(np.array([w, b]), r.x, r.y)) for w, b in rows.values()],
                     index=list(rows), columns=["W", "b", "J(θ)"])
right.dataframe(table.style.format("{:.4g}"), width="stretch")
gap = float(np.linalg.norm(k.theta - q.theta_star))
numpy_gap = float(np.linalg.norm(d.final - q.theta_star))
if k.diverged:
    right.error(f"Keras diverged too, at epoch {k.diverged_at}: the limit is a property of "
                "the data and α, not of the code.")
elif gap <= 0.01 * (1.0 + float(np.linalg.norm(q.theta_star))):
    right.success(f"Keras ends {gap:.2g} from the closed-form minimum θ* (NumPy: "
                  f"{numpy_gap:.2g}), from its own start W = {k.theta0[0]:.2f}, "
                  f"b = {k.theta0[1]:.2f}: the same algorithm, the same answer.")
else:
    right.info(f"Keras is still {gap:.3g} away from θ* after {k.epochs} epochs (it started at "
               f"W = {k.theta0[0]:.2f}, b = {k.theta0[1]:.2f}): more epochs or a larger α.")

st.markdown(f"""
**What to notice**
- The steps cross the contour lines at right angles: each goes straight downhill, against
  the gradient, not towards the minimum. In a long, narrow valley the path first drops to
  the valley floor, then crawls along it.
- Too small an α crawls; above 1/λ_max the path zig-zags across the valley; above
  2/λ_max every step lands further away and J explodes. The limit depends on the data
  (move the centre of x away from 0 and watch it drop), not on the code: Keras diverges too.
- The loss stops at J(θ*) = {q.j_min:.3g}, not at 0: the noise (σ² = {params.noise**2:.3g})
  is what no line can explain. Even the true line scores {table["J(θ)"].iloc[0]:.3g} on
  these points: the fit follows the data, not the truth.
- Mini-batches make many cheap, noisy steps per epoch; near the minimum the noise keeps the
  path jittering, which is why α is reduced when the loss stops decreasing.
""")

state.write_url(params)
