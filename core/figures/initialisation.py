"""Figures of the initialisation tab: activation histograms layer by layer, the spread of
activations and gradients per layer on a log scale, loss curves from every initialisation,
and two units' weights over training (the symmetry problem)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.figures import style
from core.initialisation import LABELS

#: White to blue: empty bins vanish into the page, full ones read from the back of the hall.
LIGHT_BLUES = [[0.0, "#FFFFFF"], [0.15, "#DCEBF7"], [1.0, style.BLUE]]


def histograms(pr, label: str, *, height: int = 390) -> go.Figure:
    """Per-layer histograms of the activations as one heatmap: a row per layer (layer 1 at
    the top), the colour the share of activations in each bin."""
    centres = (pr.edges[:-1] + pr.edges[1:]) / 2
    layers = np.arange(1, pr.depth + 1)
    share = pr.hist * 100
    # A spike (all units at 0) would wash out every other bin: cap the colour scale.
    top = max(float(np.quantile(share, 0.98)), 1e-9)
    fig = style.figure(f"Activations: {label}", height=height)
    fig.add_trace(go.Heatmap(
        x=np.round(centres, 3), y=layers, z=np.round(share, 2), zmin=0, zmax=top,
        colorscale=LIGHT_BLUES, colorbar=dict(title=dict(text="% in bin"), thickness=14),
        hovertemplate="layer %{y}<br>value %{x:.2f}<br>%{z:.1f}% of the activations"
                      "<extra></extra>"))
    fig.update_xaxes(title=dict(text="activation value"),
                     showgrid=False, zeroline=False)
    fig.update_yaxes(title=dict(text="layer"), autorange="reversed", showgrid=False,
                     zeroline=False, dtick=max(1, pr.depth // 10))
    return fig


def _positive(values: np.ndarray) -> np.ndarray:
    """Zeros and non-finite values cannot sit on a log axis: leave gaps there."""
    v = np.asarray(values, float)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def spread_per_layer(probes: Mapping[str, object], selected: str, *,
                     height: int = 390) -> go.Figure:
    """Standard deviation of the activations (solid) and of the back-propagated gradients
    (dashed) per layer, log scale: the selected initializer in colour, the others grey."""
    fig = style.figure("Spread per layer (log scale)", height=height)
    for name, pr in probes.items():
        if name == selected:
            continue
        layers = np.arange(1, pr.depth + 1)
        fig.add_trace(go.Scatter(
            x=layers, y=_positive(pr.act_std), mode="lines", name=LABELS[name],
            line=dict(color="#C8C8C8", width=1.5), showlegend=False,
            hovertemplate=LABELS[name] + ": std %{y:.2g}<extra></extra>"))
    pr = probes[selected]
    layers = np.arange(1, pr.depth + 1)
    fig.add_trace(go.Scatter(x=layers, y=_positive(pr.act_std), mode="lines+markers",
                             name="activations", line=dict(color=style.BLUE),
                             marker=dict(size=7),
                             hovertemplate="layer %{x}: std %{y:.3g}<extra>activations</extra>"))
    fig.add_trace(go.Scatter(x=layers, y=_positive(pr.grad_std), mode="lines+markers",
                             name="gradients ∂L/∂h", line=dict(color=style.ORANGE, dash="dash"),
                             marker=dict(size=7),
                             hovertemplate="layer %{x}: std %{y:.3g}<extra>gradients</extra>"))
    fig.update_xaxes(title=dict(text="layer"))
    fig.update_yaxes(title=dict(text="standard deviation"), type="log", exponentformat="power")
    fig.update_layout(legend=dict(orientation="h", x=1.0, xanchor="right", y=1.0,
                                  yanchor="bottom", bgcolor="rgba(0,0,0,0)"), margin=dict(t=90))
    return fig


def loss_grid(histories: Mapping[str, dict], *, height: int = 520) -> go.Figure:
    """Small multiples: the training loss per epoch from each initialisation, one panel
    each, on a shared log axis so that "never learns" and "learns" compare at a glance."""
    names = list(histories)
    cols = min(5, len(names))
    rows = int(np.ceil(len(names) / cols))
    titles = []
    for name in names:
        loss = histories[name]["loss"]
        end = loss[-1] if len(loss) else np.nan
        titles.append(f"{LABELS[name]}<br>" +
                      (f"end {end:.3g}" if np.isfinite(end) else "diverged"))
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, shared_xaxes=True,
                        subplot_titles=titles, horizontal_spacing=0.025,
                        # Between rows: a row's tick labels, then the next row's two-line
                        # titles (~85 px, ~110 px in presenter mode's larger text).
                        vertical_spacing=0.3 if rows > 1 else 0.0)
    for i, name in enumerate(names):
        loss = np.asarray(histories[name]["loss"], float)
        fig.add_trace(go.Scatter(
            x=np.arange(1, len(loss) + 1), y=np.where(np.isfinite(loss), loss, np.nan),
            mode="lines", line=dict(color=style.TRAIN_COLOR), showlegend=False,
            hovertemplate=LABELS[name] + "<br>epoch %{x}: loss %{y:.3g}"
                                                   "<extra></extra>"),
            row=i // cols + 1, col=i % cols + 1)
    fig.update_layout(height=height, title=dict(text="Training loss from each initialisation"),
                      margin=dict(t=110))
    fig.update_annotations(font=dict(size=style.FONT_SIZE - 3))
    # Powers of ten only (minor labels crowd small panels); upright epoch ticks everywhere.
    fig.update_yaxes(type="log", exponentformat="power", dtick=1)
    fig.update_yaxes(title=dict(text="loss"), col=1)
    fig.update_xaxes(showticklabels=True, tickangle=0, nticks=3)
    fig.update_xaxes(title=dict(text="epoch"), row=rows)
    return fig


INPUT_NAMES = ("w from x₁", "w from x₂", "bias")


def symmetry(units: Mapping[str, tuple[np.ndarray, np.ndarray]], *,
             height: int = 460) -> go.Figure:
    """Units 1 (solid) and 2 (dotted) of the first hidden layer over training, one panel per
    start: with equal starting weights the two stay on top of each other."""
    names = list(units)

    def caption(name: str) -> str:
        w = units[name][1]
        same = np.allclose(w[:, 0, :], w[:, 1, :], rtol=0.0, atol=1e-6)
        return f"start: {LABELS[name]}" + (" (unit 2 hidden under 1)" if same else "")

    fig = make_subplots(rows=1, cols=len(names), horizontal_spacing=0.08,
                        subplot_titles=[caption(n) for n in names])
    colors = (style.BLUE, style.ORANGE, style.GREEN)
    for c, name in enumerate(names):
        epochs, w = units[name]
        for k, (input_name, col) in enumerate(zip(INPUT_NAMES, colors)):
            for unit, dash in ((0, "solid"), (1, "dot")):
                fig.add_trace(go.Scatter(
                    x=epochs, y=np.round(w[:, unit, k], 5), mode="lines",
                    name=f"unit {unit + 1}: {input_name}", legendgroup=f"{unit}{k}",
                    showlegend=c == 0, line=dict(color=col, dash=dash,
                                                 width=style.LINE_WIDTH + (0 if unit else 1)),
                    hovertemplate=f"unit {unit + 1}, {input_name}<br>epoch %{{x}}: %{{y:.4f}}"
                                  "<extra></extra>"), row=1, col=c + 1)
    fig.update_layout(height=height, title=dict(text="Two units of hidden layer 1 during "
                                                     "training"),
                      legend=dict(orientation="h", x=0.0, y=-0.3, yanchor="top"),
                      margin=dict(t=100, b=150))
    fig.update_annotations(font=dict(size=style.FONT_SIZE - 2))
    fig.update_xaxes(title=dict(text="epoch"))
    fig.update_yaxes(title=dict(text="weight"), col=1)
    return fig
