"""Figures of the classification-vs-regression page: both tasks' outputs over the plane and
their losses, the loss and gradient of a sigmoid output for label 1, the race from a
confidently wrong start, the softmax plane and one point's probabilities, and the wrong
output layers. Every picture of the plane is built from the shared traces of
``core.figures.training``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.classification import saturation as S
from core.classification import softmax as M
from core.classification import tasks as T
from core.classification import wrong_layer as W
from core.figures import style
from core.figures import training as fig_training
from core.figures.playground.replay import class_colorscale, encode_classes

#: Height of the pictures of the plane and of the curves beside them (two side by side fill
#: the first screen at 1280×720 under the header and one row of controls).
PLANE_HEIGHT = 430
CURVE_HEIGHT = 380
#: One colour per loss on every chart of the page: the squared error vermillion, the
#: cross-entropy blue.
LOSS_COLORS = {"mse": style.VERMILLION, "binary_crossentropy": style.BLUE}


def _plane(traces: Sequence, title: str) -> go.Figure:
    axis = T.grid_axis()
    return fig_training.plane_figure(axis, axis, traces, title=title, height=PLANE_HEIGHT)


def _value_range(values: np.ndarray) -> tuple[float, float]:
    """A range symmetric around 0 that holds every value (the diverging scale's white is 0)."""
    top = float(np.nanmax(np.abs(values))) if np.size(values) else 1.0
    top = top if np.isfinite(top) and top > 0 else 1.0
    return -top, top


# ----------------------------------------------------------------------------------------
# 1 · Same data, two tasks
# ----------------------------------------------------------------------------------------


def regression_map(run: T.TwoTasks) -> go.Figure:
    """The regression network's output over the plane, the points coloured by their target
    on the same scale."""
    out = run.regression.grid[:, 0]
    zrange = _value_range(np.concatenate([out, run.target]))
    trace = fig_training.output_trace(T.grid_axis(), T.grid_axis(), out, zrange=zrange,
                                      kind="continuous", colorbar_title="value")
    points = fig_training.points_trace(run.x, run.target, value_range=zrange, size=9,
                                       name="points: their target")
    fig = _plane([trace, *points], "Regression: linear output")
    fig.update_layout(showlegend=True)  # one entry, level with the classifier's legend
    return fig


def probability_map(run: T.TwoTasks) -> go.Figure:
    """The classifier's probability of class 1 over the plane, the boundary p = ½, the points
    by class."""
    trace = fig_training.output_trace(T.grid_axis(), T.grid_axis(),
                                      run.classification.grid[:, 0], zrange=(0.0, 1.0),
                                      colorbar_title="p(class 1)")
    points = fig_training.points_trace(run.x, run.labels, size=9, n_classes=2)
    return _plane([trace, *points], "Classification: sigmoid output")


def task_losses(run: T.TwoTasks) -> go.Figure:
    """Each network's training loss per epoch (each in its own units, on one log axis)."""
    curves = {}
    for name, trained in (("regression (MSE)", run.regression),
                          ("classification (CE)", run.classification)):
        loss = trained.history["loss"]
        curves[name] = (np.arange(1, len(loss) + 1), loss)
    fig = fig_training.curves_figure(curves, title="Loss per epoch", y_title="loss",
                                     log_y=True, height=CURVE_HEIGHT)
    for trace, color in zip(fig.data, (style.VERMILLION, style.BLUE)):
        trace.line.color = color
    return fig


# ----------------------------------------------------------------------------------------
# 2 · Why cross-entropy with a sigmoid
# ----------------------------------------------------------------------------------------


def saturation_curves(c: S.Curves, which: str) -> go.Figure:
    """For label 1 over the logit z: each loss (``which`` "loss") or its gradient dL/dz
    ("gradient"), the closed form as a line and GradientTape's values as markers on it."""
    index = 0 if which == "loss" else 1
    title = ("Loss for label 1" if which == "loss" else "Gradient dL/dz for label 1")
    fig = style.figure(title, height=CURVE_HEIGHT, legend=fig_training.LEGEND_ABOVE)
    for name in S.LOSS_NAMES:
        color, short = LOSS_COLORS[name], S.SHORT_NAMES[name]
        fig.add_trace(go.Scatter(x=c.z, y=c.closed[name][index], mode="lines",
                                 name=short, line=dict(color=color),
                                 hovertemplate="z %{x:.2f}<br>%{y:.4g}<extra>formula</extra>"))
        fig.add_trace(go.Scatter(x=c.z_tape, y=c.tape[name][index], mode="markers",
                                 name=f"GradientTape, {short}", showlegend=False,
                                 marker=dict(color=color, size=9, symbol="circle-open",
                                             line=dict(color=color, width=2)),
                                 hovertemplate="z %{x:.1f}<br>%{y:.4g}"
                                 "<extra>GradientTape</extra>"))
    fig.update_xaxes(title=dict(text="logit z (p = σ(z))"), range=list(S.Z_RANGE))
    fig.update_yaxes(title=dict(text="L" if which == "loss" else "dL/dz"))
    return fig


def race_accuracy(r: S.Race, target: float) -> go.Figure:
    """Training accuracy per epoch with each loss (epoch 0: the start), the accuracy to
    reach dashed, and where each loss reaches it."""
    fig = style.figure("Accuracy per epoch", height=CURVE_HEIGHT,
                       legend=fig_training.LEGEND_ABOVE)
    for name in S.LOSS_NAMES:
        acc = np.concatenate([[r.start_accuracy], r.runs[name].history["accuracy"]])
        fig.add_trace(go.Scatter(x=np.arange(len(acc)), y=acc.astype(np.float32),
                                 mode="lines", name=S.SHORT_NAMES[name],
                                 line=dict(color=LOSS_COLORS[name], shape="hv"),
                                 hovertemplate="epoch %{x}<br>accuracy %{y:.0%}<extra>"
                                 f"{S.SHORT_NAMES[name]}</extra>"))
    fig.add_hline(y=target, line=dict(color=style.GREY, dash="dash", width=2))
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text="accuracy"), range=[-0.03, 1.05], tickformat=".0%")
    return fig


