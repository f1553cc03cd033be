"""The Playground's main picture: the network's output over the input plane with the training
(and test) points, replayed epoch by epoch (built by the shared ``training.replay``)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import playground as pg
from core.figures import style
from core.figures import training as fig_training

POINT_SIZE = 9
REPLAY_HEIGHT = 470


def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white (amount 1 = white)."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return f"rgb({mixed[0]},{mixed[1]},{mixed[2]})"


def class_colorscale(n_classes: int) -> list[list]:
    """Colours for :func:`encode_classes`: class k's band runs from pale to full colour."""
    scale = []
    for k in range(n_classes):
        color = style.CLASS_COLORS[k % len(style.CLASS_COLORS)]
        scale += [[k / n_classes, _tint(color, 0.9)], [(k + 1) / n_classes, _tint(color, 0.15)]]
    return scale


def encode_classes(probabilities: np.ndarray) -> np.ndarray:
    """Softmax outputs → one number per point: the predicted class k plus its confidence in
    [0, 1) (0 = as unsure as a uniform guess), drawn with :func:`class_colorscale`."""
    k = probabilities.shape[1]
    top = probabilities.max(axis=1)
    confidence = np.clip((top - 1 / k) / (1 - 1 / k), 0.0, 0.999)
    return np.argmax(probabilities, axis=1) + confidence


def output_values(r: pg.PlaygroundRun, outputs: np.ndarray, discretize: bool) -> np.ndarray:
    """What the output heatmap draws for network outputs on the grid, as a square array."""
    n = pg.GRID_SIZE
    outputs = np.nan_to_num(np.asarray(outputs, np.float64))
    if r.head.kind == "softmax":
        z = encode_classes(outputs)
        z = np.floor(z) + 0.999 if discretize else z
    else:
        z = outputs[:, 0]
        if discretize and r.head.kind != "regression":
            lo, hi = r.head.output_range
            z = np.where(z >= (lo + hi) / 2, hi, lo)
    return z.reshape(n, n).astype(np.float32)


def point_traces(r: pg.PlaygroundRun, data, *, test: bool, size: int = POINT_SIZE,
                 showlegend: bool = True) -> list[go.Scatter]:
    """A data set's points: one trace per class (test points hollow), or one coloured by the
    regression target."""
    name = "test" if test else "training"
    if data.kind == "regression":
        return fig_training.points_trace(data.x, data.y, name=name, size=size, hollow=test,
                                         value_range=r.value_range, showlegend=showlegend)
    return fig_training.points_trace(data.x, data.y, name=name if test else "", size=size,
                                     hollow=test, n_classes=data.n_classes,
                                     showlegend=showlegend)


def caption(epoch: int) -> str:
    """A frame's title: short, so it fits one line at any width (the losses are metrics)."""
    return f"Output after epoch {epoch}"


def output_replay(r: pg.PlaygroundRun, *, discretize: bool = False, show_test: bool = False,
                  frame_ms: int = 150, live: bool = False) -> go.Figure:
    """The output over the input plane with the training (and test) points.

    Shows the end of training; "▶ replay" plays training from epoch 0, the slider steps
    through the recorded epochs. All frames travel with the figure: no server round trip.
    ``live``: a run still training, drawn many times a second: only its newest state, without
    frames or replay controls (the plot keeps its size, so the page does not jump).
    """
    snapshots = list(zip(r.result.snapshots, r.grid_outputs))
    frames = [(s.epoch, output_values(r, out, discretize))
              for s, out in (snapshots[-1:] if live else snapshots)]
    points = point_traces(r, r.train, test=False)
    if show_test:
        points += point_traces(r, r.test, test=True)
    ax1, ax2 = r.grid_axes
    if r.head.kind == "softmax":
        k = r.train.n_classes
        options = dict(kind="classes", zrange=(0, k), colorscale=class_colorscale(k))
    elif r.head.kind == "regression":
        options = dict(kind="continuous", zrange=r.value_range, colorbar_title="prediction")
    else:
        options = dict(kind="boundary", zrange=r.value_range)
    fig = fig_training.replay(ax1, ax2, frames, points, captions=[caption(e) for e, _ in frames],
                              height=REPLAY_HEIGHT, frame_ms=frame_ms,
                              replay_label="▶ replay", **options)
    if live:
        fig.layout.updatemenus, fig.layout.sliders, fig.frames = (), (), ()
    return fig
