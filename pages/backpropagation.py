"""Backpropagation: the chain rule one number at a time, from one neuron to a network."""

import re
from functools import partial

import streamlit as st

from core import activations
from core import expression as E
from core import initialisation as I
from core.backprop import cost as C
from core.backprop import depth as D
from core.backprop import graph as G
from core.backprop import network as N
from core.backprop import neuron as NR
from core.backprop import typed as T
from core.figures import backprop as fig
from core.figures import backprop_plots as plots
from ui import layout, results
from ui.page import PageState
from ui.state import plain

SIGMA_LABELS = {k: a.label for k, a in activations.ACTIVATIONS.items()}
POINT_LABELS = {k: f"({v[0]:g}, {v[1]:g})" for k, v in N.POINTS.items()}
NETWORK_LABELS = {N.XOR: "XOR (lecture)", N.RANDOM: "random"}

page = PageState.load("backpropagation")
layout.header(
    "Backpropagation",
    "A network is a chain of simple operations. The chain rule multiplies their local "
    "derivatives; going backwards, each gradient reuses the one computed after it.",
    r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial \hat y}\,"
    r"\frac{\partial \hat y}{\partial z}\,\frac{\partial z}{\partial w}")


def stepper(name: str, cls: type, value: int, last: int, cols, slider: bool = True) -> int:
    """◀ and ▶ (and the step's slider, or "step k of n" when the walk's length varies) in
    three columns; returns the step, at most ``last``."""
    back, forth, where = cols
    back.button("◀", key=f"{name}.back", disabled=value <= 0, width="stretch",
                on_click=page.update, args=(cls,), kwargs={name: min(value, last) - 1},
                help="One step back")
    forth.button("▶", key=f"{name}.next", disabled=value >= last, width="stretch",
                 on_click=page.update, args=(cls,), kwargs={name: value + 1},
                 help="Next step: the forward pass, then the backward pass")
    if slider:
        page.control(name, container=where)
    else:
        where.markdown(f"**Step {min(value, last)} of {last}**")
    return min(value, last)


@st.fragment
def neuron_view() -> None:
    """Tab 1: the slide's neuron as a graph, stepped; a fragment, so a step redraws only it."""
    row = st.columns([1, 1, 1, 1, 1.3, 0.55, 0.55, 2.2], vertical_alignment="bottom")
    for col, name in zip(row, ("w", "b", "x", "y")):
        page.control(name, container=col, as_input=True)
    page.control("sigma", container=row[4], labels=SIGMA_LABELS)
    p = page.current(NR.NeuronParams)
    run = results.neuron(p)
    step = stepper("step", NR.NeuronParams, p.step, len(run.walk), row[5:])
    page.write_url()  # a fragment's run ends here, before the page's own write
    title = (f"Step {step}/{len(run.walk)}: " + G.step_text(run.graph, run.walk[step - 1]) if step
             else "The inputs: ▶ starts the forward pass")
    layout.chart(partial(fig.computational_graph, run.graph, run.walk, step, title),
                 "bp.graph")
    compare, descend = st.columns([1.2, 1], gap="medium")
    compare.markdown(
        "| | backprop | GradientTape | finite diff. |\n|---|---|---|---|\n" +
        "\n".join(f"| ∂L/∂{n} | {G.number(run.backprop[i])} | {G.number(run.keras[i])} | "
                  f"{G.number(run.finite[i])} |" for i, n in enumerate("wb")))
    layout.explain(NR.agreement(run), compare)
    layout.explain(NR.notice(run), compare)
    page.control("learning_rate", container=descend)
    d = run.descent
    descend.markdown("**One gradient-descent step:** " + NR.descent_text(run))
    inside = all(abs(v) <= 5.0 for v in (d.w, d.b))
    descend.button("Take this step", on_click=page.update, args=(NR.NeuronParams,),
                   kwargs={"w": round(d.w, 6), "b": round(d.b, 6)}, disabled=not inside,
                   help="Set w and b to the new values" if inside else
                   "The step leaves the range of w or b (±5)")
    layout.chart(partial(plots.descent_plot, *NR.step_line(run)), "bp.descent", descend)


