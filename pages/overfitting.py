"""Overfitting and regularisation: model vs truth, the validation minimum, L1/L2/dropout/early
stopping against the plain run, the lecture's 2-D overtraining exercise, and sweeps."""

from functools import partial

import pandas as pd
import streamlit as st

from core import overfitting as of
from core import overtraining as ot
from core.figures import overfitting as fig
from ui import layout, results, state, widgets

PAGE = "overfitting"
make_split = layout.cached(of.make_split, spinner=False)


def _exercise_step(ex: ot.ExerciseParams, name: str) -> ot.ExerciseRun:
    # The bar is made inside the cached function, so a cache hit replays it (and its
    # removal) instead of touching an element from another run.
    title = ex.titles()[name]
    bar = st.progress(0.0, text=f"{title}: starting…")

    def report(chunk) -> None:
        done, total = chunk.epochs_done, max(chunk.epochs_total, 1)
        bar.progress(done / total, text=f"{title}: epoch {done} of {total}")

    try:
        return ot.run_step(ex, name, report)
    finally:
        bar.empty()


exercise_step = layout.cached(_exercise_step, max_entries=64, spinner=False)
rate_point = layout.cached(ot.rate_point, max_entries=1024, spinner=False)
size_point = layout.cached(ot.size_point, max_entries=1024, spinner=False)
CLASSES = (of.OverfitParams, ot.ExerciseParams, ot.SweepParams)

layout.header(
    "Overfitting and regularisation",
    "Train on the training points, choose with the validation points, and look at the test "
    "points once, at the very end.")
p = state.load(of.OverfitParams, PAGE, others=CLASSES[1:])
ex = state.load(ot.ExerciseParams, PAGE, others=(CLASSES[0], CLASSES[2]))
sw = state.load(ot.SweepParams, PAGE, others=CLASSES[:2])
state.show_notes(PAGE)


fit_of = results.fit_of  # filled at server start for the defaults


def control_row(cls, names, **kwargs):
    cols = st.columns(len(names))
    for col, name in zip(cols, names):
        widgets.control(cls, name, PAGE, container=col, **kwargs.get(name, {}))


truth_labels = {"truth": {"labels": {k: t.label for k, t in of.TRUTHS.items()}}}
which_labels = {"labels": of.CAPACITY_LABELS}
tabs = layout.lazy_tabs(["1 · Model vs truth", "2 · Regularisation",
                         "3 · Overtraining exercise", "4 · Sweeps"], PAGE)

with tabs[0]:
    if tabs[0].open:
        control_row(of.OverfitParams, ("truth", "n_points", "noise", "epochs", "curves_of"),
                    **truth_labels, curves_of=which_labels)
        p = state.current(of.OverfitParams, PAGE)
        split = make_split(p.run_key())
        fits = {w: fit_of(p, p.capacity(w)) for w in of.CAPACITIES}
        titles = {w: f"{of.CAPACITY_LABELS[w]} ({len(p.capacity(w))}×{p.capacity(w)[0]})"
                  for w in of.CAPACITIES}
        left, right = st.columns([1.75, 1])
        layout.chart(partial(fig.capacity_fits, split, fits, titles), f"{PAGE}.fits", left)
        shown = fits[p.curves_of]
        layout.chart(partial(fig.loss_curves, shown,
                             title=f"Loss: {of.CAPACITY_LABELS[p.curves_of]}"),
                     f"{PAGE}.losses", right)
        cols = st.columns([1, 1, 1, 1, 1, 1, 1.1])
        for i, w in enumerate(of.CAPACITIES):
            widgets.control(of.OverfitParams, f"{w}_layers", PAGE, container=cols[2 * i])
            widgets.control(of.OverfitParams, f"{w}_width", PAGE, container=cols[2 * i + 1])
        cols[6].button("Presets", help="the lecture's three capacities: 1×1, 1×6 and 3×64",
                       on_click=state.reset, args=(of.OverfitParams, PAGE, of.with_capacities(
                           p, of.CAPACITIES)))
        chosen = of.choose(fits)
        st.info(f"Chosen by the lowest final validation loss: **{of.CAPACITY_LABELS[chosen]}** "
                f"({fits[chosen].final_val_loss:.3f}). Its test loss, computed once, now: "
                f"**{of.test_loss(p.run_key(), fits[chosen]):.3f}**.")
        n_train, n_val, n_test = of.split_counts(p.n_points)
        layout.explain(
            f"**The three parts.** {n_train} training points (filled circles) move the "
            f"weights; {n_val} validation points (open diamonds) choose the epoch, the "
            f"capacity and the regularisation; {n_test} test points (crosses) are used once, "
            "for the chosen model. Had the test loss helped choose, it would be one more "
            "validation loss, biased low by that choice, and nothing would be left to tell "
            "how the model does on new data.")
        layout.explain(
            "**What to notice.** The too small network is a smooth S that misses the wave in "
            "training and validation alike (underfitting: both losses stay high). The too "
            "large one bends through the training points; its training loss keeps falling "
            "while its validation loss passes a minimum and rises again (overtraining starts "
            "there). The one about right follows the truth and gets the lowest final "
            "validation loss, which is why it is chosen.")
        c = st.columns(2)
        widgets.control(of.OverfitParams, "data_seed", PAGE, container=c[0], as_input=True)
        widgets.control(of.OverfitParams, "seed", PAGE, container=c[1], as_input=True)

