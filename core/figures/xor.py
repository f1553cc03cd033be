"""Figures of the XOR page: the hidden space where the four points become separable, and the
sweep over the number of hidden units."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures import style
from core.figures.training import points_trace


def hidden_space(h: np.ndarray, labels: np.ndarray, *, w_out: np.ndarray, b_out: float,
                 threshold: float, title: str, warped: Sequence[np.ndarray] = (),
                 point_names: Sequence[str] = ()) -> go.Figure:
    """The four points seen by the output layer: their hidden activations h = (h₁, h₂), and
    the output unit's separating line w·h + b = threshold.

    ``warped`` are grid lines of the input plane mapped into hidden space, to show how the
    hidden layer folds the plane.
    """
    fig = style.figure(title, height=520)
    if len(warped):
        # All grid lines as one trace, separated by gaps: one trace builds ~20x faster.
        gap = np.full((1, 2), np.nan)
        joined = np.concatenate([part for line in warped for part in (line, gap)])
        fig.add_trace(go.Scatter(x=joined[:, 0], y=joined[:, 1], mode="lines",
                                 hoverinfo="skip", line=dict(color="#C8C8C8", width=1.5),
                                 showlegend=False, connectgaps=False))
    pts = h[:, :2] if h.shape[1] >= 2 else np.column_stack([h[:, 0], np.zeros(len(h))])
    lo = float(min(pts.min(), 0.0)) - 0.6
    hi = float(max(pts.max(), 1.0)) + 0.6
    _separating_line(fig, w_out, b_out, threshold, lo, hi)
    for trace in points_trace(pts, labels, size=style.MARKER_SIZE + 6):
        fig.add_trace(trace)
    if point_names:
        fig.add_trace(_point_labels(pts, point_names, (lo + hi) / 2))
    return style.square_axes(fig, lo, hi, x_title="h₁", y_title="h₂")


def _point_labels(pts: np.ndarray, names: Sequence[str], middle: float) -> go.Scatter:
    """One label per distinct position, naming every input that lands there (points that
    coincide share a label instead of printing on top of each other), written towards the
    middle of the plot so that no label runs off its edge."""
    places: dict[tuple[float, float], list[str]] = {}
    for (a, b), name in zip(np.round(pts, 6), names):
        places.setdefault((float(a), float(b)), []).append(name)
    xy = np.array(list(places))
    return go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="text", showlegend=False, hoverinfo="skip",
        text=[" ".join(group) for group in places.values()],
        textposition=["top left" if x > middle else "top right" for x in xy[:, 0]],
        textfont=dict(size=style.FONT_SIZE))


def _separating_line(fig: go.Figure, w: np.ndarray, b: float, threshold: float, lo: float,
                     hi: float) -> None:
    """Draw w₁h₁ + w₂h₂ + b = threshold across [lo, hi]² (if it crosses it)."""
    w = np.asarray(w, float).ravel()
    if w.size < 2 or np.allclose(w[:2], 0):
        return
    ts = np.linspace(lo, hi, 200)
    if abs(w[1]) > 1e-12:
        xs, ys = ts, (threshold - b - w[0] * ts) / w[1]
    else:
        xs, ys = np.full_like(ts, (threshold - b) / w[0]), ts
    keep = (ys >= lo) & (ys <= hi) & (xs >= lo) & (xs <= hi)
    fig.add_trace(go.Scatter(x=xs[keep], y=ys[keep], mode="lines", name="output = ½",
                             line=dict(color="#1A1A1A", width=3, dash="dash")))


def success_rate(units: Sequence[int], rates: Sequence[float], seeds: int) -> go.Figure:
    """Share of training runs (different seeds) that solve XOR, per number of hidden units."""
    fig = style.figure(f"Runs that solve XOR ({seeds} seeds each)", height=400)
    fig.add_trace(go.Bar(x=[str(u) for u in units], y=np.asarray(rates) * 100,
                         marker=dict(color=style.BLUE), text=[f"{r:.0%}" for r in rates],
                         textposition="outside", hovertemplate="%{x} units: %{y:.0f}%"
                                                               "<extra></extra>"))
    fig.update_xaxes(title=dict(text="hidden units"), type="category")
    fig.update_yaxes(title=dict(text="solved (%)"), range=[0, 115])
    return fig
