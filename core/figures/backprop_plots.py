"""Plots of the backpropagation page: one gradient-descent step along −∇L, the time of a
gradient by backpropagation and by finite differences, and |∂L/∂W| per layer of a deep stack
right after initialisation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures import style


def descent_plot(t: np.ndarray, losses: np.ndarray, slope: float) -> go.Figure:
    """The loss along the gradient-descent step, L(θ − t·α∇L) with t = 0 now and t = 1 after
    the step, and the tangent at t = 0, whose slope −α‖∇L‖² is what the gradient promises."""
    fig = style.figure("Loss along the step", height=300)
    now, after = int(np.argmin(np.abs(t))), int(np.argmin(np.abs(t - 1.0)))
    fig.add_trace(go.Scatter(x=t, y=losses, mode="lines", name="L along −∇L",
                             line=dict(color=style.BLUE),
                             hovertemplate="t = %{x:.2f}: L = %{y:.4g}<extra></extra>"))
    near = np.abs(t) <= 0.5
    fig.add_trace(go.Scatter(x=t[near], y=losses[now] + slope * t[near], mode="lines",
                             name="tangent", line=dict(color=style.GREY, dash="dash"),
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[t[now], t[after]], y=[losses[now], losses[after]],
                             mode="markers+text", text=["now", "after"],
                             textposition="top center", showlegend=False,
                             marker=dict(color=style.VERMILLION, size=style.MARKER_SIZE),
                             hovertemplate="t = %{x:g}: L = %{y:.4g}<extra></extra>"))
    fig.update_xaxes(title=dict(text="t (1 = one step)"))
    fig.update_yaxes(title=dict(text="L"))
    return fig


# ----------------------------------------------------------------------------------------


def cost_plot(timings: Sequence) -> go.Figure:
    """Seconds for one full gradient against the parameter count, both axes logarithmic:
    backpropagation and central finite differences, the factor between them at each size."""
    fig = style.figure("Time for one full gradient", height=420)
    p = [t.parameters for t in timings]
    for name, values, color, dash in (
            ("finite differences", [t.finite_s * 1e3 for t in timings], style.ORANGE, "dash"),
            ("backpropagation", [t.backprop_s * 1e3 for t in timings], style.BLUE, "solid")):
        fig.add_trace(go.Scatter(x=p, y=values, name=name, mode="lines+markers",
                                 line=dict(color=color, dash=dash),
                                 hovertemplate=f"{name}<br>P = %{{x:,}}: %{{y:.3g}} ms"
                                               "<extra></extra>"))
    for t in timings:
        fig.add_annotation(x=np.log10(t.parameters), y=np.log10(t.finite_s * 1e3),
                           text=f"×{t.ratio:,.0f}", showarrow=False, yshift=22,
                           font=dict(size=style.MIN_FONT_SIZE, color=style.ORANGE))
    fig.update_xaxes(title=dict(text="parameters P"), type="log", tickvals=p,
                     ticktext=[f"{v:,}" for v in p])
    fig.update_yaxes(title=dict(text="milliseconds"), type="log", exponentformat="power")
    return fig


def depth_plot(probes: Mapping[str, object], selected: str, labels: Mapping[str, str],
               *, height: int = 420) -> go.Figure:
    """Mean |∂L/∂W| of each layer's kernel right after initialisation, log scale: the selected
    initializer in colour, the others with random weights grey (a layer whose gradient is
    exactly 0 is a gap). Equal starting weights (zeros, constant) are left out of the
    comparison: they are about symmetry, not scale, and their 10⁻⁸⁰ would flatten the rest."""
    fig = style.figure("Mean |∂L/∂W| per layer after initialisation", height=height)
    others = [n for n in probes if n != selected and n not in SYMMETRIC_STARTS]
    for k, name in enumerate(others):
        pr = probes[name]
        fig.add_trace(go.Scatter(
            x=np.arange(1, pr.depth + 1), y=_positive(pr.kernel_grad), mode="lines",
            name="other initializers", showlegend=k == 0, legendgroup="others",
            line=dict(color="#C8C8C8", width=2),
            hovertemplate=labels.get(name, name) + ": layer %{x}: %{y:.3g}<extra></extra>"))
    pr = probes[selected]
    fig.add_trace(go.Scatter(
        x=np.arange(1, pr.depth + 1), y=_positive(pr.kernel_grad), mode="lines+markers",
        name=labels.get(selected, selected), line=dict(color=style.VERMILLION),
        marker=dict(size=8), hovertemplate="layer %{x}: mean |∂L/∂W| %{y:.3g}<extra></extra>"))
    fig.update_xaxes(title=dict(text="layer (1 = next to the input)"))
    fig.update_yaxes(title=dict(text="mean |∂L/∂W|"), type="log", exponentformat="power")
    return fig


#: Initializers that start every weight equal (core.initializers).
SYMMETRIC_STARTS = ("zeros", "constant")


def _positive(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, float)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)
