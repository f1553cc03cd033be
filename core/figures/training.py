"""Figures of training, shared by every page that trains a network on the plane: loss and
metric curves, labelled points, the model's output over the input plane, and that output
replayed epoch by epoch as a Plotly animation that plays in the browser without asking the
server again.

There is one point-trace builder (:func:`points_trace`), one output trace (:func:`output_trace`)
and one replay builder (:func:`replay`); the XOR and Playground figures are made from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures import style

#: Legend in one row above the plot's right end, beside the one-line title on the left.
LEGEND_ABOVE = dict(orientation="h", x=1.0, xanchor="right", y=1.02, yanchor="bottom")
#: Legend in rows under the x-axis title: for a narrow chart with several series, where a
#: legend above would wrap over the title.
LEGEND_BELOW = dict(orientation="h", x=0.0, xanchor="left", y=-0.45, yanchor="top")
SERIES_COLORS = {"training": style.TRAIN_COLOR, "validation": style.VALIDATION_COLOR,
                 "test": style.VERMILLION}
SERIES_DASH = {"training": "solid", "validation": "dash", "test": "solid"}


def curves_figure(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], *, title: str,
                  y_title: str, log_y: bool = False, y_range: Sequence[float] | None = None,
                  height: int = 380, diverged_at: int | None = None,
                  legend: dict | None = None) -> go.Figure:
    """Named series (name → (epochs, values)) against the epoch; a name's first word
    ("training", "validation", "test") picks its colour and dash."""
    fig = style.figure(title, height=height, legend=legend or LEGEND_ABOVE)
    if legend is LEGEND_BELOW:
        fig.update_layout(margin=dict(b=120))
    for name, (epochs, values) in curves.items():
        values = np.where(np.isfinite(values), values, np.nan).astype(np.float32)
        series = name.split(" ")[0]
        fig.add_trace(go.Scatter(x=np.asarray(epochs, np.int32), y=values, name=name,
                                 mode="lines", line=dict(color=SERIES_COLORS.get(series),
                                                         dash=SERIES_DASH.get(series))))
    if diverged_at is not None:
        fig.add_vline(x=diverged_at, line=dict(color=style.VERMILLION, dash="dash"),
                      annotation_text=f"diverged at epoch {diverged_at}")
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text=y_title), type="log" if log_y else "linear",
                     range=y_range)
    if log_y and _decades(curves) >= 1.5:  # powers of ten only: 2s and 5s crowd a chart
        fig.update_yaxes(dtick=1, exponentformat="power" if _decades(curves) > 4 else "none")
    return fig


def _decades(curves: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> float:
    """How many powers of ten the curves' finite positive values span."""
    values = np.concatenate([np.asarray(v, np.float64) for _, v in curves.values()] or [[1.0]])
    values = values[np.isfinite(values) & (values > 0)]
    return float(np.log10(values.max() / values.min())) if values.size else 0.0


