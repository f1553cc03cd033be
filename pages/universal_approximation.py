"""Universal approximation: one hidden layer can fit any reasonable function; see how, build
it by hand, and find where training and the theorem part ways."""

import hashlib
import re
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core import activations
from core import expression as E
from core import universal_approximation as U
from core import universal_approximation_notes as notes
from core.figures import universal_approximation as fig_ua
from ui import layout, live, results
from ui.page import PageState
from ui.state import plain

P, H, C = U.ApproxParams, U.HandParams, U.CompareParams
page = PageState.load("universal_approximation")
layout.header(
    "Universal approximation",
    "One hidden layer can fit any reasonable function on a range: see how, build the sum by "
    "hand, and find where training and the theorem part ways.",
    r"y(x) = \textstyle\sum_i w^{(2)}_i\, \sigma(w^{(1)}_i x + b^{(1)}_i) + b^{(2)} \approx f(x)")


def main_controls() -> None:
    cols = st.columns([1.8, 0.9, 1.4, 1.3, 1.4, 1.0, 1.1], vertical_alignment="bottom")
    for col, name in zip(cols, ("target", "hidden_layers", "hidden_units", "activation",
                                "epochs")):
        page.control(name, container=col, as_input=name == "hidden_layers")
    cols[5].button(notes.LECTURE_BUTTON, on_click=page.update, args=(P,), kwargs=U.LECTURE_PRESET,
                   width="stretch", help=notes.LECTURE_NETWORK)
    with cols[6].popover("More", width="stretch", help="Optimizer, learning rate, data and seed"):
        for name in ("optimizer", "learning_rate", "points", "noise", "seed"):
            page.control(name, as_input=name == "seed")
    if page.value("target") == U.CUSTOM:
        cols = st.columns([4, 1, 1])
        for col, name in zip(cols, ("expression", "x_min", "x_max")):
            page.control(name, container=col, as_input=name != "expression")


def show_caret(typed: str, err: Exception) -> None:
    """The typed text (as code, never Markdown) with a caret under the column named."""
    column = re.search(r"column (\d+)", str(err))
    caret = "\n" + " " * (int(column.group(1)) - 1) + "^" if column else ""
    st.code(typed[:E.MAX_LENGTH] + caret, language=None)


def target_params() -> U.ApproxParams | None:
    """The widgets' parameters (a rejected expression keeps the last accepted one, with a
    message and a caret under the error), or None when f cannot be fitted on its range."""
    p, typed = page.current(P), page.value("expression")
    if page.value("target") == U.CUSTOM and typed != p.expression:
        try:
            E.check_syntax(typed)
        except E.ExpressionError as err:
            show_caret(typed, err)
    try:
        U.check_target(p)
    except E.ExpressionError as err:
        st.error(f"This f(x) cannot be fitted on its range: {plain(str(err))}")
        show_caret(p.expression, err)
        return None
    return p


def fit(p: U.ApproxParams) -> U.Fit:
    """``p``'s fit from the cache, or trained now under a progress bar and then cached."""
    return live.computed(results.approx_fits, lambda report: U.train_fit(
        p, on_progress=lambda done, total: report(done / total, f"Training… epoch {done} of "
                                                                 f"{total}")), p)


def fit_view(p: U.ApproxParams, run: U.Fit) -> None:
    res = run.result
    left, right = st.columns([3, 2])
    frames = [(s.epoch, s.outputs[:, 0]) for s in res.snapshots if s.outputs is not None]
    layout.chart(partial(fig_ua.fit_replay, run.grid, run.truth, frames, train_range=U.x_range(p),
                         x_train=run.x_train, y_train=run.y_train, losses=res.history["loss"]),
                 "universal_approximation.fit", left)
    if res.diverged:
        right.error(res.message)
    for col, (label, value, help) in zip(right.columns(3), (
            ("max error", f"{run.errors[0]:.3f}", "max |f(x) − fit(x)| over the shaded range"),
            ("RMS error", f"{run.errors[1]:.3f}", "root mean square of f − fit over the range"),
            ("parameters", U.parameter_count(p.hidden_layers, p.hidden_units), None))):
        col.metric(label, value, help=help)
    layout.chart(partial(fig_ua.loss_figure, res.history, diverged_at=res.diverged_at),
                 "universal_approximation.loss", right)


def notice_tab(p: U.ApproxParams, run: U.Fit) -> None:
    layout.explain(notes.notice(run))
    lo, hi = U.x_range(p)
    st.caption(f"f(x) = {plain(U.target_formula(p))} on \\[{lo:.3g}, {hi:.3g}\\]; {p.points} "
               f"training points, mini-batches of {U.BATCH_SIZE}, inputs scaled to \\[−1, 1\\].")


def units_tab(p: U.ApproxParams, run: U.Fit) -> None:
    if p.hidden_layers != 1:
        st.info(f"The network has {p.hidden_layers} hidden layers; the sum of units is the "
                "picture of one hidden layer.")
        st.button("Use one hidden layer", on_click=page.update, args=(P,),
                  kwargs={"hidden_layers": 1})
        return
    dec = U.decompose(run.weights(), p.activation, run.grid)
    kind = notes.UNIT_KINDS.get(p.activation, f"{activations.get(p.activation).label} units")
    layout.chart(partial(fig_ua.decomposition, run.grid, run.truth, dec.contributions, dec.bias,
                         dec.positions, kind=kind, train_range=U.x_range(p)),
                 "universal_approximation.units")
    gap = float(np.max(np.abs(dec.total - run.outputs())))
    st.caption(notes.decomposition_caption(gap, run.outputs()))


