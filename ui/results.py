"""Result caches that the server's warm-up fills before the first visitor asks.

A page caches each core result per parameter set (:func:`ui.layout.cached`: one
``st.cache_data`` shared by all sessions, which Streamlit keys by the core function, its
source and its bound). The caches below are defined here, once, so that the page showing a
result and the warm-up computing it at server start share one cache: a page's default view,
and a view that trains when it is first opened (the activations page's runs from every
initialiser, XOR's trained network, overfitting's regularisation, the universal-approximation
fit), then answer from the cache instead of training while the lecturer waits
(benchmarks.browser_latency). The Playground's runs are filled for its default and for every
exercise step, so that a preset button the lecturer clicks shows its finished run at once
(some train 1000 epochs, ~2 s); the overfitting page's exercise shows the same runs.

Results computed under a progress bar (the sweeps, a streamed run, a long fit) are
``live.StreamedCache``s: a page looks them up without computing, computes and stores them
(``live.computed``), and a lecture's answer asks for them like any cached call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from core import activation_functions as A
from core import gradient_descent as GD
from core import initialisation as I
from core import momentum as M
from core import one_weight as OW
from core import optimiser_network as ON
from core import optimiser_paths as O
from core import overfitting as of
from core import overfitting_sweeps as sweeps
from core import overtraining as ot
from core import playground as pg
from core import universal_approximation as U
from core import xor as X
from core.backprop import cost as BC
from core.backprop import network as BN
from core.backprop import neuron as BNR
from core.classification import calculator as CC
from core.classification import saturation as CS
from core.classification import softmax as CM
from core.classification import tasks as CT
from core.classification import wrong_layer as CW
from core.engine.slots import notify_waits
from core.misunderstandings import data_size as MD
from core.misunderstandings import existence as ME
from core.misunderstandings import linear_layers as ML
from core.misunderstandings import retraining as MR
from core.misunderstandings import selection as MS
from core.misunderstandings import simple_fits as MF
from core.optimiser_page import PathControls
from ui import layout, live, server

R = TypeVar("R")

gd_run = layout.cached(GD.run, max_entries=256, spinner=False)
gd_one_weight = layout.cached(OW.run, max_entries=256, spinner=False)
gd_batches = layout.cached(GD.compare_batches, max_entries=64, spinner=False)
keras_fit = layout.cached(GD.keras_fit)
act_curves = layout.cached(A.curves, max_entries=128, spinner=False)
act_neuron = layout.cached(A.neuron, max_entries=256, spinner=False)
act_stack = layout.cached(A.stack, max_entries=128, spinner=False)
probe_all = layout.cached(I.probe_all, max_entries=32, spinner="Probing the network…")
train_one = layout.cached(I.train_one, max_entries=128, spinner=False)
train_xor = layout.cached(X.train_xor)
train_linear = layout.cached(X.train_linear)
#: XOR's sweep over widths and seeds, per setting of the other fields (the page streams its
#: progress and stores the result; a later visit with the same settings finds it here).
xor_sweeps = live.StreamedCache(X.sweep_units, max_entries=32)
compute_paths = layout.cached(O.compute_paths, spinner="Computing the paths…")
momentum_run = layout.cached(M.run, max_entries=256, spinner=False)
momentum_map = layout.cached(M.rate_map, max_entries=4, spinner=False)
train_network = layout.cached(ON.train_all, max_entries=64, spinner="Training the network…")
#: The backpropagation page: the neuron (with its GradientTape reference), the small
#: network and its tape check, each keyed without the step (stepping asks the cache), and
#: the timed sweep (live measurements: the first visitor's timing is every visitor's).
neuron_run = layout.cached(BNR.neuron_run, max_entries=256, spinner=False)
network_run = layout.cached(BN.network_run, max_entries=128, spinner=False)
network_tape_gap = layout.cached(BN.tape_gap, max_entries=128, spinner=False)
cost_sweep = layout.cached(BC.sweep, max_entries=8, spinner="Timing both ways…")
train_fit = layout.cached(of.train_fit, max_entries=256)
make_split = layout.cached(of.make_split, max_entries=64, spinner=False)
rate_point = layout.cached(sweeps.rate_point, max_entries=1024, spinner=False)
size_point = layout.cached(sweeps.size_point, max_entries=1024, spinner=False)


def _overfitting_sweeps(p: of.OverfitParams, sw: sweeps.SweepParams
                        ) -> tuple[sweeps.Sweep, sweeps.Sweep]:
    return sweeps.run_sweeps(p, sw, rate_point=rate_point, size_point=size_point)


#: The overfitting page's two sweeps per :func:`core.overfitting_sweeps.sweep_key` and
#: setting (the page streams their progress and stores them here).
overfitting_sweeps = live.StreamedCache(_overfitting_sweeps, max_entries=32)
#: The Playground's finished runs, shared by all sessions; a streamed run is stored when it
#: finishes (pages/playground.py). The overfitting page's exercise runs are the same runs.
playground_runs = live.StreamedCache(pg.run, max_entries=48)
#: The universal-approximation page's fits (streamed with a progress bar, then stored).
approx_fits = live.StreamedCache(U.train_fit, max_entries=48)
approx_sweep_point = layout.cached(U.sweep_point, max_entries=256, spinner=False)


def _width_sweep(p: U.ApproxParams):
    return U.width_sweep(p, approx_sweep_point)


#: Its width sweeps per :func:`core.universal_approximation.sweep_key`.
width_sweeps = live.StreamedCache(_width_sweep, max_entries=32)
#: The classification page's runs, one cache per view (:func:`trained` trains a missing one
#: with a progress bar and stores it; the warm-up fills the default view's).
two_tasks = live.StreamedCache(CT.two_tasks, max_entries=48)
races = live.StreamedCache(CS.race, max_entries=48)
softmax_runs = live.StreamedCache(CM.softmax_run, max_entries=48)
ceilings = live.StreamedCache(CW.ceiling, max_entries=48)
linear_classifiers = live.StreamedCache(CW.linear_classifier, max_entries=48)
saturation_curves = layout.cached(CS.curves, max_entries=1, spinner=False)
calculate = layout.cached(CC.calculate, max_entries=256, spinner=False)
#: The misunderstandings page: every claim's experiment per parameter set (the page trains a
#: missing one with :func:`trained`), one split of the validation-vs-test experiment per split
#: (its repeat reuses them), and the repeats behind their button.
layer_runs = live.StreamedCache(ML.run, max_entries=16)
existence_runs = live.StreamedCache(ME.run, max_entries=16)
selection_splits = live.StreamedCache(MS.choose, max_entries=256)
retrainings = live.StreamedCache(MR.run, max_entries=16)
simple_fit_runs = live.StreamedCache(MF.run, max_entries=16)
data_size_runs = live.StreamedCache(MD.run, max_entries=16)


def selection_repeat(p: MS.SelectionParams, on_progress=None) -> MS.Repeat:
    """Every split of ``p``'s repeat, each from (and into) the cache of single splits."""
    return MS.repeat(p, lambda seed: selection_splits(p.split_key(), seed), on_progress)


