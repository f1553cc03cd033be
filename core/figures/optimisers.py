"""Figures of optimiser paths: the surface's contours with every optimiser's path replayed
step by step, f along each path, and the convergence factor of the quadratic theory.

Each optimiser keeps one colour and one marker shape on every figure. The replay is built as
a plain dict and turned into a figure once (like ``training.output_replay``): constructing
graph objects frame by frame would validate every array again and cost ten times more.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go

from core import optimiser_paths, optimizers, surfaces
from core.figures import style
from core.figures.training import player
from core.optimiser_paths import PathsResult

#: One colour per optimiser, from the dashboard's colour-blind-safe palette; plain SGD, the
#: baseline every other one is compared with, in black.
OPTIMIZER_COLORS = {"sgd": "#1A1A1A", "momentum": style.BLUE, "nesterov": style.SKY,
                    "adagrad": style.GREEN, "adadelta": style.PINK, "rmsprop": style.ORANGE,
                    "adam": style.VERMILLION}
#: A marker shape per optimiser, so the paths' heads also read in black and white.
OPTIMIZER_SYMBOLS = {"sgd": "circle", "momentum": "square", "nesterov": "diamond",
                     "adagrad": "triangle-up", "adadelta": "triangle-down",
                     "rmsprop": "pentagon", "adam": "star"}
#: Contour fill: pale greys (darker = lower), so the coloured paths stand out on a projector.
SURFACE_COLORSCALE = [[0.0, "#BFBFBF"], [1.0, "#FFFFFF"]]
#: The same greys for the replay's contour image (0-255), its bands and its lines (#8C8C8C).
SURFACE_GREYS = (0xBF, 0xFF)
SURFACE_BANDS = 20
SURFACE_LINE_GREY = 0x8C
#: f below this is drawn at this value on log axes: the path has converged to rounding.
LOG_FLOOR = 1e-16
MAX_FRAMES = 40
#: Steps of each path a replay frame draws in bold, up to the head: the whole walk stays
#: drawn faintly underneath, so frames need not repeat it (what the browser receives and
#: draws grows with frames × paths × this, not frames × paths × steps: 5 paths of 300 steps
#: sent 281 kB of frames with whole paths, 60 kB with trails).
TRAIL_STEPS = 30
#: The theory chart's ceiling: factors above it are drawn on it.
FACTOR_TOP = 1.1


def short_label(optimizer: str) -> str:
    """The registry's label without its hyper-parameters: "Adam (β₁ 0.9, …)" → "Adam"."""
    return optimizers.get(optimizer).label.split(" (")[0]


def color(optimizer: str) -> str:
    return OPTIMIZER_COLORS.get(optimizer, style.GREY)


