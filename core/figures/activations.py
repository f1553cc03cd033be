"""Figures of the activation functions tab: f and f′ with their saturated regions, one
neuron and the bump two neurons make, and a deep stack with and without an activation."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.activation_functions import LABELS
from core.figures import style

#: One colour per activation on the overlay (Okabe-Ito, without yellow: too pale on white).
PALETTE = (style.BLUE, style.ORANGE, style.GREEN, style.PINK, style.VERMILLION, style.SKY,
           style.GREY, "#1A1A1A")


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _legend_top() -> dict:
    """Legend in a row above the plot area, clear of the title (which sits left above it)."""
    return dict(orientation="h", x=1.0, xanchor="right", y=1.0, yanchor="bottom",
                bgcolor="rgba(0,0,0,0)")


def _band(x0: float, x1: float, color: str, opacity: float, *, vertical: bool = True) -> dict:
    """A shaded band across the plot: between x0 and x1 (vertical) or y0 and y1."""
    span = dict(x0=x0, x1=x1, y0=0, y1=1, xref="x", yref="paper") if vertical else \
        dict(x0=0, x1=1, y0=x0, y1=x1, xref="paper", yref="y")
    return dict(type="rect", fillcolor=color, opacity=opacity, line=dict(width=0),
                layer="below", **span)


def _saturation_bands(curves) -> list[dict]:
    """Each activation's saturated x-intervals as a band in its colour, behind the curves
    (plain shape dicts: Plotly's add_vrect costs ~10 ms a band)."""
    return [_band(start, end, color(i), 0.10)
            for i, name in enumerate(curves.values)
            for start, end in curves.saturated[name]]


def activation_curves(curves, *, slopes: bool, height: int = 420) -> go.Figure:
    """f(x) (``slopes=False``) or f′(x) of every activation in ``curves``, saturated regions
    (|f′| < threshold) shaded in the activation's colour."""
    title = "Slope f′(x), by GradientTape" if slopes else "f(x) from keras.activations"
    fig = style.figure(title, height=height)
    data = curves.slopes if slopes else curves.values
    for i, (name, y) in enumerate(data.items()):
        fig.add_trace(go.Scatter(
            x=curves.x, y=np.round(y, 4), mode="lines", name=LABELS[name],
            line=dict(color=color(i)),
            hovertemplate="x %{x:.2f}<br>" + ("f′" if slopes else "f") + " %{y:.3f}"
                          "<extra>" + LABELS[name] + "</extra>"))
    shapes = _saturation_bands(curves)
    if slopes:
        eps = curves.threshold
        shapes.append(_band(-eps, eps, style.GREY, 0.25, vertical=False))
    fig.update_layout(shapes=shapes)
    y_all = np.concatenate(list(data.values()))
    lo, hi = float(np.min(y_all)), float(np.max(y_all))
    # Exponential and linear grow far above the others: clip the view, not the data.
    cap = 1.6 if slopes else 3.2
    fig.update_yaxes(range=[max(lo, -cap) - 0.15, min(hi, cap) + 0.15],
                     title=dict(text="f′(x)" if slopes else "f(x)"))
    fig.update_xaxes(title=dict(text="x"), range=[curves.x[0], curves.x[-1]])
    # Up to eight names: below the plot they may take two rows without meeting the title.
    fig.update_layout(legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.28,
                                  yanchor="top", bgcolor="rgba(0,0,0,0)"),
                      margin=dict(t=50, b=60))
    return fig


def neuron_figure(n, label: str, w: float, b: float, height: int = 400) -> go.Figure:
    """a = σ(w·x + b) over x, with the step position −b/w marked."""
    where = "no step (w = 0)" if n.step is None else f"step at −b/w = {n.step:.2f}"
    fig = style.figure(f"One neuron: {where}", height=height)
    fig.add_trace(go.Scatter(x=n.x, y=np.round(n.a, 4), mode="lines", name="a(x)",
                             line=dict(color=style.BLUE), showlegend=False,
                             hovertemplate="x %{x:.2f}<br>a %{y:.3f}<extra></extra>"))
    if n.step is not None and n.x[0] <= n.step <= n.x[-1]:
        fig.update_layout(
            shapes=[dict(type="line", x0=n.step, x1=n.step, y0=0, y1=1, xref="x", yref="paper",
                         line=dict(color=style.VERMILLION, dash="dash", width=2))])
    fig.update_xaxes(title=dict(text="x"), range=[n.x[0], n.x[-1]])
    fig.update_yaxes(title=dict(text=f"a = {label}(w·x + b)"))
    return fig


def bump_figure(n, label: str, height: int = 400) -> go.Figure:
    """Two neurons with the same w, steps a width apart, and their difference: a bump."""
    fig = style.figure("Two neurons subtracted: a bump", height=height)
    for y, name, col, dash in ((n.left, "a₁", style.SKY, "dot"),
                               (n.right, "a₂ (shifted)", style.ORANGE, "dot"),
                               (n.bump, "a₁ − a₂", style.BLUE, "solid")):
        fig.add_trace(go.Scatter(x=n.x, y=np.round(y, 4), mode="lines", name=name,
                                 line=dict(color=col, dash=dash,
                                           width=style.LINE_WIDTH + (1 if dash == "solid" else -1)),
                                 hovertemplate="x %{x:.2f}<br>%{y:.3f}<extra></extra>"))
    fig.update_xaxes(title=dict(text="x"), range=[n.x[0], n.x[-1]])
    fig.update_yaxes(title=dict(text="output"))
    fig.update_layout(legend=_legend_top(), margin=dict(t=90))
    return fig


def stack_figure(s, *, linear: bool, bend_label: str, height: int = 400) -> go.Figure:
    """The deep stack's output y(x): all-linear (one straight line, with its effective W, b
    drawn over it) or with the non-linear σ (it bends)."""
    depth = len(s.weights) - 1
    if linear:
        sign = "+" if s.b_eff >= 0 else "−"
        title = f"{depth} linear layers: y = {s.w_eff:.3g}·x {sign} {abs(s.b_eff):.3g}"
        y, col = s.linear, style.BLUE
    else:
        title = f"Same weights with {bend_label}" + (": it bends" if s.bend > 0.01 else "")
        y, col = s.bent, style.VERMILLION
    fig = style.figure(title, height=height)
    fig.add_trace(go.Scatter(x=s.x, y=np.round(y, 5), mode="lines", name="network output",
                             line=dict(color=col),
                             hovertemplate="x %{x:.2f}<br>y %{y:.3f}<extra></extra>"))
    if linear:
        ends = s.x[[0, -1]]
        fig.add_trace(go.Scatter(x=ends, y=s.w_eff * ends + s.b_eff, mode="lines",
                                 name="W_eff·x + b_eff",
                                 line=dict(color="#1A1A1A", dash="dash", width=2),
                                 hoverinfo="skip"))
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title=dict(text="input x"))
    fig.update_yaxes(title=dict(text="output y"))
    return fig
