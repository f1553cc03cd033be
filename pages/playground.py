"""Playground: TensorFlow Playground inside the dashboard, trained with Keras, plus what its
users keep asking for (own data, more optimisers, exports, metrics).

At 1280×720 the first screen holds what Playground's does: the settings changed most at the
top of the sidebar, the output over the plane with its replay, the metrics and the loss
curve. The rest sits in collapsed sidebar sections and below the picture.
"""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, datasets, engine, initializers, optimizers
from core import playground as pg
from core.figures import playground as fig_pg
from ui import layout, state, widgets
from ui import live as live_ui
from ui import results as results_cache

PAGE = pg.PAGE
P = pg.PlaygroundParams
#: Session key of the table of own points (x1, x2, label). Tests put a DataFrame here.
USER_FRAME = f"{PAGE}.user_frame"
TRAIN_MORE = 250
REGULARIZATION_LABELS = {"none": "none", "l1": "L1 (lasso)", "l2": "L2 (weight decay)"}
ACTIVATION_LABELS = {k: a.label for k, a in activations.ACTIVATIONS.items()}
#: Select boxes in the sidebar are narrow: short names there, the long form in their help.
SHORT_INITIALIZERS = {"glorot_uniform": "Glorot uniform", "glorot_normal": "Glorot normal",
                      "he_uniform": "He uniform", "he_normal": "He normal",
                      "playground": "Playground", "small": "N(0, 0.01²)", "large": "N(0, 1)",
                      "zeros": "zeros", "constant": "constant"}
INITIALIZER_LABELS = {k: SHORT_INITIALIZERS.get(k, i.label)
                      for k, i in initializers.INITIALIZERS.items()}
INITIALIZER_HELP = "  \n".join(f"{SHORT_INITIALIZERS.get(k, i.label)}: {i.label}"
                               for k, i in initializers.INITIALIZERS.items())
SHORT_LOSSES = {"playground": "½ squared error", "cross_entropy": "cross-entropy"}
LOSS_HELP = "  \n".join(f"{SHORT_LOSSES.get(k, v)}: {v}" for k, v in pg.LOSSES.items())
LOSS_NOTE = ("The default loss is TensorFlow Playground's ½·squared error on a tanh output; "
             "cross-entropy on a sigmoid is the usual choice for classes "
             "([why](classification?tab=2)).")
OPTIMIZER_LABELS = {k: o.label for k, o in optimizers.OPTIMIZERS.items()}

#: Finished runs, shared by all sessions and filled for the presets by the server's warm-up.
RESULTS = results_cache.playground_runs


def key(name: str) -> str:
    return state.widget_key(PAGE, name)


def hidden(name: str) -> bool:
    return name in state.hidden_controls()


def control(name: str, where, **kwargs):
    return widgets.control(P, name, PAGE, container=where, **kwargs)


# -- callbacks (run before the next script run draws the widgets) ------------------------


def load_preset(params: pg.PlaygroundParams) -> None:
    state.reset(P, PAGE, params)
    st.session_state.pop(f"{PAGE}.epochs_base", None)


def add_epochs() -> None:
    # The engine is deterministic: epochs 1..N of an (N+M)-epoch run are exactly the N-epoch
    # run, so "train more" is "train N+M epochs from the same seed". The cache and the speed
    # of the engine make that as quick as continuing would be.
    st.session_state.setdefault(f"{PAGE}.epochs_base", st.session_state[key("epochs")])
    st.session_state[key("epochs")] = min(st.session_state[key("epochs")] + TRAIN_MORE,
                                          pg.MAX_EPOCHS)


def restart(new_seed: bool = False, new_data: bool = False) -> None:
    if f"{PAGE}.epochs_base" in st.session_state:
        st.session_state[key("epochs")] = st.session_state.pop(f"{PAGE}.epochs_base")
    if new_seed:
        st.session_state[key("seed")] = (st.session_state[key("seed")] + 1) % 100_000
    if new_data:
        st.session_state[key("data_seed")] = (st.session_state[key("data_seed")] + 1) % 100_000


# -- controls ------------------------------------------------------------------------------


def main_controls(where) -> None:
    """Playground's top bar: the settings a lecturer changes most, first in the sidebar."""
    # The data sets offered follow the problem type (set under "Data"), which is drawn
    # later but has its value already.
    control("dataset", where, labels=pg.DATASET_LABELS)
    control("learning_rate", where)
    control("activation", where, labels=ACTIVATION_LABELS)
    control("hidden_units", where, columns=4)
    left, right = where.columns(2)
    control("regularization", left, labels=REGULARIZATION_LABELS)
    control("regularization_rate", right)


def data_controls(where) -> None:
    control("problem", where, segmented=True)
    control("noise", where)
    control("train_ratio", where)
    control("show_test", where)
    control("discretize", where, help="Show the output as its sign (the predicted class).")
    control("data_seed", where, as_input=True)


