"""Figures of the gradient-descent page: the descent replayed on the data and on the loss
surface side by side, the loss per step against the quadratic theory, and the NumPy run
beside Keras.

Colours: the data are blue, the optimiser's line and path vermillion, the least-squares
solution and the minimum green, the true line grey, on every figure of the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from core import gradient_descent as gd
from core import quadratic as quad
from core.figures import style
from core.figures.training import player

PATH_COLOR, OPTIMUM_COLOR, DATA_COLOR, TRUTH_COLOR = (style.VERMILLION, style.GREEN, style.BLUE,
                                                      style.GREY)
#: The loss surface: low J dark blue, high J near white, so the path and markers stand out.
SURFACE_SCALE = [[0.0, "#1F5F8B"], [0.5, style.SKY], [1.0, "#F7F7F7"]]
#: Points of the path drawn at most (denser at the start, where the steps are large).
PATH_POINTS = 200
#: Points of a loss curve drawn at most.
CURVE_POINTS = 2000


def _sample(steps: int, count: int) -> np.ndarray:
    """About ``count`` step indices from 0 to ``steps``, all of the first ones, then thinner."""
    if steps + 1 <= count:
        return np.arange(steps + 1)
    raw = np.round(steps * np.linspace(0.0, 1.0, count) ** 2).astype(int)
    return np.unique(np.concatenate([raw, np.arange(min(count // 4, steps)), [steps]]))


def _step_caption(r: gd.GradientDescentRun, k: int) -> str:
    d = r.descent
    w, b = d.thetas[k]
    epoch = "" if r.params.full_batch else f" (epoch {-(-k // d.steps_per_epoch)})"
    blown = " – diverged" if d.diverged_at is not None and k == d.steps else ""
    return f"Step {k}{epoch}: W = {w:.3g}, b = {b:.3g}, J = {d.losses[k]:.4g}{blown}"


def _surface(q: quad.Quadratic, window, xaxis: str = "x2", yaxis: str = "y2",
             labels: bool = True) -> list[dict]:
    """The loss surface as filled contour ellipses (outermost first, darker towards the
    minimum) and their J values written across the valley.

    Scatter traces, not a Plotly contour: an animation of the path on the same axes makes
    plotly.js remove a contour trace's layer, and the ellipses are exact anyway.
    """
    levels = quad.contour_levels(q, window)
    logs = np.log10(np.array(levels) - q.j_min)
    height = (logs - logs.min()) / max(float(np.ptp(logs)), 1e-12)  # 0 innermost, 1 outermost
    colors = sample_colorscale(SURFACE_SCALE, height.tolist())
    traces = []
    for level, color in sorted(zip(levels, colors), reverse=True):
        ring = quad.contour_ellipse(q, level)
        traces.append(dict(type="scatter", x=ring[:, 0].tolist(), y=ring[:, 1].tolist(),
                           mode="lines", fill="toself", fillcolor=color, xaxis=xaxis,
                           yaxis=yaxis, line=dict(color="white", width=1), hoverinfo="skip",
                           showlegend=False))
    # Labels where each ellipse crosses the steep axis (the short way across the valley).
    steep = np.linalg.eigh(q.hessian)[1][:, -1]
    steep = steep if steep[1] >= 0 else -steep  # label above the minimum where possible
    (w_lo, w_hi), (b_lo, b_hi) = window
    spots, texts = [], []
    for level in sorted(levels, reverse=True):  # outermost first: inner ones crowd
        reach = np.sqrt(2.0 * (level - q.j_min) / q.eigenvalues[-1])
        for point in (q.theta_star + reach * steep, q.theta_star - reach * steep):
            if w_lo < point[0] < w_hi and b_lo < point[1] < b_hi:
                text = f"{level:g}"
                if all(_apart(point, text, spot, other, window)
                       for spot, other in zip(spots, texts)):
                    spots.append(point)
                    texts.append(text)
                break
    if spots and labels:
        pts = np.array(spots)
        traces.append(dict(type="scatter", x=pts[:, 0].tolist(), y=pts[:, 1].tolist(),
                           mode="text", text=texts, xaxis=xaxis, yaxis=yaxis,
                           textfont=dict(size=13, color="#1A1A1A"), hoverinfo="skip",
                           showlegend=False, name="J levels"))
    return traces


#: The contour map's plot area is at least this wide and tall (px) where it is drawn, and
#: its level labels this large (style's minimum): labels closer than their size are dropped.
SURFACE_PX, LABEL_PX = 170, style.MIN_FONT_SIZE


def _apart(p: np.ndarray, text: str, q: np.ndarray, other: str, window) -> bool:
    """Whether the labels ``text`` at ``p`` and ``other`` at ``q`` (centred there) are drawn
    without overlapping on the smallest map."""
    (w_lo, w_hi), (b_lo, b_hi) = window
    dx = abs(p[0] - q[0]) / (w_hi - w_lo) * SURFACE_PX
    dy = abs(p[1] - q[1]) / (b_hi - b_lo) * SURFACE_PX
    half_widths = (len(text) + len(other)) * style.EM * LABEL_PX / 2
    return dx > half_widths or dy > style.LINE * LABEL_PX


def descent_replay(r: gd.GradientDescentRun, *, frames: Sequence[int],
                   frame_ms: int = 120) -> go.Figure:
    """Left: the data, the true and least-squares lines and the model's line; right: the
    contours of J(W, b) with the path, the start and the minimum. Replayed at the steps in
    ``frames`` (play/pause and a slider); it opens on the last step.

    Built as one dict and one ``go.Figure`` call: graph objects validate every frame.
    """
    x, y, q, d = r.x, r.y, r.quadratic, r.descent
    window = quad.surface_window(q, r.params.theta0)
    surface = _surface(q, window)
    x_lo, x_hi = float(x.min()), float(x.max())
    pad = 0.08 * (x_hi - x_lo)
    line_x = np.array([x_lo - pad, x_hi + pad])
    fits = [line_x * t[0] + t[1] for t in (q.theta_star, (r.params.w_true, r.params.b_true))]
    y_lo, y_hi = min(y.min(), *(f.min() for f in fits)), max(y.max(), *(f.max() for f in fits))
    y_pad = 0.15 * (y_hi - y_lo) + 0.1
    trail = _sample(d.steps, PATH_POINTS)
    frames = [k for k in frames if k <= d.steps] or [d.steps]
    if frames[-1] != d.steps:
        frames.append(d.steps)

    # Frames carry plain lists (validated faster than arrays) and only the two traces that
    # move: the model's line, and the path so far whose last, larger marker is the current θ.
    def model_line(k: int) -> dict:
        w, b = d.thetas[k]
        return {"type": "scatter", "x": line_x.tolist(), "y": (w * line_x + b).tolist()}

    def path_upto(k: int) -> dict:
        idx = np.append(trail[trail < k], k)
        size, edge = [5] * len(idx), [0] * len(idx)
        size[-1], edge[-1] = 17, 2
        return {"type": "scatter", "x": d.thetas[idx, 0].tolist(),
                "y": d.thetas[idx, 1].tolist(), "customdata": idx.tolist(),
                "marker": {"size": size, "line": {"width": edge}}}

    last = d.steps
    data = [
        dict(type="scatter", x=x, y=y, mode="markers", name="data",
             marker=dict(color=DATA_COLOR, size=9, opacity=0.75, line=dict(color="white",
                                                                            width=1)),
             hovertemplate="x %{x:.2f}<br>y %{y:.2f}<extra></extra>"),
        dict(type="scatter", x=line_x, y=fits[1], mode="lines", name="true line",
             line=dict(color=TRUTH_COLOR, dash="dot", width=2), hoverinfo="skip"),
        dict(type="scatter", x=line_x, y=fits[0], mode="lines", name="least squares θ*",
             line=dict(color=OPTIMUM_COLOR, dash="dash", width=3), hoverinfo="skip"),
        {**model_line(last), "mode": "lines", "name": "model Wx + b",
         "line": dict(color=PATH_COLOR, width=4), "hoverinfo": "skip"},
        *surface,
        {**path_upto(last), "mode": "lines+markers", "name": "descent path",
         "xaxis": "x2", "yaxis": "y2", "line": dict(color=PATH_COLOR, width=2.5),
         "hovertemplate": "step %{customdata}<br>W %{x:.3f}<br>b %{y:.3f}<extra></extra>"},
        dict(type="scatter", x=[r.params.W0], y=[r.params.b0], mode="markers", name="start θ₀",
             xaxis="x2", yaxis="y2", hoverinfo="name",
             marker=dict(color="white", size=14, line=dict(color="#1A1A1A", width=2.5))),
        dict(type="scatter", x=[q.theta_star[0]], y=[q.theta_star[1]], mode="markers",
             name="minimum θ*", xaxis="x2", yaxis="y2",
             hovertemplate="minimum<br>W* %{x:.3f}<br>b* %{y:.3f}<extra></extra>",
             marker=dict(color=OPTIMUM_COLOR, size=20, symbol="star",
                         line=dict(color="#1A1A1A", width=1.5))),
    ]
    path = 4 + len(surface)  # the index of the path trace
    data[path]["marker"].update(color=PATH_COLOR, line=dict(color="#1A1A1A", width=data[path]
                                                            ["marker"]["line"]["width"]))
    # Sized for the first screen at 1280×720: one legend row on top, the player below.
    layout = dict(
        height=430, margin=dict(t=40, r=20),
        legend=dict(orientation="h", x=0.0, y=1.02, yanchor="bottom", font=dict(size=15)),
        xaxis=dict(domain=[0.0, 0.42], range=line_x.tolist(), title=dict(text="x")),
        yaxis=dict(range=[y_lo - y_pad, y_hi + y_pad], title=dict(text="y")),
        xaxis2=dict(domain=[0.54, 1.0], range=list(window[0]), anchor="y2",
                    title=dict(text="W (slope)"), zeroline=False, constrain="domain"),
        # Equal scales: only then do the steps cross the contours at right angles.
        yaxis2=dict(range=list(window[1]), anchor="x2", title=dict(text="b (intercept)"),
                    zeroline=False, scaleanchor="x2", scaleratio=1, constrain="domain"),
        **player([str(k) for k in frames], frame_ms,
                  captions=[_step_caption(r, k) for k in frames]),
    )
    spec = {"data": data, "layout": layout, "frames": [
        {"name": str(k), "traces": [3, path], "data": [model_line(k), path_upto(k)]}
        for k in frames]}
    return go.Figure(spec)


def loss_per_step(r: gd.GradientDescentRun) -> go.Figure:
    """J(θ) after every step on a log scale, with the minimum J(θ*), the theory's bound
    J_min + (J₀ − J_min)·ρ^2k (ρ = max|1 − αλ|, the slowest direction) and the step at
    which the run diverged."""
    d, q, p = r.descent, r.quadratic, r.params
    idx = _sample(d.steps, CURVE_POINTS)
    floor = max(q.j_min, 1e-12 * float(d.losses[0]), 1e-300)
    per_epoch = "" if p.full_batch else f" (1 epoch = {d.steps_per_epoch} steps)"
    fig = style.figure("Loss J(θ) per step", height=400)
    rho = q.contraction(p.learning_rate)
    with np.errstate(over="ignore"):
        bound = q.j_min + (d.losses[0] - q.j_min) * rho ** (2.0 * idx)
    top = float(np.max(d.losses)) * 10
    fig.add_trace(go.Scatter(
        x=idx, y=np.where(bound <= top, np.maximum(bound, floor), np.nan), mode="lines",
        name="theory: J* + (J₀ − J*)·ρ²ᵏ" if p.full_batch else "full-batch theory",
        line=dict(color=style.GREY, dash="dot", width=2), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=idx, y=np.maximum(d.losses[idx], floor), mode="lines", name="J(θ) on all N points",
        line=dict(color=PATH_COLOR),
        hovertemplate="step %{x}<br>J %{y:.5g}<extra></extra>"))
    if q.j_min >= floor:  # not when the data lie exactly on a line (J_min = 0)
        fig.add_trace(_level(q.j_min, [0, d.steps], f"minimum J(θ*) = {q.j_min:.4g}"))
    # The legend goes where the curve is not: top right while J falls, top left once it rises.
    corner = dict(x=0.99, xanchor="right", y=0.99)
    if d.diverged_at is not None:
        fig.add_vline(x=d.diverged_at, line=dict(color=style.VERMILLION, dash="dash"),
                      annotation_text=f"diverged at step {d.diverged_at}",
                      annotation_position="bottom left")
        corner = dict(x=0.01, xanchor="left", y=0.99)
    fig.update_xaxes(title=dict(text="step" + per_epoch))
    _log_y(fig, d.losses[idx])
    fig.update_layout(legend=corner)
    return fig


def _log_y(fig: go.Figure, values: np.ndarray) -> None:
    """A log J axis; over less than three decades Plotly labels every minor tick, so label
    only 1, 2 and 5 there."""
    finite = values[np.isfinite(values) & (values > 0)]
    ticks: dict = {}
    if len(finite) and np.log10(finite.max() / finite.min()) < 3:
        lo, hi = np.floor(np.log10(finite.min())), np.ceil(np.log10(finite.max()))
        vals = [m * 10.0**e for e in np.arange(lo, hi + 1) for m in (1, 2, 5)]
        ticks = dict(tickvals=vals, ticktext=[f"{v:g}" for v in vals])
    fig.update_yaxes(title=dict(text="J(θ)"), type="log", **ticks)


def _level(value: float, x: list[int], name: str) -> go.Scatter:
    """A horizontal line as a trace: ``add_hline`` misplaces its label on log axes."""
    return go.Scatter(x=x, y=[value, value], mode="lines", name=name, hoverinfo="name",
                      line=dict(color=OPTIMUM_COLOR, dash="dash", width=2))


def keras_comparison(r: gd.GradientDescentRun, k: gd.KerasFit) -> go.Figure:
    """J after each epoch: the NumPy descent beside Keras Dense(1) + SGD (different starting
    weights), with the minimum both should reach."""
    fig = style.figure("Loss per epoch: NumPy and Keras", height=400)
    numpy_losses = r.descent.epoch_losses()
    # Both cut where they blew up (Keras itself runs on to float32's overflow).
    keras_losses = k.losses if k.diverged_at is None else k.losses[:k.diverged_at]
    series = [(numpy_losses, "NumPy gradient descent", PATH_COLOR, "solid"),
              (keras_losses, "Keras Dense(1) + SGD", style.BLUE, "dash")]
    for losses, name, color, dash in series:
        values = np.where(np.isfinite(losses), losses, np.nan)
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=values, name=name,
                                 mode="lines", line=dict(color=color, dash=dash),
                                 hovertemplate="epoch %{x}<br>J %{y:.5g}<extra></extra>"))
    if r.quadratic.j_min > 1e-12 * float(r.descent.losses[0]):
        epochs = max(len(numpy_losses), len(keras_losses), 1)
        fig.add_trace(_level(r.quadratic.j_min, [1, epochs],
                             f"minimum J(θ*) = {r.quadratic.j_min:.4g}"))
    fig.update_xaxes(title=dict(text="epoch"))
    _log_y(fig, np.concatenate([numpy_losses, keras_losses]))
    fig.update_layout(legend=dict(x=0.99, xanchor="right", y=0.99))
    return fig
