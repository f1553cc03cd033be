"""Figures of the momentum explorer: the heavy ball's path on the ill-conditioned quadratic,
the map of its convergence rate over (α, β), and f along the path against the theory.

The rate map is a heatmap (one cell per grid point, cheap to send) with the lines of the
closed-form theory drawn over it: the stability limit α = (2 + 2β)/λ_max, the critical-damping
curves α = (1 ± √β)²/λ, the optimum and the chosen (α, β).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import momentum as mom
from core import surfaces
from core.figures import style
from core.figures.optimisers import _contour, color

#: Fast (small ρ) dark, slow (ρ near 1) light; diverging cells are left empty (grey).
RATE_SCALE = [[0.0, "#0B3C5D"], [0.5, style.SKY], [1.0, "#F7F7F7"]]
DIVERGING_BACKGROUND = "#D9D9D9"
#: The explorer's picture of the quadratic: the start (−4, −1.5) and the minimum in view.
X_RANGE, Y_RANGE = (-4.5, 1.5), (-3.0, 1.5)


def path(r: mom.MomentumRun, gd_run: mom.MomentumRun | None = None) -> go.Figure:
    """The heavy ball's path over the contours of f, with plain gradient descent at the same
    α (β = 0) for comparison when ``gd_run`` is given."""
    surface = surfaces.get("quadratic")
    p = r.params
    fig = go.Figure(layout=dict(height=470))
    fig.add_trace(_contour(surface, X_RANGE, Y_RANGE, size=81))
    runs = [(gd_run, "plain GD (β = 0)", color("sgd"), 2)] if gd_run else []
    runs.append((r, f"momentum β = {p.momentum:g}", color("momentum"), 3))
    for run, name, line_color, width in runs:
        fig.add_trace(go.Scatter(
            x=run.xy[:, 0], y=run.xy[:, 1], mode="lines+markers", name=name,
            line=dict(color=line_color, width=width), marker=dict(size=5, color=line_color),
            hovertemplate=name + "<br>(%{x:.3f}, %{y:.3f})<extra></extra>"))
    fig.add_trace(go.Scatter(x=[surface.start[0]], y=[surface.start[1]], mode="markers",
                             name="start", marker=dict(symbol="circle-open", size=18,
                                                       color="#1A1A1A", line=dict(width=3))))
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="minimum",
                             marker=dict(symbol="star", size=20, color="white",
                                         line=dict(color="#1A1A1A", width=2))))
    stop = f", diverged at step {r.diverged_at}" if r.diverged_at else ""
    fig.update_layout(title=dict(
        text=f"α = {p.learning_rate:g}, β = {p.momentum:g}: {p.iterations} steps{stop}"))
    fig.update_xaxes(range=list(X_RANGE), title=dict(text="x"), constrain="domain")
    fig.update_yaxes(range=list(Y_RANGE), title=dict(text="y"), scaleanchor="x",
                     scaleratio=1, constrain="domain")
    return fig


def rate_map(m: mom.RateMap, chosen: tuple[float, float]) -> go.Figure:
    """ρ(α, β) as a heatmap, cut at 1 (beyond: diverges, grey), with the stability limit,
    the critical-damping curves of λ_min and λ_max, the optimum and the chosen point."""
    alpha_star, beta_star, rho_star = mom.optimum(m.lam_min, m.lam_max)
    rho = np.where(m.rho < 1.0, m.rho, np.nan)
    fig = go.Figure(layout=dict(height=470, plot_bgcolor=DIVERGING_BACKGROUND))
    fig.add_trace(go.Heatmap(
        x=m.rates, y=m.betas, z=rho.astype(np.float32), zmin=rho_star, zmax=1.0,
        colorscale=RATE_SCALE, name="ρ",
        colorbar=dict(title=dict(text="ρ", side="top"), thickness=14, len=0.8),
        hovertemplate="α %{x:.4f}<br>β %{y:.2f}<br>ρ %{z:.3f}<extra></extra>"))
    betas = np.linspace(0, m.betas[-1], 100)
    limit = mom.stable_limit(betas, m.lam_max)
    fig.add_trace(go.Scatter(x=limit, y=betas, mode="lines", name="limit",
                             line=dict(color="#1A1A1A", width=3), hoverinfo="name"))
    for lam, line_color, which in ((m.lam_max, style.ORANGE, "λₘₐₓ"),
                                   (m.lam_min, style.PINK, "λₘᵢₙ")):
        low, high = mom.critical_rates(betas, lam)
        for k, alphas in enumerate((low, high)):
            inside = alphas <= m.rates[-1]
            fig.add_trace(go.Scatter(
                x=alphas[inside], y=betas[inside], mode="lines",
                name=f"critical ({which})", showlegend=k == 0,
                legendgroup=which, line=dict(color=line_color, width=3, dash="dash"),
                hoverinfo="name"))
    fig.add_trace(go.Scatter(x=[alpha_star], y=[beta_star], mode="markers",
                             name="optimum",
                             marker=dict(symbol="star", size=20, color=style.GREEN,
                                         line=dict(color="#1A1A1A", width=1.5)),
                             hovertemplate=f"α* = {alpha_star:.4f}<br>β* = {beta_star:.3f}"
                                           "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[chosen[0]], y=[chosen[1]], mode="markers", name="yours",
                             marker=dict(symbol="circle", size=16, color=style.VERMILLION,
                                         line=dict(color="white", width=2))))
    fig.add_annotation(x=m.rates[-1], y=0.1, xanchor="right", showarrow=False,
                       text="diverges", font=dict(size=style.FONT_SIZE - 2))
    fig.update_layout(title=dict(text="Rate per step ρ (dark = fast)"))
    fig.update_xaxes(title=dict(text="learning rate α"), range=[0, m.rates[-1]],
                     showgrid=False, zeroline=False)
    fig.update_yaxes(title=dict(text="momentum β"), range=[0, m.betas[-1]], showgrid=False,
                     zeroline=False)
    return fig


def loss_per_step(r: mom.MomentumRun, gd_run: mom.MomentumRun | None = None) -> go.Figure:
    """f along the path (log) and the theory's envelope f₀·ρ²ᵏ (the distance shrinks like ρᵏ,
    f like its square)."""
    fig = style.figure("f per step, and the theory ρ²ᵏ", height=400)
    runs = [(gd_run, "plain GD (β = 0)", color("sgd"))] if gd_run else []
    runs.append((r, f"momentum β = {r.params.momentum:g}", color("momentum")))
    for run, name, line_color in runs:
        k = np.arange(len(run.loss))
        fig.add_trace(go.Scatter(x=k, y=np.maximum(run.loss, 1e-300), mode="lines", name=name,
                                 line=dict(color=line_color),
                                 hovertemplate="step %{x}<br>f %{y:.3g}<extra></extra>"))
    k = np.arange(r.params.iterations + 1)
    with np.errstate(over="ignore"):
        envelope = r.loss[0] * r.rho ** (2.0 * k)
    top = 10 * max(float(np.max(r.loss)), float(r.loss[0]))
    fig.add_trace(go.Scatter(x=k, y=np.where(envelope <= top, envelope, np.nan), mode="lines",
                             name=f"f₀·ρ²ᵏ, ρ = {r.rho:.3f}",
                             line=dict(color=style.GREY, dash="dot", width=2),
                             hoverinfo="skip"))
    fig.update_xaxes(title=dict(text="step k"), range=[0, r.params.iterations])
    fig.update_yaxes(title=dict(text="f(θₖ)"), type="log", exponentformat="power")
    return fig
