"""The Playground's main view: the output over the plane with its replay, the metrics, the run
buttons and the loss curve, drawn before training starts and redrawn as a streamed run
trains; the finished run is cached for everyone."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core import activations, engine
from core import overfitting_notes as notes
from core import playground as pg
from core.figures import playground as fig_pg
from ui import layout, live, results
from ui.page import PageState
from ui.playground import controls


def metrics(run: pg.PlaygroundRun, where) -> None:
    """Four numbers in two rows of two, so each has room for its value."""
    res, m = run.result, run.metrics
    top, bottom = where.columns(2), where.columns(2)
    top[0].metric("epoch", res.epochs_run)
    if res.diverged:
        return
    if m.test_accuracy is not None:
        top[1].metric("test accuracy", f"{m.test_accuracy:.0%}" if m.test_accuracy == 1
                      else f"{m.test_accuracy:.1%}",
                      help=f"training accuracy {m.train_accuracy:.1%}")
    elif m.test_r2 is not None:
        top[1].metric("test R²", f"{m.test_r2:.3f}", help=f"training R² {m.train_r2:.3f}")
    rate = res.history["learning_rate"]
    bottom[0].metric("training loss", f"{m.train_loss:.4f}",
                     help=f"learning rate now {rate[-1]:.2g}" if len(rate) else None)
    bottom[1].metric("test loss", f"{m.test_loss:.4f}")


class Slots:
    """Where the main results go, drawn before training starts: the output replay and the
    progress under it, the metrics, the run buttons and the loss curve beside it. A streamed
    run redraws the same places chunk by chunk; the finished run fills them last."""

    def __init__(self, page: PageState) -> None:
        # The buttons go under the metrics: below the map they would be off the first
        # screen at 1280×720. Two equal halves: the map is as wide as it is tall and has
        # room to spare, and the buttons need the width.
        left, right = st.columns(2)
        self.replay = left.empty()
        self.progress = left.empty()
        self.metrics = right.empty()
        controls.run_buttons(page, right)
        self.loss = right.empty()
        self.redraws = 0

    def draw(self, run: pg.PlaygroundRun, params: pg.PlaygroundParams, live_run: bool) -> None:
        """The output over the plane, the metrics and the loss curve of ``run``;
        ``live_run``: a run still training (one frame, no replay controls; keys of their
        own, as a key may appear once per script run)."""
        suffix = f".live{self.redraws}" if live_run else ""
        self.redraws += 1
        replay = partial(fig_pg.output_replay, run, discretize=params.discretize,
                         show_test=params.show_test)
        loss = partial(fig_pg.loss_figure, run)
        if live_run:  # built for this moment only (not cached): the newest state, no controls
            replay, loss = replay(live=True), loss()
        layout.chart(replay, f"playground.chart.replay{suffix}", self.replay)
        live.mark("picture")
        metrics(run, self.metrics.container())
        if not live_run or run.result.epochs_run > 0:
            layout.chart(loss, f"playground.chart.loss{suffix}", self.loss)


def structure(p: pg.PlaygroundParams) -> str:
    layers = "-".join(map(str, p.hidden_units)) or "no hidden layer"
    return f"{layers} {activations.get(p.activation).label}, {p.optimizer}"


def stream(key: pg.PlaygroundParams, user, params: pg.PlaygroundParams, slots: Slots
           ) -> pg.PlaygroundRun:
    """Train ``key`` showing the run as it goes: the untrained network at once, then the
    same charts redrawn as chunks of epochs finish; the finished run is cached."""
    pace = live.Pace()

    def on_chunk(chunk: pg.Chunk) -> None:
        if chunk.compiling:
            live.compiling(slots.progress, structure(key))
        elif pace.progress_due():
            live.progress(slots.progress, chunk.epochs_done, chunk.epochs_total)
        if chunk.epochs_done == 0 or pace.due(chunk.epochs_done / chunk.epochs_total):
            slots.draw(chunk.run, params, live_run=True)
            pace.drawn()

    # While the run waits in line for a free trainer (other students training), it says so.
    with engine.notify_waits(layout.WaitNotice()):
        run = pg.run(key, user, on_chunk=on_chunk)
    slots.progress.empty()
    return results.playground_runs.put(run, key, user)


def messages(run: pg.PlaygroundRun) -> None:
    res, p = run.result, run.params
    for note in run.notes:
        st.info(note)
    if res.diverged:
        st.error(f"diverged at epoch {res.diverged_at}: lower the learning rate")
    elif res.stopped_early_at is not None:
        st.info(f"Early stopping ended training at epoch {res.stopped_early_at}: the "
                f"validation loss (dashed) had not improved for "
                f"{pg.EARLY_STOPPING_PATIENCE} epochs.")
    if run.validation is not None:
        st.caption(f"The validation curve (dashed) decides when to stop and when to lower the "
                   f"rate: {len(run.validation)} of the training points are held out for it. "
                   "The test set is only measured.")
    if p.regularization == "l2" and p.regularization_rate > 0 and p.optimizer != "sgd":
        st.caption(notes.l2_meaning(p.optimizer, "λw"))


def show(page: PageState, p: pg.PlaygroundParams, user) -> pg.PlaygroundRun | None:
    """The main view of ``p`` (on ``user``'s own data, if chosen): from the cache, or
    streamed while it trains; None with a message when it cannot train."""
    if p.dataset == pg.USER_DATA and user is None:
        st.warning("Fix your data below to train.")
        return None
    try:
        key = p.training_key()
        slots = Slots(page)
        run = results.playground_runs.get(key, user) or stream(key, user, p, slots)
    except ValueError as err:  # a run above the work cap is a warning, not an error
        (st.warning if isinstance(err, engine.WorkLimitError) else st.error)(str(err))
        return None
    slots.draw(run, p, live_run=False)
    messages(run)
    boundary = ("the black line where it changes class" if run.head.kind != "regression"
                else "orange high, blue low, like the points' targets")
    st.caption(f"What to notice: the background is the network's output, {boundary}. ▶ replays "
               "training from epoch 0; the slider steps through it. A test loss that rises "
               "while the training loss falls is overtraining.")
    return run
