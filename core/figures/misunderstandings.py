"""Figures of the misunderstandings page, one or two per claim. Where another page already
draws the picture, its builder draws it here too: the overfitting page's output maps, loss
panels and sweep curves, the universal-approximation page's fit against f."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core import activations
from core.figures import overfitting as fig_of
from core.figures import style
from core.figures import universal_approximation as fig_ua
from core.misunderstandings import data_size as D
from core.misunderstandings import existence as E
from core.misunderstandings import linear_layers as L
from core.misunderstandings import retraining as R
from core.misunderstandings import selection as S
from core.misunderstandings import simple_fits as F

RANK_COLORS = {"best": style.GREEN, "median": style.ORANGE, "worst": style.PINK}
BUILT_COLOR = style.BLUE


# ----------------------------------------------------------------------------------------
# 1 · A layer without activation
# ----------------------------------------------------------------------------------------


def _label(name: str) -> str:
    return activations.get(name).label


#: What the maps' markers mean (their legend would take the height of the maps).
MAP_MARKERS = ("Filled markers: training points, open markers: test points; blue circles "
               "class 0, orange diamonds class 1; the black line is the decision boundary.")


def linear_maps(r: L.LayerRun, *, height: int = 340) -> go.Figure:
    """The network without σ and with it: output over the plane, test accuracy on top; no
    legend (:data:`MAP_MARKERS` says what the markers mean)."""
    runs = (r.runs["linear"], r.runs["nonlinear"])
    titles = [f"no σ: {runs[0].test_accuracy:.0%} right",
              f"{_label(r.params.activation)}: {runs[1].test_accuracy:.0%} right"]
    fig = fig_of.exercise_maps(r.axis, [t.grid_output for t in runs], titles, r.train, r.test,
                               height=height)
    return fig.update_layout(showlegend=False)


def deep_curves(r: L.LayerRun, *, height: int = 300) -> go.Figure:
    """Training and test loss per epoch of the deep ReLU and sigmoid networks."""
    runs = [r.runs[f"deep_{a}"] for a in L.DEEP_ACTIVATIONS]
    titles = [f"{r.params.depth} × {L.DEEP_WIDTH} {_label(a)}" for a in L.DEEP_ACTIVATIONS]
    return fig_of.exercise_losses([t.history for t in runs], titles, height=height)


# ----------------------------------------------------------------------------------------
# 2 · Exists, but found?
# ----------------------------------------------------------------------------------------


def existence_fits(e: E.Existence, *, height: int = 400) -> go.Figure:
    """f, the hand-built network, and the best, median and worst trained seed."""
    lo, hi = float(e.x[0]), float(e.x[-1])
    fig = fig_ua.fit_figure(e.x, e.truth, e.built, train_range=(lo, hi),
                            title=f"{e.params.width} units: by hand and trained",
                            height=height)
    fig.data[-1].update(name="by hand", line=dict(color=BUILT_COLOR, width=4))
    for rank, seed in e.ranked().items():
        fig.add_trace(go.Scatter(x=e.x, y=e.trained[seed], mode="lines",
                                 name=f"{rank} (seed {seed})",
                                 line=dict(color=RANK_COLORS[rank], width=2.5)))
    return fig


def existence_errors(e: E.Existence, *, height: int = 360) -> go.Figure:
    """RMS error of every seed (sorted), against the hand-built network's."""
    order = e.order
    rms = e.errors[order, 1]
    finite = np.where(np.isfinite(rms), rms, np.nan)
    fig = style.figure("RMS error per seed", height=height)
    fig.add_trace(go.Bar(x=[str(s) for s in order], y=finite, name="trained",
                         marker=dict(color=style.GREY),
                         hovertemplate="seed %{x}: RMS %{y:.3f}<extra></extra>"))
    fig.add_hline(y=e.built_errors[1], line=dict(color=BUILT_COLOR, width=4, dash="dash"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="by hand",
                             line=dict(color=BUILT_COLOR, width=4, dash="dash")))
    fig.update_xaxes(title=dict(text="seed (best to worst)"), type="category")
    fig.update_yaxes(title=dict(text="RMS error"), rangemode="tozero")
    return fig


