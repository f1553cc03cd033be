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
MAX_WEIGHT_HOVERS = 300
#: Width the page gives the diagram at 1280×720 with the sidebar open.
DIAGRAM_WIDTH_PX = 760
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


def thumb_size(r: pg.PlaygroundRun) -> int:
    """Grid points per side of a node's thumbnail: fewer when the columns hold many nodes
    (the thumbnails are drawn smaller, and the eye sees no more detail)."""
    most = max(len(r.feature_names), *r.params.hidden_units, r.head.n_outputs)
    return 20 if most <= 4 else 14 if most <= 8 else 10


def _normalised(r: pg.PlaygroundRun, column: int, n_columns: int, values: np.ndarray
                ) -> np.ndarray:
    """A node's values on the diagram's one colour scale [−1, 1]: each hidden node and
    feature on its own symmetric range, the output on its own range (a softmax output's
    probability on [0, 1])."""
    if column == n_columns - 1 and r.head.kind == "softmax":
        return values
    lo, hi, _ = _node_scale(r, column, n_columns, values)
    return np.clip(2 * (values - lo) / (hi - lo) - 1, -1, 1)


def node_cells(columns: list, size: int) -> list[list[tuple[int, int]]]:
    """The canvas cell (column, row) of every node's lower-left corner, column by column:
    nodes centred vertically, one empty cell around each thumbnail (the canvas's gaps)."""
    slot = size + 2
    most = max(len(col) for col in columns)
    return [[(c * slot + 1, (most - 1 - j) * slot - (most - len(col)) * slot // 2 + 1)
             for j in range(len(col))] for c, col in enumerate(columns)]


def _canvas_axes(n_columns: int, most: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of the canvas in plot units: thumbnails' cells one unit apart, the empty
    cells between columns wide so the weight lines have room (a heatmap's cells may have
    any width)."""
    slot = size + 2
    gap = 2.2 * size  # plot units between two columns of thumbnails
    x = []
    for c in range(n_columns):
        left = c * (size + gap)
        # Empty cells right beside the thumbnail: a heatmap cell reaches halfway to its
        # neighbour, so the thumbnail's edge cells keep their width and the empty cells span
        # the gap.
        x += [left - 0.5, *(left + 0.5 + np.arange(size)), left + size + 0.5]
    return np.array(x, np.float32), np.arange(most * slot, dtype=np.float32)


def network_diagram(r: pg.PlaygroundRun, maps: pg.NeuronMaps) -> go.Figure:
    """Playground's network picture: every node drawn as what it computes over the input
    plane, weights as lines (thickness ∝ |w|, orange positive, blue negative), and each
    node's bias as a small square at its lower left (same colours).

    All thumbnails are one heatmap (a canvas with empty cells between them) on one pair of
    axes: a few traces, however many nodes, quick to build and to draw.
    """
    columns = _node_values(maps)
    names = node_names(r)
    size = maps.features.shape[-1]
    most = max(len(col) for col in columns)
    cells = node_cells(columns, size)
    x_axis, y_axis = _canvas_axes(len(columns), most, size)
    canvas = np.full((len(y_axis), len(x_axis)), np.nan, np.float32)
    for c, col in enumerate(columns):
        for j, values in enumerate(col):
            x0, y0 = cells[c][j]
            canvas[y0:y0 + size, x0:x0 + size] = _normalised(r, c, len(columns), values)
    # Node centres and edges in plot units.
    centre = [[(float(x_axis[x0] + size / 2 - 0.5), float(y0 + size / 2)) for x0, y0 in col]
              for col in cells]
    x_lo, x_hi = float(x_axis[0]) - 3 * size, float(x_axis[-1])
    # Tall enough for the canvas's aspect at the width the page gives it (no empty band).
    aspect = len(y_axis) / (x_hi - x_lo)
    slot_px = int(DIAGRAM_WIDTH_PX * aspect / most)
    fig = style.figure(f"The network after epoch {maps.epoch}",
                       height=int(DIAGRAM_WIDTH_PX * aspect) + 110, showlegend=False,
                       margin=dict(l=10, r=10, t=90, b=20))
    fig.add_traces(_links(maps.weights, centre, names, size / 2, min(1.0, slot_px / 70)))
    fig.add_trace(go.Heatmap(x=x_axis, y=y_axis, z=canvas, zmin=-1, zmax=1,
                             colorscale=style.DIVERGING, showscale=False, hoverinfo="skip",
                             zsmooth=False))
    fig.add_traces(_node_markers(maps, centre, names, size, slot_px))
    fig.add_trace(_feature_labels(centre[0], names[0], size))
    titles = ["features", *(f"layer {i + 1}" for i in range(len(columns) - 2)), "output"]
    for (x, _), title in zip((col[0] for col in centre), titles):
        fig.add_annotation(x=x, y=1.0, xref="x", yref="paper", text=title, showarrow=False,
                           yanchor="bottom", font=dict(size=style.FONT_SIZE - 2))
    fig.update_xaxes(visible=False, fixedrange=True, range=[x_lo, x_hi])
    fig.update_yaxes(visible=False, fixedrange=True, range=[-0.4 * size, float(y_axis[-1]) + 1],
                     scaleanchor="x", scaleratio=1)
    return fig


def _links(weights, centre, names, half: float, thickness: float) -> list[go.Scatter]:
    """Weight lines from a node's right edge to the next node's left edge, grouped by sign
    and thickness (a few traces instead of one per line), plus invisible markers at their
    middles that tell each weight on hover (for up to ``MAX_WEIGHT_HOVERS`` weights)."""
    top = max((float(np.max(np.abs(k))) for k, _ in weights if k.size), default=0.0) or 1.0
    groups: dict[tuple[bool, int], tuple[list, list]] = {}
    mid_x, mid_y, text = [], [], []
    for layer, (kernel, _) in enumerate(weights):
        for i, j in np.ndindex(kernel.shape):
            w = float(kernel[i, j])
            if not np.isfinite(w):
                continue
            (x0, y0), (x1, y1) = centre[layer][i], centre[layer + 1][j]
            level = int(round(5 * abs(w) / top))
            xs, ys = groups.setdefault((w >= 0, level), ([], []))
            xs += [x0 + half, x1 - half, np.nan]
            ys += [y0, y1, np.nan]
            mid_x.append((x0 + x1) / 2)
            mid_y.append((y0 + y1) / 2)
            text.append(f"w = {w:+.3f}<br>{names[layer][i]} → {names[layer + 1][j]}")
    traces = [go.Scatter(x=np.array(xs, np.float32), y=np.array(ys, np.float32),
                         mode="lines", hoverinfo="skip", opacity=0.75,
                         line=dict(color=style.ORANGE if positive else style.BLUE,
                                   width=thickness * (0.6 + 1.6 * level)))
              for (positive, level), (xs, ys) in sorted(groups.items())]
    if len(text) <= MAX_WEIGHT_HOVERS:  # beyond, single lines are too thin to point at
        traces.append(go.Scatter(x=np.array(mid_x, np.float32), y=np.array(mid_y, np.float32),
                                 text=text, mode="markers",
                                 hovertemplate="%{text}<extra></extra>",
                                 marker=dict(size=10, color="rgba(0,0,0,0)")))
    return traces


def _mix(color: str, amount: float) -> str:
    """``color`` at strength ``amount`` in [0, 1] over white."""
    return _tint(color, 1.0 - amount)


def _node_markers(maps: pg.NeuronMaps, centre, names, size: int, slot_px: int
                  ) -> list[go.Scatter]:
    """A frame around every thumbnail (with the node's name and bias on hover), and the
    bias as a small square at the lower left of every node after the inputs, coloured like
    Playground's (orange positive, blue negative, paler when smaller)."""
    xs, ys, hover = [], [], []
    for c, col in enumerate(centre):
        for j, (x, y) in enumerate(col):
            xs.append(x)
            ys.append(y)
            bias = "" if c == 0 else f"<br>bias {float(maps.weights[c - 1][1][j]):+.3f}"
            hover.append(names[c][j] + bias)
    # Frames as one polyline (None between rectangles); hover from transparent markers.
    h = size / 2
    fx = [v for x in xs for v in (x - h, x + h, x + h, x - h, x - h, None)]
    fy = [v for y in ys for v in (y - h, y - h, y + h, y + h, y - h, None)]
    frames = go.Scatter(x=fx, y=fy, mode="lines", hoverinfo="skip",
                        line=dict(color="#404040", width=1))
    box = go.Scatter(x=xs, y=ys, text=hover, mode="markers",
                     hovertemplate="%{text}<extra></extra>",
                     marker=dict(size=slot_px * 0.7, color="rgba(0,0,0,0)"))
    top = max((float(np.max(np.abs(b))) for _, b in maps.weights if b.size), default=0.0) or 1.0
    bx, by, colours = [], [], []
    for layer, (_, bias) in enumerate(maps.weights):
        for (x, y), b in zip(centre[layer + 1], np.nan_to_num(bias)):
            bx.append(x - size / 2 - size * 0.15)
            by.append(y - size / 2 - size * 0.15)
            colours.append(_mix(style.ORANGE if b >= 0 else style.BLUE,
                                min(abs(float(b)) / top, 1)))
    biases = go.Scatter(x=bx, y=by, mode="markers", hoverinfo="skip", name="bias",
                        marker=dict(symbol="square", size=max(6, slot_px // 7), color=colours,
                                    line=dict(color="#404040", width=1)))
    return [frames, box, biases]


def _feature_labels(centre, labels, size: int) -> go.Scatter:
    return go.Scatter(x=[x - size / 2 - 1 for x, _ in centre], y=[y for _, y in centre],
                      text=labels, mode="text", textposition="middle left", hoverinfo="skip",
                      textfont=dict(size=style.FONT_SIZE - 2))


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
                             zmin=lo, zmax=hi, colorscale=scale, zsmooth="fast",
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
