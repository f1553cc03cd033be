"""The Playground's curves and metrics: loss and accuracy per epoch for the training,
validation (when one is watched) and test sets, the confusion matrix, and predicted against
true for regression."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import playground as pg
from core.figures import style
from core.figures import training as fig_training

#: Fits beside the replay under two rows of metrics at 1280×720.
CURVE_HEIGHT = 285


def _legend(curves: dict) -> dict | None:
    """Two series fit one row above the plot; three go under it (above, they would wrap
    over the title)."""
    return fig_training.LEGEND_BELOW if len(curves) > 2 else None


def _title(r: pg.PlaygroundRun, title: str) -> str:
    """The title, saying which curve early stopping and the schedule watch (dashed)."""
    return f"{title} (dashed: watched)" if r.monitored else title


def loss_figure(r: pg.PlaygroundRun) -> go.Figure:
    """Training, validation (if watched) and test loss per epoch on a log scale, with the
    epoch of divergence or of early stopping marked."""
    curves = r.curves("loss")
    fig = fig_training.curves_figure(curves, title=_title(r, "Loss"), y_title="loss",
                                     log_y=True, diverged_at=r.result.diverged_at,
                                     height=CURVE_HEIGHT + (80 if _legend(curves) else 0),
                                     legend=_legend(curves))
    if r.result.stopped_early_at is not None:
        fig.add_vline(x=r.result.stopped_early_at, line=dict(color=style.GREY, dash="dot"))
    return fig


def accuracy_figure(r: pg.PlaygroundRun) -> go.Figure:
    """Training, validation (if watched) and test accuracy per epoch."""
    curves = r.curves("accuracy")
    fig = fig_training.curves_figure(curves, title=_title(r, "Accuracy"), y_title="accuracy",
                                     y_range=[0, 1.05], legend=_legend(curves),
                                     height=CURVE_HEIGHT + (80 if _legend(curves) else 0))
    fig.update_yaxes(tickformat=".0%")
    return fig


def confusion_figure(confusion: np.ndarray) -> go.Figure:
    """Test points counted by true class (rows) and predicted class (columns)."""
    k = len(confusion)
    names = [f"class {i}" for i in range(k)]
    fig = style.figure("Confusion matrix (test)", height=340,
                       margin=dict(l=102, r=20, t=60, b=60))
    fig.add_trace(go.Heatmap(
        z=confusion[::-1], x=names, y=names[::-1], colorscale=[[0, "#FFFFFF"], [1, style.BLUE]],
        showscale=False, texttemplate="%{z}", textfont=dict(size=style.FONT_SIZE + 4),
        hovertemplate="true %{y}<br>predicted %{x}<br>%{z} points<extra></extra>"))
    fig.update_xaxes(title=dict(text="predicted"), showgrid=False)
    fig.update_yaxes(title=dict(text="true"), showgrid=False)
    return fig


def regression_fit(r: pg.PlaygroundRun) -> go.Figure:
    """Predicted against true target for the training and test points, with R²."""
    m = r.metrics
    lo, hi = r.value_range
    fig = style.figure(f"Predicted vs true · R² test {m.test_r2:.3f}", height=CURVE_HEIGHT,
                       legend=fig_training.LEGEND_ABOVE)
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perfect",
                             line=dict(color=style.GREY, dash="dash", width=2),
                             hoverinfo="skip"))
    for d, name, color in ((r.train, "training", style.TRAIN_COLOR),
                           (r.test, "test", style.VERMILLION)):
        pred = r.predict(d.x)[:, 0].astype(np.float32)
        fig.add_trace(go.Scatter(x=d.y.astype(np.float32), y=pred, mode="markers", name=name,
                                 marker=dict(color=color, size=7, opacity=0.7),
                                 hovertemplate="true %{x:.2f}<br>predicted %{y:.2f}"
                                 "<extra></extra>"))
    fig.update_xaxes(title=dict(text="true target"))
    fig.update_yaxes(title=dict(text="prediction"))
    return fig
