"""Figures of the gradient-descent page's other views: one weight on its parabola (with the
thresholds 1/λ and 2/λ), the factor 1 − αλ against α, and full batch against mini-batches
against single samples on the same loss surface.

Colours as on the page's main figure: the optimiser's steps vermillion, the minimum green.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import gradient_descent as gd
from core import one_weight as ow
from core import quadratic as quad
from core.figures import style
from core.figures.gradient_descent import OPTIMUM_COLOR, PATH_COLOR, _sample, _surface

#: Steps drawn on the parabola at most (later ones pile up at the minimum).
PARABOLA_STEPS = 25
#: The three runs of the batch comparison, in one colour each.
BATCH_COLORS = (style.BLUE, style.ORANGE, style.VERMILLION)
#: Points of each path drawn at most (single samples take N steps per epoch).
BATCH_PATH_POINTS = 600


def _shown_steps(r: ow.OneWeightRun) -> int:
    """How many steps the parabola shows: up to PARABOLA_STEPS, and for a diverging run only
    those within 4× the start's distance from W* (later ones leave any sensible picture)."""
    dist = np.abs(r.weights - r.w_star)
    within = np.nonzero(dist <= 4 * max(abs(r.params.W0 - r.w_star), 1e-9))[0]
    last = int(within[-1]) if len(within) else 0
    return max(1, min(PARABOLA_STEPS, last, len(r.weights) - 1))


def parabola(r: ow.OneWeightRun) -> go.Figure:
    """J(W) with the steps W₀ → W₁ → … drawn on it, W*, and where the first step would land
    with α = 1/λ (on W*) and α = 2/λ (at the mirror image of W₀, just as high)."""
    shown = _shown_steps(r)
    lo, hi = ow.window(r, shown)
    grid = np.linspace(lo, hi, 200)
    w_star, w0 = r.w_star, r.params.W0
    fig = style.figure(f"J(W): {shown} steps, each × (1 − αλ) = "
                       f"{r.factor:.2f}".replace("-", "−"), height=430)
    fig.add_trace(go.Scatter(x=grid, y=r.quadratic.loss_at(grid[:, None]), mode="lines",
                             name="J(W)", line=dict(color=style.GREY, width=3),
                             hoverinfo="skip", showlegend=False))
    w, j = r.weights[: shown + 1], r.losses[: shown + 1]
    fig.add_trace(go.Scatter(
        x=w, y=j, mode="lines+markers+text", name=f"steps, α = {r.params.learning_rate:g}",
        text=[str(k) if k < 4 else "" for k in range(len(w))], textposition="top center",
        textfont=dict(size=style.FONT_SIZE - 2, color=PATH_COLOR),
        line=dict(color=PATH_COLOR, width=2, dash="dot"),
        marker=dict(color=PATH_COLOR, size=11, line=dict(color="white", width=1)),
        customdata=np.arange(len(w)),
        hovertemplate="step %{customdata}<br>W %{x:.3f}<br>J %{y:.4g}<extra></extra>"))
    mirror = 2 * w_star - w0
    j0 = float(r.losses[0])
    fig.add_trace(go.Scatter(
        x=[w_star, mirror], y=[r.quadratic.j_min, j0], mode="markers",
        name="step 1 at α = 1/λ, 2/λ", marker=dict(symbol="diamond-open", size=18,
                                                     color="#1A1A1A", line=dict(width=3)),
        customdata=["α = 1/λ lands on W*", "α = 2/λ lands as high as W₀"],
        hovertemplate="%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[w_star], y=[r.quadratic.j_min], mode="markers",
                             name=f"minimum W* = {w_star:.3g}",
                             marker=dict(symbol="star", size=20, color=OPTIMUM_COLOR,
                                         line=dict(color="#1A1A1A", width=1.5))))
    top = max(j0, float(np.max(j))) * 1.15
    fig.update_xaxes(title=dict(text="W"), range=[lo, hi])
    fig.update_yaxes(title=dict(text="J(W)"), range=[0, top])
    fig.update_layout(legend=style_legend())
    return fig


def style_legend() -> dict:
    """A horizontal legend (style.tidy puts it in its band above the plot, clear of the
    title and the axis titles)."""
    return dict(orientation="h")


def step_factor(r: ow.OneWeightRun) -> go.Figure:
    """1 − αλ against α: 1/λ and 2/λ split the axis into stops short of W*, jumps over it
    and converges, and diverges; the chosen α is marked."""
    lam, alpha = r.curvature, r.params.learning_rate
    top = max(3.0 / lam, 1.1 * alpha)
    rates = np.linspace(0, top, 200)
    fig = style.figure("Factor 1 − αλ", height=430)
    bands = ((0, 1 / lam, "#E8F4EA", "short"), (1 / lam, 2 / lam, "#FFF4D6", "over"),
             (2 / lam, top, "#FBE3D6", "grows"))
    for x0, x1, color, text in bands:
        fig.add_vrect(x0=x0, x1=x1, fillcolor=color, line_width=0, layer="below")
        fig.add_annotation(x=(x0 + x1) / 2, y=-1.65, text=text, showarrow=False,
                           font=dict(size=style.FONT_SIZE - 3))
    fig.add_trace(go.Scatter(x=rates, y=1 - rates * lam, mode="lines", name="1 − αλ",
                             line=dict(color=style.GREY), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[alpha], y=[1 - alpha * lam], mode="markers",
                             name=f"α = {alpha:g}",
                             marker=dict(color=PATH_COLOR, size=16,
                                         line=dict(color="#1A1A1A", width=1.5)),
                             hovertemplate="α %{x:g}<br>factor %{y:.3f}<extra></extra>"))
    ticks = [0, 1 / lam, 2 / lam]
    fig.update_xaxes(title=dict(text="learning rate α"), range=[0, top], tickvals=ticks,
                     ticktext=["0", "1/λ", "2/λ"], tickangle=0)
    fig.update_yaxes(title=dict(text="1 − αλ"), range=[-1.85, 1.15],
                     tickvals=[-1.5, -1, -0.5, 0, 0.5, 1])
    fig.update_layout(showlegend=False, margin=dict(b=110))
    return fig


