"""Classification vs regression: one data set as both tasks, the losses of a sigmoid output,
softmax for more classes (with a cross-entropy calculator), and the wrong output layer."""

import inspect
from functools import partial

import pandas as pd
import streamlit as st

from core import activations
from core.classification import calculator as CC
from core.classification import saturation as CS
from core.classification import softmax as CM
from core.classification import tasks as CT
from core.classification import wrong_layer as CW
from core.figures import classification as fig
from ui import layout, results
from ui.page import PageState
from ui.state import plain

page = PageState.load("classification")
layout.header(
    "Classification vs regression",
    "The same data read as a value (linear output, mean squared error) or as a class (sigmoid "
    "or softmax output, cross-entropy).",
    r"J = -\tfrac{1}{N}\sum_i y_i \log y_m(x_i)",
)


def task() -> CT.TaskParams:
    """The data and network every tab shares: the network's settings in an expander."""
    with st.expander("Network and data noise (shared by every tab)"):
        cols = st.columns([2, 1.4, 1, 1, 1])
        page.control("hidden_units", container=cols[0], as_input=True, columns=3)
        page.control("activation", container=cols[1],
                     labels={k: a.label for k, a in activations.ACTIVATIONS.items()})
        page.control("learning_rate", container=cols[2])
        page.control("noise", container=cols[3])
        page.control("seed", container=cols[4], as_input=True)
    return page.current(CT.TaskParams)


def diverged(*runs: CT.Trained) -> bool:
    bad = [r.result for r in runs if r.result.diverged]
    for result in bad:
        st.error(result.message)
    return bool(bad)


def tasks_view() -> None:
    """Tab 1: the regression and the classification network on the same points."""
    row = st.columns([1.6, 1.2, 1.2])
    page.control("dataset", container=row[0], labels=CT.DATASET_LABELS)
    page.control("threshold", container=row[1])
    page.control("epochs", container=row[2])
    charts = st.container()  # the pictures above the network's settings, drawn once trained
    p = task()
    run = results.trained(results.two_tasks, CT.two_tasks, "Training both networks", p)
    left, right = charts.columns(2)
    layout.chart(partial(fig.regression_map, run), "classification.regression", left)
    layout.chart(partial(fig.probability_map, run), "classification.probability", right)
    left, right = st.columns(2)
    if not diverged(run.regression, run.classification):
        left.markdown(CT.meaning(run))
    layout.chart(partial(fig.task_losses, run), "classification.task_losses", right)


def saturation_view() -> None:
    """Tab 2: loss and gradient of a sigmoid output for label 1, then the race."""
    curves = results.saturation_curves()
    left, right = st.columns(2)
    layout.chart(partial(fig.saturation_curves, curves, "loss"), "classification.sat_loss", left)
    layout.chart(partial(fig.saturation_curves, curves, "gradient"), "classification.sat_grad",
                 right)
    st.markdown(CS.curves_notice(curves))
    layout.explain("Lines: the closed forms L = (σ(z) − 1)², dL/dz = 2(σ − 1)σ(1 − σ) and "
                   "L = −ln σ(z), dL/dz = σ − 1. Circles: the engine's own losses "
                   "differentiated by TensorFlow's GradientTape.")
    row = st.columns(4)
    for col, name in zip(row, ("wrong_logit", "gd_rate", "gd_epochs", "target_accuracy")):
        page.control(name, container=col)
    sat, seed = page.current(CS.SaturationParams), page.current(CT.TaskParams).seed
    race = results.trained(results.races, CS.race, "Training with both losses", sat.run_key(),
                           seed)
    left, right = st.columns(2)
    layout.chart(partial(fig.race_accuracy, race, sat.target_accuracy),
                 "classification.race_accuracy", left)
    layout.chart(partial(fig.race_losses, race), "classification.race_losses", right)
    if not diverged(*race.runs.values()):
        st.markdown(CS.race_notice(race, sat.target_accuracy))