def race_losses(r: S.Race) -> go.Figure:
    """Each run's own loss per epoch (log axis): what gradient descent sees."""
    curves = {S.SHORT_NAMES[n]: (np.arange(1, len(r.runs[n].history["loss"]) + 1),
                                 r.runs[n].history["loss"]) for n in S.LOSS_NAMES}
    fig = fig_training.curves_figure(curves, title="Loss per epoch", y_title="loss",
                                     log_y=True, height=CURVE_HEIGHT)
    for trace, name in zip(fig.data, S.LOSS_NAMES):
        trace.line.color = LOSS_COLORS[name]
    return fig


# ----------------------------------------------------------------------------------------
# 3 · Softmax
# ----------------------------------------------------------------------------------------


def softmax_map(run: M.SoftmaxRun, point: np.ndarray) -> go.Figure:
    """The plane coloured by the winning class (paler where it is less sure), every class's
    probability on hover, the points, and the chosen point."""
    n = T.GRID_SIZE
    probs = np.asarray(run.probabilities, np.float32)
    k = probs.shape[1]
    z = encode_classes(probs).reshape(n, n).astype(np.float32)
    hover = "<br>".join(f"p(class {c}) %{{customdata[{c}]:.2f}}" for c in range(k))
    heat = go.Heatmap(x=T.grid_axis(), y=T.grid_axis(), z=z, zmin=0, zmax=k,
                      colorscale=class_colorscale(k), showscale=False, zsmooth="fast",
                      customdata=probs.reshape(n, n, k),
                      hovertemplate="x₁ %{x:.1f}<br>x₂ %{y:.1f}<br>" + hover + "<extra></extra>")
    points = fig_training.points_trace(run.x, run.labels, size=9, n_classes=k)
    chosen = go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name="chosen point",
                        marker=dict(symbol="x-thin", size=22, color="#1A1A1A",
                                    line=dict(color="#1A1A1A", width=4)),
                        hoverinfo="skip")
    return _plane([heat, *points, chosen], "Softmax: the winning class")


