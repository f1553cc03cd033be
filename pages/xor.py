"""XOR: why a linear model fails, the lecture's hand-set network, and trained networks."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, optimizers
from core import xor as X
from core.figures import training as fig_training
from core.figures import xor as fig_xor
from ui import layout, results
from ui.page import PageState

POINT_NAMES = ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]
LABELS = X.XOR_TARGETS.astype(int)

page = PageState.load("xor")
layout.header(
    "XOR: the problem a line cannot solve",
    "y(x₁, x₂) is 1 when exactly one input is 1. No straight line separates the two classes; "
    "one hidden layer with a non-linear activation can.",
    r"y = W^{(2)} h + b^{(2)}, \qquad h = \mathrm{ReLU}\left(W^{(1)} x + b^{(1)}\right)",
)


def points_table(rows: np.ndarray, names: list[str]) -> pd.DataFrame:
    """One row per input point (narrow enough for a quarter of the page)."""
    return pd.DataFrame(np.atleast_2d(rows).T, index=POINT_NAMES, columns=names)


def linear_view() -> None:
    """Tab 1: every straight line fails, and logistic regression learns not to decide."""
    run = results.train_linear()
    outputs = X.linear_outputs(run)
    left, right = st.columns(2)
    layout.chart(partial(fig_training.output_map,
        run.grid_axis, run.result.final.outputs[:, 0], X.XOR_INPUTS, LABELS,
        title="Logistic regression after training"), "xor.linear_map", left)
    layout.chart(partial(fig_training.loss_curve, run.result.history, log_y=False),
                 "xor.linear_loss", right)
    w, b, pred = X.least_squares_fit()
    w = np.round(w, 2) + 0.0  # print -0.00 as 0.00
    answers = ", ".join(f"{p:.2f}" for p in outputs)
    st.markdown(
        f"**The best straight line** gets **{X.best_linear_accuracy():.0%}** of the points "
        "right: three, never four. **Least squares** (w = "
        f"({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}) answers {pred[0]:.2f} for every point. "
        f"**Logistic regression**, trained here, answers p = {answers} for the four points "
        f"(loss {run.result.history['loss'][-1]:.3f} = ln 2): the white map.")
    if X.undecided(outputs):
        layout.explain(
            "Why not the 75 % line? Cross-entropy punishes a confident wrong answer more "
            "than it rewards three right ones, so the lowest loss a line can reach is to "
            "answer ½ everywhere: the model learns not to decide. Its accuracy at the "
            f"threshold ½ ({run.result.history['accuracy'][-1]:.0%} here) only reflects "
            "which side of ½ rounding put each answer, and means nothing.")


@st.fragment
def hand_set_network() -> None:
    """The editable weights and what they do: a fragment, so an edit redraws only
    this tab."""
    left, right = st.columns([2, 3])
    with left:
        cols = st.columns([2, 1, 1, 1])
        for col, (name, title, width) in zip(cols, [
                ("W1", "**W⁽¹⁾**", 2), ("b1", "**b⁽¹⁾**", 1), ("W2", "**W⁽²⁾**", 1),
                ("b2", "**b⁽²⁾**", 1)]):
            col.markdown(title)
            page.control(name, container=col, columns=width, as_input=True)
        hand = page.current(X.HandParams)
        page.write_url()  # a fragment's run ends here, before the page's own write
        steps = X.hand_steps(hand)
        verdict = ("solves XOR" if steps.solved
                   else f"gets {steps.accuracy:.0%} of the points right")
        (st.success if steps.solved else st.warning)(f"These weights: {verdict}.")
        st.button("Lecture's weights", on_click=page.reset, args=(X.HandParams,),
                  help="Put back W⁽¹⁾ = [[1,1],[1,1]], b⁽¹⁾ = (0,−1), W⁽²⁾ = (1,−2), "
                       "b⁽²⁾ = 0")
    layout.chart(partial(fig_xor.hidden_space,
        steps.h.T, LABELS, w_out=np.array(hand.W2), b_out=hand.b2, threshold=0.5,
        title="Hidden space h = ReLU(W⁽¹⁾x + b⁽¹⁾)", warped=X.warped_grid(hand),
        point_names=POINT_NAMES), "xor.hand", right)
    st.caption(landing_caption(steps.h.T))
    step_cols = st.columns(4)
    for col, (title, rows, names) in zip(step_cols, [
            ("W⁽¹⁾x", steps.wx, ["row 1", "row 2"]),
            ("W⁽¹⁾x + b⁽¹⁾", steps.wx_b, ["row 1", "row 2"]),
            ("h = ReLU(·)", steps.h, ["h₁", "h₂"]),
            ("y = W⁽²⁾h + b⁽²⁾", steps.y, ["y"])]):
        col.markdown(f"**{title}**")
        col.dataframe(points_table(rows, names), width="stretch")

def landing_caption(h: np.ndarray) -> str:
    """What the hidden layer does to the four points with the weights as they are now."""
    places = X.landing_places(h, POINT_NAMES)
    shared = [(at, names) for at, names in places.items() if len(names) > 1]
    grey = "The grey lines are the input grid, folded by the hidden layer. "
    if not shared:
        return grey + "Each input lands on its own point of hidden space."
    together = "; ".join(f"{' and '.join(names)} both land on h = "
                         f"({', '.join(f'{v:g}' for v in at)})" for at, names in shared)
    same_class = all(len({LABELS[POINT_NAMES.index(n)] for n in names}) == 1
                     for _, names in shared)
    ending = (": in hidden space one line can separate the classes." if same_class else
              ", although their classes differ: no line can separate them now.")
    return grey + together + ending


def undecided_text(res) -> str:
    """A network that answers ½ everywhere: its accuracy at the threshold ½ is an accident
    of rounding (25 % on one machine, 50 % on another), so it is not shown."""
    return (f"After {res.epochs_run} epochs the network answers ½ for every point (loss "
            f"{res.history['loss'][-1]:.4f}; ln 2 = 0.6931): it has learnt not to decide, and "
            "an accuracy at the threshold ½ would only show which side rounding put each "
            "answer on.")


def train_view() -> None:
    """Tab 3: a network trained on the four points, replayed epoch by epoch."""
    c = st.columns([1, 1.2, 1.2, 1.3, 1.3, 0.9])
    page.control("hidden_units", container=c[0], as_input=True)
    page.control("activation", container=c[1],
                 labels={k: a.label for k, a in activations.ACTIVATIONS.items()})
    # Short names fit the column at 1280×720; the tooltip gives the hyper-parameters.
    page.control("optimizer", container=c[2], labels=optimizers.SHORT_LABELS,
                 help=optimizers.LABELS_HELP)
    page.control("learning_rate", container=c[3])
    page.control("epochs", container=c[4])
    page.control("seed", container=c[5], as_input=True)
    run = results.train_xor(page.current(X.XorParams))
    res = run.result
    left, right = st.columns([3, 2])
    frames = [(s.epoch, s.outputs[:, 0]) for s in res.snapshots if s.outputs is not None]
    if frames:
        layout.chart(partial(fig_training.output_replay,
            run.grid_axis, frames, X.XOR_INPUTS, LABELS, losses=res.history["loss"],
            title="Output p(y=1)"), "xor.replay", left)
    with right:
        if res.diverged:
            st.error(res.message)
        elif X.undecided(run.outputs()):
            st.info(undecided_text(res))
        else:
            (st.success if run.solved else st.info)(
                f"After {res.epochs_run} epochs: accuracy {res.history['accuracy'][-1]:.0%}, "
                f"loss {res.history['loss'][-1]:.4f}. " + (
                    "Solved." if run.solved else "Not solved: try another seed."))
        layout.chart(partial(fig_training.loss_curve, res.history, diverged_at=res.diverged_at),
                     "xor.trained_loss")
    h = run.hidden()
    w_out, b_out = res.final.weights[1]
    left, right = st.columns([3, 2])
    layout.chart(partial(fig_xor.hidden_space,
        h, LABELS, w_out=w_out[:, 0] if h.shape[1] <= 2 else np.zeros(2), b_out=float(b_out[0]),
        threshold=0.0, point_names=POINT_NAMES,
        title="Hidden space after training" + ("" if h.shape[1] <= 2 else " (h₁, h₂ only)")),
        "xor.trained_hidden", left)
    with right:
        layout.explain("The hidden layer moves the four points so that the output unit can "
                       "separate them with one line (dashed, where the output is ½). With "
                       "more than two hidden units only the first two coordinates are drawn.")
        st.download_button("History (CSV)",
                           pd.DataFrame(res.history).rename_axis("epoch").to_csv().encode(),
                           file_name="xor-history.csv", mime="text/csv", key="xor.download",
                           help="Download the loss and accuracy of every epoch as CSV")

def sweep_view() -> None:
    """Tab 4: how many hidden units it takes, over widths and seeds."""
    trained = page.current(X.XorParams)
    activation = activations.get(trained.activation).label
    st.markdown(f"**The lecture's question:** how many hidden {activation} units does it "
                f"take to solve XOR? Each width is trained from {X.SWEEP_SEEDS} seeds with the "
                f"other settings of tab 3 ({activation}, {trained.optimizer}, "
                f"α = {trained.learning_rate:g}, {trained.epochs} epochs); a run counts when "
                "it gets all four points right.")
    key = trained.replace(hidden_units=1, seed=0)  # the sweep varies these two
    rates = results.xor_sweeps.get(key)
    if rates is None and st.button("Run the experiment", type="primary"):
        bar = st.progress(0.0, text="Training…")

        def report(units: int, wins: int) -> None:
            done = X.SWEEP_UNITS.index(units) + 1
            bar.progress(done / len(X.SWEEP_UNITS), text=f"{units} units: {wins} solved")

        rates = results.xor_sweeps.put(X.sweep_units(key, report), key)
        bar.empty()
    if rates is not None:
        layout.chart(partial(fig_xor.success_rate, X.SWEEP_UNITS, rates, X.SWEEP_SEEDS),
                     "xor.sweep")
        with st.expander("Answer"):
            st.markdown(X.sweep_answer(X.SWEEP_UNITS, rates, activation))


layout.tabs("xor", {"1 · A line fails": linear_view, "2 · The hand-set network": hand_set_network,
                   "3 · Train it": train_view, "4 · How many units?": sweep_view})
page.write_url()