def softmax_view() -> None:
    """Tab 3: softmax over the plane, one point's probabilities, and the calculator."""
    row = st.columns([1.6, 1, 1, 1.2])
    page.control("three_class_data", container=row[0], labels=CT.DATASET_LABELS)
    page.control("probe_x1", container=row[1], as_input=True)
    page.control("probe_x2", container=row[2], as_input=True)
    page.control("epochs", container=row[3])
    s, p = page.current(CM.SoftmaxParams), task()
    run = results.trained(results.softmax_runs, CM.softmax_run, "Training the softmax network",
                          s.run_key(), p)
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.softmax_map, run, s.probe), "classification.softmax", left)
    layout.chart(partial(fig.probability_bars, run.probe(s.probe), s.probe),
                 "classification.bars", right)
    if not diverged(run.trained):
        right.markdown(CM.probe_notice(run, s.probe))
    calculator()


def calculator() -> None:
    """The book's exercise and any other: typed lists in, Keras and NumPy numbers out."""
    st.subheader("Cross-entropy calculator", anchor=False)
    cols = st.columns([1, 2])
    page.control("labels", container=cols[0])
    page.control("logits", container=cols[1])
    try:
        c = results.calculate(page.current(CC.CalculatorParams))
    except CC.CalculatorError as err:
        st.error(f"{plain(str(err))}. {CC.FORMAT_HELP}")  # the typed text stays plain
        return
    table = pd.DataFrame({"label": c.labels, "logits": [", ".join(f"{v:g}" for v in row)
                                                        for row in c.logits]})
    for k in range(c.logits.shape[1]):
        table[f"p(class {k})"] = c.keras.probabilities[:, k]
    table["loss, Keras"] = c.keras.losses
    table["loss, NumPy"] = c.numpy.losses
    table.index = pd.RangeIndex(1, len(table) + 1, name="example")
    # Eight digits: a probability of 0.99999985 must not show as 1.
    st.dataframe(table, width="stretch", column_config={
        name: st.column_config.NumberColumn(format="%.8g") for name in table.columns[2:]})
    left, right = st.columns(2)
    for col, name, scores in ((left, "Keras", c.keras), (right, "NumPy", c.numpy)):
        a, b = col.columns(2)
        a.metric(f"mean CE, {name}", f"{scores.mean_loss:.6f}")
        b.metric(f"accuracy, {name}", f"{scores.accuracy:.2f}")
    with st.expander("The code behind both columns"):
        left, right = st.columns(2)
        left.code(inspect.getsource(CC.keras_scores), language="python")
        right.code(inspect.getsource(CC.numpy_scores), language="python")


def wrong_layer_view() -> None:
    """Tab 4: a sigmoid on a target above 1, a linear output on classes."""
    row = st.columns([1.2, 1.6, 1.2])
    page.control("target_shift", container=row[0])
    page.control("dataset", container=row[1], labels=CT.DATASET_LABELS)
    page.control("epochs", container=row[2])
    p, wrong = task(), page.current(CW.WrongParams)
    ceiling = results.trained(results.ceilings, CW.ceiling, "Fitting the moved target", p,
                              wrong)
    linear = results.trained(results.linear_classifiers, CW.linear_classifier,
                             "Fitting the classes with a linear output", p)
    left, right = st.columns(2)
    layout.chart(partial(fig.ceiling_scatter, ceiling), "classification.ceiling", left)
    layout.chart(partial(fig.linear_outputs, linear), "classification.linear", right)
    if not diverged(ceiling.sigmoid, ceiling.linear, linear.trained):
        left.markdown(CW.ceiling_notice(ceiling))
        right.markdown(CW.linear_classifier_notice(linear))
    st.info(f"**The rule** (the lecture's frequent misunderstandings): {CW.RULE}",
            icon=":material/rule:")
    left, right = st.columns(2)
    layout.chart(partial(fig.ceiling_where, ceiling), "classification.where", left)
    layout.explain("Where the target leaves (0, 1) the sigmoid output cannot follow: those "
                   "points are coloured by how far it falls short, the others are grey.",
                   right)


layout.tabs("classification", {"1 · Two tasks": tasks_view,
                               "2 · Why cross-entropy": saturation_view,
                               "3 · Softmax": softmax_view,
                               "4 · Wrong output layer": wrong_layer_view})
page.write_url()
