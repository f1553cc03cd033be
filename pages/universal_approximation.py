"""Universal approximation: one hidden layer can fit any reasonable function; see how, build
it by hand, and find where training and the theorem part ways."""

import re
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, optimizers
from core import expression as E
from core import universal_approximation as U
from core.figures import universal_approximation as fig_ua
from ui import flow, layout, state, widgets

PAGE = "universal"
P, H, C = U.ApproxParams, U.HandParams, U.CompareParams
TABLE = f"{PAGE}.hand_table"
UNIT_KINDS = {"relu": "ReLU hinges", "sigmoid": "sigmoid steps", "tanh": "tanh steps"}


def key(name: str) -> str:
    return state.widget_key(PAGE, name)


def _train(p: U.ApproxParams, frames: int = U.FRAMES) -> U.Fit:
    # The bar is made inside the cached function, so a cache hit replays it (and its
    # removal) instead of touching an element from another run.
    bar = st.progress(0.0, text="Training…")
    shown = [0.0]

    def report(done: int, total: int) -> None:
        if done / total - shown[0] >= 0.05 or done == total:
            shown[0] = done / total
            bar.progress(shown[0], text=f"Training… epoch {done} of {total}")

    try:
        return U.train_fit(p, frames, on_progress=report)
    finally:
        bar.empty()


train = layout.cached(_train, max_entries=48, spinner=False)
sweep_point = layout.cached(U.sweep_point, max_entries=256, spinner=False)


# -- callbacks (run before the next run draws the widgets) ---------------------------------


def lecture_preset() -> None:
    for name, value in U.LECTURE_PRESET.items():
        st.session_state[key(name)] = value


def one_hidden_layer() -> None:
    st.session_state[key("hidden_layers")] = 1


def load_hand(h: U.HandParams) -> None:
    state.reset(H, PAGE, h)
    st.session_state.pop(TABLE, None)
    st.session_state.pop(f"{TABLE}.base", None)


# -- parts of the page ---------------------------------------------------------------------


def show_expression_error(typed: str, err: Exception, what: str) -> None:
    st.error(f"{what}: {state.plain(str(err))}")
    column = re.search(r"column (\d+)", str(err))
    caret = "\n" + " " * (int(column.group(1)) - 1) + "^" if column else ""
    st.code(typed[:E.MAX_LENGTH] + caret, language=None)


def main_controls() -> None:
    cols = st.columns([1.8, 0.9, 1.4, 1.3, 1.4, 1.0, 1.1], vertical_alignment="bottom")
    widgets.control(P, "target", PAGE, container=cols[0], labels=U.TARGET_LABELS)
    widgets.control(P, "hidden_layers", PAGE, container=cols[1], as_input=True)
    widgets.control(P, "hidden_units", PAGE, container=cols[2])
    widgets.control(P, "activation", PAGE, container=cols[3],
                    labels={k: a.label for k, a in activations.ACTIVATIONS.items()})
    widgets.control(P, "epochs", PAGE, container=cols[4])
    cols[5].button("2 × 30", on_click=lecture_preset, width="stretch",
                   help="The lecture's network: 2 hidden layers of 30 tanh units, "
                        "1500 epochs on 200 points.")
    with cols[6].popover("More", width="stretch",
                         help="Optimizer, learning rate, data and seed"):
        widgets.control(P, "optimizer", PAGE,
                        labels={k: o.label for k, o in optimizers.OPTIMIZERS.items()})
        widgets.control(P, "learning_rate", PAGE)
        widgets.control(P, "points", PAGE)
        widgets.control(P, "noise", PAGE)
        widgets.control(P, "seed", PAGE, as_input=True)
    if st.session_state[key("target")] == U.CUSTOM:
        cols = st.columns([4, 1, 1])
        widgets.control(P, "expression", PAGE, container=cols[0])
        widgets.control(P, "x_min", PAGE, container=cols[1], as_input=True)
        widgets.control(P, "x_max", PAGE, container=cols[2], as_input=True)