@st.fragment
def network_view() -> None:
    """Tab 2: the small network's backward pass, layer by layer."""
    row = st.columns([1.9, 1.1, 0.9, 0.55, 0.55, 2.2], vertical_alignment="bottom")
    page.control("network", container=row[0], labels=NETWORK_LABELS, segmented=True)
    page.control("point", container=row[1], labels=POINT_LABELS)
    page.control("target", container=row[2], as_input=True)
    if page.value("network") == N.RANDOM:
        extra = st.columns([1.2, 1, 1, 3], vertical_alignment="bottom")
        page.control("hidden_activation", container=extra[0], labels=SIGMA_LABELS)
        page.control("net_seed", container=extra[1], as_input=True)
        with extra[2].popover("Layers", width="stretch", help="Units of each hidden layer"):
            page.control("hidden_units")
    p = page.current(N.NetParams)
    run = results.network(p)
    step = stepper("layer_step", N.NetParams, p.layer_step, len(run.walk), row[3:],
                   slider=False)
    page.write_url()
    current = run.walk[step - 1] if step else None
    st.latex(N.step_latex(current) if current else r"	ext{The input } x = " +
             N.step_latex(N.LayerStep("forward", "x", run.h[0])).split("=", 1)[1])
    layout.chart(partial(fig.network_diagram, run, step, ""), "bp.network",
                 caption="The network's units with their values and, once the backward pass "
                         "reached them, their gradients; edges as wide as |W|.")
    done = run.walk[:step] if step == len(run.walk) else [current] if current else []
    for line in (line for s in done for line in N.parameter_latex(s)):
        st.latex(line)
    gap = results.network_tape_gap(p.structure())
    layout.explain(N.notice(run) + " Every ∂L/∂h, ∂L/∂z and ∂L/∂W here agrees with "
                   "GradientTape on the same Keras model (float64) "
                   f"{'to 12 digits' if gap <= 1e-12 else f'within {gap:.1e}'}.")


def cost_view() -> None:
    """Tab 3: the time of a gradient by backpropagation and by finite differences."""
    left, right = st.columns([1, 3])
    with left:
        page.control("widths", columns=3)
    timings = results.cost_sweep(page.current(C.CostParams))
    last = timings[-1]
    with left:
        st.metric("parameters P", f"{last.parameters:,}")
        st.metric("backpropagation", f"{last.backprop_s * 1e3:.3g} ms")
        st.metric("finite differences", f"{last.finite_s * 1e3:.3g} ms",
                  help=f"{2 * last.parameters:,} forward passes, one compiled call")
    layout.chart(partial(plots.cost_plot, timings), "bp.cost", right)
    layout.explain(C.notice(timings))


def depth_view() -> None:
    """Tab 4: |∂L/∂W| per layer of a deep stack right after initialisation."""
    row = st.columns([1.6, 1.2, 1.3, 1.3, 0.9])
    page.control("initializer", container=row[0], labels=I.LABELS)
    page.control("activation", container=row[1], labels=SIGMA_LABELS)
    page.control("depth", container=row[2])
    page.control("width", container=row[3])
    page.control("seed", container=row[4], as_input=True)
    ip = page.current(I.InitParams)
    probes = results.probes(ip)
    layout.chart(partial(plots.depth_plot, probes, ip.initializer, I.LABELS), "bp.depth")
    layout.explain(D.notice(probes, ip) + " Here L = Σ r·h is a random read-out of the last "
                   f"layer for one batch of {probes[ip.initializer].batch} inputs: the "
                   "activations page's probe, seen as a backward pass.")


@st.fragment
def expression_view() -> None:
    """Tab 5: a typed f(a, b, c) as a graph, its values and gradients."""
    left, right = st.columns([3, 2])
    page.control("expression", container=left)
    right.markdown("a, b, c")
    page.control("variables", container=right, columns=3)
    typed = page.value("expression")
    p = page.current(T.ExpressionParams)  # a refused text keeps the last accepted one
    page.write_url()
    if typed != p.expression:
        show_refused(typed)
    try:
        graph = T.expression_graph(p)
    except E.ExpressionError as err:
        st.error(f"f cannot be differentiated here: {plain(str(err))}")
        return
    walk = G.steps(graph)
    layout.chart(partial(fig.computational_graph, graph, walk, len(walk),
                         f"f = {G.number(graph.output.value)}", False), "bp.typed")
    st.code("\n".join(G.step_text(graph, s) for s in walk), language=None, wrap_lines=True)


def show_refused(typed: str) -> None:
    """The refused text as text, with a caret under the column the parser named."""
    try:
        T.check_expression(typed)
    except E.ExpressionError as err:
        st.error(f"This expression is not accepted: {plain(str(err))}")
        column = re.search(r"column (\d+)", str(err))
        caret = "\n" + " " * (int(column.group(1)) - 1) + "^" if column else ""
        st.code(typed[:E.MAX_LENGTH] + caret, language=None)


layout.tabs("backpropagation", {"1 · One neuron": neuron_view, "2 · A network": network_view,
                                "3 · Why backwards": cost_view, "4 · Through depth": depth_view,
                                "5 · Your f(a, b, c)": expression_view})
page.write_url()
