"""Figures of the backpropagation page: a computational graph drawn node by node (forward
values above the nodes, local derivatives on the edges, ∂L/∂node below once the backward pass
has reached it), and the small network as a layered diagram with the same labels per unit
(the page's plots are in core.figures.backprop_plots).

Graphs are drawn with Plotly markers, lines and annotations (no image), so they scale with
the hall's fonts and follow the page's theme.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.backprop import graph as G
from core.backprop import network as N
from core.figures import style

#: Node outline colours by kind; an operation not yet computed is grey.
KIND_COLORS = {G.INPUT: style.GREEN, G.PARAMETER: style.BLUE, G.TARGET: style.GREY,
               G.CONSTANT: style.GREY, G.OPERATION: style.PINK}
PENDING = "#8C8C8C"
#: The disc under a node: the light page's white, which the dark theme turns dark.
MASK = "rgba(255,255,255,0.97)"
#: Edges and labels drawn in greys, which the dark theme turns light.
EDGE, TEXT = "#8C8C8C", "#404040"
#: Gradients, the current step and the edges it multiplies along.
GRADIENT, CURRENT = style.VERMILLION, style.ORANGE
NODE_SIZE = 46
#: Vertical room of one row of nodes (value above, node, gradient below), px.
ROW_PX, NETWORK_ROW_PX = 108, 112
#: A node's labels sit this far (in rows) from its centre: its radius and a gap, also in
#: presenter mode (markers 1.3 times, rows 1.2 times as large).
LABEL_GAP = 0.29
#: Arrows stop this far (px) from a node's centre: its radius in presenter mode, enlarged.
STANDOFF = NODE_SIZE * style.PRESENTER_SCALE / 2 + 2
#: Edge labels longer than this show the value only (the formula goes to the hover text).
SHORT_FORMULA = 10


# ----------------------------------------------------------------------------------------
# Where the nodes go
# ----------------------------------------------------------------------------------------


def positions(graph: G.Graph) -> list[tuple[float, float]]:
    """(column, row) of every node: an operation one column right of its last input, a leaf
    one column left of its first consumer. Within a column the nodes are ordered by the mean
    row of the nodes they connect to (two sweeps, fewer crossings) and spaced one row apart;
    a column of operations is centred on its inputs, so a chain runs straight."""
    nodes = graph.nodes
    n = len(nodes)
    col = [0] * n
    for i, node in enumerate(nodes):
        if node.inputs:
            col[i] = 1 + max(col[j] for j in node.inputs)
    uses = [[c for c, _ in graph.consumers(i)] for i in range(n)]
    for i, node in enumerate(nodes):
        if not node.inputs and uses[i]:
            col[i] = min(col[c] for c in uses[i]) - 1
    columns = [[i for i in range(n) if col[i] == c] for c in range(max(col) + 1)]
    row = [0.0] * n
    for members in columns:
        _spread(members, row, centre=0.0)
    neighbours = [list(nodes[i].inputs) + uses[i] for i in range(n)]
    # Ties keep the order of the formula: w, x, b of w·x + b from the top.
    slot = [graph.consumers(i)[0][1] if uses[i] else 0 for i in range(n)]
    for _ in range(2):
        for members in columns:
            members.sort(key=lambda i: (-round(_mean([row[j] for j in neighbours[i]], row[i]),
                                               6), slot[i], i))
            _spread(members, row, centre=0.0)
    for members in columns[1:]:
        inputs = [row[j] for i in members for j in nodes[i].inputs]
        _spread(members, row, centre=_mean(inputs, 0.0))
    return [(float(col[i]), row[i]) for i in range(n)]


def _mean(values: list[float], default: float) -> float:
    return float(np.mean(values)) if values else default


def _spread(members: list[int], row: list[float], centre: float) -> None:
    """Rows one apart, first at the top, the block centred on ``centre``."""
    for k, i in enumerate(members):
        row[i] = centre + (len(members) - 1) / 2 - k


# ----------------------------------------------------------------------------------------
# The computational graph
# ----------------------------------------------------------------------------------------


def computational_graph(graph: G.Graph, walk: Sequence[G.Step], count: int,
                        title: str = "", highlight: bool = True) -> go.Figure:
    """The graph after the first ``count`` steps of ``walk``: every leaf and every computed
    node with its value, every edge with its local derivative, ∂(output)/∂node under each node
    the backward pass has reached; the current step's node and edges in orange (unless
    ``highlight`` is off: a finished graph shown whole)."""
    pos = positions(graph)
    known, reached = G.reached(graph, tuple(walk), count)
    current = walk[count - 1] if count and highlight else None
    lit = {(t.consumer, t.position) for t in current.terms} \
        if current is not None and current.phase == G.BACKWARD else set()
    fig = _canvas(title or _title(graph, current), pos)
    for c, node in enumerate(graph.nodes):
        for k, j in enumerate(node.inputs):
            _arrow(fig, pos[j], pos[c], lit=(c, k) in lit)
            if graph.nodes[j].needs_gradient:
                _edge_label(fig, graph, pos[j], pos[c], c, k, lit=(c, k) in lit)
    grads = G.gradients(graph)
    out = graph.output.name
    for i, node in enumerate(graph.nodes):
        value = G.number(node.value) if i in known else "?"
        _label(fig, pos[i], f"{node.name} = {value}", above=True)
        if i in reached:
            _label(fig, pos[i], f"∂{out}/∂{node.name} = {G.number(grads[i])}", above=False)
    _markers(fig, pos, [n.name for n in graph.nodes],
             [_node_colour(graph, i, known, current) for i in range(len(graph.nodes))],
             [current is not None and current.node == i for i in range(len(graph.nodes))],
             [_hover(graph, i) for i in range(len(graph.nodes))])
    return fig


def _node_colour(graph: G.Graph, i: int, known: set[int], current: G.Step | None) -> str:
    if current is not None and current.node == i:
        return CURRENT
    return KIND_COLORS[graph.nodes[i].kind] if i in known else PENDING


def _canvas(title: str, pos: Sequence[tuple[float, float]], *, row_px: int = ROW_PX,
            top_room: float = 0.0) -> go.Figure:
    """An empty figure sized so that one row of nodes gets ``row_px`` pixels, axes hidden
    and fixed around ``pos`` (with room for the labels above and below the nodes)."""
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    low, high = min(ys) - 0.62, max(ys) + 0.62 + top_room
    margin = dict(l=10, r=10, b=10, t=60)
    fig = style.figure(title, height=int(row_px * (high - low)) + margin["t"] + margin["b"],
                       showlegend=False, margin=margin, hovermode="closest")
    for update, rng in ((fig.update_xaxes, (min(xs) - 0.55, max(xs) + 0.55)),
                        (fig.update_yaxes, (low, high))):
        update(visible=False, range=list(rng), fixedrange=True, showgrid=False, zeroline=False)
    return fig


def _arrow(fig: go.Figure, start: tuple[float, float], end: tuple[float, float], *,
           lit: bool) -> None:
    """An arrow from an input's node to its consumer's, stopping at the markers."""
    fig.add_annotation(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y",
                       axref="x", ayref="y", text="", showarrow=True, arrowhead=2,
                       arrowsize=1.2, arrowwidth=4 if lit else 2,
                       arrowcolor=CURRENT if lit else EDGE,
                       standoff=STANDOFF, startstandoff=STANDOFF)


def _edge_label(fig: go.Figure, graph: G.Graph, start: tuple[float, float],
                end: tuple[float, float], consumer: int, position: int, *, lit: bool) -> None:
    """The local derivative in the middle of its edge: "x = 1.5", or only the value when the
    formula is long (the hover text has both)."""
    node = graph.nodes[consumer]
    formula = node.local_formulas[position] if node.local_formulas else ""
    value = G.number(node.local[position])
    text = f"{formula} = {value}" if formula and len(formula) <= SHORT_FORMULA \
        and formula != value else value
    fig.add_annotation(x=(start[0] + end[0]) / 2, y=(start[1] + end[1]) / 2, xref="x",
                       yref="y", text=text, showarrow=False, bgcolor="#FFFFFF", borderpad=1,
                       font=dict(size=style.MIN_FONT_SIZE, color=CURRENT if lit else TEXT),
                       hovertext=G.local_text(graph, consumer, position))


def _label(fig: go.Figure, at: tuple[float, float], text: str, *, above: bool) -> None:
    """A node's value (above it) or gradient (below it, in the gradient's colour), on the
    page's background so that an edge passing behind does not cross the digits."""
    # In data units, not pixels: presenter mode scales the markers and the figure's height
    # together, and a label placed in pixels would slide onto its enlarged node.
    fig.add_annotation(x=at[0], y=at[1] + (LABEL_GAP if above else -LABEL_GAP), xref="x",
                       yref="y", text=text, showarrow=False,
                       yanchor="bottom" if above else "top", bgcolor="#FFFFFF", borderpad=1,
                       font=dict(size=style.MIN_FONT_SIZE, color=TEXT if above else GRADIENT))