def current_params(previous: U.ApproxParams) -> U.ApproxParams:
    """The widgets' parameters; a rejected expression keeps the last accepted one."""
    typed = st.session_state[key("expression")]
    try:
        E.check_syntax(typed)
    except E.ExpressionError as err:
        if st.session_state[key("target")] == U.CUSTOM:
            show_expression_error(typed, err, "This expression is not accepted")
        values = {n: st.session_state[key(n)] for n in P.field_names()}
        try:
            return P(**{**values, "expression": previous.expression})
        except ValueError:
            return previous
    return state.current(P, PAGE)


def fit_view(p: U.ApproxParams, run: U.Fit) -> None:
    res = run.result
    left, right = st.columns([3, 2])
    frames = [(s.epoch, s.outputs[:, 0]) for s in res.snapshots if s.outputs is not None]
    layout.chart(partial(fig_ua.fit_replay, run.grid, run.truth, frames, train_range=U.x_range(p),
                                   x_train=run.x_train, y_train=run.y_train,
                                   losses=res.history["loss"]), f"{PAGE}.fit", left)
    if res.diverged:
        right.error(res.message)
    max_err, rms = run.errors
    m = right.columns(3)
    m[0].metric("max error", f"{max_err:.3f}", help="max |f(x) − fit(x)| over the shaded "
                                                    "training range")
    m[1].metric("RMS error", f"{rms:.3f}", help="root mean square of f − fit over the range")
    m[2].metric("parameters", U.parameter_count(p.hidden_layers, p.hidden_units))
    layout.chart(partial(fig_ua.loss_figure, res.history, diverged_at=res.diverged_at),
                 f"{PAGE}.loss", right)


def notice_tab(p: U.ApproxParams, run: U.Fit) -> None:
    layout.explain(
        "- **The theorem promises that weights exist; training has to find them.** One hidden "
        "layer of 16 tanh units (the default) leaves visible errors on the bumpy target; the "
        "lecture's 2 × 30 network (button) follows it closely. Tab *Width* shows how far "
        "more units of one layer get within the same epochs.\n"
        "- **Outside the shaded training range the network does not extrapolate.** A ReLU "
        "network continues as a straight line, a tanh or sigmoid network flattens to a "
        "constant: nothing in the data tells it what f does there.\n"
        "- **One hidden layer is a sum of simple pieces** (tab *Unit by unit*): ReLU units are "
        "hinges, sigmoid and tanh units are steps, each placed at x = −b/w. Tab *By hand* "
        "builds the same kind of sum without any training.\n"
        "- The errors are measured against f on the shaded range, not against the (possibly "
        "noisy) training points.")
    lo, hi = U.x_range(p)
    st.caption(f"f(x) = {target_text(p)} on \\[{lo:.3g}, {hi:.3g}\\]; {p.points} training "
               f"points, mini-batches of {U.BATCH_SIZE}, inputs scaled to \\[−1, 1\\].")


def target_text(p: U.ApproxParams) -> str:
    return state.plain(U.target_formula(p))


def units_tab(p: U.ApproxParams, run: U.Fit) -> None:
    if p.hidden_layers != 1:
        st.info(f"The network has {p.hidden_layers} hidden layers; the sum of units is the "
                "picture of one hidden layer.")
        st.button("Use one hidden layer", on_click=one_hidden_layer)
        return
    dec = U.decompose(run.weights(), p.activation, run.grid)
    kind = UNIT_KINDS.get(p.activation, f"{activations.get(p.activation).label} units")
    layout.chart(partial(fig_ua.decomposition, run.grid, run.truth, dec.contributions, dec.bias,
                                      dec.positions, kind=kind, train_range=U.x_range(p)),
                 f"{PAGE}.units")
    gap = float(np.max(np.abs(dec.total - run.outputs())))
    st.caption(f"Each line below is one unit's term w₂ᵢ·σ(w₁ᵢx + b₁ᵢ), sorted by its position "
               f"−b₁ᵢ/w₁ᵢ (▲). Their sum plus b₂ is the network's output (largest difference "
               f"from the trained model's own output: {gap:.1e}, float32 rounding).")