# ----------------------------------------------------------------------------------------
# 3 · Validation is not test
# ----------------------------------------------------------------------------------------

LOSS_SERIES = (("val", "validation", style.VALIDATION_COLOR, "solid"),
               ("test", "test", style.VERMILLION, "solid"),
               ("new", "new data", "#1A1A1A", "dash"))


def candidates(c: S.Choice, *, height: int = 360) -> go.Figure:
    """The N networks' validation, test and new-data losses; the two choices marked."""
    fig = style.figure(f"{len(c.widths)} networks, one split", height=height)
    x = [str(w) for w in c.widths]
    for key, name, color, dash in LOSS_SERIES:
        fig.add_trace(go.Scatter(x=x, y=getattr(c, key), mode="lines+markers", name=name,
                                 line=dict(color=color, dash=dash), marker=dict(size=9)))
    for index, name, symbol in ((c.by_validation, "validation's choice", "star"),
                                (c.by_test, "test's choice", "diamond")):
        fig.add_trace(go.Scatter(x=[x[index]], y=[c.test[index]], mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=22, color=style.VERMILLION,
                                             line=dict(color="#1A1A1A", width=1.5))))
    fig.update_xaxes(title=dict(text="hidden units"), type="category")
    fig.update_yaxes(title=dict(text="loss (MSE)"))
    return fig


def _strip(fig: go.Figure, i: int, values: np.ndarray, *, name: str, color: str,
           hover: str) -> None:
    """One column of dots (every split or pair) at x = i, with its mean as a bar."""
    jitter = np.linspace(-0.18, 0.18, len(values)) if len(values) > 1 else np.zeros(1)
    fig.add_trace(go.Scatter(x=i + jitter, y=values, mode="markers", name=name,
                             showlegend=False, marker=dict(color=color, size=10, opacity=0.6),
                             hovertemplate=hover + ": %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[i - 0.3, i + 0.3], y=[float(np.mean(values))] * 2,
                             mode="lines", showlegend=False, hoverinfo="skip",
                             line=dict(color="#1A1A1A", width=4)))


def gains(r: S.Repeat, *, height: int = 400) -> go.Figure:
    """Per split, how much lower choosing on the test set makes the chosen network's loss:
    as reported (its test loss) and on new data. The bar is the mean over the splits."""
    fig = style.figure(f"Choosing on test, {len(r.choices)} splits", height=height)
    _strip(fig, 0, r.apparent_gain(), name="reported", color=style.VERMILLION,
           hover="reported test loss lower by")
    _strip(fig, 1, r.real_gain(), name="new data", color=style.GREY,
           hover="loss on new data lower by")
    fig.add_hline(y=0, line=dict(color=style.GREY, width=1.5))
    fig.update_xaxes(tickvals=[0, 1], ticktext=["reported", "on new data"],
                     range=[-0.6, 1.6], zeroline=False)
    fig.update_yaxes(title=dict(text="loss lower by"))
    return fig


# ----------------------------------------------------------------------------------------
# 4 · Retraining
# ----------------------------------------------------------------------------------------


