"""The Playground's network picture: every node drawn as what it computes over the input
plane (TensorFlow Playground's thumbnails), weights as lines and biases as small squares; one
node in detail with the formula it computes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import activations, features
from core import playground as pg
from core.figures import style
from core.figures.playground.replay import _tint, point_traces

NODE_HEIGHT = 420
#: Terms per line of a node's formula, so it never runs out of its column.
TERMS_PER_LINE = 3

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
    fig = style.figure(layout.pop("title")["text"], height=layout.pop("height"))
    fig.add_traces(data)
    fig.update_layout(layout)
    return fig


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
    fig = style.figure(f"{name}, epoch {maps.epoch}", height=NODE_HEIGHT,
                       margin=dict(l=60, r=20, t=60, b=55))
    fig.add_trace(go.Heatmap(x=ax1.astype(np.float32), y=ax2.astype(np.float32), z=values,
                             zmin=lo, zmax=hi, colorscale=scale, zsmooth="best",
                             colorbar=dict(thickness=14, len=0.8),
                             hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>value %{z:.3f}"
                             "<extra></extra>"))
    fig.add_traces(point_traces(r, r.train, test=False, size=6, showlegend=False))
    style.square_axes(fig, float(ax1[0]), float(ax1[-1]))
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(range=[float(ax2[0]), float(ax2[-1])], showgrid=False, zeroline=False)
    return fig


def node_formula(r: pg.PlaygroundRun, maps: pg.NeuronMaps, column: int, index: int) -> str:
    """LaTeX of what node ``index`` of ``column`` computes from the previous column."""
    if column == 0:
        return features.FEATURES[r.feature_names[index]].latex
    kernel, bias = maps.weights[column - 1]
    last = column == len(maps.weights)
    previous = ([features_latex(r, i) for i in range(kernel.shape[0])] if column == 1
                else [f"h^{{({column - 1})}}_{{{i + 1}}}" for i in range(kernel.shape[0])])
    b = float(bias[index])
    terms = [f"{'+' if w >= 0 else '-'} {abs(w):.2f}\\,{v}"
             for w, v in zip(kernel[:, index], previous)]
    terms.append(f"{'+' if b >= 0 else '-'} {abs(b):.2f}")
    terms[0] = terms[0].removeprefix("+ ")
    lines = [" ".join(terms[i:i + TERMS_PER_LINE]) for i in range(0, len(terms), TERMS_PER_LINE)]
    # Long sums wrap onto aligned lines inside the brackets, so the formula fits its column.
    inner = lines[0] if len(lines) == 1 else \
        "\\begin{aligned}&" + "\\\\ &\\quad ".join(lines) + "\\end{aligned}"
    name = r.head.output_activation if last else r.params.activation
    label = activations.get(name).label.split(" (")[0].replace(" ", r"\,")
    sigma = {"linear": "", "softmax": rf"\mathrm{{softmax}}_{{{index + 1}}}"}.get(
        name, rf"\mathrm{{{label}}}")
    target = "y" if last else f"h^{{({column})}}_{{{index + 1}}}"
    return f"{target} = {sigma}\\left({inner}\\right)"


def features_latex(r: pg.PlaygroundRun, i: int) -> str:
    return features.FEATURES[r.feature_names[i]].latex
