"""Gradient descent: a line fitted to data step by step, and the learning rate that makes or
breaks it. Three views: the line (W, b) on its loss surface, one weight W on its parabola,
and full batch against mini-batches against single samples."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core import gradient_descent as GD
from core import one_weight as OW
from core import quadratic as quad
from core.figures import gd_views as views
from core.figures import gradient_descent as fig_gd
from ui import layout, results, state, widgets

PAGE = "gradient_descent"
P = GD.GradientDescentParams

run_descent = layout.cached(GD.run, max_entries=256, spinner=False)
run_one_weight = layout.cached(OW.run, max_entries=256, spinner=False)
compare_batches = layout.cached(GD.compare_batches, max_entries=64, spinner=False)
keras_fit = results.keras_fit  # filled at server start for the defaults
MESSAGE = {"too_small": st.info, "good": st.success, "zigzag": st.warning, "too_large": st.error}
PRESET_HELP = {"too small": "crawls: far from the minimum after these epochs",
               "just right": "the largest α that never overshoots (αλₘₐₓ ≤ 1)",
               "too large": "above the limit 2/λₘₐₓ: diverges"}
SETTINGS = ("epochs", "full_batch", "batch_size", "plateau_patience", "W0", "b0")
DATA = ("n_points", "noise", "w_true", "b_true", "x_center", "seed")


def set_learning_rate(rate: float) -> None:
    st.session_state[state.widget_key(PAGE, "learning_rate")] = rate


def controls(params: GD.GradientDescentParams, q: quad.Quadratic, steps: int) -> None:
    """One row: the view, α and its three presets; the other settings in the sidebar."""
    row = st.columns([2.7, 1.9, 3.2], vertical_alignment="bottom")
    widgets.control(P, "view", PAGE, container=row[0], labels=GD.VIEWS, segmented=True)
    widgets.control(P, "learning_rate", PAGE, container=row[1])
    if "learning_rate" not in state.hidden_controls():
        presets = row[2].container(horizontal=True, gap="small")
        for name, rate in quad.preset_rates(q, GD.LEARNING_RATES, steps).items():
            presets.button(name, on_click=set_learning_rate, args=(rate,),
                           key=f"{PAGE}.preset.{name}", help=f"α = {rate:g}: {PRESET_HELP[name]}")
    with st.sidebar:
        st.markdown("**Descent**")
        for name in SETTINGS:
            if name != "batch_size" or not params.full_batch or params.view == "batches":
                widgets.control(P, name, PAGE)
        st.markdown("**Data**")
        for name in DATA:
            widgets.control(P, name, PAGE, as_input=name == "seed")


def regime_message(regime: quad.Regime, diverged_at: int | None, params) -> None:
    alpha = params.learning_rate
    if diverged_at is not None and regime.name != "too_large":
        st.error(f"**Diverged at step {diverged_at}**, although α = {alpha:g} is below the "
                 f"full-batch limit: a mini-batch of {params.batch} points can be steeper than "
                 "the whole data set, and one such batch is enough. Lower α or use larger "
                 "batches.")
    elif diverged_at is not None:
        st.error(f"**Diverged at step {diverged_at}.** {regime.explanation} Lower α.")
    else:
        MESSAGE[regime.name](f"**{regime.label.capitalize()}.** {regime.explanation}")


def line_view(params: GD.GradientDescentParams) -> None:
    """The line (W, b): the replay on the data and the loss surface, then the loss per step,
    the Hessian, and the same fit in Keras."""
    r = run_descent(params)
    q, d = r.quadratic, r.descent
    controls(params, q, params.epochs_run * params.steps_per_epoch)
    layout.chart(partial(fig_gd.descent_replay, r, frames=GD.replay_steps(d.steps)),
                 f"{PAGE}.replay")
    regime_message(r.regime, d.diverged_at, params)
    notes = []
    if not params.full_batch:
        notes.append("With mini-batches each step follows the gradient of a few points only: "
                     "the path is noisy and the loss settles into a band around its minimum. "
                     "The regime above is the full-batch theory.")
    if r.truncated:
        notes.append(f"{params.epochs} epochs of {params.steps_per_epoch} steps exceed the "
                     f"limit of {GD.MAX_STEPS:,} steps per run: trained {params.epochs_run} "
                     "epochs.")
    if notes:
        st.caption(" ".join(notes))
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_gd.loss_per_step, r), f"{PAGE}.loss", left)
    with right:
        if params.plateau_patience:
            layout.chart(partial(views.learning_rates, d), f"{PAGE}.rates")
        hessian_panel(q)
    keras_section(params, r)
    low, top = quad.LAMBDA_MIN, quad.LAMBDA_MAX
    layout.explain(f"""
