"""Overfitting and regularisation: model vs truth, the validation minimum, L1/L2/dropout/early
stopping against the plain run, the lecture's 2-D overtraining exercise, and sweeps."""

from functools import partial

import pandas as pd
import streamlit as st

from core import overfitting as of
from core import overfitting_notes as notes
from core import overfitting_sweeps as sweeps
from core import overtraining as ot
from core import playground as pg
from core.figures import overfitting as fig
from ui import layout, live, results
from ui.page import PageState

page = PageState.load("overfitting")
layout.header(
    "Overfitting and regularisation",
    "Train on the training points, choose with the validation points, and look at the test "
    "points once, at the very end.")


def controls(names: tuple[str, ...], **options: dict) -> None:
    for col, name in zip(st.columns(len(names)), names):
        page.control(name, container=col, **options.get(name, {}))


def capacities_view() -> None:
    """Tab 1: three capacities against the truth; the validation set chooses, the test set
    scores the chosen one once."""
    controls(("truth", "n_points", "noise", "epochs", "curves_of"))
    p = page.current(of.OverfitParams)
    split = results.make_split(p.run_key())
    fits = {w: results.fit_of(p, p.capacity(w)) for w in of.CAPACITIES}
    titles = {w: f"{of.CAPACITY_LABELS[w]} ({len(p.capacity(w))}×{p.capacity(w)[0]})"
              for w in of.CAPACITIES}
    left, right = st.columns([1.75, 1])
    layout.chart(partial(fig.capacity_fits, split, fits, titles), "overfitting.fits", left)
    layout.chart(partial(fig.loss_curves, fits[p.curves_of],
                         title=f"Loss: {of.CAPACITY_LABELS[p.curves_of]}"),
                 "overfitting.losses", right)
    cols = st.columns([1, 1, 1, 1, 1, 1, 1.1])
    for i, w in enumerate(of.CAPACITIES):
        page.control(f"{w}_layers", container=cols[2 * i])
        page.control(f"{w}_width", container=cols[2 * i + 1])
    lecture = ", ".join(f"{layers}×{width}" for layers, width in of.CAPACITIES.values())
    cols[6].button("Presets", help=f"the lecture's three capacities: {lecture}",
                   on_click=page.change, args=(of.OverfitParams, partial(
                       of.with_capacities, capacities=of.CAPACITIES)))
    chosen = fits[of.choose(fits)]
    st.info(notes.choice_text(fits, of.test_loss(p.run_key(), chosen)))
    n_train, n_val, n_test = of.split_counts(p.n_points)
    layout.explain(
        f"**The three parts.** {n_train} training points (filled circles) move the "
        f"weights; {n_val} validation points (open diamonds) choose the epoch, the "
        f"capacity and the regularisation; {n_test} test points (crosses) are used once, "
        "for the chosen model. Had the test loss helped choose, it would be one more "
        "validation loss, biased low by that choice, and nothing would be left to tell "
        "how the model does on new data.")
    layout.explain(f"**What to notice.** {notes.capacity_notice(p, fits)}")
    c = st.columns(2)
    page.control("data_seed", container=c[0], as_input=True)
    page.control("seed", container=c[1], as_input=True)