def probability_bars(probs: np.ndarray, point: np.ndarray) -> go.Figure:
    """One point's class probabilities as bars, written on them; they sum to 1."""
    k = len(probs)
    fig = style.figure(f"p at ({point[0]:g}, {point[1]:g}): sum {float(np.sum(probs)):.2f}",
                       height=CURVE_HEIGHT)
    fig.add_trace(go.Bar(x=[f"class {c}" for c in range(k)], y=np.asarray(probs, np.float64),
                         marker=dict(color=[style.CLASS_COLORS[c] for c in range(k)]),
                         text=[T.probability(q) for q in probs], textposition="outside",
                         hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=dict(text="probability"), range=[0, 1.18], dtick=0.25)
    return fig


# ----------------------------------------------------------------------------------------
# 4 · The wrong output layer
# ----------------------------------------------------------------------------------------


def ceiling_scatter(c: W.Ceiling) -> go.Figure:
    """Network output against the target at every point: the linear output follows the
    diagonal, the sigmoid output bends flat at 0 and 1."""
    lo = float(min(c.target.min(), 0.0)) - 0.1
    hi = float(max(c.target.max(), 1.0)) + 0.1
    fig = style.figure("Target above 1: sigmoid output", height=PLANE_HEIGHT,
                       legend=fig_training.LEGEND_ABOVE)
    fig.add_hrect(y0=0.0, y1=1.0, fillcolor=style.GREY, opacity=0.12, line_width=0)
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perfect",
                             line=dict(color=style.GREY, dash="dash", width=2),
                             hoverinfo="skip"))
    for name, trained, color in (("linear", c.linear, style.BLUE),
                                 ("sigmoid", c.sigmoid, style.VERMILLION)):
        fig.add_trace(go.Scatter(x=c.target.astype(np.float32),
                                 y=trained.points[:, 0].astype(np.float32), mode="markers",
                                 name=name, marker=dict(color=color, size=7),
                                 hovertemplate="target %{x:.2f}<br>output %{y:.2f}"
                                 f"<extra>{name}</extra>"))
    fig.update_xaxes(title=dict(text="target"), range=[lo, hi])
    fig.update_yaxes(title=dict(text="network output"), range=[lo, hi])
    return fig


def ceiling_where(c: W.Ceiling) -> go.Figure:
    """Where on the plane the sigmoid output cannot follow: the points whose target leaves
    (0, 1), coloured by how far the output falls short; the others small and grey."""
    gap = np.abs(c.target - c.sigmoid.points[:, 0])
    outside = c.above | c.below
    inside = go.Scatter(x=c.x[~outside, 0], y=c.x[~outside, 1], mode="markers",
                        name="target in (0, 1)", hoverinfo="skip",
                        marker=dict(color=style.GREY, size=6, opacity=0.6))
    top = float(gap[outside].max()) if outside.any() else 1.0
    short = go.Scatter(x=c.x[outside, 0], y=c.x[outside, 1], mode="markers",
                       name="target outside (0, 1)", customdata=np.column_stack(
                           [c.target[outside], gap[outside]]).astype(np.float32),
                       marker=dict(color=gap[outside].astype(np.float32), cmin=0, cmax=top,
                                   colorscale=[[0, "#FFF3D6"], [1, style.VERMILLION]], size=11,
                                   line=dict(color="#1A1A1A", width=1),
                                   colorbar=dict(title=dict(text="short by"), thickness=14,
                                                 len=0.6, y=0.0, yanchor="bottom")),
                       hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>target %{customdata[0]:.2f}"
                       "<br>short by %{customdata[1]:.2f}<extra></extra>")
    return _plane([inside, short], "Where the sigmoid falls short")


def linear_outputs(c: W.LinearClassifier) -> go.Figure:
    """The linear output + MSE classifier's outputs on the points, by class, against the
    band [0, 1] that a probability must stay in."""
    fig = style.figure("Classes: linear output + MSE", height=PLANE_HEIGHT,
                       legend=fig_training.LEGEND_ABOVE)
    out = c.trained.points[:, 0]
    # Shaded where an output cannot be a probability: below 0 and above 1.
    lo, hi = min(float(out.min()), 0.0) - 0.1, max(float(out.max()), 1.0) + 0.1
    for x0, x1 in ((lo, 0.0), (1.0, hi)):
        fig.add_vrect(x0=x0, x1=x1, fillcolor=style.VERMILLION, opacity=0.12, line_width=0)
    # Bin edges on multiples of the width, so that 0 and 1 are edges (no bin straddles them).
    width = 0.05
    edges = dict(start=np.floor(out.min() / width) * width, end=np.ceil(out.max() / width)
                 * width + width, size=width)
    for k in (0, 1):
        fig.add_trace(go.Histogram(x=out[c.labels == k].astype(np.float32), xbins=edges,
                                   name=f"class {k}", opacity=0.75,
                                   marker=dict(color=style.CLASS_COLORS[k]),
                                   hovertemplate="output %{x}<br>%{y} points<extra></extra>"))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=dict(text="network output (shaded: no probability)"),
                     range=[lo, hi])
    fig.update_yaxes(title=dict(text="points"))
    return fig
