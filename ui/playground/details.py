"""The Playground's detail tabs under the main view: accuracy and fit, inside the network,
and the exports. Lazy: only the open one is computed and sent (the network diagram and a
node's map are the page's heaviest charts after the replay)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core import playground as pg
from core.figures import playground as fig_pg
from ui import layout

TABS = ("Accuracy and fit", "Inside the network", "Export")


def tabs(run: pg.PlaygroundRun) -> None:
    layout.tabs("playground", dict(zip(TABS, (partial(fit, run), partial(inside, run),
                                              partial(downloads, run)))))


def fit(run: pg.PlaygroundRun) -> None:
    """Accuracy per epoch and the confusion matrix, or for regression the fit."""
    left, right = st.columns(2)
    if run.head.kind == "regression" and not run.result.diverged:
        layout.chart(partial(fig_pg.regression_fit, run), "playground.chart.fit", left)
    elif run.head.kind != "regression":
        layout.chart(partial(fig_pg.accuracy_figure, run), "playground.chart.acc", left)
        if run.metrics.confusion is not None:
            layout.chart(partial(fig_pg.confusion_figure, run.metrics.confusion),
                         "playground.chart.confusion", right)
    else:
        st.caption("The run diverged: there is no fit to show.")


@st.fragment
def inside(run: pg.PlaygroundRun) -> None:
    """The network diagram at a chosen epoch and one node in detail. A fragment: picking an
    epoch or a node redraws only this part, not the page."""
    epochs = [s.epoch for s in run.result.snapshots]
    # Keys carry the options, so a new run with other epochs or nodes starts afresh.
    epoch = st.select_slider("epoch to inspect", epochs, value=epochs[-1],
                             key=f"playground.inspect.{len(epochs)}.{epochs[-1]}")
    snapshot = epochs.index(epoch)
    maps = pg.neuron_maps(run, snapshot, size=fig_pg.thumb_size(run))
    layout.chart(partial(fig_pg.network_diagram, run, maps), "playground.chart.diagram")
    st.caption("Every node shows what it computes over the input plane (orange positive, "
               "blue negative, white 0; each on its own scale). Lines are weights: thickness "
               "∝ |w|, orange positive, blue negative. The small square at a node's lower left "
               "is its bias. Hover for the numbers.")
    names = fig_pg.node_names(run)
    nodes = [(c, j) for c, col in enumerate(names) for j in range(len(col))]
    first_neuron = len(names[0]) if len(names) > 2 else 0
    shape = "-".join(str(len(col)) for col in names)
    c, j = st.selectbox("node", nodes, index=first_neuron,
                        format_func=lambda n: names[n[0]][n[1]], key=f"playground.node.{shape}")
    big = pg.neuron_maps(run, snapshot, size=pg.GRID_SIZE)
    left, right = st.columns([1, 1])
    layout.chart(partial(fig_pg.node_figure, run, big, c, j), "playground.chart.node", left)
    right.latex(fig_pg.node_formula(run, big, c, j))
    right.markdown("A first-layer neuron splits the plane along one line (where its weighted "
                   "sum is 0); deeper neurons combine those splits into corners, bands and "
                   "islands. The output combines the last layer into the decision.")


def downloads(run: pg.PlaygroundRun) -> None:
    cols = st.columns(3)
    cols[0].download_button("Keras code (.py)", pg.keras_code(run), "playground_model.py",
                            "text/x-python", key="playground.dl_code", on_click="ignore")
    cols[1].download_button("trained model (.keras)", lambda: pg.model_bytes(run),
                            pg.MODEL_FILE, "application/octet-stream", key="playground.dl_model",
                            on_click="ignore", disabled=run.result.diverged)
    cols[2].download_button("data (.csv)", pg.data_csv(run), pg.DATA_FILE, "text/csv",
                            key="playground.dl_data", on_click="ignore")
    l1 = run.params.regularization == "l1" and run.params.regularization_rate > 0
    st.caption("The code reads the data file: download both. Training rows come first, then "
               "the validation rows (if any), then the test rows." + (
                   " Its L1 is Keras's regularizer, which leaves weights jittering near 0 "
                   "where this page's L1 step sets them to exactly 0 (the code's docstring "
                   "says why)." if l1 else ""))
