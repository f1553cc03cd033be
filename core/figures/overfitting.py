"""Figures of the overfitting page: model vs truth, loss curves with the validation minimum,
a regularised run against the plain one, the weights' histogram, the exercise's four output
maps and the sweeps' U-shaped curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core import overfitting as of
from core.figures import style

#: Marker styles of the three parts of the data (they also read in black and white).
PART_MARKERS = {
    "training": dict(symbol="circle", color=style.BLUE, size=11, line=dict(color="#1A1A1A",
                                                                            width=1)),
    "validation": dict(symbol="diamond-open", color=style.ORANGE, size=12,
                       line=dict(color=style.ORANGE, width=2.5)),
    "test": dict(symbol="x-thin-open", color=style.GREY, size=11,
                 line=dict(color="#404040", width=2.5)),
}
TRUTH_LINE = dict(color="#1A1A1A", width=2.5, dash="dash")
PLAIN_DASH = "dot"


def _points(split: of.Split, *, show_legend: bool) -> list[go.Scatter]:
    parts = (("training", split.x_train, split.y_train), ("validation", split.x_val, split.y_val),
             ("test", split.x_test, split.y_test))
    return [go.Scatter(x=x, y=y, mode="markers", name=f"{name} points", legendgroup=name,
                       showlegend=show_legend, marker=PART_MARKERS[name],
                       hovertemplate=f"{name}<br>x %{{x:.2f}}<br>y %{{y:.2f}}<extra></extra>")
            for name, x, y in parts]


def _truth(split: of.Split, *, show_legend: bool) -> go.Scatter:
    return go.Scatter(x=split.x_curve, y=split.y_truth, mode="lines", name="truth f(x)",
                      legendgroup="truth", showlegend=show_legend, line=TRUTH_LINE,
                      hoverinfo="skip")


def _y_range(split: of.Split) -> list[float]:
    ys = np.concatenate([split.y_train, split.y_val, split.y_test, split.y_truth])
    pad = 0.15 * float(np.ptp(ys) or 1.0)
    return [float(ys.min()) - pad, float(ys.max()) + pad]


def capacity_fits(split: of.Split, fits: Mapping[str, of.Fit], titles: Mapping[str, str],
                  *, height: int = 380) -> go.Figure:
    """Model vs truth for each capacity, side by side: the truth, the three parts of the data
    in their marker styles, and the trained network's curve."""
    names = list(fits)
    fig = make_subplots(rows=1, cols=len(names), shared_yaxes=True, horizontal_spacing=0.035,
                        subplot_titles=[titles[n] for n in names])
    for col, name in enumerate(names, start=1):
        first = col == 1
        fig.add_trace(_truth(split, show_legend=first), row=1, col=col)
        for trace in _points(split, show_legend=first):
            fig.add_trace(trace, row=1, col=col)
        fig.add_trace(go.Scatter(x=split.x_curve, y=fits[name].y_curve, mode="lines",
                                 name="network", legendgroup="network", showlegend=first,
                                 line=dict(color=style.GREEN, width=3.5),
                                 hovertemplate="x %{x:.2f}<br>network %{y:.2f}<extra></extra>"),
                      row=1, col=col)
        # Ticks inside the interval: at the panels' shared edges −1 and 1 would collide.
        fig.update_xaxes(title=dict(text="x"), range=[-of.X_RANGE, of.X_RANGE],
                         tickvals=[-0.5, 0, 0.5], row=1, col=col)
    fig.update_yaxes(range=_y_range(split))
    fig.update_yaxes(title=dict(text="y"), row=1, col=1)
    fig.update_layout(height=height, margin=dict(t=40))
    fig.update_annotations(font=dict(size=style.FONT_SIZE))
    return fig


