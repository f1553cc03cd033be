"""Figures of the Playground page: the output over the input plane replayed epoch by epoch,
the network diagram with what every node computes, and the metrics.

Large figures (the replay's frames, dozens of thumbnails) are built as plain dicts and turned
into a figure once: building them trace by trace with graph objects validates every array
again and costs ten times more.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import activations, features
from core import playground as pg
from core.figures import style
from core.figures import training as fig_training

TRAIN_SIZE, TEST_SIZE = 9, 9
_TEMPLATE = style.TEMPLATE.to_plotly_json()


def _figure(spec: dict) -> go.Figure:
    """A figure from a plain-dict spec in the dashboard's style, without re-validating it.

    Validation costs most of a big figure's build time on every rerun; the specs here are
    fixed in code and validated once by the tests (``go.Figure(fig.to_dict())``).
    """
    spec["layout"]["template"] = _TEMPLATE
    return go.Figure(spec, _validate=False)
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "star")


# ----------------------------------------------------------------------------------------
# Output over the plane, with the replay
# ----------------------------------------------------------------------------------------


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


def _points(r: pg.PlaygroundRun, data, *, test: bool) -> list[dict]:
    """Scatter traces of a data set: one per class, or one coloured by the target."""
    prefix = "test" if test else "training"
    x = data.x.astype(np.float32)
    if data.kind == "regression":
        lo, hi = r.value_range
        marker = dict(color=data.y.astype(np.float32), colorscale=style.DIVERGING, cmin=lo,
                      cmax=hi, size=TEST_SIZE if test else TRAIN_SIZE,
                      symbol="diamond" if test else "circle",
                      line=dict(color="white" if test else "#1A1A1A", width=1.5))
        return [dict(type="scatter", mode="markers", x=x[:, 0], y=x[:, 1], name=prefix,
                     marker=marker, hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>target "
                     "%{marker.color:.2f}<extra>" + prefix + "</extra>")]
    traces = []
    for k in range(data.n_classes):
        sel = data.y == k
        if not sel.any():
            continue
        marker = style.class_marker(k, size=TEST_SIZE if test else TRAIN_SIZE)
        if test:
            marker["symbol"] = SYMBOLS[k % len(SYMBOLS)] + "-open"
            marker["line"] = dict(color=marker["color"], width=2.5)
        else:
            marker["line"] = dict(color="#1A1A1A", width=1)
        traces.append(dict(type="scatter", mode="markers", x=x[sel, 0], y=x[sel, 1],
                           name=f"class {k}" + (" (test)" if test else ""), marker=marker,
                           hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}"
                           f"<extra>{prefix} · class {k}</extra>"))
    return traces


def _output_traces(r: pg.PlaygroundRun, z: np.ndarray) -> list[dict]:
    """The output as one trace: for two classes a contour trace coloured like a heatmap
    with the decision boundary (the middle level) drawn in black, so the replay's frames
    carry each grid once."""
    ax1, ax2 = r.grid_axes
    hover = "x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>"
    if r.head.kind == "softmax":
        k = r.train.n_classes
        # No smoothing: interpolating between class k and k + 2 would pass through k + 1.
        return [dict(type="heatmap", x=ax1, y=ax2, z=z, zmin=0, zmax=k, showscale=False,
                     colorscale=class_colorscale(k), zsmooth=False,
                     hovertemplate=hover + "<extra>predicted class</extra>")]
    lo, hi = r.value_range
    title = "prediction" if r.head.kind == "regression" else "output"
    colorbar = dict(title=dict(text=title), thickness=16, len=0.5, y=1.0, yanchor="top")
    if r.head.kind == "regression":
        return [dict(type="heatmap", x=ax1, y=ax2, z=z, zmin=lo, zmax=hi, zsmooth="best",
                     colorscale=style.DIVERGING, colorbar=colorbar,
                     hovertemplate=hover + title + " %{z:.2f}<extra></extra>")]
    mid = (lo + hi) / 2
    return [dict(type="contour", x=ax1, y=ax2, z=z, zmin=lo, zmax=hi, colorscale=style.DIVERGING,
                 colorbar=colorbar, name="decision boundary",
                 contours=dict(coloring="heatmap", start=mid, end=mid, size=1, showlines=True),
                 line=dict(color="#1A1A1A", width=3),
                 hovertemplate=hover + title + " %{z:.2f}<extra></extra>")]


def _caption(r: pg.PlaygroundRun, epoch: int) -> str:
    history = r.result.history
    text = f"Output after epoch {epoch}"
    if 0 < epoch <= len(history["loss"]):
        text += f" · training loss {history['loss'][epoch - 1]:.3f}"
        if "val_loss" in history:
            text += f" · test loss {history['val_loss'][epoch - 1]:.3f}"
    return text


def output_replay(r: pg.PlaygroundRun, *, discretize: bool = False, show_test: bool = False,
                  frame_ms: int = 150) -> go.Figure:
    """The output over the input plane with the training (and test) points.

    Shows the end of training; "▶ replay" plays training from epoch 0, the slider steps
    through the recorded epochs. All frames travel with the figure: no server round trip.
    """
    frames = [(s.epoch, output_values(r, out, discretize))
              for s, out in zip(r.result.snapshots, r.grid_outputs)]
    last_epoch, last = frames[-1]
    data = _output_traces(r, last) + _points(r, r.train, test=False)
    if show_test:
        data += _points(r, r.test, test=True)
    ax1, ax2 = r.grid_axes
    layout = dict(
        height=700, title=dict(text=_caption(r, last_epoch)),
        margin=dict(l=60, r=20, t=90, b=220),
        xaxis=dict(range=[float(ax1[0]), float(ax1[-1])], title=dict(text="x₁"),
                   constrain="domain", showgrid=False, zeroline=False),
        yaxis=dict(range=[float(ax2[0]), float(ax2[-1])], title=dict(text="x₂"),
                   scaleanchor="x", scaleratio=1, constrain="domain", showgrid=False,
                   zeroline=False),
        legend=dict(x=1.02, xanchor="left", y=0.0, yanchor="bottom",
                    font=dict(size=style.FONT_SIZE - 4)),
    )
    names = [str(epoch) for epoch, _ in frames]
    layout.update(fig_training.player(names, frame_ms, replay_label="▶ replay from epoch 0",
                                      buttons_y=-0.16, slider_y=-0.24, slider_x=0.0))
    kind = data[0]["type"]
    spec = dict(data=data, layout=layout, frames=[
        dict(name=str(epoch), traces=[0], data=[dict(type=kind, z=z)]) for epoch, z in frames])
    return _figure(spec)


# ----------------------------------------------------------------------------------------
# Curves and metrics
# ----------------------------------------------------------------------------------------


def _test_not_validation(fig: go.Figure) -> go.Figure:
    # Playground's second data set is its test set; the shared builders call it validation.
    fig.for_each_trace(lambda t: t.update(name="test") if t.name == "validation" else None)
    return fig


def loss_figure(r: pg.PlaygroundRun) -> go.Figure:
    """Training and test loss per epoch (log scale), with the epoch of divergence."""
    fig = fig_training.loss_curve(r.result.history, title="Loss per epoch",
                                  diverged_at=r.result.diverged_at)
    return _test_not_validation(fig)


def accuracy_figure(r: pg.PlaygroundRun) -> go.Figure:
    """Training and test accuracy per epoch."""
    return _test_not_validation(fig_training.metric_curve(r.result.history))


def confusion_figure(confusion: np.ndarray) -> go.Figure:
    """Test points counted by true class (rows) and predicted class (columns)."""
    k = len(confusion)
    names = [f"class {i}" for i in range(k)]
    spec = dict(
        data=[dict(type="heatmap", z=confusion[::-1], x=names, y=names[::-1],
                   colorscale=[[0, "#FFFFFF"], [1, style.BLUE]], showscale=False,
                   texttemplate="%{z}", textfont=dict(size=style.FONT_SIZE + 4),
                   hovertemplate="true %{y}<br>predicted %{x}<br>%{z} points<extra></extra>")],
        layout=dict(height=360, title=dict(text="Confusion matrix (test)"),
                    xaxis=dict(title=dict(text="predicted"), side="bottom", showgrid=False),
                    yaxis=dict(title=dict(text="true"), showgrid=False),
                    margin=dict(l=90, r=20, t=60, b=60)))
    return _figure(spec)


def regression_fit(r: pg.PlaygroundRun) -> go.Figure:
    """Predicted against true target for the training and test points, with R²."""
    m = r.metrics
    lo, hi = r.value_range
    data = [dict(type="scatter", mode="lines", x=[lo, hi], y=[lo, hi], name="perfect",
                 line=dict(color=style.GREY, dash="dash", width=2), hoverinfo="skip")]
    for d, name, color in ((r.train, "training", style.TRAIN_COLOR),
                           (r.test, "test", style.VALIDATION_COLOR)):
        pred = r.predict(d.x)[:, 0]
        data.append(dict(type="scatter", mode="markers", x=d.y, y=pred, name=name,
                         marker=dict(color=color, size=7, opacity=0.7),
                         hovertemplate="true %{x:.2f}<br>predicted %{y:.2f}<extra></extra>"))
    title = f"Predicted vs true · R² test {m.test_r2:.3f}, training {m.train_r2:.3f}"
    return _figure(dict(data=data, layout=dict(
        height=400, title=dict(text=title),
        xaxis=dict(title=dict(text="true target")), yaxis=dict(title=dict(text="prediction")),
        legend=dict(x=0.01, y=0.99))))


# ----------------------------------------------------------------------------------------
# The network: diagram with a thumbnail per node, and one node in detail
# ----------------------------------------------------------------------------------------


def node_names(r: pg.PlaygroundRun) -> list[list[str]]:
    """Names of every node, column by column: features, hidden layers, outputs."""
    cols = [[features.FEATURES[n].label for n in r.feature_names]]
    for i, units in enumerate(r.params.hidden_units):
        cols.append([f"layer {i + 1} · neuron {j + 1}" for j in range(units)])
    k = r.head.n_outputs
    cols.append(["output"] if k == 1 else [f"output · class {j}" for j in range(k)])
    return cols


def _node_values(maps: pg.NeuronMaps) -> list[np.ndarray]:
    return [maps.features, *maps.hidden, maps.output]


def _node_scale(r: pg.PlaygroundRun, column: int, n_columns: int, values: np.ndarray
                ) -> tuple[float, float, list]:
    """Colour range of a thumbnail: the output's own range; elsewhere symmetric around 0,
    as wide as the node's largest value (so a weak neuron still shows its shape)."""
    if column == n_columns - 1:
        if r.head.kind == "softmax":
            return 0.0, 1.0, None  # per-class scale set by the caller
        lo, hi = r.value_range
        return lo, hi, style.DIVERGING
    top = float(np.max(np.abs(values))) or 1e-6
    return -top, top, style.DIVERGING


