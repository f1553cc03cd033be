"""Figures of training: loss curves, and model outputs over the input plane replayed epoch by
epoch as a Plotly animation that plays in the browser without asking the server again."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures import style


def loss_curve(history: dict[str, np.ndarray], *, title: str = "Loss per epoch",
               log_y: bool = True, diverged_at: int | None = None) -> go.Figure:
    """Training (and validation, if recorded) loss against the epoch."""
    fig = style.figure(title, height=380)
    epochs = np.arange(1, len(history["loss"]) + 1)
    series = [("loss", "training", style.TRAIN_COLOR), ("val_loss", "validation",
                                                         style.VALIDATION_COLOR)]
    for key, name, color in series:
        if key in history:
            values = np.where(np.isfinite(history[key]), history[key], np.nan)
            fig.add_trace(go.Scatter(x=epochs, y=values, name=name, mode="lines",
                                     line=dict(color=color)))
    if diverged_at is not None:
        fig.add_vline(x=diverged_at, line=dict(color=style.VERMILLION, dash="dash"),
                      annotation_text=f"diverged at epoch {diverged_at}")
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text="loss J(θ)"), type="log" if log_y else "linear")
    fig.update_layout(legend=dict(x=0.99, xanchor="right", y=0.99))
    return fig


def metric_curve(history: dict[str, np.ndarray], key: str = "accuracy", *,
                 title: str = "Accuracy per epoch") -> go.Figure:
    """A metric (e.g. accuracy) for training and validation against the epoch."""
    fig = style.figure(title, height=340)
    epochs = np.arange(1, len(history.get(key, [])) + 1)
    for k, name, color in ((key, "training", style.TRAIN_COLOR),
                           (f"val_{key}", "validation", style.VALIDATION_COLOR)):
        if k in history:
            fig.add_trace(go.Scatter(x=epochs, y=history[k], name=name, mode="lines",
                                     line=dict(color=color)))
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text=key), range=[0, 1.05])
    return fig


def _heatmap(axis: np.ndarray, z: np.ndarray, *, zmin: float, zmax: float,
             colorscale, colorbar_title: str) -> go.Heatmap:
    return go.Heatmap(x=axis, y=axis, z=np.round(z, 3), zmin=zmin, zmax=zmax,
                      colorscale=colorscale, zsmooth="best",
                      colorbar=dict(title=dict(text=colorbar_title), thickness=16),
                      hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>output %{z:.2f}<extra></extra>")


def points_trace(x: np.ndarray, labels: np.ndarray, *, name: str = "",
                 size: int = style.MARKER_SIZE, opacity: float = 1.0) -> list[go.Scatter]:
    """Scatter traces of labelled points, one per class, in the class colours."""
    traces = []
    for label in np.unique(labels.astype(int)):
        sel = labels.astype(int) == label
        traces.append(go.Scatter(
            x=x[sel, 0], y=x[sel, 1], mode="markers", opacity=opacity,
            name=f"{name}class {label}".strip(), marker=style.class_marker(int(label), size=size),
            hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}" + f"<br>class {label}<extra></extra>"))
    return traces


def output_map(axis: np.ndarray, outputs: np.ndarray, x: np.ndarray, labels: np.ndarray, *,
               title: str, zrange: tuple[float, float] = (0.0, 1.0),
               colorbar_title: str = "output") -> go.Figure:
    """The network's output over the input plane as a heatmap, with the labelled points and
    the decision boundary (the contour at the middle of ``zrange``)."""
    n = len(axis)
    z = outputs.reshape(n, n)
    fig = style.figure(title, height=520)
    fig.add_trace(_heatmap(axis, z, zmin=zrange[0], zmax=zrange[1], colorscale=style.DIVERGING,
                           colorbar_title=colorbar_title))
    fig.add_trace(_boundary(axis, z, sum(zrange) / 2))
    for trace in points_trace(x, labels):
        fig.add_trace(trace)
    # Legend above the plot, right-aligned: beside it sits the colour bar.
    fig.update_layout(legend=dict(orientation="h", x=1.0, xanchor="right", y=1.02,
                                  yanchor="bottom"))
    return style.square_axes(fig, float(axis[0]), float(axis[-1]))


def _boundary(axis: np.ndarray, z: np.ndarray, level: float) -> go.Contour:
    return go.Contour(x=axis, y=axis, z=np.round(z, 3), showscale=False, hoverinfo="skip",
                      contours=dict(start=level, end=level, size=1, coloring="none"),
                      line=dict(color="#1A1A1A", width=3), name="decision boundary")


def output_replay(axis: np.ndarray, frames: Sequence[tuple[int, np.ndarray]], x: np.ndarray,
                  labels: np.ndarray, *, losses: np.ndarray | None = None,
                  zrange: tuple[float, float] = (0.0, 1.0), title: str = "Training replay",
                  frame_ms: int = 150) -> go.Figure:
    """Training replayed: the output map at each recorded epoch, with play/pause and a slider.

    ``frames`` are (epoch, outputs on the grid) pairs; ``losses`` is the per-epoch training
    loss, shown in each frame's title.
    """
    n = len(axis)

    def caption(epoch: int) -> str:
        if losses is None or epoch == 0 or epoch > len(losses):
            return f"{title}: epoch {epoch}"
        return f"{title}: epoch {epoch}, loss {losses[epoch - 1]:.4f}"

    # The figure opens on the trained state; "replay" runs from the first frame.
    last_epoch, last = frames[-1]
    fig = output_map(axis, last, x, labels, title=caption(last_epoch), zrange=zrange)
    fig.update_layout(**player([str(epoch) for epoch, _ in frames], frame_ms))
    fig.update_layout(height=600, margin=dict(b=120))
    # Frames as plain dicts carrying only what changes (the grid values): building them as
    # graph objects validates every array and costs ten times more.
    spec = fig.to_dict()
    spec["frames"] = [
        {"name": str(epoch), "traces": [0, 1], "layout": {"title": {"text": caption(epoch)}},
         "data": [{"type": "heatmap", "z": np.round(out.reshape(n, n), 3)},
                  {"type": "contour", "z": np.round(out.reshape(n, n), 3)}]}
        for epoch, out in frames
    ]
    return go.Figure(spec)


def player(names: list[str], frame_ms: int, *, prefix: str = "epoch ",
           captions: list[str] | None = None, replay_label: str = "▶ replay",
           buttons_y: float = -0.12, slider_y: float = -0.08, slider_x: float = 0.22
           ) -> dict:
    """Layout entries for replay/pause buttons and a slider over the frames ``names``,
    opening on the last frame. Every page's animations share it.

    Frames always redraw: Plotly's fast path moves scatter traces but blanks heatmaps and
    contours. ``captions`` (one per frame) replace the slider's tick labels, shown only as
    the current value (long captions would crowd the ticks).
    """
    play = dict(frame=dict(duration=frame_ms, redraw=True), fromcurrent=False,
                mode="immediate", transition=dict(duration=0))
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate",
                 transition=dict(duration=0))
    jump = dict(mode="immediate", frame=dict(duration=0, redraw=True),
                transition=dict(duration=0))
    labels = captions or names
    slider = dict(active=len(names) - 1, x=slider_x, len=1.0 - slider_x, y=slider_y,
                  yanchor="top",
                  currentvalue=dict(prefix="" if captions else prefix, xanchor="right",
                                    font=dict(size=style.FONT_SIZE, color="#1A1A1A")),
                  steps=[dict(label=label, method="animate", args=[[name], jump])
                         for name, label in zip(names, labels)])
    if captions:
        slider["font"] = dict(color="rgba(0,0,0,0)")
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=buttons_y,
                          xanchor="left", yanchor="top", showactive=False,
                          pad=dict(t=0, r=10),
                          buttons=[dict(label=replay_label, method="animate",
                                        args=[names, play]),
                                   dict(label="❚❚ pause", method="animate",
                                        args=[[None], pause])])],
        sliders=[slider],
    )