def _log_axis(*series: np.ndarray) -> dict:
    """A log y axis around the positive values: ticks at powers of ten when it spans more
    than a decade (Plotly's 2 and 5 in between repeat for every decade and read ambiguously
    from afar)."""
    values = np.concatenate([s[np.isfinite(s) & (s > 0)] for s in series])
    lo, hi = np.log10(float(values.min())) - 0.1, np.log10(float(values.max())) + 0.1
    axis = dict(type="log", range=[lo, hi])
    if hi - lo > 1.2:
        axis.update(dtick=1, tickformat="~g")
    return axis


def _mark_minimum(fig: go.Figure, fit: of.Fit, *, name: str, text: str | None) -> None:
    """A star at the validation minimum; ``text`` annotates it (e.g. "overtraining starts")."""
    epoch = fit.best_epoch
    fig.add_trace(go.Scatter(x=[epoch], y=[fit.min_val_loss], mode="markers", name=name,
                             marker=dict(symbol="star", size=20, color=style.VERMILLION,
                                         line=dict(color="#1A1A1A", width=1)),
                             hovertemplate=f"epoch {epoch}<br>validation loss "
                                           "%{y:.4f}<extra></extra>"))
    if text:
        # Halfway up, beside the line on the side with more room: in a log-scale loss plot
        # the curves have fallen to the lower part by then, and the legend sits at the top.
        right = epoch < 0.6 * len(fit.history["val_loss"])
        fig.add_vline(x=epoch, line=dict(color=style.VERMILLION, width=2, dash="dash"))
        fig.add_annotation(x=epoch, y=0.55, yref="paper", text=text, showarrow=False,
                           xanchor="left" if right else "right", xshift=6 if right else -6,
                           align="left" if right else "right",
                           font=dict(color=style.VERMILLION, size=style.FONT_SIZE - 2))


def loss_curves(fit: of.Fit, *, title: str, height: int = 380) -> go.Figure:
    """Training and validation loss per epoch on a log scale, the validation minimum marked
    where overtraining starts (if the validation loss rises after it)."""
    fig = style.figure(title, height=height)
    h = fit.history
    epochs = np.arange(1, len(h["loss"]) + 1)
    fig.add_trace(go.Scatter(x=epochs, y=h["loss"], mode="lines", name="training",
                             line=dict(color=style.TRAIN_COLOR)))
    fig.add_trace(go.Scatter(x=epochs, y=h["val_loss"], mode="lines", name="validation",
                             line=dict(color=style.VALIDATION_COLOR)))
    rises = fit.final_val_loss > fit.min_val_loss * 1.05
    _mark_minimum(fig, fit, name="val. minimum",
                  text=OVERTRAINING_NOTE if rises else None)
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text="loss (MSE)"), **_log_axis(h["loss"], h["val_loss"]))
    # Top right: by the late epochs the curves have fallen far below the first epochs' loss.
    fig.update_layout(legend=dict(x=0.99, xanchor="right", y=0.99, yanchor="top"))
    return fig


OVERTRAINING_NOTE = "overtraining<br>starts here"


def comparison_fits(split: of.Split, plain: of.Fit, regularised: of.Fit, *, label: str,
                    height: int = 400) -> go.Figure:
    """The regularised network's curve and the plain one's, against the truth and the data."""
    fig = style.figure("Model vs truth", height=height)
    fig.add_trace(_truth(split, show_legend=True))
    for trace in _points(split, show_legend=True):
        fig.add_trace(trace)
    fig.add_trace(go.Scatter(x=split.x_curve, y=plain.y_curve, mode="lines",
                             name="without", line=dict(color=style.GREY, width=3,
                                                       dash=PLAIN_DASH)))
    fig.add_trace(go.Scatter(x=split.x_curve, y=regularised.y_curve, mode="lines", name=label,
                             line=dict(color=style.GREEN, width=3.5)))
    fig.update_xaxes(title=dict(text="x"), range=[-of.X_RANGE, of.X_RANGE])
    fig.update_yaxes(title=dict(text="y"), range=_y_range(split))
    return fig