def batch_paths(c: gd.BatchComparison) -> go.Figure:
    """The three runs on the same contours of J(W, b), side by side, each from θ₀ over the
    same number of epochs."""
    window = quad.surface_window(c.quadratic, c.params.theta0)
    data: list[dict] = []
    layout: dict = {}
    gap = 0.06
    width = (1 - 2 * gap) / 3
    for i, ((name, d), color) in enumerate(zip(c.descents.items(), BATCH_COLORS)):
        ax = "" if i == 0 else str(i + 1)
        xa, ya = f"x{ax}", f"y{ax}"
        data += _surface(c.quadratic, window, xaxis=xa, yaxis=ya, labels=False)
        idx = _sample(d.steps, BATCH_PATH_POINTS)
        steps = f"{d.steps:,} steps" + (" – diverged" if d.diverged else "")
        data.append(dict(type="scatter", x=d.thetas[idx, 0], y=d.thetas[idx, 1],
                         mode="lines", xaxis=xa, yaxis=ya, name=f"{name}: {steps}",
                         line=dict(color=color, width=2), customdata=idx,
                         hovertemplate="step %{customdata}<br>W %{x:.3f}<br>b %{y:.3f}"
                                       "<extra></extra>"))
        data.append(dict(type="scatter", x=[c.quadratic.theta_star[0]],
                         y=[c.quadratic.theta_star[1]], mode="markers", xaxis=xa, yaxis=ya,
                         showlegend=False, hoverinfo="skip",
                         marker=dict(symbol="star", size=16, color=OPTIMUM_COLOR,
                                     line=dict(color="#1A1A1A", width=1))))
        left = i * (width + gap)
        layout[f"xaxis{ax}"] = dict(domain=[left, left + width], range=list(window[0]),
                                    title=dict(text="W"), zeroline=False, constrain="domain",
                                    anchor=ya)
        layout[f"yaxis{ax}"] = dict(range=list(window[1]), anchor=xa, zeroline=False,
                                    scaleanchor=xa, scaleratio=1, constrain="domain",
                                    title=dict(text="b" if i == 0 else ""))
    fig = go.Figure({"data": data, "layout": layout})
    fig.update_layout(height=420, title=dict(text=f"{c.epochs} epochs each, α = "
                                                  f"{c.params.learning_rate:g}"),
                      legend=style_legend(), margin=dict(t=60, b=110))
    return fig


def batch_losses(c: gd.BatchComparison) -> go.Figure:
    """J on all points after every step, against the epoch (steps / steps per epoch): the
    same x-axis for all three, so their progress per pass over the data compares."""
    fig = style.figure("J(θ) against epochs", height=400)
    floor = max(c.quadratic.j_min, 1e-300)
    for (name, d), color in zip(c.descents.items(), BATCH_COLORS):
        idx = _sample(d.steps, 2000)
        fig.add_trace(go.Scatter(x=idx / d.steps_per_epoch, y=np.maximum(d.losses[idx], floor),
                                 mode="lines", name=name, line=dict(color=color, width=2),
                                 hovertemplate="epoch %{x:.2f}<br>J %{y:.5g}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[0, c.epochs], y=[c.quadratic.j_min] * 2, mode="lines",
                             name=f"minimum {c.quadratic.j_min:.3g}", hoverinfo="name",
                             line=dict(color=OPTIMUM_COLOR, dash="dash", width=2)))
    fig.update_xaxes(title=dict(text="epoch (one pass over the data)"), range=[0, c.epochs])
    fig.update_yaxes(title=dict(text="J(θ)"), type="log")
    fig.update_layout(legend=dict(x=0.99, xanchor="right", y=0.99))
    return fig


def learning_rates(d: gd.Descent, label: str = "α per step") -> go.Figure:
    """The learning rate each step used: a staircase when the plateau rule halves it."""
    fig = style.figure("Learning rate (reduce on plateau)", height=400)
    steps = np.arange(1, len(d.rates) + 1)
    fig.add_trace(go.Scatter(x=steps, y=d.rates, mode="lines", name=label,
                             line=dict(color=PATH_COLOR, shape="hv"),
                             hovertemplate="step %{x}<br>α %{y:g}<extra></extra>"))
    fig.update_xaxes(title=dict(text="step"))
    fig.update_yaxes(title=dict(text="α"), type="log")
    fig.update_layout(showlegend=False)
    return fig