def network_diagram(r: pg.PlaygroundRun, maps: pg.NeuronMaps) -> go.Figure:
    """Playground's network picture: every node drawn as what it computes over the input
    plane, weights as lines (thickness ∝ |w|, orange positive, blue negative), and each
    node's bias as a small square at its lower left (same colours)."""
    columns = _node_values(maps)
    names = node_names(r)
    n_cols = len(columns)
    most = max(len(c) for c in columns)
    slot_px = 96 if most <= 3 else 76 if most <= 6 else 60 if most <= 8 else 44
    plot_h = slot_px * most + 40
    height = plot_h + 110
    size_px = slot_px * 0.72
    xs = np.linspace(0.1, 0.94, n_cols)

    def ys(n: int) -> np.ndarray:
        return 0.5 + ((n - 1) / 2 - np.arange(n)) * (slot_px / plot_h)

    centers = [(xs[c], ys(len(col))) for c, col in enumerate(columns)]
    half_h = size_px / plot_h / 2
    data: list[dict] = []
    data += _links(maps.weights, centers, names)
    layout: dict = dict(height=height, showlegend=False,
                        margin=dict(l=20, r=20, t=70, b=40),
                        title=dict(text=f"The network after epoch {maps.epoch}"),
                        xaxis=dict(domain=[0, 1], range=[0, 1], visible=False, fixedrange=True),
                        yaxis=dict(domain=[0, 1], range=[0, 1], visible=False, fixedrange=True))
    ax1, ax2 = maps.axes
    k = 1
    frames: list[dict] = []
    first_axis = []
    for c, col in enumerate(columns):
        x, y_all = centers[c]
        first_axis.append(k + 1)
        for j, values in enumerate(col):
            k += 1
            bias = "" if c == 0 else f"<br>bias {float(maps.weights[c - 1][1][j]):+.3f}"
            lo, hi, scale = _node_scale(r, c, n_cols, values)
            if scale is None:
                scale = [[0, "#FFFFFF"], [1, style.CLASS_COLORS[j % len(style.CLASS_COLORS)]]]
            y = y_all[j]
            data.append(dict(type="heatmap", x=ax1, y=ax2, z=values, zmin=lo, zmax=hi,
                             colorscale=scale, showscale=False, xaxis=f"x{k}", yaxis=f"y{k}",
                             hovertemplate=f"{names[c][j]}{bias}<br>x₁ %{{x:.1f}}, x₂ "
                             "%{y:.1f}<br>value %{z:.2f}<extra></extra>"))
            layout[f"xaxis{k}"] = dict(domain=[max(x - 0.05, 0), min(x + 0.05, 1)],
                                       anchor=f"y{k}", visible=False, constrain="domain",
                                       range=[float(ax1[0]), float(ax1[-1])], fixedrange=True)
            layout[f"yaxis{k}"] = dict(domain=[y - half_h, y + half_h], anchor=f"x{k}",
                                       visible=False, constrain="domain", scaleanchor=f"x{k}",
                                       range=[float(ax2[0]), float(ax2[-1])], fixedrange=True)
            frames.append(dict(type="rect", xref=f"x{k} domain", yref=f"y{k} domain", x0=0,
                               x1=1, y0=0, y1=1, line=dict(color="#404040", width=1)))
    layout["shapes"] = frames + _bias_shapes(maps.weights, first_axis)
    titles = ["features", *(f"layer {i + 1}" for i in range(n_cols - 2)), "output"]
    layout["annotations"] = [dict(x=float(x), y=1.0, xref="paper", yref="paper", text=t,
                                  showarrow=False, xanchor="center", yanchor="bottom",
                                  font=dict(size=style.FONT_SIZE - 2))
                             for x, t in zip(xs, titles)]
    feature_x, feature_y = centers[0]
    data.append(dict(type="scatter", mode="text", x=[feature_x - 0.035] * len(feature_y),
                     y=feature_y, text=names[0], textposition="middle left", hoverinfo="skip",
                     textfont=dict(size=style.FONT_SIZE - 2)))
    return _figure(dict(data=data, layout=layout))