def comparison_losses(plain: of.Fit, regularised: of.Fit, *, label: str,
                      height: int = 400) -> go.Figure:
    """Both runs' training and validation loss: colour = which loss, dotted = without."""
    fig = style.figure("Loss per epoch", height=height)
    series = []
    for fit, run, dash in ((plain, "without", PLAIN_DASH), (regularised, label, "solid")):
        h = fit.history
        epochs = np.arange(1, len(h["loss"]) + 1)
        for key, part, color in (("loss", "training", style.TRAIN_COLOR),
                                 ("val_loss", "validation", style.VALIDATION_COLOR)):
            fig.add_trace(go.Scatter(x=epochs, y=h[key], mode="lines", name=f"{part} · {run}",
                                     line=dict(color=color, dash=dash)))
            series.append(h[key])
    _mark_minimum(fig, plain, name="min · without", text=None)
    _mark_minimum(fig, regularised, name=f"min · {label}", text=None)
    fig.data[-1].marker.color = style.GREEN
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text="loss (MSE)"), **_log_axis(*series))
    return fig


def weight_histogram(plain: of.Fit, regularised: of.Fit, *, label: str,
                     height: int = 360) -> go.Figure:
    """All kernel weights of both networks as overlaid histograms on shared bins."""
    a, b = plain.kernel_weights(), regularised.kernel_weights()
    top = float(np.percentile(np.abs(np.concatenate([a, b])), 99.5)) or 1.0
    bins = dict(start=-top, end=top, size=2 * top / 60)
    fig = style.figure("Kernel weights", height=height)
    fig.add_trace(go.Histogram(x=np.clip(a, -top, top), xbins=bins, name="without",
                               marker=dict(color=style.GREY), opacity=0.6))
    fig.add_trace(go.Histogram(x=np.clip(b, -top, top), xbins=bins, name=label,
                               marker=dict(color=style.GREEN), opacity=0.75))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=dict(text="weight w"))
    fig.update_yaxes(title=dict(text="count"), type="log")
    return fig


# ----------------------------------------------------------------------------------------
# The 2-D exercise
# ----------------------------------------------------------------------------------------


def exercise_maps(axis: np.ndarray, outputs: Sequence[np.ndarray], titles: Sequence[str],
                  train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                  *, height: int = 330) -> go.Figure:
    """Each run's output over the plane (tanh output: −1 blue … +1 orange) with the training
    points (filled) and the test points (open), side by side."""
    n = len(outputs)
    fig = make_subplots(rows=1, cols=n, horizontal_spacing=0.02, subplot_titles=list(titles))
    for col, out in enumerate(outputs, start=1):
        z = np.round(np.asarray(out, np.float64).reshape(len(axis), len(axis)), 3)
        fig.add_trace(go.Contour(
            x=axis, y=axis, z=z, zmin=-1, zmax=1, colorscale=style.DIVERGING, showscale=False,
            contours=dict(coloring="heatmap", start=0, end=0, size=1, showlines=True),
            line=dict(color="#1A1A1A", width=2), hoverinfo="skip", name="output"),
            row=1, col=col)
        for (x, y), test_part in ((train, False), (test, True)):
            for k in (0, 1):
                sel = y == k
                marker = style.class_marker(k, size=7 if test_part else 8)
                if test_part:
                    marker = dict(symbol=marker["symbol"] + "-open", size=7,
                                  color=marker["color"], line=dict(color=marker["color"],
                                                                   width=1.5))
                fig.add_trace(go.Scatter(
                    x=x[sel, 0], y=x[sel, 1], mode="markers", marker=marker,
                    name=f"class {k}" + (" (test)" if test_part else " (training)"),
                    legendgroup=f"{k}{test_part}", showlegend=col == 1, hoverinfo="skip"),
                    row=1, col=col)
        lo, hi = float(axis[0]), float(axis[-1])
        bare = dict(range=[lo, hi], showticklabels=False, ticks="", showgrid=False,
                    zeroline=False, constrain="domain")
        fig.update_xaxes(**bare, row=1, col=col)
        fig.update_yaxes(**bare, scaleanchor="x" if col == 1 else f"x{col}", row=1, col=col)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40))
    fig.update_layout(margin=dict(b=style.X_TICKS_BOTTOM))  # tick labels, no axis titles
    fig.update_annotations(font=dict(size=style.FONT_SIZE - 1))
    return fig