selection_repeats = live.StreamedCache(selection_repeat, max_entries=16)


def trained(cache: live.StreamedCache, fn: Callable[..., R], label: str, *args: Any,
            unit: str = "epoch") -> R:
    """``cache``'s result for ``args``; missing, ``fn(*args, on_progress)`` trains it now
    with a progress bar (``on_progress(done, total)`` counts ``unit``s: the epochs of all its
    runs together, or its runs), and stores it. While it waits for a free trainer the page
    says so (ui.waiting)."""
    def compute(report: Callable[[float, str], None]) -> R:
        return fn(*args, lambda done, total: report(done / max(total, 1),
                                                    f"{label}: {unit} {done} of {total}"))

    with notify_waits(layout.WaitNotice()):
        return live.computed(cache, compute, *args, text=f"{label}: starting…")


def probes(p: I.InitParams) -> dict[str, I.Probe]:
    """The probe of every initialiser for ``p``'s network; one cache entry whichever
    initialiser is selected."""
    return probe_all(p.replace(initializer=I.INITIALIZERS[0]))


def neuron(p: BNR.NeuronParams) -> BNR.NeuronRun:
    """The neuron's run, one cache entry for every step of its walk."""
    return neuron_run(p.point())


def network(p: BN.NetParams) -> BN.NetRun:
    """The small network's run, one cache entry for every step of its walk."""
    return network_run(p.structure())


def fit_of(p: of.OverfitParams, units: tuple[int, ...], reg: of.Regularisation = of.NONE
           ) -> of.Fit:
    """An overfitting run, cached per data settings, hidden units and regularisation."""
    return train_fit(p.run_key(), units, reg)


def warm_gradient_descent() -> None:
    """The gradient-descent page's default: the same fit in Keras (its one trainer)."""
    keras_fit(GD.GradientDescentParams())