def agreement(r: R.Retraining, *, height: int = 400) -> go.Figure:
    """Share of the plane every pair of trainings classifies alike."""
    labels = [str(s) for s in r.seeds]
    share = np.round(r.agreement * 100, 1)
    fig = style.figure("Classified alike (%)", height=height)
    fig.add_trace(go.Heatmap(x=labels, y=labels, z=share, zmin=50, zmax=100,
                             colorscale=[[0.0, "#FFFFFF"], [1.0, style.GREEN]], showscale=False,
                             # The diagonal (a training with itself) is 100 by definition;
                             # "100" rather than "100.0" keeps neighbouring cells apart.
                             text=[["" if i == j else f"{v:.1f}".removesuffix(".0")
                                    for j, v in enumerate(row)] for i, row in enumerate(share)],
                             texttemplate="%{text}", textfont=dict(size=style.FONT_SIZE - 2),
                             hovertemplate="%{y} vs %{x}: %{z:.1f} %<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain",
                     title=dict(text="seed"), type="category")
    fig.update_xaxes(constrain="domain", showgrid=False, title=dict(text="seed"),
                     type="category")
    return fig


def correlations(r: R.Retraining, *, height: int = 360) -> go.Figure:
    """Per pair of trainings: weights correlated position by position, after matching the
    hidden units, and the matched units' activations."""
    columns = (("weights", r.raw), ("weights, matched", r.matched),
               ("units' maps", r.unit_match))
    fig = style.figure("Correlation per pair", height=height)
    for i, (name, values) in enumerate(columns):
        _strip(fig, i, values, name=name, color=style.BLUE, hover=name)
    fig.update_xaxes(tickvals=[0, 1, 2], ticktext=["weights", "matched", "unit maps"],
                     range=[-0.5, 2.5], zeroline=False)
    fig.update_yaxes(title=dict(text="correlation r"), range=[-1.05, 1.05])
    return fig


def unit_maps(r: R.Retraining, *, height: int = 460) -> go.Figure:
    """Every training's hidden units over the plane (rows), matched to the first training's
    units (columns): the same column responds to the same pattern."""
    rows, cols = r.maps.shape[:2]
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.01, vertical_spacing=0.015)
    for i in range(rows):
        for j in range(cols):
            z = r.maps[i, j]
            top = float(np.max(z)) or 1.0
            fig.add_trace(go.Heatmap(x=r.axis, y=r.axis, z=z / top, zmin=0, zmax=1,
                                     colorscale=[[0.0, "#FFFFFF"], [1.0, style.ORANGE]],
                                     showscale=False, hoverinfo="skip"), row=i + 1, col=j + 1)
    fig.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    for i, seed in enumerate(r.seeds):
        fig.update_yaxes(title=dict(text=str(seed), standoff=4), row=i + 1, col=1)
    fig.update_layout(title=dict(text="Hidden units by seed (rows), matched"), height=height)
    return fig


# ----------------------------------------------------------------------------------------
# 5 · Simple fits; 6 · data size
# ----------------------------------------------------------------------------------------


def simple_fit_curves(c: F.LearningCurves, *, height: int = 440) -> go.Figure:
    """Error against the law per number of training points, polynomial and network."""
    net = F.NETWORK_LABELS[c.params.network]
    return fig_of.sweep_curve(c.train_points, c.polynomial, c.network, log_x=True,
                              title=f"Degree {c.params.degree} vs {net} network",
                              x_title="training points",
                              names=(f"degree {c.params.degree}", f"{net} net"),
                              y_title="error vs law (MSE)", best=False, height=height)


def data_size_curves(c: D.DataCurves, *, height: int = 440) -> go.Figure:
    """Training and test loss against the number of training points; the parameter count
    marked."""
    fig = fig_of.sweep_curve(c.sizes, c.train, c.test, log_x=True,
                             title="Loss against the data size", x_title="training points",
                             names=("training", "test"), y_title="loss (½ squared error)",
                             best=False, height=height)
    # On a log axis a shape takes the data value, an annotation its log10 (Plotly), so the
    # line and its label are placed apart rather than with add_vline.
    n = c.n_parameters
    fig.add_shape(type="line", x0=n, x1=n, xref="x", y0=0, y1=1, yref="y domain",
                  line=dict(color=style.GREY, width=2, dash="dot"))
    fig.add_annotation(x=float(np.log10(n)), xref="x", y=0, yref="y domain",
                       text=f"{n} parameters", showarrow=False, xanchor="left",
                       yanchor="bottom", xshift=4)
    return fig