def exercise_losses(histories: Sequence[Mapping[str, np.ndarray]], titles: Sequence[str],
                    *, height: int = 300) -> go.Figure:
    """Training and test loss per epoch of each run, side by side on one log scale."""
    n = len(histories)
    fig = make_subplots(rows=1, cols=n, shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=list(titles))
    for col, h in enumerate(histories, start=1):
        epochs = np.arange(1, len(h["loss"]) + 1)
        for key, name, color in (("loss", "training", style.TRAIN_COLOR),
                                 ("val_loss", "test", style.VALIDATION_COLOR)):
            fig.add_trace(go.Scatter(x=epochs, y=h[key], mode="lines", name=name,
                                     legendgroup=name, showlegend=col == 1,
                                     line=dict(color=color, width=2.5)), row=1, col=col)
        # Three upright ticks per panel: a narrow panel has no room for more.
        fig.update_xaxes(title=dict(text="epoch"), nticks=3, tickangle=0, row=1, col=col)
    series = [h[k] for h in histories for k in ("loss", "val_loss")]
    fig.update_yaxes(**_log_axis(*series))
    fig.update_yaxes(title=dict(text="loss"), row=1, col=1)
    fig.update_layout(height=height, margin=dict(t=40))
    fig.update_annotations(font=dict(size=style.FONT_SIZE - 1))
    return fig


# ----------------------------------------------------------------------------------------
# Sweeps
# ----------------------------------------------------------------------------------------


def sweep_curve(x: Sequence[float], train: np.ndarray, val: np.ndarray, *, title: str,
                x_title: str, log_x: bool, height: int = 380,
                names: tuple[str, str] = ("training", "validation"),
                y_title: str = "final loss (MSE)", best: bool = True) -> go.Figure:
    """Final loss against a swept setting: mean over seeds as a line, every seed as a dot
    (the spread), and (``best``) the setting with the lowest mean of the second series
    marked. ``names`` name the two series (rows: settings, columns: seeds)."""
    fig = style.figure(title, height=height)
    xs = np.asarray(x, float)
    for values, name, color in ((train, names[0], style.TRAIN_COLOR),
                                (val, names[1], style.VALIDATION_COLOR)):
        seeds = values.shape[1]
        fig.add_trace(go.Scatter(x=np.repeat(xs, seeds), y=values.ravel(), mode="markers",
                                 name=f"{name}, each seed", legendgroup=name,
                                 marker=dict(color=color, size=8, opacity=0.45),
                                 hovertemplate="%{x:g}: %{y:.4f}<extra></extra>"))
        fig.add_trace(go.Scatter(x=xs, y=np.nanmean(values, axis=1), mode="lines+markers",
                                 name=f"{name}, mean", legendgroup=name,
                                 line=dict(color=color), marker=dict(size=10)))
    if best:
        i = int(np.nanargmin(np.nanmean(val, axis=1)))
        fig.add_trace(go.Scatter(x=[xs[i]], y=[float(np.nanmean(val[i]))], mode="markers",
                                 name=f"best: {xs[i]:g}",
                                 marker=dict(symbol="star", size=22, color=style.VERMILLION,
                                             line=dict(color="#1A1A1A", width=1))))
    x_axis = dict(type="log", dtick=1, exponentformat="power") if log_x else {}
    fig.update_xaxes(title=dict(text=x_title), **x_axis)
    fig.update_yaxes(title=dict(text=y_title), **_log_axis(train, val))
    return fig