with tabs[1]:
    if tabs[1].open:
        control_row(of.OverfitParams, ("regularised", "l2_rate", "l1_rate", "dropout",
                                       "patience"), regularised=which_labels)
        p = state.current(of.OverfitParams, PAGE)
        reg = of.regularisation_of(p)
        units = p.capacity(p.regularised)
        split = make_split(p.run_key())
        plain, regd = fit_of(p, units), fit_of(p, units, reg)
        left, right = st.columns(2)
        layout.chart(partial(fig.comparison_fits, split, plain, regd, label="with"),
                     f"{PAGE}.reg_fit", left)
        layout.chart(partial(fig.comparison_losses, plain, regd, label="with"), f"{PAGE}.reg_loss",
                     right)
        left, right = st.columns([1.6, 1])
        layout.chart(partial(fig.weight_histogram, plain, regd, label="with"),
                     f"{PAGE}.weights", left)
        with right:
            n = plain.kernel_weights().size
            a, b = st.columns(2)
            a.metric("exact zeros", regd.exact_zeros,
                     delta=regd.exact_zeros - plain.exact_zeros, delta_color="off",
                     help=f"kernel weights (of {n}) that are exactly 0.0 with the "
                          "regularisation; the delta is against the run without")
            shrink = regd.weight_norm - plain.weight_norm
            b.metric("‖W‖₂", f"{regd.weight_norm:.2f}", delta=f"{shrink:+.2f}",
                     delta_color="off", help="norm of all kernel weights; delta against "
                                             "the run without")
            gain = regd.returned_val_loss - plain.returned_val_loss
            a.metric("val. loss", f"{regd.returned_val_loss:.3f}", delta=f"{gain:+.3f}",
                     delta_color="inverse", help="validation loss of the weights the run "
                     "returns: the last epoch's, or the best epoch's after early stopping "
                     "(delta against the run without)")
            b.metric("epochs", regd.epochs_run, help="epochs trained (fewer when early "
                                                     "stopping ended the run)")
        if not reg.any:
            st.info("No regularisation chosen: both runs are the same.")
        if regd.restored_epoch is not None:
            end = (f"ended the run at epoch {regd.stopped_early_at}"
                   if regd.stopped_early_at is not None else "let the run go to the end")
            st.caption(f"Early stopping {end} and returned the weights of epoch "
                       f"{regd.restored_epoch}, the validation minimum: the fit and the "
                       "histogram show those weights.")
        if regd.diverged_at is not None or plain.diverged_at is not None:
            st.error("A run diverged: its loss grew without bound. Lower the rates.")
        st.latex(r"J(\theta) = \frac{1}{N}\sum_i (y_m(x_i) - y_i)^2 + \lambda_2 \sum w^2 "
                 r"+ \lambda_1 \sum |w|")
        layout.explain(
            "**What to notice.** L2 pulls every weight toward 0 in proportion to its size: "
            "the histogram narrows, ‖W‖₂ drops, and the curve becomes smoother, so the "
            "validation loss climbs far less after its minimum. L1 subtracts the same "
            "amount from every weight and stops at 0: weights that do not pay for "
            "themselves become exactly 0 (the count above), a sparse network. Both together "
            "are ElasticNet. Too large "
            "a rate flattens the fit: underfitting again. Dropout switches off a random "
            "share of hidden units in every training step only; the validation loss is "
            "computed with every unit on (Keras scales the kept units by 1/(1−p) while "
            "training, so nothing needs rescaling then), so its curve is the network that "
            "would be used.")