def _links(weights, centers, names) -> list[dict]:
    """Weight lines grouped by sign and thickness (a few traces instead of one per line),
    plus invisible markers at their middles that tell each weight on hover."""
    top = max((float(np.max(np.abs(k))) for k, _ in weights if k.size), default=0.0) or 1.0
    groups: dict[tuple[bool, int], tuple[list, list]] = {}
    mid_x, mid_y, text = [], [], []
    for layer, (kernel, _) in enumerate(weights):
        (x0, y0s), (x1, y1s) = centers[layer], centers[layer + 1]
        for i, j in np.ndindex(kernel.shape):
            w = float(kernel[i, j])
            if not np.isfinite(w):
                continue
            level = int(round(5 * abs(w) / top))
            xs, ys = groups.setdefault((w >= 0, level), ([], []))
            xs += [x0, x1, None]
            ys += [float(y0s[i]), float(y1s[j]), None]
            mid_x.append((x0 + x1) / 2)
            mid_y.append(float(y0s[i] + y1s[j]) / 2)
            text.append(f"w = {w:+.3f}<br>{names[layer][i]} → {names[layer + 1][j]}")
    traces = [dict(type="scatter", mode="lines", x=xs, y=ys, hoverinfo="skip",
                   line=dict(color=style.ORANGE if positive else style.BLUE,
                             width=0.6 + 1.6 * level), opacity=0.75)
              for (positive, level), (xs, ys) in sorted(groups.items())]
    traces.append(dict(type="scatter", mode="markers", x=mid_x, y=mid_y, text=text,
                       hovertemplate="%{text}<extra></extra>",
                       marker=dict(size=10, color="rgba(0,0,0,0)")))
    return traces


