"""Activations and initialisation: why a network needs a non-linear σ, what each σ looks
like, and why the scale of the starting weights decides whether a deep network learns."""

from functools import partial

import pandas as pd
import streamlit as st

from core import activation_functions as A
from core import activation_notes as notes
from core import initialisation as I
from core.figures import activations as fig_act
from core.figures import initialisation as fig_init
from ui import layout, results
from ui.page import PageState
from ui.state import hidden_controls

SUBTABS = ["f and f′", "One neuron, two make a bump", "Stacked linear layers"]

page = PageState.load("activations")
layout.header("Activations and initialisation",
              "A layer is h = σ(Wx + b): the activation σ makes it non-linear, the starting "
              "W decides whether a deep stack of layers can learn at all.",
              r"h = \sigma(Wx + b)")


def functions_view() -> None:
    """Tab 1: three views, each with its controls and figures on the first screen; only the
    open one runs."""
    views = layout.lazy_tabs(SUBTABS, "activations", "subtab")
    for view, draw in zip(views, (curves_view, neuron_view, stack_view)):
        if view.open:
            with view:
                draw()


def curves_view() -> None:
    # The slider sits left of the "more" button: at the tab's right edge its thumb sticks out
    # of the tab by a few pixels.
    top = st.columns([5.4, 1.7, 1.1], vertical_alignment="bottom")
    page.control("activations", container=top[0], labels=A.PILLS)
    page.control("threshold", container=top[1])
    if "more" not in hidden_controls():
        with top[2].popover("more", width="stretch",
                            help=f"{len(A.MORE)} more Keras activations to overlay"):
            page.control("more", labels=A.PILLS)
    p = page.current(A.CurveParams)
    c = results.act_curves(p.names, p.threshold)
    left, right = st.columns(2)
    layout.chart(partial(fig_act.activation_curves, c, slopes=False), "activations.f", left)
    layout.chart(partial(fig_act.activation_curves, c, slopes=True), "activations.df", right)
    layout.explain(notes.saturation_notice(c))
    table = pd.DataFrame(A.property_rows()).set_index("activation")
    st.dataframe(table, width="stretch", height=36 * (len(table) + 1) + 4)
    st.caption(A.properties_caption())


def neuron_view() -> None:
    c = st.columns(4)
    page.control("neuron_activation", container=c[0], labels=A.LABELS)
    for col, name in zip(c[1:], ("w", "b", "bump_width")):
        page.control(name, container=col)
    p = page.current(A.NeuronParams)
    n = results.act_neuron(p)
    label = A.LABELS[p.neuron_activation]
    left, right = st.columns(2)
    layout.chart(partial(fig_act.neuron_figure, n, label, p.w, p.b), "activations.neuron", left)
    layout.chart(partial(fig_act.bump_figure, n, label), "activations.bump", right)
    layout.explain(notes.neuron_notice(n, p))


def stack_view() -> None:
    c = st.columns(4)
    page.control("stack_depth", container=c[0])
    page.control("stack_width", container=c[1])
    page.control("bend", container=c[2], labels=A.LABELS)
    page.control("stack_seed", container=c[3], as_input=True)
    p = page.current(A.StackParams)
    s = results.act_stack(p)
    label = A.LABELS[p.bend]
    left, right = st.columns(2)
    for where, linear, key in ((left, True, "linear"), (right, False, "bent")):
        layout.chart(partial(fig_act.stack_figure, s, linear=linear, bend_label=label),
                     f"activations.{key}", where)
    st.latex(r"W^{(L)}\cdots W^{(2)} W^{(1)} = " + f"{s.w_eff:.4g}" +
             r",\qquad b_\text{eff} = " + f"{s.b_eff:.4g}")
    layout.explain(notes.stack_notice(s, p))


def init_view() -> None:
    """Tab 2: signals and gradients through a deep network right after initialisation, then
    the same small network trained from every start."""
    c = st.columns([3, 2, 2, 2, 1], vertical_alignment="bottom")
    page.control("initializer", container=c[0], labels=I.LABELS)
    for col, name in zip(c[1:4], ("activation", "depth", "width")):
        page.control(name, container=col)
    page.control("seed", container=c[4], as_input=True)
    p = page.current(I.InitParams)
    probes = results.probes(p)  # filled at server start for the defaults
    pr = probes[p.initializer]
    left, right = st.columns(2)
    layout.chart(partial(fig_init.histograms, pr, I.LABELS[p.initializer]), "activations.hist",
                 left)
    layout.chart(partial(fig_init.spread_per_layer, probes, p.initializer),
                 "activations.spread", right)
    st.info(f"**{I.LABELS[p.initializer]}, {p.activation}:** {I.verdict(pr)}")
    layout.explain(notes.probe_notice(probes, p))
    st.latex(r"\mathrm{Var}[W] = \frac{2}{n_\mathrm{in} + n_\mathrm{out}}\ \text{(Glorot, "
             r"tanh)},\qquad \mathrm{Var}[W] = \frac{2}{n_\mathrm{in}}\ \text{(He, ReLU)}")
    st.caption("The lecture's rules. Drawn from a Gaussian or from a uniform U(−a, a) with "
               "a = √(3 Var[W]). Glorot and He normal are cut at two standard deviations and "
               "widened so that the variance stays the formula's, as Keras draws them.")
    st.table(pd.DataFrame.from_dict(I.probe_rows(probes, p), orient="index"))
    training_view()


def training_view() -> None:
    st.subheader(f"Training the same {I.TRAIN_LAYERS} × {I.TRAIN_WIDTH} network from each "
                 "start")
    c = st.columns(5)
    for col, name in zip(c, ("dataset", "train_activation", "epochs", "learning_rate")):
        page.control(name, container=col)
    page.control("train_seed", container=c[4], as_input=True)
    p = page.current(I.TrainParams)
    bar = st.progress(0.0, text="Training…")
    runs = {}
    for i, name in enumerate(I.INITIALIZERS):
        runs[name] = results.train_one(p, name)  # filled at server start for the defaults
        bar.progress((i + 1) / len(I.INITIALIZERS), text=f"Trained from {I.LABELS[name]}")
    bar.empty()
    layout.chart(partial(fig_init.loss_grid, {n: r.history for n, r in runs.items()}),
                 "activations.losses")
    layout.chart(partial(fig_init.symmetry, {n: (runs[n].epochs, runs[n].units)
                                             for n in (I.SYMMETRIC, I.RANDOM)}),
                 "activations.symmetry")
    layout.explain(notes.training_notice(runs, p))


layout.tabs("activations", {"1 · Activation functions": functions_view,
                            "2 · Initialisation": init_view})
page.write_url()