def _markers(fig: go.Figure, pos: Sequence[tuple[float, float]], names: Sequence[str],
             colours: Sequence[str], current: Sequence[bool], hover: Sequence[str]) -> None:
    """The nodes: a disc of the page's colour that hides the edges' ends (nearly opaque, so
    that the theme swaps it for the dark page's colour and counts it as background), then a
    ring per node in ``colours`` (one trace per colour, so that the theme gives each ring
    its contrast), the current one thicker, with the node's name inside in the text colour."""
    fig.add_trace(go.Scatter(x=[p[0] for p in pos], y=[p[1] for p in pos], mode="markers",
                             hoverinfo="skip", showlegend=False,
                             marker=dict(size=NODE_SIZE, color=MASK, line=dict(width=0))))
    for colour, lit in dict.fromkeys(zip(colours, current)):
        members = [i for i, key in enumerate(zip(colours, current)) if key == (colour, lit)]
        fig.add_trace(go.Scatter(
            x=[pos[i][0] for i in members], y=[pos[i][1] for i in members],
            mode="markers+text", text=[names[i] for i in members],
            textposition="middle center", hovertext=[hover[i] for i in members],
            hoverinfo="text", showlegend=False,
            marker=dict(size=NODE_SIZE, color="rgba(255,255,255,0)",
                        line=dict(color=colour, width=6 if lit else 3)),
            textfont=dict(size=style.FONT_SIZE + 2)))