def hand_tab(p: U.ApproxParams, run: U.Fit, h: U.HandParams) -> U.HandParams:
    cols = st.columns([1.2, 1, 1, 1, 1.2])
    widgets.control(H, "hand_kind", PAGE, container=cols[0], labels=U.HAND_KINDS)
    widgets.control(H, "hand_count", PAGE, container=cols[1], as_input=True)
    widgets.control(H, "hand_steepness", PAGE, container=cols[2], as_input=True)
    widgets.control(H, "hand_offset", PAGE, container=cols[3], as_input=True)
    h = state.current(H, PAGE)
    cols[4].button("Place evenly", on_click=lambda: load_hand(U.place_evenly(p, h)),
                   help="Put the pieces evenly on the range, heights read off f: the "
                        "constructive proof of the theorem.", width="stretch")
    table, picture = st.columns([1.4, 3])
    base = st.session_state.setdefault(f"{TABLE}.base", pd.DataFrame(
        {"position": h.hand_positions, "height": h.hand_heights}))
    limits = {n: H.meta(f"hand_{n}s") for n in ("position", "height")}
    edited = table.data_editor(base, key=TABLE, num_rows="dynamic", hide_index=True,
                               width="stretch", column_config={
                                   n: st.column_config.NumberColumn(
                                       n, min_value=m["lo"], max_value=m["hi"], format="%.3f")
                                   for n, m in limits.items()})
    rows = edited.dropna()
    try:
        h = h.replace(hand_positions=tuple(float(v) for v in rows["position"]),
                      hand_heights=tuple(float(v) for v in rows["height"]))
    except ValueError as err:
        table.warning(f"Table not used: {state.plain(str(err))}")
    for name in ("hand_positions", "hand_heights"):
        st.session_state[key(name)] = getattr(h, name)
    h = state.current(H, PAGE)
    lo, hi = U.x_range(p)
    x = np.linspace(lo, hi, 241)
    truth = U.target_function(p)(x)
    inside = run.inside
    trained = np.interp(x, run.grid[inside], run.outputs()[inside])
    layout.chart(partial(fig_ua.hand_built, x, truth, U.hand_pieces(h, x), U.hand_sum(h, x),
                                   h.hand_positions, trained=trained,
                                   kind=U.HAND_KINDS[h.hand_kind]), f"{PAGE}.hand", picture)
    mine, found = U.fit_errors(truth, U.hand_sum(h, x)), U.fit_errors(truth, trained)
    table.metric("your max error", f"{mine[0]:.3f}",
                 delta=f"{mine[0] - found[0]:+.3f} vs training", delta_color="inverse")
    return h


def width_tab(p: U.ApproxParams) -> None:
    st.markdown(f"One hidden layer of {', '.join(map(str, U.SWEEP_WIDTHS))} units, each "
                f"trained like the network above ({p.epochs} epochs, {p.activation}, same "
                "seed), judged by its max and RMS error over the range.")
    results = st.session_state.setdefault(f"{PAGE}.sweeps", {})
    sweep_key = p.replace(hidden_layers=1, hidden_units=1)
    if sweep_key not in results and st.button("Run the width sweep", type="primary"):
        bar = st.progress(0.0, text="Training…")
        errors = []
        for i, width in enumerate(U.SWEEP_WIDTHS):
            bar.progress(i / len(U.SWEEP_WIDTHS), text=f"Training {width} units…")
            errors.append(sweep_point(p, width))
        results[sweep_key] = errors
        bar.empty()
    if sweep_key in results:
        errors = np.array(results[sweep_key])
        layout.chart(partial(fig_ua.width_sweep, U.SWEEP_WIDTHS, errors[:, 0], errors[:, 1]),
                     f"{PAGE}.sweep")
        st.caption(sweep_verdict(errors[:, 1]))


