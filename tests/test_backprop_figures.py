"""Figures of the backpropagation page: what each shows after each step (values, local
derivatives, gradients once reached, with the core's numbers), laid out by the hall's rules."""

from __future__ import annotations

import numpy as np
import pytest

from core import initialisation as I
from core.backprop import cost as C
from core.backprop import graph as G
from core.backprop import network as N
from core.backprop import neuron as NR
from core.backprop import typed as T
from core.figures import backprop as F
from core.figures import backprop_plots as FP
from core.figures import style


def _texts(fig) -> list[str]:
    """Every text the figure draws: annotations and text traces."""
    out = [str(a.text) for a in fig.layout.annotations if a.text]
    for trace in fig.data:
        if trace.text is not None:
            out += [str(t) for t in np.atleast_1d(trace.text)]
    return out


def test_the_neuron_graph_fills_in_step_by_step():
    run = NR.neuron_run(NR.NeuronParams())
    start = _texts(F.computational_graph(run.graph, run.walk, 0))
    assert "z = ?" in start and "L = ?" in start and "w = 0.5" in start
    assert not any(t.startswith("∂L/∂") for t in start)
    forward = _texts(F.computational_graph(run.graph, run.walk, 3))
    assert "z = 0.85" in forward and "L = 0.0225" in forward
    assert not any(t.startswith("∂L/∂") for t in forward)
    done = _texts(F.computational_graph(run.graph, run.walk, NR.STEPS))
    grads = G.gradients(run.graph)
    for i, node in enumerate(run.graph.nodes):
        label = f"∂L/∂{node.name} = {G.number(grads[i])}"
        assert (label in done) == node.needs_gradient, label
    # Edge labels: the local derivative of every edge out of a node that needs a gradient.
    assert "x = 1.5" in done and "2(ŷ − y) = −0.3" in done and "ReLU′(z) = 1" in done


def test_every_edge_is_an_arrow_and_the_current_step_is_lit():
    run = NR.neuron_run(NR.NeuronParams())
    fig = F.computational_graph(run.graph, run.walk, 7)  # ∂L/∂w
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == sum(len(n.inputs) for n in run.graph.nodes)
    assert sum(a.arrowcolor == F.CURRENT for a in arrows) == 1  # the edge w → z
    lit = [t for t in fig.data if t.mode == "markers+text" and t.marker.line.color == F.CURRENT]
    assert len(lit) == 1 and list(lit[0].text) == ["w"]
    assert fig.layout.title.text == "Backward pass: ∂L/∂w = −0.45"


def test_the_layout_keeps_the_formulas_order_and_a_chain_straight():
    graph = NR.neuron_graph(NR.NeuronParams())
    pos = F.positions(graph)
    w, x, b = pos[NR.W], pos[NR.X], pos[NR.B]
    assert w[0] == x[0] == b[0] == 0 and w[1] > x[1] > b[1]  # w·x + b, top to bottom
    assert pos[NR.Z][1] == x[1] and pos[NR.L][0] == 3
    typed = T.expression_graph(T.ExpressionParams(expression="sin(cos(exp(a)))"))
    assert len({p[1] for p in F.positions(typed)}) == 1  # a chain is one row


def test_the_network_diagram_shows_each_unit_and_weight():
    run = N.network_run(N.NetParams())
    start = _texts(F.network_diagram(run, 0))
    assert "x₁ = 1" in start and "x₂ = 1" in start and "h₂ = ?" in start and "ŷ = ?" in start
    fig = F.network_diagram(run, len(run.walk))
    done = _texts(fig)
    assert "∂L/∂z₁ = −2" in done and "∂L/∂ŷ = −2" in done
    after_w2 = _texts(F.network_diagram(run, 5))  # ∂L/∂h⁽¹⁾ known, ∂L/∂z⁽¹⁾ not yet
    assert "∂L/∂h₂ = 4" in after_w2 and "∂L/∂z₂ = 4" not in after_w2
    assert "∂L/∂x₁ = 2" in done and "∂L/∂x₂ = 2" in done
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == sum(k.size for k, _ in run.layers)
    assert "−2" in done  # the slide's W⁽²⁾ written on its edge
    assert any("∂L/∂W = −4" in t.hovertext for t in lines)


@pytest.mark.parametrize("count", range(0, N.MAX_STEPS + 1))
def test_every_step_of_a_deep_network_draws(count):
    run = N.network_run(N.NetParams(network=N.RANDOM))
    fig = style.tidy(F.network_diagram(run, count))
    assert fig.layout.height > 300


def test_cost_and_depth_plots():
    timings = (C.Timing((2,), 15, 1e-3, 2e-3, 1e-10), C.Timing((8,), 105, 1e-3, 9e-3, 1e-10))
    fig = FP.cost_plot(timings)
    assert [t.name for t in fig.data] == ["finite differences", "backpropagation"]
    assert fig.layout.xaxis.type == fig.layout.yaxis.type == "log"
    assert "×9" in _texts(fig)
    probes = I.probe_all(I.InitParams(depth=4, width=32, activation="sigmoid"))
    fig = FP.depth_plot(probes, "small", I.LABELS)
    np.testing.assert_allclose(fig.data[-1].y, probes["small"].kernel_grad)
    greys = [t for t in fig.data[:-1]]
    assert len(greys) == len(probes) - 1 - len(FP.SYMMETRIC_STARTS)
    assert fig.layout.yaxis.type == "log"


def test_every_figure_keeps_the_halls_minimum_font():
    run = NR.neuron_run(NR.NeuronParams())
    net = N.network_run(N.NetParams())
    for fig in (F.computational_graph(run.graph, run.walk, 5), F.network_diagram(net, 4)):
        style.tidy(fig)
        sizes = [a.font.size for a in fig.layout.annotations if a.text]
        sizes += [t.textfont.size for t in fig.data if t.textfont.size is not None]
        assert min(sizes) >= style.MIN_FONT_SIZE


def test_the_descent_plot_marks_now_and_after_on_the_loss_along_the_step():
    run = NR.neuron_run(NR.NeuronParams())
    t, losses, slope = NR.step_line(run)
    fig = FP.descent_plot(t, losses, slope)
    marks = fig.data[-1]
    assert list(marks.x) == [0.0, 1.0]
    assert marks.y[0] == pytest.approx(run.loss) and marks.y[1] == pytest.approx(run.descent.loss)
    # The tangent's slope is the directional derivative the gradient gives.
    h = 1e-6
    p, g = run.params, run.backprop
    up = NR.loss(p, p.w - h * p.learning_rate * g[0], p.b - h * p.learning_rate * g[1])
    assert slope == pytest.approx((up - run.loss) / h, rel=1e-4)