def regularisation_view() -> None:
    """Tab 2: one capacity with L2, L1, dropout or early stopping against the plain run."""
    controls(("regularised", "l2_rate", "l1_rate", "dropout", "patience"))
    p = page.current(of.OverfitParams)
    units = p.capacity(p.regularised)
    split = results.make_split(p.run_key())
    plain, regd = results.fit_of(p, units), results.fit_of(p, units, of.regularisation_of(p))
    left, right = st.columns(2)
    layout.chart(partial(fig.comparison_fits, split, plain, regd, label="with"),
                 "overfitting.reg_fit", left)
    layout.chart(partial(fig.comparison_losses, plain, regd, label="with"),
                 "overfitting.reg_loss", right)
    left, right = st.columns([1.6, 1])
    layout.chart(partial(fig.weight_histogram, plain, regd, label="with"),
                 "overfitting.weights", left)
    with right:
        weight_metrics(plain, regd)
    if regd.restored_epoch is not None:
        end = (f"ended the run at epoch {regd.stopped_early_at}"
               if regd.stopped_early_at is not None else "let the run go to the end")
        st.caption(f"Early stopping {end} and returned the weights of epoch "
                   f"{regd.restored_epoch}, the validation minimum: the fit and the "
                   "histogram show those weights.")
    if regd.diverged_at is not None or plain.diverged_at is not None:
        st.error("A run diverged: its loss grew without bound. Lower the rates.")
    st.latex(r"J(\theta) = \frac{1}{N}\sum_i \big(y_m(x_i) - y_i\big)^2 + \lambda_2 \sum_{w\in W}"
             r" w^2 + \lambda_1 \sum_{w \in W} |w|\qquad (W:\ \text{weights, not biases})")
    layout.explain(f"**What to notice.** {notes.regularisation_notice(plain, regd)} "
                   f"{notes.MECHANISMS}")


def weight_metrics(plain: of.Fit, regd: of.Fit) -> None:
    """Four numbers of the regularised run, each against the plain run (the delta)."""
    n, cols = plain.kernel_weights().size, st.columns(2) * 2
    for col, (label, value, delta, colour, help) in zip(cols, (
            ("exact zeros", regd.exact_zeros, regd.exact_zeros - plain.exact_zeros, "off",
             f"kernel weights (of {n}) that are exactly 0.0"),
            ("‖W‖₂", f"{regd.weight_norm:.2f}", f"{regd.weight_norm - plain.weight_norm:+.2f}",
             "off", "norm of all kernel weights"),
            ("val. loss", f"{regd.returned_val_loss:.3f}",
             f"{regd.returned_val_loss - plain.returned_val_loss:+.3f}", "inverse",
             "validation loss of the weights the run returns: the last epoch's, or the best "
             "epoch's after early stopping"),
            ("epochs", regd.epochs_run, None, "off", "epochs trained (fewer when early "
             "stopping ended the run)"))):
        col.metric(label, value, delta=delta, delta_color=colour,
                   help=help + ("; the delta is against the run without" if delta else ""))


def exercise_view() -> None:
    """Tab 3: the lecture's overtraining task, four runs; validation chooses, test once."""
    controls(("dataset", "noise_2d", "train_ratio", "hidden_layers", "units", "epochs_2d"))
    with st.expander("Rates and seed"):
        controls(("low_l2", "high_l2", "l1", "seed_2d"), seed_2d={"as_input": True})
    ex = page.current(ot.ExerciseParams)
    steps = ex.steps()
    st.caption(f"{pg.overtraining_setup(steps['plain'])} The rest are the validation points "
               f"the four runs are compared on; {ot.TEST_POINTS} fresh points from the same "
               "generator are the test set, looked at once.")
    runs = {n: results.playground_runs.get(s.training_key(), None) for n, s in steps.items()}
    button = st.empty()  # gone once the runs are there
    if None in runs.values() and button.button("Train the four runs", type="primary"):
        button.empty()
        runs = train_exercise(ex)
    if None in runs.values():
        return
    titles = ex.titles()
    first = next(iter(runs.values()))
    layout.chart(partial(fig.exercise_maps, first.grid_axes[0],
                         [r.grid_outputs[-1] for r in runs.values()], list(titles.values()),
                         (first.train.x, first.train.y), (first.test.x, first.test.y)),
                 "overfitting.ex_maps")
    layout.chart(partial(fig.exercise_losses, [r.result.history for r in runs.values()],
                         list(titles.values())), "overfitting.ex_losses")
    summaries = {n: ot.summary(r, titles[n]) for n, r in runs.items()}
    st.dataframe(pd.DataFrame(ot.table(summaries.values())), hide_index=True, width="stretch")
    chosen = ot.choose(summaries)
    st.info(ot.test_text(summaries[chosen], ot.test_score(ex, runs[chosen])))
    st.latex(r"J(\theta) = \frac{1}{N}\sum_i \tfrac12\big(\hat y_i - y_i\big)^2"
             r" + \tfrac12\lambda \sum_{w\in W} w^2\ \ \text{(L2)}\quad\text{or}\quad"
             r" + \lambda \sum_{w\in W} |w|\ \ \text{(L1)}")
    layout.explain(f"**What to notice.** {ot.notice(summaries)} "
                   f"{notes.l2_meaning(steps['plain'].optimizer, 'λw')}")


