"""Check yourself: the lecture's frequent misunderstandings, each settled by a live run."""

from functools import partial

import streamlit as st

from core import activations, datasets
from core import misunderstandings as MU
from core import overfitting as of
from core.figures import misunderstandings as fig
from core.misunderstandings import data_size as D
from core.misunderstandings import existence as E
from core.misunderstandings import linear_layers as L
from core.misunderstandings import retraining as R
from core.misunderstandings import selection as S
from core.misunderstandings import simple_fits as F
from ui import catalog, layout, results
from ui.page import PageState

PAGE = "misunderstandings"
CHART = f"{PAGE}.chart"  # chart keys apart from the widgets' (page.field)
CLAIMS = {c.key: c for c in MU.CLAIMS}
DATA = {"labels": {k: d.label for k, d in datasets.DATASETS.items()}}
ACTIVATION = {"labels": {k: a.label for k, a in activations.ACTIVATIONS.items()}}

page = PageState.load(PAGE)
trained = partial(results.trained, unit="run")  # every experiment reports its runs
layout.header(
    "Check yourself",
    "Six things often believed about networks, each put to a run you can change: the belief, "
    "the experiment, and the sentence its numbers write.")


def claim(key: str) -> None:
    """The misunderstanding, as students say it, at the top of its tab."""
    st.markdown(f"**Misunderstanding:** “{CLAIMS[key].misunderstanding}”")


def verdict(text: str, container=None) -> None:
    """The sentence the run writes (shown in presenter mode too: it is the answer)."""
    (container or st).info(text, icon=":material/fact_check:")


def lecture_note(key: str, extra: str = "") -> None:
    layout.explain(f"**The lecture:** {CLAIMS[key].lecture}{extra}")


def controls(names: tuple[str, ...], **options: dict) -> None:
    """One row of controls, in the order given."""
    for col, name in zip(st.columns(len(names)), names):
        page.control(name, container=col, **options.get(name, {}))


def effective_layer(run: L.LayerRun) -> str:
    """The one layer the linear network equals, from its trained weights."""
    w = ", ".join(f"{v:.3g}" for v in run.w_eff[:, 0])
    return (f"**One layer:** W = W⁽¹⁾W⁽²⁾W⁽³⁾ = ({w})ᵀ, b = (b⁽¹⁾W⁽²⁾ + b⁽²⁾)W⁽³⁾ + b⁽³⁾ = "
            f"{run.b_eff[0]:.3g}").replace("-", "−")


def linear_view() -> None:
    claim("linear_layers")
    controls(("dataset", "activation", "epochs", "depth", "seed"), dataset=DATA,
             activation=ACTIVATION, seed={"as_input": True})
    run = trained(results.layer_runs, L.run, "Training four networks", page.current(L.LayerParams))
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.linear_maps, run), f"{CHART}.linear", left, fig.MAP_MARKERS)
    verdict(L.answer(run), right)
    right.markdown(effective_layer(run))
    layout.chart(partial(fig.deep_curves, run), f"{CHART}.deep")
    verdict(L.deep_answer(run))
    lecture_note("linear_layers", " The output layer's σ answers the task, not depth: a "
                 "sigmoid turns a score into a probability of a class.")
    if any(p.url_path == "classification" for p in catalog.PAGES):
        st.page_link("pages/classification.py", label="Output layers and their losses",
                     icon=":material/arrow_forward:")


def existence_view() -> None:
    claim("existence")
    controls(("unit", "width", "learning_rate", "budget", "seeds"),
             unit={"labels": E.UNIT_LABELS})
    run = trained(results.existence_runs, E.run, "Training from every seed",
                  page.current(E.ExistenceParams))
    layout.chart(partial(fig.existence_fits, run), f"{CHART}.fits")
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.existence_errors, run), f"{CHART}.errors", left)
    verdict(E.answer(run), right)
    lecture_note("existence", f" Each seed also draws its own {run.params.approx().points} "
                 "sample points of f; the errors are measured against f itself over the whole "
                 "range shown.")


def selection_view() -> None:
    claim("selection")
    controls(("candidates", "n_points", "noise", "data_seed", "splits"),
             data_seed={"as_input": True})
    p = page.current(S.SelectionParams)
    one = trained(results.selection_splits, S.choose, "Training the networks", p.split_key(),
                  p.data_seed)
    layout.chart(partial(fig.candidates, one), f"{CHART}.candidates")
    verdict(S.answer(one))
    left, right = st.columns([3, 2])
    repeat = results.selection_repeats.get(p)
    if repeat is None:
        right.markdown(f"One split can be lucky. The repeat draws {p.splits} data sets, "
                       "chooses both ways on each, and compares the reported test loss with "
                       "the loss on new data (known exactly: the truth is known).")
        if left.button(f"Repeat on {p.splits} splits", type="primary",
                       help=f"Train the {p.candidates} networks on {p.splits} random "
                            "splits of new data"):
            with left:
                repeat = results.trained(results.selection_repeats, results.selection_repeat,
                                         "Repeating", p, unit="split")
            st.rerun()  # the result is cached: drawn by the run this starts
    if repeat is not None:
        layout.chart(partial(fig.gains, repeat), f"{CHART}.gains", left)
        verdict(S.repeat_answer(repeat), right)
    lecture_note("selection")


def retraining_view() -> None:
    claim("retraining")
    controls(("retrain_data", "hidden", "retrainings"), retrain_data=DATA)
    run = trained(results.retrainings, R.run, "Training", page.current(R.RetrainParams))
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.unit_maps, run), f"{CHART}.units", left)
    with right:
        layout.chart(partial(fig.agreement, run), f"{CHART}.agreement")
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.correlations, run), f"{CHART}.correlations", left)
    verdict(R.answer(run), right)
    lecture_note("retraining")


def simple_fit_view() -> None:
    claim("simple_fits")
    controls(("truth", "degree", "network", "repeats"),
             truth={"labels": {k: t.label for k, t in of.TRUTHS.items()}},
             network={"labels": F.NETWORK_LABELS})
    run = trained(results.simple_fit_runs, F.run, "Fitting", page.current(F.SimpleFitParams))
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.simple_fit_curves, run), f"{CHART}.simple", left)
    verdict(F.answer(run), right)
    with right:
        lecture_note("simple_fits", f" Noise σ = {F.NOISE:g}; the network trains "
                     f"{F.EPOCHS} epochs of Adam on all its points at once, as the overfitting "
                     "page trains.")


def data_size_view() -> None:
    claim("data_size")
    controls(("task", "task_noise", "layer_units", "steps", "size_seeds"), task=DATA)
    run = trained(results.data_size_runs, D.run, "Training", page.current(D.DataSizeParams))
    left, right = st.columns([3, 2])
    layout.chart(partial(fig.data_size_curves, run), f"{CHART}.sizes", left)
    verdict(D.answer(run), right)
    with right:
        lecture_note("data_size", f" Every run takes {run.params.steps} steps; the test "
                     f"loss is measured on {D.TEST_POINTS} new points.")


VIEWS = (linear_view, existence_view, selection_view, retraining_view, simple_fit_view,
         data_size_view)
layout.tabs(PAGE, {c.tab: view for c, view in zip(MU.CLAIMS, VIEWS)})
page.write_url()