def hand_table(where, h: U.HandParams) -> U.HandParams:
    """The pieces as an editable table; its key names its content, so new pieces (placed
    evenly, or edited) start a fresh table instead of replaying old edits on them."""
    base = pd.DataFrame({"position": h.hand_positions, "height": h.hand_heights})
    digest = hashlib.sha1(repr((h.hand_positions, h.hand_heights)).encode()).hexdigest()[:12]
    limits = {n: H.meta(f"hand_{n}s") for n in ("position", "height")}
    edited = where.data_editor(base, key=f"universal_approximation.hand_table.{digest}",
                               num_rows="dynamic", hide_index=True, width="stretch",
                               column_config={n: st.column_config.NumberColumn(
                                   n, min_value=m["lo"], max_value=m["hi"], format="%.3f")
                                   for n, m in limits.items()}).dropna()
    try:
        return h.replace(hand_positions=tuple(float(v) for v in edited["position"]),
                         hand_heights=tuple(float(v) for v in edited["height"]))
    except ValueError as err:
        where.warning(f"Table not used: {plain(str(err))}")
        return h


def hand_tab(p: U.ApproxParams, run: U.Fit) -> None:
    cols = st.columns([1.2, 1, 1, 1, 1.2])
    table, picture = st.columns([1.4, 3])
    h = page.current(H)  # before its widgets: an edited table may still change it
    edited = hand_table(table, h)
    if edited != h:
        page.set(edited)
        h = edited
    for col, name in zip(cols, ("hand_kind", "hand_count", "hand_steepness", "hand_offset")):
        page.control(name, container=col, as_input=name != "hand_kind")
    cols[4].button("Place evenly", on_click=page.change, args=(H, partial(U.place_evenly, p)),
                   help="Put the pieces evenly on the range, heights read off f: the "
                        "constructive proof of the theorem.", width="stretch")
    lo, hi = U.x_range(p)
    x = np.linspace(lo, hi, 241)
    truth = U.target_function(p)(x)
    trained = np.interp(x, run.grid[run.inside], run.outputs()[run.inside])
    layout.chart(partial(fig_ua.hand_built, x, truth, U.hand_pieces(h, x), U.hand_sum(h, x),
                         h.hand_positions, trained=trained, kind=U.HAND_KINDS[h.hand_kind]),
                 "universal_approximation.hand", picture)
    mine, found = U.fit_errors(truth, U.hand_sum(h, x)), U.fit_errors(truth, trained)
    table.metric("your max error", f"{mine[0]:.3f}",
                 delta=f"{mine[0] - found[0]:+.3f} vs training", delta_color="inverse")


def width_tab(p: U.ApproxParams) -> None:
    st.markdown(f"One hidden layer of {', '.join(map(str, U.SWEEP_WIDTHS))} units, each "
                f"trained like the network above ({p.epochs} epochs, {p.activation}, same "
                "seed), judged by its max and RMS error over the range.")
    key = U.sweep_key(p)
    errors = results.width_sweeps.get(key)
    button = st.empty()  # gone once the sweep is there
    if errors is None and button.button("Run the width sweep", type="primary"):
        button.empty()
        errors = live.computed(results.width_sweeps, lambda report: U.width_sweep(
            key, results.approx_sweep_point, on_progress=lambda width, i: report(
                i / len(U.SWEEP_WIDTHS), f"Training {width} units…")), key)
    if errors is not None:
        layout.chart(partial(fig_ua.width_sweep, U.SWEEP_WIDTHS, errors[:, 0], errors[:, 1]),
                     "universal_approximation.sweep")
        st.caption(notes.sweep_verdict(errors[:, 1]))


def compare_tab(p: U.ApproxParams) -> None:
    cols = st.columns(4)
    page.control("deep_layers", container=cols[0], as_input=True)
    page.control("deep_units", container=cols[1], as_input=True)
    cols[2].caption(f"Same target, data, activation ({p.activation}) and {p.epochs} epochs. "
                    "The shallow network's width is chosen to match the parameter count.")
    runs = [fit(q) for q in page.current(C).pair(p)]
    for col, run in zip(st.columns(2), runs):
        q = run.params
        count = U.parameter_count(q.hidden_layers, q.hidden_units)
        layout.chart(partial(fig_ua.fit_figure, run.grid, run.truth, run.outputs(),
                             train_range=U.x_range(q), x_train=run.x_train, y_train=run.y_train,
                             title=f"{q.hidden_layers} × {q.hidden_units}: {count} parameters"),
                     f"universal_approximation.compare.{q.hidden_layers}", col)
        col.caption("max error {:.3f}, RMS {:.3f}".format(*run.errors))
    layout.explain(notes.compare_text(*runs))


main_controls()
params = target_params()
if params is not None:
    run = fit(params)
    fit_view(params, run)
    layout.tabs("universal_approximation", {
        "What to notice": partial(notice_tab, params, run),
        "Unit by unit": partial(units_tab, params, run),
        "By hand": partial(hand_tab, params, run),
        "Width": partial(width_tab, params), "Shallow vs deep": partial(compare_tab, params)})
page.write_url()
