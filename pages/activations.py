"""Activations and initialisation: why a network needs a non-linear σ, what each σ looks
like, and why the scale of the starting weights decides whether a deep network learns."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core import activation_functions as A
from core import initialisation as I
from core.figures import activations as fig_act
from core.figures import initialisation as fig_init
from ui import layout, results, state, widgets

PAGE = "activations"
TABS = ["1 · Activation functions", "2 · Initialisation"]
SUBTABS = ["f and f′", "One neuron, two make a bump", "Stacked linear layers"]
CP, NP, SP, IP, TP = A.CurveParams, A.NeuronParams, A.StackParams, I.InitParams, I.TrainParams
ALL = (CP, NP, SP, IP, TP)
ACT_LABELS = {k: a.label for k, a in A.ACTIVATIONS.items()}
PILLS = {k: a.pill for k, a in A.ACTIVATIONS.items()}
INIT_LABELS = {k: I.label(k) for k in I.INITIALIZERS}

curves = layout.cached(A.curves, max_entries=128, spinner=False)
neuron = layout.cached(A.neuron, max_entries=256, spinner=False)
stack = layout.cached(A.stack, max_entries=128, spinner=False)


def control(cls, name: str, where, **kwargs):
    return widgets.control(cls, name, PAGE, container=where, **kwargs)


layout.header("Activations and initialisation",
              "A layer is h = σ(Wx + b): the activation σ makes it non-linear, the starting "
              "W decides whether a deep stack of layers can learn at all.",
              r"h = \sigma(Wx + b)")
loaded = {cls: state.load(cls, PAGE, others=[o for o in ALL if o is not cls]) for cls in ALL}
state.show_notes(PAGE)
functions_tab, init_tab = layout.lazy_tabs(TABS, PAGE)
params = dict(loaded)


def functions_view() -> None:
    # The slider sits left of the "more" button: at the tab's right edge its thumb sticks out
    # of the tab by a few pixels.
    top = st.columns([5.4, 1.7, 1.1], vertical_alignment="bottom")
    control(CP, "activations", top[0], labels=PILLS)
    control(CP, "threshold", top[1])
    if "more" not in state.hidden_controls():
        with top[2].popover("more", width="stretch",
                            help=f"{len(A.MORE)} more Keras activations to overlay"):
            control(CP, "more", st, labels=PILLS)
    cp = params[CP] = state.current(CP, PAGE)
    c = curves(cp.names, cp.threshold)
    left, right = st.columns(2)
    layout.chart(partial(fig_act.activation_curves, c, ACT_LABELS, slopes=False),
                 f"{PAGE}.f", left)
    layout.chart(partial(fig_act.activation_curves, c, ACT_LABELS, slopes=True),
                 f"{PAGE}.df", right)
    rows = [A.properties(n) for n in A.ACTIVATIONS]
    table = pd.DataFrame({
        "activation": [ACT_LABELS[p.name] for p in rows],
        "keras": [p.name for p in rows],
        "range": [p.range_text for p in rows],
        "f′(0)": [round(p.slope_at_zero, 3) for p in rows],
        "monotonic": [p.monotonic for p in rows],
        "mean output, x ~ N(0,1)": [round(p.mean_output, 3) for p in rows],
        "zero-centred": [p.zero_centred for p in rows]})
    table = table.set_index("activation")
    layout.explain(saturation_notes(c))
    st.dataframe(table, width="stretch", height=36 * (len(table) + 1) + 4)
    st.caption("Measured from Keras's values: range over x in [−60, 60] and at ±10⁶; f′(0) "
               "by GradientTape (at a kink, as for ReLU, it returns one side's slope); "
               "zero-centred when the mean output for standard-normal inputs is within ±0.05.")


def saturation_notes(c) -> str:
    """What to notice under f and f′, from the curves drawn."""
    sides = {"both": [], "left": [], "right": [], "none": []}
    for name in c.values:
        sides[A.saturation_sides(c, name)].append(ACT_LABELS[name])
    where = {"both": "on both sides", "left": "only on the left", "right": "only on the right",
             "none": "nowhere on this range"}
    found = "; ".join(f"{', '.join(names)} {where[k]}" for k, names in sides.items() if names)
    return (f"**What to notice.** Shaded: where |f′| < {c.threshold:g}, the saturated regions. "
            "A unit whose input lands there passes almost no gradient back, because the chain "
            f"rule multiplies by f′. Here {found} (x from −{A.X_RANGE:g} to {A.X_RANGE:g}). "
            "ReLU's slope is exactly 0 for x < 0 (a unit that stays there is \"dead\") and 1 "
            "for x > 0; sigmoid's slope is at most 0.25, so each sigmoid layer multiplies the "
            "gradient by a quarter or less before the weights act; tanh's slope is 1 at x = 0.")


def neuron_view() -> None:
    c = st.columns(4)
    control(NP, "neuron_activation", c[0], labels=ACT_LABELS)
    control(NP, "w", c[1])
    control(NP, "b", c[2])
    control(NP, "bump_width", c[3])
    np_ = params[NP] = state.current(NP, PAGE)
    n = neuron(np_)
    label = ACT_LABELS[np_.neuron_activation]
    left, right = st.columns(2)
    layout.chart(partial(fig_act.neuron_figure, n, label, np_.w, np_.b), f"{PAGE}.neuron", left)
    layout.chart(partial(fig_act.bump_figure, n, label), f"{PAGE}.bump", right)
    step = "nowhere (w = 0: a constant)" if n.step is None else f"x = −b/w = {n.step:.2f}"
    props = A.properties(np_.neuron_activation)
    if np.isfinite(props.lo) and np.isfinite(props.hi):
        pair = ("two of them with the same w, the second shifted by the bump width, "
                f"subtracted from each other give a bump (peak {np.max(np.abs(n.bump)):.2f} "
                "here); the larger |w|, the steeper its sides and the flatter its top. A sum "
                "of such bumps can follow any curve: this is the building block of the "
                "universal approximation theorem.")
    else:
        pair = (f"{label} is unbounded above, so two of them subtracted give a ramp that "
                "levels off (a soft step) rather than a bump; two such steps make a bump. "
                "Choose sigmoid or tanh to see the bump directly.")
    layout.explain(f"""