def _title(graph: G.Graph, current: G.Step | None) -> str:
    out = graph.output.name
    if current is None:
        return "Computational graph: the inputs"
    node = graph.nodes[current.node].name
    if current.phase == G.FORWARD:
        return f"Forward pass: {node} = {G.number(current.value)}"
    return f"Backward pass: ∂{out}/∂{node} = {G.number(current.value)}"


def _hover(graph: G.Graph, i: int) -> str:
    node = graph.nodes[i]
    if not node.inputs:
        return f"{node.name} = {G.number(node.value)} ({node.kind})"
    return f"{node.name} = {graph.formula(i)} = {graph.arithmetic(i)} = {G.number(node.value)}"


# ----------------------------------------------------------------------------------------
# The small network, layer by layer
# ----------------------------------------------------------------------------------------


def network_diagram(run: N.NetRun, count: int, title: str | None = None) -> go.Figure:
    """The network's units in columns (x, hidden layers, ŷ, then L): each unit's value above
    it, its latest gradient (∂L/∂h, then ∂L/∂z) below once the walk's first ``count`` steps
    got there; an edge per weight, as wide as |W|, blue for positive and vermillion for negative
    weights, those of the layer the current step multiplies by drawn strong, the others
    faint. ``title`` "" draws none (the page writes the step above the figure)."""
    depth = run.depth
    walk = run.walk[:count]
    forward = {s.target for s in walk if s.phase == G.FORWARD}
    backward = {s.target for s in walk if s.phase == G.BACKWARD}
    current = walk[-1] if walk else None
    sizes = [*(len(h) for h in run.h), 1]
    pos = [[(float(layer), (n - 1) / 2 - k) for k in range(n)] for layer, n in enumerate(sizes)]
    fig = _canvas(_network_title(current) if title is None else title,
                  [p for col in pos for p in col],
                  row_px=NETWORK_ROW_PX, top_room=0.3)
    active = _active_layer(current, depth)
    for layer in range(1, depth + 1):
        _layer_edges(fig, run, layer, pos, strong=active in (None, layer))
    _arrow(fig, pos[depth][0], pos[depth + 1][0], lit=active == depth + 1)
    top = max(p[1] for col in pos for p in col) + 0.62
    for layer in range(depth + 2):
        fig.add_annotation(x=layer, y=top, xref="x", yref="y", showarrow=False,
                           text=_column_title(layer, depth, run), yanchor="bottom",
                           font=dict(size=style.FONT_SIZE))
    names, colours, lit, hover = [], [], [], []
    for layer in range(depth + 2):
        z_name, h_name, _ = N.names(layer, depth) if layer <= depth else ("", "L", "")
        value = (run.h[layer] if layer <= depth else np.array([run.loss]))
        known = layer == 0 or h_name in forward
        here = current is not None and current.target in (h_name, z_name)
        for k, at in enumerate(pos[layer]):
            unit = _unit_name(layer, k, depth)
            _label(fig, at, f"{unit} = {G.number(float(value[k])) if known else '?'}",
                   above=True)
            below = _unit_gradients(run, layer, k, unit, z_name, h_name, backward)
            if below:
                _label(fig, at, below, above=False)
            names.append(unit)
            colours.append(CURRENT if here else (style.PINK if known else PENDING))
            lit.append(here)
            hover.append(f"{unit} = {G.number(float(value[k]))}")
    _markers(fig, [p for col in pos for p in col], names, colours, lit, hover)
    return fig


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _unit_name(layer: int, k: int, depth: int) -> str:
    """x₁, x₂ for the inputs, h₁ … in a hidden layer, ŷ and L."""
    if layer == depth + 1:
        return "L"
    if layer == depth:
        return "ŷ"
    return ("x" if layer == 0 else "h") + str(k + 1).translate(_SUBSCRIPT_DIGITS)