def plot_ranges(surface: surfaces.Surface, start: tuple[float, float]
                ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The surface's picture, widened to include a start point chosen outside it."""
    (x0, x1), (y0, y1) = surface.x_range, surface.y_range
    margin = 0.05 * max(x1 - x0, y1 - y0)
    return ((min(x0, start[0] - margin), max(x1, start[0] + margin)),
            (min(y0, start[1] - margin), max(y1, start[1] + margin)))


def _levels(surface: surfaces.Surface, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, str]:
    """The values the contours are drawn of (log₁₀ of f − f_min where the surface says so),
    rows along ``ys``, with their hover text."""
    z = np.asarray(surface.fn(*np.meshgrid(xs, ys)), dtype=float)
    if surface.log_levels:
        lowest = surface.minimum_value or 0.0
        return np.log10(np.maximum(z - lowest, 0.0) + 1e-3), "log₁₀ f %{z:.2f}"
    return z, "f %{z:.2f}"


def _contour(surface: surfaces.Surface, x_range, y_range, size: int = 81) -> dict:
    """The surface's filled contours on a ``size``² grid, as a contour trace."""
    xs, ys = np.linspace(*x_range, size), np.linspace(*y_range, size)
    z, hover = _levels(surface, xs, ys)
    return {"type": "contour", "x": xs, "y": ys, "z": z.astype(np.float32), "ncontours": 24,
            "colorscale": SURFACE_COLORSCALE, "line": {"color": "#8C8C8C", "width": 1},
            "showscale": False,
            "hovertemplate": "x %{x:.2f}<br>y %{y:.2f}<br>" + hover + "<extra></extra>",
            "name": "f(x, y)", "showlegend": False}


def contour_image(surface: surfaces.Surface, x_range, y_range, size: int = 360,
                  bands: int = SURFACE_BANDS) -> dict:
    """The surface's filled contours as a greyscale PNG laid under the axes (a layout image).

    An animation of other traces on the same axes makes plotly.js drop a contour trace from
    the picture until the replay ends; a layout image is not a trace and stays. The bands
    are equal steps between the lowest and highest value shown, darker = lower, with a
    line where two bands meet, as the contour trace draws them.
    """
    from PIL import Image  # Streamlit's own dependency; only this figure needs it

    xs = np.linspace(*x_range, size)
    ys = np.linspace(y_range[1], y_range[0], size)  # an image's first row is its top
    z, _ = _levels(surface, xs, ys)
    span = max(float(z.max() - z.min()), 1e-12)
    band = np.clip(((z - z.min()) / span * bands).astype(int), 0, bands - 1)
    lo, hi = SURFACE_GREYS
    grey = (lo + (hi - lo) * band / (bands - 1)).astype(np.uint8)
    edge = np.zeros_like(band, dtype=bool)
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    grey[edge] = SURFACE_LINE_GREY
    buffer = io.BytesIO()
    Image.fromarray(grey, mode="L").save(buffer, format="PNG", optimize=True)
    source = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"source": source, "xref": "x", "yref": "y", "x": x_range[0], "y": y_range[1],
            "sizex": x_range[1] - x_range[0], "sizey": y_range[1] - y_range[0],
            "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}


def _points(points, name: str, symbol: str, size: int, fill: str) -> dict:
    arr = np.array(points, dtype=float).reshape(-1, 2)
    return {"type": "scatter", "x": arr[:, 0], "y": arr[:, 1], "mode": "markers", "name": name,
            "marker": {"symbol": symbol, "size": size, "color": fill,
                       "line": {"color": "#1A1A1A", "width": 2}},
            "hovertemplate": f"{name}<br>" + "(%{x:.3f}, %{y:.3f})<extra></extra>"}


def _line_at(path: optimiser_paths.OptimizerPath, k: int, trail: int | None = None) -> dict:
    """The line of ``path`` up to step ``k``, only its last ``trail`` steps if given (x and y
    only: frames that carry more, such as a marker, cost several times more to build)."""
    end = min(k, path.steps_run)
    start = 0 if trail is None else max(0, end - trail)
    xy = path.xy[start: end + 1].astype(np.float32)  # half the bytes to send
    return {"x": xy[:, 0], "y": xy[:, 1]}


def _heads_at(paths, k: int) -> dict:
    """Every path's head at step ``k``, in one trace: the first len(paths) points are the
    heads still moving, the next ones the crosses of paths stopped because they diverged
    (a point not drawn is NaN)."""
    xy = np.full((2 * len(paths), 2), np.nan)
    for i, path in enumerate(paths):
        stopped = path.diverged_at is not None and k >= path.steps_run
        xy[i + len(paths) * stopped] = path.xy[min(k, path.steps_run)]
    xy = xy.astype(np.float32)
    return {"x": xy[:, 0], "y": xy[:, 1]}


def frame_steps(steps: int) -> list[int]:
    """The steps the replay shows, evenly spread, 0 and the last included: up to
    :data:`MAX_FRAMES` of them."""
    return sorted({int(round(k)) for k in np.linspace(0, steps, min(MAX_FRAMES, steps) + 1)})


def paths_replay(result: PathsResult, *, frame_ms: int = 100) -> go.Figure:
    """Every path on the surface's contours, opening on the whole walk; "▶ replay" runs them
    all together from the start point, each frame showing every path's head at one step
    with its last :data:`TRAIL_STEPS` steps in bold over the whole walk drawn faintly (the
    last frame draws the whole walk in bold again, as the picture opened)."""
    surface = surfaces.get(result.params.surface)
    x_range, y_range = plot_ranges(surface, result.start)
    data = []
    if surface.minima:
        data.append(_points(surface.minima, "minimum", "star", style.MARKER_SIZE + 8, "white"))
    if surface.saddles:
        data.append(_points(surface.saddles, "saddle point", "x", style.MARKER_SIZE + 4,
                            "white"))
    data.append(_points([result.start], "start", "circle-open", style.MARKER_SIZE + 6,
                        "#1A1A1A"))
    paths, last = result.paths, result.params.steps
    for path in paths:
        data.append({
            "type": "scatter", "mode": "lines", **_line_at(path, last), "showlegend": False,
            "hoverinfo": "skip", "name": f"{path.label} (whole walk)", "opacity": 0.35,
            "line": {"color": color(path.optimizer), "width": max(1, style.LINE_WIDTH - 1)}})
    first = len(data)
    for path in paths:
        data.append({
            "type": "scatter", "mode": "lines", **_line_at(path, last), "name": path.label,
            "line": {"color": color(path.optimizer), "width": style.LINE_WIDTH},
            "hovertemplate": f"{path.label} (α = {path.learning_rate:g})<br>"
                             "(%{x:.3f}, %{y:.3f})<extra></extra>"})
    colors = [color(p.optimizer) for p in paths]
    data.append({
        "type": "scatter", "mode": "markers", **_heads_at(paths, last), "showlegend": False,
        "hoverinfo": "skip", "name": "heads",
        "marker": {"color": colors * 2,
                   "symbol": [OPTIMIZER_SYMBOLS.get(p.optimizer, "circle") for p in paths]
                   + ["x"] * len(paths),
                   "size": [style.MARKER_SIZE] * len(paths) + [style.MARKER_SIZE + 8] * len(paths),
                   "line": {"color": "white", "width": 1.5}}})
    layout = {
        "title": {"text": f"{len(paths)} optimiser{'' if len(paths) == 1 else 's'}, "
                          f"{last} steps"},
        "height": 440, "margin": {"t": 50}, "showlegend": False,
        "images": [contour_image(surface, x_range, y_range)],
        # No grid or zero lines: the contour image lies below them and they would cross it.
        "xaxis": {"range": list(x_range), "title": {"text": "x"}, "constrain": "domain",
                  "showgrid": False, "zeroline": False},
        "yaxis": {"range": list(y_range), "title": {"text": "y"}, "scaleanchor": "x",
                  "scaleratio": 1, "constrain": "domain", "showgrid": False, "zeroline": False},
    }
    if not paths:
        return go.Figure({"data": data, "layout": layout})
    ks = frame_steps(last)
    layout.update(player([str(k) for k in ks], frame_ms, prefix="step ", slider_x=0.4))
    frames = [{"name": str(k), "traces": list(range(first, first + len(paths) + 1)),
               "data": [*(_line_at(p, k, None if k == last else TRAIL_STEPS) for p in paths),
                        _heads_at(paths, k)]} for k in ks]
    return go.Figure({"data": data, "layout": layout, "frames": frames})


def loss_per_step(result: PathsResult) -> go.Figure:
    """f along each path, step by step: on a log axis (f − f_min) where the surface has a
    minimum, on a linear axis cut to the picture's values where it has none (the saddle)."""
    surface = surfaces.get(result.params.surface)
    log = surface.minimum_value is not None
    fig = style.figure("f along each path", height=440)
    for path in result.paths:
        steps = np.arange(len(path.loss))
        y = path.loss - surface.minimum_value if log else path.loss
        y = np.maximum(y, LOG_FLOOR) if log else y
        fig.add_trace(go.Scatter(
            x=steps, y=y, mode="lines", name=short_label(path.optimizer),
            legendgroup=path.optimizer,
            line=dict(color=color(path.optimizer)),
            hovertemplate=f"{path.label}<br>step %{{x}}<br>f %{{y:.3g}}<extra></extra>"))
        if path.diverged_at is not None and len(path.loss):
            fig.add_trace(go.Scatter(
                x=steps[-1:], y=y[-1:], mode="markers", showlegend=False,
                legendgroup=path.optimizer, hoverinfo="skip",
                marker=dict(symbol="x", size=style.MARKER_SIZE + 4,
                            color=color(path.optimizer))))
    fig.update_xaxes(title=dict(text="step t"), range=[0, result.params.steps])
    if log:
        # Plotly's own tick step (style.tidy caps the count on a short axis).
        fig.update_yaxes(type="log", title=dict(text="f(xₜ, yₜ) − f*"),
                         exponentformat="power")
    else:
        _, _, z = surface.grid(41)
        fig.update_yaxes(title=dict(text="f(xₜ, yₜ)"),
                         range=[1.05 * float(z.min()), 1.05 * float(z.max())])
    return fig


def convergence_factors(curvatures: tuple[float, ...], chosen: dict[str, float],
                        names: tuple[str, ...] = ("sgd", "momentum", "nesterov")) -> go.Figure:
    """The quadratic theory: how much the error shrinks per step against the learning rate,
    for gradient descent and (Nesterov) momentum; above 1 the optimiser diverges. ``chosen``
    maps optimiser → the learning rate it runs with now (marked on its curve)."""
    lam = max(curvatures)
    limits = [optimiser_paths.stability_limit(n, lam) for n in names]
    top = 1.3 * max([*(x for x in limits if x), *chosen.values()])
    rates = np.linspace(top / 400, top, 400)
    fig = style.figure("Error factor per step (theory)", height=400)
    fig.add_hline(y=1.0, line=dict(color=style.GREY, dash="dash"),
                  annotation_text="above 1: diverges", annotation_position="top left")
    for name in names:
        rho = optimiser_paths.convergence_factor(name, rates, curvatures)
        label = optimizers.get(name).label
        fig.add_trace(go.Scatter(x=rates, y=np.minimum(rho, FACTOR_TOP), mode="lines", name=label,
                                 line=dict(color=color(name)),
                                 hovertemplate=f"{label}<br>α %{{x:.4f}}<br>factor %{{y:.3f}}"
                                               "<extra></extra>"))
        if name in chosen:
            alpha = chosen[name]
            value = float(optimiser_paths.convergence_factor(name, alpha, curvatures)[0])
            fig.add_trace(go.Scatter(
                x=[alpha], y=[min(value, FACTOR_TOP)], mode="markers", showlegend=False,
                marker=dict(symbol=OPTIMIZER_SYMBOLS[name], color=color(name),
                            size=style.MARKER_SIZE + 4, line=dict(color="white", width=1.5)),
                hovertemplate=f"{label}: α = {alpha:g}, factor {value:.3f}<extra></extra>"))
    fig.update_xaxes(title=dict(text="learning rate α"), range=[0, top])
    # Near 1 is where the story is: 0.98 (slow) against 0.95 (fast) against 1.02 (diverges).
    fig.update_yaxes(title=dict(text="error factor per step"), range=[0.9, FACTOR_TOP + 0.005])
    fig.update_layout(legend=dict(x=1.02, xanchor="left", y=1.0, yanchor="top"))
    return fig


def network_curves(runs, metric: str = "loss", legend: bool = True) -> go.Figure:
    """Each optimizer's training loss (log axis) or accuracy per epoch on the real network,
    in its colour, a cross where a run diverged."""
    is_loss = metric == "loss"
    fig = style.figure("Training loss per epoch" if is_loss else "Training accuracy",
                       height=420)
    for run in runs:
        values = run.loss if is_loss else run.accuracy
        epochs = np.arange(1, len(values) + 1)
        fig.add_trace(go.Scatter(
            x=epochs, y=np.where(np.isfinite(values), values, np.nan), mode="lines",
            name=f"{short_label(run.optimizer)} (α {run.learning_rate:g})",
            legendgroup=run.optimizer,
            line=dict(color=color(run.optimizer)),
            hovertemplate=f"{run.label}<br>epoch %{{x}}<br>{metric} %{{y:.3g}}<extra></extra>"))
        if run.diverged_at is not None:
            fig.add_trace(go.Scatter(x=[run.diverged_at], y=[values[0]], mode="markers",
                                     showlegend=False, hoverinfo="skip",
                                     marker=dict(symbol="x", size=style.MARKER_SIZE + 4,
                                                 color=color(run.optimizer))))
    fig.update_xaxes(title=dict(text="epoch"))
    if is_loss:
        fig.update_yaxes(title=dict(text="loss"), type="log", exponentformat="power",
                         dtick=1)
    else:
        fig.update_yaxes(title=dict(text="accuracy"), range=[0.4, 1.02], tickformat=".0%")
    fig.update_layout(showlegend=legend)
    return fig