def feature_controls(where) -> None:
    left, right = where.columns(2)
    for i, name in enumerate(pg.FEATURE_NAMES):
        control(name, left if i % 2 == 0 else right)


def training_controls(where) -> None:
    if st.session_state[key("problem")] == "classification":
        control("loss", where, labels={k: SHORT_LOSSES.get(k, v) for k, v in pg.LOSSES.items()},
                help=LOSS_HELP)
        where.caption(LOSS_NOTE)
    control("optimizer", where, labels=OPTIMIZER_LABELS)
    left, right = where.columns(2)
    control("batch_size", left)
    control("epochs", right, help=pg.LIMITS_HELP)
    control("dropout", where, help="Drop probability after every hidden layer while "
                                   "training; off at test time.")
    control("initializer", where, labels=INITIALIZER_LABELS, help=INITIALIZER_HELP)
    share = f"{pg.VALIDATION_SHARE:.0%}"
    control("lr_schedule", where, help=f"Halve the learning rate when the validation loss "
                                       f"has not improved for {pg.PLATEAU_PATIENCE} epochs. "
                                       f"The validation set is {share} of the training data, "
                                       "held out for this.")
    control("early_stopping", where, help=f"Stop when the validation loss has not improved "
                                          f"for {pg.EARLY_STOPPING_PATIENCE} epochs. The "
                                          f"validation set is {share} of the training data, "
                                          "held out for this: the test set is never watched.")
    control("seed", where, as_input=True)


def sidebar() -> None:
    with st.sidebar:
        main_controls(st.container())
        data_controls(st.expander("Data"))
        feature_controls(st.expander("Input features"))
        training_controls(st.expander("Training options"))
        st.caption(pg.LIMITS_HELP)


def run_buttons(where) -> None:
    """Playground's buttons: continue, restart, reseed, new data (short labels; the long
    form is in the tooltip)."""
    cols = where.columns([1.35, 1, 1.1, 1.1])
    cols[0].button(f"+{TRAIN_MORE} epochs", on_click=add_epochs, width="stretch",
                   disabled=hidden("epochs"),
                   help=f"Train {TRAIN_MORE} more epochs: continue from where training stopped.")
    cols[1].button("reset", on_click=restart, width="stretch",
                   help="The epochs before '+epochs', same seed: the same run from epoch 0.")
    cols[2].button("new seed", on_click=restart, kwargs={"new_seed": True}, width="stretch",
                   disabled=hidden("seed"), help="Other initial weights and shuffles.")
    cols[3].button("new data", on_click=restart, kwargs={"new_data": True}, width="stretch",
                   disabled=hidden("data_seed"), help="Regenerate the data (a new data seed).")


def example_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = np.round(rng.uniform(-5, 5, (40, 2)), 1)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": (x[:, 0] * x[:, 1] >= 0) * 1})


def own_data(kind: str) -> datasets.Dataset | None:
    """Upload (→ loaded into the table) or edit the table; the table is the data."""
    st.markdown(f"**Your own data** ({kind}): columns `x1`, `x2`, `label`, at most "
                f"{datasets.MAX_USER_POINTS} rows. An upload replaces the table; edit, add or "
                "delete rows below.")
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key=f"{PAGE}.upload",
                              help=datasets.upload_help(st.get_option("server.maxUploadSize")))
    if upload is not None:
        try:
            loaded = datasets.dataset_from_csv(upload.getvalue(), kind)
        except ValueError as err:
            st.error(f"{state.plain(upload.name)}: {state.plain(str(err))}")
        else:
            signature = (upload.name, upload.size, kind)
            if st.session_state.get(f"{PAGE}.upload_signature") != signature:
                st.session_state[f"{PAGE}.upload_signature"] = signature
                st.session_state[USER_FRAME] = pd.DataFrame(
                    {"x1": loaded.x[:, 0], "x2": loaded.x[:, 1], "label": loaded.y})
                st.session_state.pop(f"{PAGE}.table", None)
    frame = st.session_state.setdefault(USER_FRAME, example_frame())
    edited = st.data_editor(frame, num_rows="dynamic", key=f"{PAGE}.table", height=260)
    try:
        return datasets.dataset_from_frame(edited, kind)
    except ValueError as err:
        st.error(f"The table: {state.plain(str(err))}")
        return None


# -- results -------------------------------------------------------------------------------