**What to notice.** The bias moves the step, the weight sets its steepness: w·x + b = 0 at
{step}. With a large |w| the neuron switches abruptly there; {pair}""")


def stack_view() -> None:
    c = st.columns(4)
    control(SP, "stack_depth", c[0])
    control(SP, "stack_width", c[1])
    control(SP, "bend", c[2], labels=ACT_LABELS)
    control(SP, "stack_seed", c[3], as_input=True)
    sp = params[SP] = state.current(SP, PAGE)
    s = stack(sp)
    left, right = st.columns(2)
    layout.chart(partial(fig_act.stack_figure, s, linear=True, bend_label=ACT_LABELS[sp.bend]),
                 f"{PAGE}.linear", left)
    layout.chart(partial(fig_act.stack_figure, s, linear=False, bend_label=ACT_LABELS[sp.bend]),
                 f"{PAGE}.bent", right)
    st.latex(r"W^{(L)}\cdots W^{(2)} W^{(1)} = " + f"{s.w_eff:.4g}" +
             r",\qquad b_\text{eff} = " + f"{s.b_eff:.4g}")
    bends = (f"The output bends (up to {s.bend:.0%} of its range away from a straight line): "
             "σ acts element-wise between the matrix products, so they no longer collapse "
             "into one." if s.bend > 0.01 else
             "With these weights it happens to stay almost straight on this range: every "
             "unit stays on one side of its bend. Try another seed.")
    layout.explain(f"""