**What to notice**
- The steps cross the contour lines at right angles: each goes straight downhill, against
  the gradient, not towards the minimum. In a long, narrow valley the path first drops to
  the valley floor, then crawls along it.
- Too small an α crawls; above 1/{top} the path zig-zags across the valley; above
  2/{top} every step lands further away and J explodes. The limit depends on the data
  (move the centre of x away from 0 and watch it drop), not on the code: Keras diverges too.
- The loss stops at J(θ*) = {q.j_min:.3g}, not at 0: the noise (σ² = {params.noise**2:.3g})
  is what no line can explain.
- {low} sets how slowly the flat direction of the valley is travelled: the
  "Parabola" view shows a single direction alone, "Batches" what mini-batches change.
""")


def hessian_panel(q: quad.Quadratic) -> None:
    (hxx, hxb), (_, hbb) = q.hessian
    low, top = quad.LAMBDA_MIN, quad.LAMBDA_MAX
    st.markdown("**Curvature of J.** J is a quadratic in θ; its Hessian is the same "
                "everywhere:")
    st.latex(r"H = \tfrac{2}{N}\sum_i \begin{pmatrix} x_i^2 & x_i \\ x_i & 1 \end{pmatrix}")
    st.latex(rf"H = \begin{{pmatrix}} {hxx:.3g} & {hxb:.3g} \\ {hxb:.3g} & {hbb:.3g} "
             r"\end{pmatrix}")
    m = st.columns(2)
    m[0].metric(low, f"{q.eigenvalues[0]:.3g}", help="the smallest eigenvalue of H")
    m[1].metric(top, f"{q.eigenvalues[-1]:.3g}", help="the largest eigenvalue of H")
    m[0].metric("limit", f"{q.critical_rate:.3g}",
                help=f"2/{top}: full-batch descent diverges above this α")
    m[1].metric("fastest", f"{q.best_rate:.3g}",
                help=f"2/({low} + {top}): the α whose slowest direction shrinks fastest")
    st.caption(f"Along each eigenvector of H a step multiplies the distance to the minimum by "
               f"1 − αλ. Condition number {top}/{low} = {q.condition:.3g}: the larger, the "
               "narrower the valley and the slower the descent along it.")


def keras_section(params: GD.GradientDescentParams, r: GD.GradientDescentRun) -> None:
    q, d = r.quadratic, r.descent
    st.subheader("The same thing in Keras")
    st.markdown(f"A `Dense(1)` layer with linear output, mean squared error and plain SGD "
                f"(α = {params.learning_rate:g}, batch {params.batch}, {params.epochs_run} "
                "epochs) on the same points. Keras draws its own starting weights, so the path "
                "differs: where both converge, both must end at the closed-form minimum.")
    k = keras_fit(params)
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_gd.keras_comparison, r, k), f"{PAGE}.keras", left)
    rows = {"true line": (params.w_true, params.b_true),
            "least squares θ*": tuple(q.theta_star),
            f"NumPy, {d.steps} steps": tuple(d.final),
            f"Keras, {k.epochs} epochs": tuple(k.theta)}
    table = pd.DataFrame([(w, b, GD.loss(np.array([w, b]), r.x, r.y))
                          for w, b in rows.values()], index=list(rows), columns=["W", "b", "J(θ)"])
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
        right.info(f"Keras is still {gap:.3g} away from θ* after {k.epochs} epochs (it started "
                   f"at W = {k.theta0[0]:.2f}, b = {k.theta0[1]:.2f}): more epochs or a "
                   "larger α.")
    right.caption(f"Even the true line scores J = {table['J(θ)'].iloc[0]:.3g} on these "
                  "points: the fit follows the data, not the truth.")


def one_weight_view(params: GD.GradientDescentParams) -> None:
    """y = W·x: J(W) is a parabola, and every step, its overshoot and the thresholds 1/λ and
    2/λ are on one curve."""
    r = run_one_weight(params)
    controls(params, r.quadratic, params.epochs)
    left, right = st.columns([3, 2])
    layout.chart(partial(views.parabola, r), f"{PAGE}.parabola", left)
    layout.chart(partial(views.step_factor, r), f"{PAGE}.factor", right)
    regime_message(r.regime, r.diverged_at, params)
    lam = r.curvature
    st.latex(r"y = W x,\quad J(W) = J_{\min} + \tfrac12\,\lambda\,(W - W^*)^2,\quad "
             rf"\lambda = \tfrac{{2}}{{N}}\textstyle\sum_i x_i^2 = {lam:.3g}")
    st.latex(r"W_{k+1} = W_k - \alpha J'(W_k) \;\Rightarrow\; "
             r"W_k - W^* = (1 - \alpha\lambda)^k\,(W_0 - W^*)")
    layout.explain(f"""
