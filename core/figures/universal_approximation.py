"""Figures of the universal-approximation page: the fit against f (replayed over epochs, on a
range wider than the data), the fit taken apart into its hidden units, a sum built by hand,
and the error against the width."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.figures import style
from core.figures.training import loss_curve, player

TRUTH_COLOR, FIT_COLOR, DATA_COLOR = "#1A1A1A", style.VERMILLION, style.SKY
#: Legend above the plot area, right-aligned: clear of the title (left) and the data.
LEGEND_ABOVE = dict(orientation="h", x=1.0, xanchor="right", y=1.0, yanchor="bottom")


def _y_range(*curves: np.ndarray, pad: float = 0.12) -> list[float]:
    """A y-range holding the finite values of the curves, with a margin."""
    values = np.concatenate([np.asarray(c, np.float64).ravel() for c in curves])
    values = values[np.isfinite(values)]
    if not len(values):
        return [-1.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo or 1.0
    return [lo - pad * span, hi + pad * span]


def _training_range(fig: go.Figure, lo: float, hi: float, **where) -> None:
    fig.add_vrect(x0=lo, x1=hi, fillcolor="#F0F0F0", line_width=0, layer="below", **where)


def _base(grid: np.ndarray, truth: np.ndarray, x_train: np.ndarray | None,
          y_train: np.ndarray | None, title: str, height: int) -> go.Figure:
    fig = style.figure(title, height=height)
    if x_train is not None and len(x_train):
        shown = slice(None, None, max(1, len(x_train) // 300))  # no more markers than pixels
        fig.add_trace(go.Scatter(x=x_train[shown], y=y_train[shown], mode="markers",
                                 name="data", marker=dict(color=DATA_COLOR, size=6),
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=grid, y=truth, mode="lines", name="f(x)",
                             line=dict(color=TRUTH_COLOR, width=2, dash="dash")))
    fig.update_xaxes(title=dict(text="x"), range=[float(grid[0]), float(grid[-1])])
    fig.update_layout(legend=LEGEND_ABOVE, margin=dict(t=80))
    return fig


def fit_figure(grid: np.ndarray, truth: np.ndarray, fitted: np.ndarray, *,
               train_range: tuple[float, float], title: str, x_train: np.ndarray | None = None,
               y_train: np.ndarray | None = None, height: int = 420) -> go.Figure:
    """f, the data and the network's fit; the training range shaded, the rest is
    extrapolation."""
    fig = _base(grid, truth, x_train, y_train, title, height)
    fig.add_trace(go.Scatter(x=grid, y=fitted, mode="lines", name="network",
                             line=dict(color=FIT_COLOR)))
    _training_range(fig, *train_range)
    inside = (grid >= train_range[0]) & (grid <= train_range[1])
    fig.update_yaxes(title=dict(text="y"), range=_y_range(truth[inside], fitted[inside]))
    return fig


def fit_replay(grid: np.ndarray, truth: np.ndarray, frames: Sequence[tuple[int, np.ndarray]],
               *, train_range: tuple[float, float], x_train: np.ndarray, y_train: np.ndarray,
               losses: np.ndarray, frame_ms: int = 150) -> go.Figure:
    """The fit at every recorded epoch, played in the browser; opens on the last epoch."""

    def caption(epoch: int) -> str:
        loss = f", loss {losses[epoch - 1]:.4f}" if 0 < epoch <= len(losses) else ""
        return f"Fit at epoch {epoch}{loss}"

    last_epoch, last = frames[-1]
    fig = fit_figure(grid, truth, last, train_range=train_range, title=caption(last_epoch),
                     x_train=x_train, y_train=y_train, height=440)
    fig.update_layout(**player([str(e) for e, _ in frames], frame_ms), margin=dict(t=70))
    fitted_trace = len(fig.data) - 1
    spec = fig.to_dict()
    spec["frames"] = [{"name": str(e), "traces": [fitted_trace],
                       "layout": {"title": {"text": caption(e)}},
                       "data": [{"type": "scatter", "y": np.round(out, 4)}]}
                      for e, out in frames]
    return go.Figure(spec)


def loss_figure(history: dict[str, np.ndarray], *, diverged_at: int | None) -> go.Figure:
    """The shared loss curve, small enough to sit beside the fit, with 1-2-5 ticks written
    out in full (a small log axis otherwise labels 0.5 as a bare "5")."""
    fig = loss_curve(history, title="Loss (MSE) per epoch", diverged_at=diverged_at)
    fig.update_layout(height=330)
    values = np.asarray(history["loss"], np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if len(values):
        ticks = [m * 10.0 ** k for k in range(int(np.floor(np.log10(values.min()))),
                                               int(np.ceil(np.log10(values.max()))) + 1)
                 for m in (1, 2, 5)]
        ticks = [t for t in ticks if values.min() / 1.5 <= t <= values.max() * 1.5]
        fig.update_yaxes(tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    return fig


def decomposition(grid: np.ndarray, truth: np.ndarray, contributions: np.ndarray,
                  bias: float, positions: np.ndarray, *, kind: str,
                  train_range: tuple[float, float]) -> go.Figure:
    """Top: the fit = b₂ + Σ units, against f. Bottom: every unit's term w₂ᵢσ(w₁ᵢx + b₁ᵢ),
    sorted by its position −b₁ᵢ/w₁ᵢ (marked on the x-axis)."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.5, 0.5])
    fig.update_layout(height=640, legend=LEGEND_ABOVE, margin=dict(t=80),
                      title=dict(text=f"The fit as a sum of {len(contributions)} {kind}"))
    total = bias + contributions.sum(axis=0)
    fig.add_trace(go.Scatter(x=grid, y=truth, mode="lines", name="f(x)",
                             line=dict(color=TRUTH_COLOR, width=2, dash="dash")), 1, 1)
    fig.add_trace(go.Scatter(x=grid, y=total, mode="lines", name="b₂ + Σ units",
                             line=dict(color=FIT_COLOR)), 1, 1)
    colors = style.CLASS_COLORS
    for i, (term, s) in enumerate(zip(contributions, positions)):
        where = f"{s:.2f}" if np.isfinite(s) else "none"
        fig.add_trace(go.Scatter(x=grid, y=term, mode="lines", showlegend=False,
                                 line=dict(color=colors[i % len(colors)], width=2),
                                 hovertemplate=f"unit {i + 1}, position {where}"
                                               "<br>x %{x:.2f}<br>term %{y:.3f}<extra></extra>"),
                      2, 1)
    lo, hi = float(grid[0]), float(grid[-1])
    shown = positions[np.isfinite(positions) & (positions >= lo) & (positions <= hi)]
    low = _y_range(contributions)[0]
    fig.add_trace(go.Scatter(x=shown, y=np.full(len(shown), low), mode="markers",
                             name="positions −b/w", marker=dict(symbol="triangle-up", size=12,
                                                                color=TRUTH_COLOR),
                             hovertemplate="position %{x:.2f}<extra></extra>"), 2, 1)
    for row in (1, 2):
        _training_range(fig, *train_range, row=row, col=1)
    fig.update_xaxes(range=[lo, hi])
    fig.update_xaxes(title=dict(text="x"), row=2, col=1)
    fig.update_yaxes(title=dict(text="y"), range=_y_range(truth, total), row=1, col=1)
    fig.update_yaxes(title=dict(text="unit terms"), row=2, col=1)
    return fig