def sweep_verdict(rms: np.ndarray) -> str:
    """What this sweep shows, read off its numbers (so the text is true for every target)."""
    widths = U.SWEEP_WIDTHS
    text = (f"RMS error {rms[0]:.3g} with {widths[0]} unit, {rms[-1]:.3g} with {widths[-1]}. ")
    rises = [w for w, a, b in zip(widths[1:], rms[:-1], rms[1:]) if b > a]
    if not rises:
        return text + "It falls with every doubling of the width, as the theorem suggests."
    return text + ("It does not fall at every step (it rises at " + ", ".join(map(str, rises))
                   + " units): the width allows a better fit, training within "
                   "these epochs does not always find it.")


def compare_tab(p: U.ApproxParams) -> U.CompareParams:
    cols = st.columns(4)
    widgets.control(C, "deep_layers", PAGE, container=cols[0], as_input=True)
    widgets.control(C, "deep_units", PAGE, container=cols[1], as_input=True)
    c = state.current(C, PAGE)
    shallow, deep = c.pair(p)
    cols[2].caption(f"Same target, data, activation ({p.activation}) and {p.epochs} epochs. "
                    "The shallow network's width is chosen to match the parameter count.")
    rms_of = []
    for col, q in zip(st.columns(2), (shallow, deep)):
        run = train(q)
        count = U.parameter_count(q.hidden_layers, q.hidden_units)
        max_err, rms = run.errors
        rms_of.append(rms)
        layout.chart(partial(fig_ua.fit_figure,
            run.grid, run.truth, run.outputs(), train_range=U.x_range(q),
            title=f"{q.hidden_layers} × {q.hidden_units}: {count} parameters",
            x_train=run.x_train, y_train=run.y_train),
            f"{PAGE}.compare.{q.hidden_layers}", col)
        col.caption(f"max error {max_err:.3f}, RMS {rms:.3f}")
    ratio = rms_of[0] / max(rms_of[1], 1e-12)
    better = ("the deep network's" if ratio > 1 else "the shallow network's")
    layout.explain(f"Here {better} RMS error is {max(ratio, 1 / ratio):.1f}× smaller with about "
                   "the same number of parameters. The theorem is about one hidden layer; it "
                   "says nothing about how many units it needs or how easily training finds "
                   "them.")
    return c


# -- the page ------------------------------------------------------------------------------

layout.require_router()
title, formula = st.columns([1, 1], vertical_alignment="center")
title.markdown("### Universal approximation")
formula.latex(r"y(x) = \textstyle\sum_i w^{(2)}_i\, \sigma(w^{(1)}_i x + b^{(1)}_i) + b^{(2)}"
              r" \approx f(x)")
flow.recap(title)
params = state.load(P, PAGE, others=[H, C])
hand = state.load(H, PAGE, others=[P, C])
compare = state.load(C, PAGE, others=[P, H])
state.show_notes(PAGE)
main_controls()
params = current_params(params)
try:
    U.check_target(params)
except E.ExpressionError as err:
    show_expression_error(params.expression, err, "This f(x) cannot be fitted on its range")
    params = None
if params is not None:
    run = train(params)
    fit_view(params, run)
    tabs = layout.lazy_tabs(["What to notice", "Unit by unit", "By hand", "Width",
                             "Shallow vs deep"], PAGE)
    with tabs[0]:
        notice_tab(params, run)
    if tabs[1].open:
        with tabs[1]:
            units_tab(params, run)
    if tabs[2].open:
        with tabs[2]:
            hand = hand_tab(params, run, hand)
    if tabs[3].open:
        with tabs[3]:
            width_tab(params)
    if tabs[4].open:
        with tabs[4]:
            compare = compare_tab(params)
    state.write_url(params, hand, compare)