with tabs[2]:
    if tabs[2].open:
        control_row(ot.ExerciseParams, ("dataset", "ex_noise", "ex_layers", "ex_width",
                                        "ex_epochs"))
        with st.expander("Rates and seed"):
            control_row(ot.ExerciseParams, ("low_l2", "high_l2", "ex_l1", "ex_seed"),
                        ex_seed={"as_input": True})
        ex = state.current(ot.ExerciseParams, PAGE)
        done = st.session_state.setdefault(f"{PAGE}.exercises", set())
        if ex not in done and st.button("Train the four runs", type="primary"):
            bar = st.progress(0.0, text="Training the run without regularisation…")
            for i, name in enumerate(ot.STEP_NAMES):
                exercise_step(ex, name)
                nxt = ot.STEP_NAMES[i + 1] if i + 1 < len(ot.STEP_NAMES) else None
                bar.progress((i + 1) / 4, text=f"{i + 1} of 4 runs trained" + (
                    f"; now {ex.titles()[nxt]}…" if nxt else ""))
            done.add(ex)
            bar.empty()
        if ex in done:
            runs = {name: exercise_step(ex, name) for name in ot.STEP_NAMES}
            train, test = ot.exercise_data(ex)
            titles = [ex.titles()[n] for n in ot.STEP_NAMES]
            layout.chart(partial(fig.exercise_maps, ot.grid_axis(), [r.grid_outputs for r in
                                                            runs.values()], titles,
                                           (train.x, train.y), (test.x, test.y)),
                         f"{PAGE}.ex_maps")
            layout.chart(partial(fig.exercise_losses, [r.history for r in runs.values()], titles),
                         f"{PAGE}.ex_losses")
            table = pd.DataFrame({
                "run": titles,
                "train loss": [r.train_loss for r in runs.values()],
                "test loss": [r.test_loss for r in runs.values()],
                "train accuracy": [r.train_accuracy for r in runs.values()],
                "test accuracy": [r.test_accuracy for r in runs.values()],
                "weights exactly 0": [f"{r.exact_zeros} / {r.n_weights}" for r in runs.values()],
            })
            st.dataframe(table, hide_index=True, width="stretch", column_config={
                c: st.column_config.NumberColumn(format="%.3f") for c in table.columns[1:5]})
        else:
            st.markdown(
                "The lecture's TensorFlow Playground task: the checkerboard (XOR) data with "
                "50 % noise, a deep ReLU network (5 hidden layers of 6), learning rate 0.03, "
                "batch size 10, 1000 epochs; then a low and a high L2 rate; then L1. One click "
                "trains all four, one after the other.")
        layout.explain(f"**What to notice.** {ot.ANSWER}")

with tabs[3]:
    if tabs[3].open:
        control_row(ot.SweepParams, ("penalty", "seeds"),
                    penalty={"labels": ot.SWEEP_KINDS})
        p = state.current(of.OverfitParams, PAGE)
        sw = state.current(ot.SweepParams, PAGE)
        key = (p.run_key(), p.capacity(p.regularised), p.large_layers, sw)
        sweeps = st.session_state.setdefault(f"{PAGE}.sweeps", {})
        rate_values = ot.SWEEP_RATES[sw.penalty]
        if key not in sweeps and st.button("Run the sweeps", type="primary"):
            total = (len(rate_values) + len(ot.SWEEP_WIDTHS)) * sw.seeds
            bar = st.progress(0.0, text="Training…")

            def progress(offset: int):
                return lambda done, _: bar.progress((offset + done) / total,
                                                    text=f"{offset + done} of {total} runs")

            rates = ot.sweep(rate_values, sw.seeds,
                             lambda r, s: rate_point(p.run_key(), sw.penalty, r, s),
                             progress(0))
            sizes = ot.sweep(ot.SWEEP_WIDTHS, sw.seeds,
                             lambda w, s: size_point(p.run_key(), int(w), s),
                             progress(len(rate_values) * sw.seeds))
            sweeps[key] = (rates, sizes)
            bar.empty()
        if key in sweeps:
            rates, sizes = sweeps[key]
            left, right = st.columns(2)
            layout.chart(partial(fig.sweep_curve,
                rates.values, rates.train, rates.val, log_x=True,
                x_title=ot.SWEEP_KINDS[sw.penalty],
                title=f"Against the rate ({of.CAPACITY_LABELS[p.regularised]} net)"),
                f"{PAGE}.sweep_rate", left)
            layout.chart(partial(fig.sweep_curve,
                sizes.values, sizes.train, sizes.val, log_x=True,
                x_title=f"units per layer ({p.large_layers} layers)",
                title="Against the model size"), f"{PAGE}.sweep_size", right)
            layout.explain("**What to notice.** "
                           f"{ot.rate_answer(sw.penalty, rates)} {ot.size_answer(sizes)}")
        else:
            st.markdown(
                f"Each point trains the 1-D network of tabs 1–2 from {sw.seeds} seeds and "
                "records the final training and validation loss: first at rates from "
                f"{rate_values[0]:g} to {rate_values[-1]:g}, then without regularisation at "
                "widths from 1 to 64 units per layer.")

state.write_url(state.current(of.OverfitParams, PAGE), state.current(ot.ExerciseParams, PAGE),
                state.current(ot.SweepParams, PAGE))