def messages(run: pg.PlaygroundRun) -> None:
    res = run.result
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

    def __init__(self) -> None:
        # The buttons go under the metrics: below the map they would be off the first
        # screen at 1280×720. Two equal halves: the map is as wide as it is tall and has
        # room to spare, and the buttons need the width.
        left, right = st.columns(2)
        self.replay = left.empty()
        self.progress = left.empty()
        self.metrics = right.empty()
        run_buttons(right)
        self.loss = right.empty()
        self.redraws = 0

    def draw(self, run: pg.PlaygroundRun, params: pg.PlaygroundParams, live: bool) -> None:
        """The output over the plane, the metrics and the loss curve of ``run``; ``live``:
        a run still training (one frame, no replay controls; keys of their own, as a key
        may appear once per script run)."""
        suffix = f".live{self.redraws}" if live else ""
        self.redraws += 1
        replay = partial(fig_pg.output_replay, run, discretize=params.discretize,
                         show_test=params.show_test)
        loss = partial(fig_pg.loss_figure, run)
        if live:  # built for this moment only (not cached): the newest state, no controls
            replay, loss = replay(live=True), loss()
        layout.chart(replay, f"{PAGE}.chart.replay{suffix}", self.replay)
        live_ui.mark("picture")
        metrics(run, self.metrics.container())
        if not live or run.result.epochs_run > 0:
            layout.chart(loss, f"{PAGE}.chart.loss{suffix}", self.loss)


def stream(key: pg.PlaygroundParams, user, params: pg.PlaygroundParams, slots: Slots
           ) -> pg.PlaygroundRun:
    """Train ``key`` showing the run as it goes: the untrained network at once, then the
    same charts redrawn as chunks of epochs finish; the finished run is cached."""
    pace = live_ui.Pace()

    def on_chunk(chunk: pg.Chunk) -> None:
        if chunk.compiling:
            live_ui.compiling(slots.progress, _structure(key))
        elif pace.progress_due():
            live_ui.progress(slots.progress, chunk.epochs_done, chunk.epochs_total)
        if chunk.epochs_done == 0 or pace.due(chunk.epochs_done / chunk.epochs_total):
            slots.draw(chunk.run, params, live=True)
            pace.drawn()

    # While the run waits in line for a free trainer (other students training), it says so.
    with engine.notify_waits(layout.WaitNotice()):
        run = pg.run(key, user, on_chunk=on_chunk)
    slots.progress.empty()
    return RESULTS.put(run, key, user)


def _structure(p: pg.PlaygroundParams) -> str:
    layers = "-".join(map(str, p.hidden_units)) or "no hidden layer"
    return f"{layers} {ACTIVATION_LABELS.get(p.activation, p.activation)}, {p.optimizer}"


def results(run: pg.PlaygroundRun, params: pg.PlaygroundParams, slots: Slots) -> None:
    slots.draw(run, params, live=False)
    messages(run)
    boundary = ("the black line where it changes class" if run.head.kind != "regression"
                else "orange high, blue low, like the points' targets")
    st.caption(f"What to notice: the background is the network's output, {boundary}. ▶ replays "
               "training from epoch 0; the slider steps through it. A test loss that rises "
               "while the training loss falls is overtraining.")


#: The views below the main one, in lazy tabs: only the open one is computed and sent (the
#: network diagram and a node's map are the page's heaviest charts after the replay).
DETAIL_TABS = ("Accuracy and fit", "Inside the network", "Export")


def details(run: pg.PlaygroundRun) -> None:
    """Accuracy per epoch and the confusion matrix, or for regression the fit."""
    left, right = st.columns(2)
    if run.head.kind == "regression" and not run.result.diverged:
        layout.chart(partial(fig_pg.regression_fit, run), f"{PAGE}.chart.fit", left)
    elif run.head.kind != "regression":
        layout.chart(partial(fig_pg.accuracy_figure, run), f"{PAGE}.chart.acc", left)
        if run.metrics.confusion is not None:
            layout.chart(partial(fig_pg.confusion_figure, run.metrics.confusion),
                         f"{PAGE}.chart.confusion", right)
    else:
        st.caption("The run diverged: there is no fit to show.")


@st.fragment
def inside(run: pg.PlaygroundRun) -> None:
    """The network diagram at a chosen epoch and one node in detail. A fragment: picking an
    epoch or a node redraws only this part, not the page."""
    epochs = [s.epoch for s in run.result.snapshots]
    # Keys carry the options, so a new run with other epochs or nodes starts afresh.
    epoch = st.select_slider("epoch to inspect", epochs, value=epochs[-1],
                             key=f"{PAGE}.inspect.{len(epochs)}.{epochs[-1]}")
    snapshot = epochs.index(epoch)
    maps = pg.neuron_maps(run, snapshot, size=fig_pg.thumb_size(run))
    layout.chart(partial(fig_pg.network_diagram, run, maps), f"{PAGE}.chart.diagram")
    st.caption("Every node shows what it computes over the input plane (orange positive, "
               "blue negative, white 0; each on its own scale). Lines are weights: thickness "
               "∝ |w|, orange positive, blue negative. The small square at a node's lower left "
               "is its bias. Hover for the numbers.")
    names = fig_pg.node_names(run)
    nodes = [(c, j) for c, col in enumerate(names) for j in range(len(col))]
    first_neuron = len(names[0]) if len(names) > 2 else 0
    shape = "-".join(str(len(col)) for col in names)
    c, j = st.selectbox("node", nodes, index=first_neuron,
                        format_func=lambda n: names[n[0]][n[1]], key=f"{PAGE}.node.{shape}")
    big = pg.neuron_maps(run, snapshot, size=pg.GRID_SIZE)
    left, right = st.columns([1, 1])
    layout.chart(partial(fig_pg.node_figure, run, big, c, j), f"{PAGE}.chart.node", left)
    right.latex(fig_pg.node_formula(run, big, c, j))
    right.markdown("A first-layer neuron splits the plane along one line (where its weighted "
                   "sum is 0); deeper neurons combine those splits into corners, bands and "
                   "islands. The output combines the last layer into the decision.")