def hand_built(grid: np.ndarray, truth: np.ndarray, pieces: np.ndarray, total: np.ndarray,
               positions: Sequence[float], *, trained: np.ndarray | None, kind: str
               ) -> go.Figure:
    """The hand-built sum against f (and what training found), its pieces underneath."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06)
    fig.update_layout(height=600, legend=LEGEND_ABOVE, margin=dict(t=80),
                      title=dict(text=f"A sum of {len(pieces)} {kind}, built by hand"))
    fig.add_trace(go.Scatter(x=grid, y=truth, mode="lines", name="f(x)",
                             line=dict(color=TRUTH_COLOR, width=2, dash="dash")), 1, 1)
    if trained is not None:
        fig.add_trace(go.Scatter(x=grid, y=trained, mode="lines", name="trained network",
                                 line=dict(color=style.GREY, width=2)), 1, 1)
    fig.add_trace(go.Scatter(x=grid, y=total, mode="lines", name="your sum",
                             line=dict(color=style.GREEN)), 1, 1)
    for i, term in enumerate(pieces):
        fig.add_trace(go.Scatter(x=grid, y=term, mode="lines", showlegend=False,
                                 line=dict(color=style.CLASS_COLORS[i % 6], width=2),
                                 hovertemplate=f"piece {i + 1}<br>x %{{x:.2f}}<br>"
                                               "%{y:.3f}<extra></extra>"), 2, 1)
    fig.add_trace(go.Scatter(x=list(positions), y=np.full(len(positions), 0.0),
                             mode="markers", name="positions",
                             marker=dict(symbol="triangle-up", size=12, color=TRUTH_COLOR)),
                  2, 1)
    fig.update_xaxes(range=[float(grid[0]), float(grid[-1])])
    fig.update_xaxes(title=dict(text="x"), row=2, col=1)
    fig.update_yaxes(title=dict(text="y"), range=_y_range(truth), row=1, col=1)
    fig.update_yaxes(title=dict(text="pieces"), row=2, col=1)
    return fig


def width_sweep(widths: Sequence[int], max_errors: Sequence[float],
                rms_errors: Sequence[float]) -> go.Figure:
    """Max and RMS error of one hidden layer against its width (log–log)."""
    fig = style.figure("Error against width (one hidden layer)", height=420)
    for values, name, color in ((max_errors, "max |f − fit|", style.VERMILLION),
                                (rms_errors, "RMS error", style.BLUE)):
        y = np.where(np.isfinite(values), values, np.nan)
        fig.add_trace(go.Scatter(x=list(widths), y=y, mode="lines+markers", name=name,
                                 line=dict(color=color), marker=dict(size=10)))
    fig.update_xaxes(title=dict(text="hidden units"), type="log", tickvals=list(widths),
                     ticktext=[str(w) for w in widths])
    fig.update_yaxes(title=dict(text="error"), type="log")
    fig.update_layout(legend=LEGEND_ABOVE, margin=dict(t=80))
    return fig