def warm_activations() -> None:
    """The activations page's defaults: the property table measured, both tabs' probes and
    runs computed (TensorFlow loaded, the probe traced, the 5 × 32 trainer compiled)."""
    for name in A.ACTIVATIONS:
        A.properties(name)
    probes(I.InitParams())
    for name in I.INITIALIZERS:  # as the initialisation tab asks, one cache entry each
        train_one(I.TrainParams(), name)


def warm_xor() -> None:
    """The XOR page's defaults: the best line (tab 1) and the trained network (tab 3)."""
    train_linear()
    train_xor(X.XorParams())


def warm_backpropagation() -> None:
    """The backpropagation page's defaults: the neuron (tab 1) with its Keras reference, the
    XOR network and its tape check (tab 2), the timed sweep (tab 3) and the depth probe
    (tab 4, shared with the activations page)."""
    neuron(BNR.NeuronParams())
    network(BN.NetParams())
    network_tape_gap(BN.NetParams().structure())
    probes(I.InitParams())
    cost_sweep(BC.CostParams())


def warm_optimisers() -> None:
    """The optimisers page's defaults: every optimizer's loop compiled and the paths computed.
    Not the real network: its five optimizers are five structures, and compiled trainers
    beyond the pool's bound (core.limits.MAX_TRAINERS) would drop the other pages' ones
    (XOR's first new seed then traces again, 0.8 s)."""
    O.compile_all()
    compute_paths(PathControls().paths())


def playground_run(p: pg.PlaygroundParams) -> pg.PlaygroundRun:
    """A Playground run of generated data, cached (computed now if missing)."""
    return playground_runs(p.training_key(), None)


def exercise_runs(p: ot.ExerciseParams) -> dict[str, pg.PlaygroundRun]:
    """The overtraining exercise's four runs: the Playground's own cached runs."""
    return {name: playground_run(step) for name, step in p.steps().items()}


def exercise_summaries(p: ot.ExerciseParams) -> dict[str, ot.RunSummary]:
    titles = p.titles()
    return {name: ot.summary(run, titles[name]) for name, run in exercise_runs(p).items()}


def warm_overfitting() -> None:
    """The overfitting page's defaults: the three capacities (tab 1), the regularised and
    plain runs (tab 2), and the exercise's two structures compiled (its runs are the
    Playground's overtraining preset, filled by :func:`warm_playground`)."""
    p = of.OverfitParams()
    for which in of.CAPACITIES:
        fit_of(p, p.capacity(which))
    fit_of(p, p.capacity(p.regularised), of.regularisation_of(p))
    for step in (pg.OVERTRAINING_STEPS["plain"], pg.OVERTRAINING_STEPS["l1"]):
        pg.run(step.replace(epochs=1), frames=1)


def warm_universal_approximation() -> None:
    """The universal-approximation page's default fit and the lecture's 2 × 30 network."""
    approx_fits(U.ApproxParams())
    approx_fits(U.ApproxParams().replace(**U.LECTURE_PRESET))


def warm_playground() -> None:
    """The Playground: its trainers compiled (:func:`core.playground.warm_up`), then the runs
    of its default and of every exercise step (the preset buttons) filled. Each run waits
    for a quiet moment (``server.WARM_UP_QUIET_S``), as every warm-up target does: they are
    ~15 s of training in all, and a visitor's page comes first."""
    pg.warm_up()
    for p in (pg.PlaygroundParams(), *pg.CONFIGURATIONS):
        server.PAGE_RUNS.wait_quiet(server.WARM_UP_QUIET_S)
        playground_run(p)


def warm_classification() -> None:
    """The classification page's default view: both tasks trained on the default data (their
    two trainers compiled)."""
    two_tasks(CT.TaskParams())


def warm_misunderstandings() -> None:
    """The misunderstandings page: every tab's default experiment (of the validation-vs-test
    tab its one split; the repeat waits for its button), each after a quiet moment."""
    fills = (lambda: layer_runs(ML.LayerParams()), lambda: existence_runs(ME.ExistenceParams()),
             lambda: selection_splits(MS.SelectionParams().split_key(),
                                      MS.SelectionParams().data_seed),
             lambda: retrainings(MR.RetrainParams()),
             lambda: simple_fit_runs(MF.SimpleFitParams()),
             lambda: data_size_runs(MD.DataSizeParams()))
    for fill in fills:
        server.PAGE_RUNS.wait_quiet(server.WARM_UP_QUIET_S)
        fill()