def downloads(run: pg.PlaygroundRun) -> None:
    cols = st.columns(3)
    cols[0].download_button("Keras code (.py)", pg.keras_code(run), "playground_model.py",
                            "text/x-python", key=f"{PAGE}.dl_code", on_click="ignore")
    cols[1].download_button("trained model (.keras)", lambda: pg.model_bytes(run),
                            pg.MODEL_FILE, "application/octet-stream", key=f"{PAGE}.dl_model",
                            on_click="ignore", disabled=run.result.diverged)
    cols[2].download_button("data (.csv)", pg.data_csv(run), pg.DATA_FILE, "text/csv",
                            key=f"{PAGE}.dl_data", on_click="ignore")
    st.caption("The code reads the data file: download both. Training rows come first, then "
               "the validation rows (if any), then the test rows.")


def exercises() -> None:
    with st.expander("Lecture exercises (one click loads the configuration)"):
        for ex, col in zip(pg.EXERCISES, st.columns(len(pg.EXERCISES))):
            col.markdown(f"**{ex.title}**")
            col.markdown("\n".join(f"- {q}" for q in ex.questions))
            for i, step in enumerate(ex.steps):
                col.button(step.label, key=f"{PAGE}.preset.{ex.name}.{i}", on_click=load_preset,
                           args=(step.params,), width="stretch")
            with col.expander("Answer"):
                st.markdown(ex.answer)


@st.fragment
def classroom_link(params: pg.PlaygroundParams) -> None:
    """A link that hides chosen controls. A fragment: choosing redraws only the link."""
    with st.expander("Classroom link: hide controls"):
        chosen = st.multiselect("controls to hide", P.field_names(), key=f"{PAGE}.hide_pick",
                                default=sorted(state.hidden_controls() & set(P.field_names())))
        base = (st.context.url or "").split("?")[0]
        st.code(pg.hide_link(params, chosen, base), language=None, wrap_lines=True)


def about() -> None:
    with st.expander("Playground's loss and update rule"):
        st.latex(r"J(\theta) = \frac{1}{N}\sum_i \tfrac12\big(y_m(x_i,\theta) - y_i\big)^2,"
                 r"\quad y_i = \pm 1,\qquad \theta \leftarrow \theta - \alpha\,"
                 r"\frac{dJ}{d\theta}")
        st.markdown(LOSS_NOTE)
        st.markdown("Playground's defaults are the starting point: 500 points on the plane "
                    "[−6, 6]², a tanh output with labels ±1, weights U(−0.5, 0.5) and biases "
                    "0.1. Cross-entropy, more optimizers, initialisations, dropout and your "
                    "own data are one control away.")


# -- the page ------------------------------------------------------------------------------

layout.header("Playground: a network on 2-D data",
              "TensorFlow Playground's experiments, trained live with Keras.")
state.load(P, PAGE)
state.show_notes(PAGE)
sidebar()
top = st.container()  # the results go first on the page; own data (if any) below them
user = (own_data(st.session_state[key("problem")])
        if st.session_state[key("dataset")] == pg.USER_DATA else None)
params = state.current(P, PAGE)

run = None
with top:
    if params.dataset == pg.USER_DATA and user is None:
        st.warning("Fix your data below to train.")
    else:
        try:
            key_params = params.training_key()
            slots = Slots()
            run = RESULTS.get(key_params, user) or stream(key_params, user, params, slots)
        except ValueError as err:  # a run above the work cap is a warning, not an error
            (st.warning if isinstance(err, engine.WorkLimitError) else st.error)(str(err))
    if run is not None:
        results(run, params, slots)
if run is not None:
    layout.tabs(PAGE, dict(zip(DETAIL_TABS, (partial(details, run), partial(inside, run),
                                             partial(downloads, run)))))
exercises()
classroom_link(params)
about()
state.write_url(params)