**What to notice.** Left: {sp.stack_depth} layers of {sp.stack_width} units with random
weights and no activation. Multiplying the weight matrices gives one effective W and b
(above), and the dashed line W·x + b lies exactly on the network's output: however deep,
the stack is one linear layer. Right: the same weights with {ACT_LABELS[sp.bend]} after
every hidden layer. {bends}""")


def init_view() -> None:
    c = st.columns([3, 2, 2, 2, 1], vertical_alignment="bottom")
    control(IP, "initializer", c[0], labels=INIT_LABELS)
    control(IP, "activation", c[1])
    control(IP, "depth", c[2])
    control(IP, "width", c[3])
    control(IP, "seed", c[4], as_input=True)
    ip = params[IP] = state.current(IP, PAGE)
    probes = results.probes(ip)  # filled at server start for the defaults
    pr = probes[ip.initializer]
    left, right = st.columns(2)
    layout.chart(partial(fig_init.histograms, pr, INIT_LABELS[ip.initializer]),
                 f"{PAGE}.hist", left)
    layout.chart(partial(fig_init.spread_per_layer, probes, ip.initializer, INIT_LABELS),
                 f"{PAGE}.spread", right)
    st.info(f"**{INIT_LABELS[ip.initializer]}, {ip.activation}:** {I.verdict(pr)}")
    layout.explain(probe_notes(probes, ip))
    st.latex(r"\mathrm{Var}[W] = \frac{2}{n_\mathrm{in} + n_\mathrm{out}}\ \text{(Glorot, "
             r"tanh)},\qquad \mathrm{Var}[W] = \frac{2}{n_\mathrm{in}}\ \text{(He, ReLU)}")
    st.caption("The lecture's rules. Drawn from a Gaussian or from a uniform U(−a, a) with "
               "a = √(3 Var[W]). Glorot and He normal are cut at two standard deviations and "
               "widened so that the variance stays the formula's, as Keras draws them.")
    rows = {}
    for name, p in probes.items():
        theory = I.theory_variance(name, ip.width, ip.width)
        rows[INIT_LABELS[name]] = {
            "Var[W] theory": "" if theory is None else f"{theory:.3g}",
            "Var[W] measured": f"{p.weight_var.mean():.3g}",
            f"std, layer {ip.depth}": f"{p.act_std[-1]:.2g}",
            "verdict": I.verdict(p)}
    st.table(pd.DataFrame.from_dict(rows, orient="index"))
    training_view()


def probe_notes(probes, ip) -> str:
    """What to notice under the probe, from what it measured."""
    groups: dict[str, list[str]] = {}
    for name, pr in probes.items():
        groups.setdefault(I.classify(pr), []).append(INIT_LABELS[name])
    words = {"dead": "no signal at all", "symmetric": "all units equal",
             "saturated": "saturated", "vanishing": "vanishing", "exploding": "exploding",
             "stable": "scale kept"}
    found = "; ".join(f"{words[k]}: {', '.join(v)}" for k, v in groups.items())
    batch = next(iter(probes.values())).batch
    return (f"**What to notice.** {batch} random inputs (standard normal) go forward through "
            f"{ip.depth} {ip.activation} layers of {ip.width} units, and a random gradient "
            "goes back from the output. Each row of the left picture is one layer's "
            "histogram; on the right the grey lines are the other initializers. The lecture: "
            "weights too small give vanishing signals and gradients, too large exploding ones "
            "(with tanh and sigmoid: saturated units), and either way no learning. Measured "
            f"here: {found}.")


def training_view() -> None:
    st.subheader(f"Training the same {I.TRAIN_LAYERS} × {I.TRAIN_WIDTH} network from each "
                 "start")
    c = st.columns(5)
    control(TP, "dataset", c[0])
    control(TP, "train_activation", c[1])
    control(TP, "epochs", c[2])
    control(TP, "learning_rate", c[3])
    control(TP, "train_seed", c[4], as_input=True)
    tp = params[TP] = state.current(TP, PAGE)
    bar = st.progress(0.0, text="Training…")
    runs = {}
    for i, name in enumerate(I.INITIALIZERS):
        runs[name] = results.train_one(tp, name)  # filled at server start for the defaults
        bar.progress((i + 1) / len(I.INITIALIZERS), text=f"Trained from {INIT_LABELS[name]}")
    bar.empty()
    layout.chart(partial(fig_init.loss_grid, {n: r.history for n, r in runs.items()}, INIT_LABELS),
                 f"{PAGE}.losses")
    layout.chart(partial(fig_init.symmetry, {n: (runs[n].epochs, runs[n].units)
                                    for n in (I.SYMMETRIC, I.RANDOM)}, INIT_LABELS),
                 f"{PAGE}.symmetry")
    layout.explain(training_notes(runs, tp))


def training_notes(runs, tp) -> str:
    """What to notice, from the runs themselves: which never learned, which diverged."""
    stuck = [INIT_LABELS[n] for n, r in runs.items() if I.never_learned(r)]
    diverged = [INIT_LABELS[n] for n, r in runs.items() if r.diverged_at is not None]
    same = I.units_identical(runs[I.SYMMETRIC])
    lines = ["**What to notice.**"]
    if stuck:
        lines.append(f"Never learns (loss stays at its start, {tp.epochs} epochs of SGD): "
                     f"{', '.join(stuck)}.")
    if diverged:
        lines.append(f"Diverged (loss became infinite): {', '.join(diverged)}.")
    sym = INIT_LABELS[I.SYMMETRIC]
    lines.append(f"Two units starting from {sym} weights "
                 + ("stay identical through training: every unit of the layer receives the "
                    "same gradient, so the layer never becomes more than one unit. "
                    if same else "drift apart (floating-point noise). "))
    if not I.units_identical(runs[I.RANDOM]):
        lines.append(f"From {INIT_LABELS[I.RANDOM]} weights they start and stay different: "
                     "random starting weights break the symmetry.")
    return " ".join(lines)


if functions_tab.open:
    with functions_tab:
        # Three views, each with its controls and figures on the first screen; only the
        # open one runs.
        views = layout.lazy_tabs(SUBTABS, PAGE, "subtab")
        for view, draw in zip(views, (functions_view, neuron_view, stack_view)):
            if view.open:
                with view:
                    draw()
if init_tab.open:
    with init_tab:
        init_view()

state.write_url(*params.values())
