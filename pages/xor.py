"""XOR: why a linear model fails, the lecture's hand-set network, and trained networks."""

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, optimizers
from core import xor as X
from core.figures import training as fig_training
from core.figures import xor as fig_xor
from ui import layout, state, widgets

PAGE = "xor"
POINT_NAMES = ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]
LABELS = X.XOR_TARGETS.astype(int)
SWEEP_UNITS, SWEEP_SEEDS = (1, 2, 3, 4, 6, 8), 10

train_xor = layout.cached(X.train_xor)
train_linear = layout.cached(X.train_linear)
solves_xor = layout.cached(X.solves_xor, max_entries=512, spinner=False)

layout.header(
    "XOR: the problem a line cannot solve",
    "y(x₁, x₂) is 1 when exactly one input is 1. No straight line separates the two classes; "
    "one hidden layer with a non-linear activation can.",
    r"y = W^{(2)} h + b^{(2)}, \qquad h = \mathrm{ReLU}\left(W^{(1)} x + b^{(1)}\right)",
)
hand = state.load(X.HandParams, PAGE, others=[X.XorParams])
trained = state.load(X.XorParams, PAGE, others=[X.HandParams])
state.show_notes(PAGE)

linear_tab, hand_tab, train_tab, sweep_tab = st.tabs(
    ["1 · A line fails", "2 · The hand-set network", "3 · Train it", "4 · How many units?"])

with linear_tab:
    w, b, pred = X.least_squares_fit()
    w = np.round(w, 2) + 0.0  # print -0.00 as 0.00
    st.markdown(
        f"The best linear fit under squared error is **w = ({w[0]:.2f}, {w[1]:.2f}), "
        f"b = {b:.2f}**: it answers {pred[0]:.2f} for every point. The best any straight "
        f"line can do is **{X.best_linear_accuracy():.0%}** of the points: three, never four. "
        "Logistic regression, trained below, ends up answering ½ everywhere (the white map): "
        "it cannot do better than not deciding.")
    run = train_linear()
    left, right = st.columns(2)
    layout.chart(fig_training.output_map(
        run.grid_axis, run.result.final.outputs[:, 0], X.XOR_INPUTS, LABELS,
        title="Logistic regression after training"), "xor.linear_map", left)
    layout.chart(fig_training.loss_curve(run.result.history, log_y=False), "xor.linear_loss",
                 right)
    st.caption(f"Accuracy after training: {run.result.history['accuracy'][-1]:.0%}.")