def _history_curves(history: Mapping[str, np.ndarray], key: str
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for k, name in ((key, "training"), (f"val_{key}", "validation")):
        if k in history:
            out[name] = (np.arange(1, len(history[k]) + 1), history[k])
    return out


def loss_curve(history: dict[str, np.ndarray], *, title: str = "Loss per epoch",
               log_y: bool = True, diverged_at: int | None = None) -> go.Figure:
    """Training (and validation, if recorded) loss against the epoch."""
    return curves_figure(_history_curves(history, "loss"), title=title, y_title="loss J(θ)",
                         log_y=log_y, diverged_at=diverged_at)


def metric_curve(history: dict[str, np.ndarray], key: str = "accuracy", *,
                 title: str = "Accuracy per epoch") -> go.Figure:
    """A metric (e.g. accuracy) for training and validation against the epoch."""
    return curves_figure(_history_curves(history, key), title=title, y_title=key,
                         y_range=[0, 1.05], height=340)


def points_trace(x: np.ndarray, labels: np.ndarray, *, name: str = "",
                 size: int = style.MARKER_SIZE, opacity: float = 1.0, hollow: bool = False,
                 n_classes: int | None = None, value_range: tuple[float, float] | None = None,
                 showlegend: bool = True) -> list[go.Scatter]:
    """Scatter traces of labelled points: one per class in the class colours and shapes
    (``hollow`` for a second set such as the test points), or, with ``value_range``, one
    trace coloured by a regression target on the diverging scale."""
    x = np.asarray(x, np.float32)
    hover = "x₁ %{x:.2f}<br>x₂ %{y:.2f}"
    if value_range is not None:
        marker = dict(color=np.asarray(labels, np.float32), colorscale=style.DIVERGING,
                      cmin=value_range[0], cmax=value_range[1], size=size,
                      symbol="diamond" if hollow else "circle",
                      line=dict(color="white" if hollow else "#1A1A1A", width=1.5))
        return [go.Scatter(x=x[:, 0], y=x[:, 1], mode="markers", name=name or "points",
                           marker=marker, opacity=opacity, showlegend=showlegend,
                           hovertemplate=hover + "<br>target %{marker.color:.2f}"
                           f"<extra>{name}</extra>")]
    labels = np.asarray(labels).astype(int)
    classes = range(n_classes) if n_classes else np.unique(labels)
    traces = []
    for label in classes:
        sel = labels == label
        if not sel.any():
            continue
        marker = style.class_marker(int(label), size=size)
        if hollow:
            marker["symbol"] += "-open"
            marker["line"] = dict(color=marker["color"], width=2.5)
        traces.append(go.Scatter(
            x=x[sel, 0], y=x[sel, 1], mode="markers", opacity=opacity, marker=marker,
            name=f"{name} class {label}".strip(), showlegend=showlegend,
            hovertemplate=hover + f"<br>class {label}<extra>{name}</extra>"))
    return traces


def _grid_z(z: np.ndarray, n: int) -> np.ndarray:
    """Grid values as float32 (sent as a compact binary array, not as decimal text)."""
    return np.asarray(z, np.float32).reshape(n, -1)


#: An output that varies less than this share of its range over the whole plane is flat: it
#: has no decision boundary, only rounding noise around one value.
FLAT_SHARE = 1e-3


def is_flat(z: np.ndarray, zrange: tuple[float, float]) -> bool:
    """Whether the output is the same everywhere (to FLAT_SHARE of ``zrange``)."""
    z = np.asarray(z, dtype=np.float64)
    return bool(np.nanmax(z) - np.nanmin(z) < FLAT_SHARE * (zrange[1] - zrange[0]))


def output_trace(ax1: np.ndarray, ax2: np.ndarray, z: np.ndarray, *,
                 zrange: tuple[float, float], kind: str = "boundary",
                 colorbar_title: str = "output", colorscale=None) -> go.Contour | go.Heatmap:
    """The model's output over the plane as one trace, x₁ varying fastest in ``z``.

    ``kind`` "boundary": coloured like a heatmap with the decision boundary (the middle of
    ``zrange``) drawn in black; "continuous": a smooth heatmap (regression); "classes": a
    heatmap without smoothing (interpolating between class k and k + 2 would pass k + 1).
    One trace, so every replay frame carries the grid once.
    """
    z = _grid_z(z, len(ax2))
    ax1, ax2 = np.asarray(ax1, np.float32), np.asarray(ax2, np.float32)
    hover = "x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>" + colorbar_title + " %{z:.2f}<extra></extra>"
    # Labels below their ticks: the one at the bar's top end would otherwise reach half a
    # line above it, into the title.
    colorbar = dict(title=dict(text=colorbar_title), thickness=14, len=0.6, y=0.0,
                    yanchor="bottom", ticklabelposition="outside bottom")
    if kind == "classes":
        return go.Heatmap(x=ax1, y=ax2, z=z, zmin=zrange[0], zmax=zrange[1], showscale=False,
                          colorscale=colorscale, zsmooth=False,
                          hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<extra>predicted class"
                          "</extra>")
    if kind == "continuous":
        return go.Heatmap(x=ax1, y=ax2, z=z, zmin=zrange[0], zmax=zrange[1], zsmooth="fast",
                          colorscale=colorscale or style.DIVERGING, colorbar=colorbar,
                          hovertemplate=hover)
    if is_flat(z, zrange):  # a contour of rounding noise would draw a jagged false line
        return go.Heatmap(x=ax1, y=ax2, z=z, zmin=zrange[0], zmax=zrange[1], zsmooth="fast",
                          colorscale=colorscale or style.DIVERGING, colorbar=colorbar,
                          name="no decision boundary", hovertemplate=hover)
    mid = (zrange[0] + zrange[1]) / 2
    return go.Contour(x=ax1, y=ax2, z=z, zmin=zrange[0], zmax=zrange[1],
                      colorscale=colorscale or style.DIVERGING, colorbar=colorbar,
                      name="decision boundary", showlegend=False,
                      contours=dict(coloring="heatmap", start=mid, end=mid, size=1,
                                    showlines=True),
                      line=dict(color="#1A1A1A", width=3), hovertemplate=hover)


def plane_figure(ax1: np.ndarray, ax2: np.ndarray, traces: Sequence, *, title: str,
                 height: int) -> go.Figure:
    """A figure of the input plane: equal scales, no grid lines over the output, the legend
    above the plot."""
    fig = style.figure(title, height=height, legend=LEGEND_ABOVE)
    fig.add_traces(list(traces))
    style.square_axes(fig, float(ax1[0]), float(ax1[-1]))
    fig.update_yaxes(range=[float(ax2[0]), float(ax2[-1])])
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(showgrid=False, zeroline=False)
    return fig


def output_map(axis: np.ndarray, outputs: np.ndarray, x: np.ndarray, labels: np.ndarray, *,
               title: str, zrange: tuple[float, float] = (0.0, 1.0),
               colorbar_title: str = "output") -> go.Figure:
    """The network's output over the input plane, with the labelled points and the decision
    boundary (the contour at the middle of ``zrange``); an output that is the same
    everywhere gets no line, and a note saying so."""
    trace = output_trace(axis, axis, outputs, zrange=zrange, colorbar_title=colorbar_title)
    fig = plane_figure(axis, axis, [trace, *points_trace(x, labels)], title=title, height=520)
    if is_flat(outputs, zrange):
        fig.add_annotation(text=f"{colorbar_title} {float(np.mean(outputs)):.2f} everywhere:"
                           "<br>no decision boundary", x=0.5, y=0.5, xref="paper",
                           yref="paper", showarrow=False, bgcolor="rgba(255,255,255,0.8)")
    return fig


def replay(ax1: np.ndarray, ax2: np.ndarray, frames: Sequence[tuple[int, np.ndarray]],
           points: Sequence[go.Scatter], *, zrange: tuple[float, float],
           captions: Sequence[str], kind: str = "boundary", colorbar_title: str = "output",
           colorscale=None, height: int = 480, frame_ms: int = 150,
           replay_label: str = "▶ replay") -> go.Figure:
    """Training replayed: the output over the plane at each recorded epoch, with the points,
    play/pause and a slider. Every page's replay is built here.

    ``frames`` are (epoch, grid values) pairs with x₁ varying fastest, ``captions`` one
    title per frame. The figure opens on the last frame (the trained state); "replay" runs
    from the first. Frames carry only the output trace's grid, as float32 binary arrays.
    """
    last = frames[-1][1]
    trace = output_trace(ax1, ax2, last, zrange=zrange, kind=kind,
                         colorbar_title=colorbar_title, colorscale=colorscale)
    fig = plane_figure(ax1, ax2, [trace, *points], title=captions[-1], height=height)
    fig.update_layout(**player([str(e) for e, _ in frames], frame_ms,
                               replay_label=replay_label))
    trace_type = trace.type
    n = len(ax2)
    fig.frames = [go.Frame(name=str(epoch), traces=[0], layout=dict(title=dict(text=caption)),
                           data=[{"type": trace_type, "z": _grid_z(z, n)}])
                  for (epoch, z), caption in zip(frames, captions, strict=True)]
    return fig


def output_replay(axis: np.ndarray, frames: Sequence[tuple[int, np.ndarray]], x: np.ndarray,
                  labels: np.ndarray, *, losses: np.ndarray | None = None,
                  zrange: tuple[float, float] = (0.0, 1.0), title: str = "Training replay",
                  frame_ms: int = 150) -> go.Figure:
    """Training replayed on a square grid ``axis`` (the XOR page's call); ``losses`` is the
    per-epoch training loss, shown in each frame's title."""

    def caption(epoch: int) -> str:
        if losses is None or epoch == 0 or epoch > len(losses):
            return f"{title}: epoch {epoch}"
        return f"{title}: epoch {epoch}, loss {losses[epoch - 1]:.4f}"

    return replay(axis, axis, frames, points_trace(x, labels), zrange=zrange,
                  captions=[caption(e) for e, _ in frames], height=600, frame_ms=frame_ms)


def player(names: list[str], frame_ms: int, *, prefix: str = "epoch ",
           captions: list[str] | None = None, replay_label: str = "▶ replay",
           slider_x: float = 0.22) -> dict:
    """Layout entries for replay/pause buttons and a slider over the frames ``names``,
    opening on the last frame. Every page's animations share it; ``style.tidy`` places
    both below the x axis's labels, with the bottom margin they need at the figure's final
    font sizes (``style.PLAYER``).

    Frames always redraw: Plotly's fast path moves scatter traces but blanks heatmaps and
    contours. The slider's tick labels are hidden (and take no height): the current value
    above the slider says which frame is shown, ``prefix`` and the frame's name, or its
    caption when ``captions`` (one per frame) are given.
    """
    play = dict(frame=dict(duration=frame_ms, redraw=True), fromcurrent=False,
                mode="immediate", transition=dict(duration=0))
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate",
                 transition=dict(duration=0))
    jump = dict(mode="immediate", frame=dict(duration=0, redraw=True),
                transition=dict(duration=0))
    labels = captions or names
    slider = dict(name=style.PLAYER, active=len(names) - 1, x=slider_x, len=1.0 - slider_x,
                  y=-0.2, yanchor="top",
                  currentvalue=dict(prefix="" if captions else prefix, xanchor="right",
                                    font=dict(size=style.FONT_SIZE, color="#1A1A1A")),
                  steps=[dict(label=label, method="animate", args=[[name], jump])
                         for name, label in zip(names, labels)],
                  font=dict(color=style.HIDDEN, size=1))
    return dict(
        updatemenus=[dict(name=style.PLAYER, type="buttons", direction="left", x=0.0, y=-0.2,
                          xanchor="left", yanchor="top", showactive=False,
                          pad=dict(t=0, r=10),
                          buttons=[dict(label=replay_label, method="animate",
                                        args=[names, play]),
                                   dict(label="❚❚ pause", method="animate",
                                        args=[[None], pause])])],
        sliders=[slider],
    )