def train_exercise(ex: ot.ExerciseParams) -> dict:
    """The four runs, each streamed with a progress bar and stored with the Playground's."""
    bar, titles, runs = st.progress(0.0, text="Training…"), ex.titles(), {}
    for i, (name, step) in enumerate(ex.steps().items()):
        def report(chunk, i=i, title=titles[name]) -> None:
            share = (i + chunk.epochs_done / max(chunk.epochs_total, 1)) / len(titles)
            bar.progress(share, text=f"{title}: epoch {chunk.epochs_done} of "
                                     f"{chunk.epochs_total}")

        key = step.training_key()
        runs[name] = (results.playground_runs.get(key, None) or results.playground_runs.put(
            ot.run_step(ex, name, on_chunk=report), key, None))
    bar.empty()
    return runs


def sweeps_view() -> None:
    """Tab 4: final losses against the rate and against the model size, over seeds."""
    controls(("penalty", "seeds"))
    p, sw = page.current(of.OverfitParams), page.current(sweeps.SweepParams)
    key = sweeps.sweep_key(p)
    found = results.overfitting_sweeps.get(key, sw)
    rate_values = sweeps.SWEEP_RATES[sw.penalty]
    button = st.empty()  # gone once the sweeps are there
    if found is None and button.button("Run the sweeps", type="primary"):
        button.empty()
        found = live.computed(results.overfitting_sweeps, lambda report: sweeps.run_sweeps(
            key, sw, rate_point=results.rate_point, size_point=results.size_point,
            on_progress=lambda done, total: report(done / total, f"{done} of {total} runs")),
            key, sw)
    if found is None:
        st.markdown(f"Each point trains the 1-D network of tabs 1–2 from {sw.seeds} seeds and "
                    "records the final training and validation loss: first at rates from "
                    f"{rate_values[0]:g} to {rate_values[-1]:g}, then without regularisation "
                    f"at widths from {sweeps.SWEEP_WIDTHS[0]} to {sweeps.SWEEP_WIDTHS[-1]} "
                    "units per layer.")
        return
    rates, sizes = found
    left, right = st.columns(2)
    layout.chart(partial(fig.sweep_curve, rates.values, rates.train, rates.val, log_x=True,
                         x_title=sweeps.SWEEP_KINDS[sw.penalty],
                         title=f"Against the rate ({of.CAPACITY_LABELS[p.regularised]} net)"),
                 "overfitting.sweep_rate", left)
    layout.chart(partial(fig.sweep_curve, sizes.values, sizes.train, sizes.val, log_x=True,
                         x_title=f"units per layer ({p.large_layers} layers)",
                         title="Against the model size"), "overfitting.sweep_size", right)
    layout.explain("**What to notice.** "
                   f"{sweeps.rate_answer(sw.penalty, rates)} {sweeps.size_answer(sizes)}")


layout.tabs("overfitting", {"1 · Model vs truth": capacities_view,
                            "2 · Regularisation": regularisation_view,
                            "3 · Overtraining exercise": exercise_view,
                            "4 · Sweeps": sweeps_view})
page.write_url()