def table(rows: np.ndarray, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(np.atleast_2d(rows), index=names, columns=POINT_NAMES)


@st.fragment
def hand_set_network() -> None:
    """The editable weights and what they do: a fragment, so an edit redraws only this."""
    st.markdown("The lecture's weights. Change any of them to break the solution, then "
                "repair it.")
    cols = st.columns([2, 1, 1, 1])
    for col, (name, title, width) in zip(cols, [
            ("W1", "**W⁽¹⁾**", 2), ("b1", "**b⁽¹⁾**", 1), ("W2", "**W⁽²⁾**", 1)]):
        col.markdown(title)
        widgets.control(X.HandParams, name, PAGE, container=col, columns=width)
    cols[3].markdown("**b⁽²⁾**")
    widgets.control(X.HandParams, "b2", PAGE, container=cols[3], as_input=True)
    cols[3].button("Lecture's weights", on_click=state.reset, args=(X.HandParams, PAGE))
    hand = state.current(X.HandParams, PAGE)
    state.update_url(hand)
    steps = X.hand_steps(hand)
    verdict = "solves XOR" if steps.solved else f"gets {steps.accuracy:.0%} of the points right"
    (st.success if steps.solved else st.warning)(f"With these weights the network {verdict}.")
    step_cols = st.columns(4)
    for col, (title, rows, names) in zip(step_cols, [
            ("W⁽¹⁾x", steps.wx, ["row 1", "row 2"]),
            ("W⁽¹⁾x + b⁽¹⁾", steps.wx_b, ["row 1", "row 2"]),
            ("h = ReLU(·)", steps.h, ["h₁", "h₂"]),
            ("y = W⁽²⁾h + b⁽²⁾", steps.y, ["y"])]):
        col.markdown(f"**{title}**")
        col.dataframe(table(rows, names), width="stretch")
    layout.chart(fig_xor.hidden_space(
        steps.h.T, LABELS, w_out=np.array(hand.W2), b_out=hand.b2, threshold=0.5,
        title="Hidden space: the grey lines are the input grid, folded by the hidden layer",
        warped=X.warped_grid(hand), point_names=POINT_NAMES), "xor.hand")
    st.caption("(0,1) and (1,0) both land on h = (1, 0): in hidden space one line separates "
               "the classes.")


with hand_tab:
    hand_set_network()

with train_tab:
    c = st.columns(3)
    widgets.control(X.XorParams, "hidden_units", PAGE, container=c[0])
    widgets.control(X.XorParams, "activation", PAGE, container=c[1],
                    labels={k: a.label for k, a in activations.ACTIVATIONS.items()})
    widgets.control(X.XorParams, "optimizer", PAGE, container=c[2],
                    labels={k: o.label for k, o in optimizers.OPTIMIZERS.items()})
    c = st.columns(3)
    widgets.control(X.XorParams, "learning_rate", PAGE, container=c[0])
    widgets.control(X.XorParams, "epochs", PAGE, container=c[1])
    widgets.control(X.XorParams, "seed", PAGE, container=c[2], as_input=True)
    trained = state.current(X.XorParams, PAGE)
    run = train_xor(trained)
    res = run.result
    if res.diverged:
        st.error(res.message)
    else:
        (st.success if run.solved else st.info)(
            f"After {res.epochs_run} epochs: accuracy {res.history['accuracy'][-1]:.0%}, "
            f"loss {res.history['loss'][-1]:.4f}. " + ("Solved." if run.solved else
                                                       "Not solved: try another seed."))
    frames = [(s.epoch, s.outputs[:, 0]) for s in res.snapshots if s.outputs is not None]
    if frames:
        layout.chart(fig_training.output_replay(
            run.grid_axis, frames, X.XOR_INPUTS, LABELS, losses=res.history["loss"],
            title="Output p(y=1)"), "xor.replay")
    left, right = st.columns(2)
    h = run.hidden()
    w_out, b_out = res.final.weights[1]
    layout.chart(fig_xor.hidden_space(
        h, LABELS, w_out=w_out[:, 0] if h.shape[1] <= 2 else np.zeros(2), b_out=float(b_out[0]),
        threshold=0.0, point_names=POINT_NAMES,
        title="Hidden space after training" + ("" if h.shape[1] <= 2 else " (h₁, h₂ only)")),
        "xor.trained_hidden", left)
    layout.chart(fig_training.loss_curve(res.history, diverged_at=res.diverged_at),
                 "xor.trained_loss", right)
    st.download_button("Download the training history (CSV)",
                        pd.DataFrame(res.history).rename_axis("epoch").to_csv().encode(),
                        file_name="xor-history.csv", mime="text/csv", key="xor.download")

with sweep_tab:
    st.markdown("**The lecture's question:** what is the minimum number of hidden ReLU units "
                f"that solves XOR? Train each width from {SWEEP_SEEDS} different seeds, with "
                "the other settings of tab 3, and count the runs that get all four points right.")
    results = st.session_state.setdefault(f"{PAGE}.sweeps", {})
    sweep_key = trained.replace(hidden_units=1, seed=0)  # the sweep varies these two
    if sweep_key not in results and st.button("Run the experiment", type="primary"):
        bar = st.progress(0.0, text="Training…")
        rates = []
        for i, units in enumerate(SWEEP_UNITS):
            wins = sum(solves_xor(trained.replace(hidden_units=units, seed=s))
                       for s in range(SWEEP_SEEDS))
            rates.append(wins / SWEEP_SEEDS)
            bar.progress((i + 1) / len(SWEEP_UNITS), text=f"{units} units: {wins} solved")
        results[sweep_key] = rates
        bar.empty()
    if sweep_key in results:
        layout.chart(fig_xor.success_rate(SWEEP_UNITS, results[sweep_key], SWEEP_SEEDS),
                     "xor.sweep")
        with st.expander("Answer"):
            st.markdown("Two ReLU units are enough (tab 2 shows the weights), but gradient "
                        "descent finds them only from some starting points: a unit that "
                        "starts dead never recovers. Wider layers succeed far more often: "
                        "extra units make training easier, not the function more expressive.")

state.write_url(state.current(X.HandParams, PAGE), trained)