def _unit_gradients(run: N.NetRun, layer: int, k: int, unit: str, z_name: str, h_name: str,
                    backward: set[str]) -> str:
    """The latest gradient the backward pass has found for unit ``k`` of column ``layer``:
    ∂L/∂h once it crossed the weights after the unit, ∂L/∂z once it also crossed the
    unit's activation (one line: the step's LaTeX shows both vectors)."""
    depth = run.depth
    if layer == depth + 1:
        return "∂L/∂L = 1" if "ŷ" in backward else ""
    if 0 < layer < depth and z_name in backward:
        return f"∂L/∂z{unit[1:]} = {G.number(float(run.grad_z[layer][k]))}"
    if h_name in backward:
        return f"∂L/∂{unit} = {G.number(float(run.grad_h[layer][k]))}"
    return ""


def _network_title(current: N.LayerStep | None) -> str:
    if current is None:
        return "The network: the input"
    if current.phase == G.FORWARD:
        return f"Forward pass: {current.target}"
    return f"Backward pass: ∂L/∂{current.target}"


def _active_layer(current: N.LayerStep | None, depth: int) -> int | None:
    """The dense layer the current step computes or multiplies by (depth + 1: the loss)."""
    if current is None:
        return None
    names = [N.names(layer, depth) for layer in range(depth + 1)]
    if current.phase == G.FORWARD:
        return depth + 1 if current.target == "L" else next(
            layer for layer in range(1, depth + 1) if names[layer][1] == current.target)
    if current.jacobian_name.startswith("W"):
        return next(layer for layer in range(1, depth + 1)
                    if names[layer][2] == current.jacobian_name)
    if current.target == "ŷ":
        return depth + 1
    return next(layer for layer in range(1, depth + 1) if names[layer][0] == current.target)


def _column_title(layer: int, depth: int, run: N.NetRun) -> str:
    if layer == 0:
        return "input x"
    if layer == depth + 1:
        return f"loss (y = {G.number(run.params.target)})"
    if layer == depth:
        return "output ŷ"
    return f"layer {layer}: {run.params.activation}"


def _layer_edges(fig: go.Figure, run: N.NetRun, layer: int, pos: list[list[tuple[float, float]]],
                 strong: bool) -> None:
    """The edges of dense layer ``layer``: one line per weight, as wide as |W| (at most 8 px),
    the weight and its gradient in the hover text; in a layer of at most four weights the
    weight is also written on its edge, as on the slide."""
    kernel = run.layers[layer - 1][0]
    grad = run.grad_kernels[layer - 1]
    top = max(float(np.max(np.abs(kernel))), 1e-12)
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            w = float(kernel[i, j])
            (x0, y0), (x1, y1) = pos[layer - 1][i], pos[layer][j]
            fig.add_trace(go.Scatter(
                x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="text", opacity=1.0 if strong
                else 0.3, hovertext=f"W = {G.number(w)}, ∂L/∂W = {G.number(float(grad[i, j]))}",
                line=dict(color=style.BLUE if w >= 0 else style.VERMILLION,
                          width=1 + 7 * abs(w) / top)))
            if kernel.size <= 4:
                fig.add_annotation(x=x0 + 0.3 * (x1 - x0), y=y0 + 0.3 * (y1 - y0), xref="x",
                                   yref="y", text=G.number(w), showarrow=False,
                                   bgcolor="#FFFFFF", borderpad=1,
                                   font=dict(size=style.MIN_FONT_SIZE, color=TEXT))