def _mix(color: str, amount: float) -> str:
    """``color`` at strength ``amount`` in [0, 1] over white."""
    return _tint(color, 1.0 - amount)


def _bias_shapes(weights, first_axis: list[int]) -> list[dict]:
    """A small square at the lower left of every node after the inputs, coloured by its bias
    (orange positive, blue negative, paler when smaller), as Playground draws it.

    Drawn in each thumbnail's own axis domain, so it sticks to the node however Plotly
    shrinks the thumbnail to keep it square.
    """
    top = max((float(np.max(np.abs(b))) for _, b in weights if b.size), default=0.0) or 1.0
    shapes = []
    for layer, (_, bias) in enumerate(weights):
        for j, b in enumerate(np.nan_to_num(bias)):
            k = first_axis[layer + 1] + j
            color = _mix(style.ORANGE if b >= 0 else style.BLUE, min(abs(float(b)) / top, 1))
            shapes.append(dict(type="rect", xref=f"x{k} domain", yref=f"y{k} domain",
                               x0=-0.3, x1=-0.08, y0=-0.3, y1=-0.08, fillcolor=color,
                               line=dict(color="#404040", width=1)))
    return shapes


def node_figure(r: pg.PlaygroundRun, maps: pg.NeuronMaps, column: int, index: int
                ) -> go.Figure:
    """One node of the diagram in detail: its value over the plane, with the training points.

    ``column`` 0 is the features, 1.. the hidden layers, the last one the outputs.
    """
    columns = _node_values(maps)
    values = columns[column][index]
    lo, hi, scale = _node_scale(r, column, len(columns), values)
    if scale is None:
        scale = [[0, "#FFFFFF"], [1, style.CLASS_COLORS[index % len(style.CLASS_COLORS)]]]
    ax1, ax2 = maps.axes
    name = node_names(r)[column][index]
    data = [dict(type="heatmap", x=ax1, y=ax2, z=values, zmin=lo, zmax=hi, colorscale=scale,
                 zsmooth="best", colorbar=dict(thickness=14, len=0.8),
                 hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>value %{z:.3f}<extra></extra>")]
    data += _points(r, r.train, test=False)
    for t in data[1:]:
        t["marker"]["size"] = 6
        t["showlegend"] = False
    return _figure(dict(data=data, layout=dict(
        height=460, title=dict(text=f"{name} after epoch {maps.epoch}"),
        margin=dict(l=60, r=20, t=60, b=55),
        xaxis=dict(range=[float(ax1[0]), float(ax1[-1])], title=dict(text="x₁"),
                   constrain="domain", showgrid=False),
        yaxis=dict(range=[float(ax2[0]), float(ax2[-1])], title=dict(text="x₂"),
                   scaleanchor="x", constrain="domain", showgrid=False))))


def node_formula(r: pg.PlaygroundRun, maps: pg.NeuronMaps, column: int, index: int) -> str:
    """LaTeX of what node ``index`` of ``column`` computes from the previous column."""
    if column == 0:
        return features.FEATURES[r.feature_names[index]].latex
    kernel, bias = maps.weights[column - 1]
    last = column == len(maps.weights)
    previous = ([features_latex(r, i) for i in range(kernel.shape[0])] if column == 1
                else [f"h^{{({column - 1})}}_{{{i + 1}}}" for i in range(kernel.shape[0])])
    terms = " ".join(f"{'+' if w >= 0 else '-'} {abs(w):.2f}\\,{v}"
                     for w, v in zip(kernel[:, index], previous))
    b = float(bias[index])
    inner = f"{terms} {'+' if b >= 0 else '-'} {abs(b):.2f}".lstrip("+ ")
    name = r.head.output_activation if last else r.params.activation
    label = activations.get(name).label.split(" (")[0].replace(" ", r"\,")
    sigma = {"linear": "", "softmax": rf"\mathrm{{softmax}}_{{{index + 1}}}"}.get(
        name, rf"\mathrm{{{label}}}")
    target = "y" if last else f"h^{{({column})}}_{{{index + 1}}}"
    return f"{target} = {sigma}\\left({inner}\\right)"


def features_latex(r: pg.PlaygroundRun, i: int) -> str:
    return features.FEATURES[r.feature_names[i]].latex