**What to notice**
- One weight, no bias: the loss is a parabola with curvature λ = {lam:.3g}, and every step
  multiplies the distance to the minimum W* = {r.w_star:.3g} by the same factor
  1 − αλ = {r.factor:.2f}.
- Below α = 1/λ = {1 / lam:.3g} the numbered steps stay on the side they started on and
  slow down as the slope flattens; at exactly 1/λ the first step lands on W*.
- Between 1/λ and 2/λ = {2 / lam:.3g} each step jumps over W* to the other wall, lower every
  time; the diamonds show where step 1 would land at α = 1/λ (on W*) and at α = 2/λ (on the
  mirror image of W₀, just as high: no progress at all).
- Above 2/λ every jump lands higher than the last: the loss grows without bound. With two
  parameters (the line view) the same happens along each eigenvector of the Hessian, and
  the steepest one sets the limit.
""")


def batches_view(params: GD.GradientDescentParams) -> None:
    """Full batch, mini-batches and single samples on the same surface, the same epochs."""
    c = compare_batches(params)
    q = c.quadratic
    controls(params, q, c.epochs)
    layout.chart(partial(views.batch_paths, c), f"{PAGE}.batches")
    n, sizes = len(c.x), list(c.batch_sizes.values())
    per_epoch = [d.steps_per_epoch for d in c.descents.values()]
    ends = {name: float(d.losses[-1]) for name, d in c.descents.items()}
    left, right = st.columns([3, 2])
    layout.chart(partial(views.batch_losses, c), f"{PAGE}.batch_losses", left)
    diverged = [name for name, d in c.descents.items() if d.diverged]
    best = min(ends, key=ends.get)
    layout.explain(f"""
**Epoch or step?** One **epoch** is one pass over all N = {n} points. One **step** is one
update of θ from the gradient of one batch. So an epoch is 1 step with the full batch,
⌈N/B⌉ = {per_epoch[1]} steps with mini-batches of B = {sizes[1]}, and N = {per_epoch[2]}
steps with single samples: all three panels saw every point {c.epochs} times.

**What to notice**
- Small batches make many cheap steps per epoch, each along the gradient of a few points:
  the path wanders, but gets far in few epochs.
- Near the minimum the noise does not go away: single samples keep jittering in a band
  around θ*, while the full batch, once there, stays on it. Here J ends at
  {", ".join(f"{v:.3g} ({k})" for k, v in ends.items())}; minimum {q.j_min:.3g}:
  lowest with the {best}.
- Reducing α on a plateau (sidebar: reduce α on plateau) shrinks the band.
""", right)
    if diverged:
        right.error(f"Diverged: {', '.join(diverged)}. A single point's loss can be much "
                    f"steeper than the average over all points, so α = {params.learning_rate:g} "
                    "may be too large for small batches although the full batch converges.")


layout.header("Gradient descent: fitting a line", "")
state.load(P, PAGE)
state.show_notes(PAGE)
params = state.current(P, PAGE)  # the widgets' values, known before they are drawn
{"one_weight": one_weight_view, "batches": batches_view}.get(params.view, line_view)(params)
state.write_url(params)
