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

from core import activation_functions as A
from core import gradient_descent as GD
from core import initialisation as I
from core import optimiser_paths as O
from core import overfitting as of
from core import overfitting_sweeps as sweeps
from core import overtraining as ot
from core import playground as pg
from core import universal_approximation as U
from core import xor as X
from core.optimiser_page import PathControls
from ui import layout, live

keras_fit = layout.cached(GD.keras_fit)
probe_all = layout.cached(I.probe_all, max_entries=32, spinner="Probing the network…")
train_one = layout.cached(I.train_one, max_entries=128, spinner=False)
train_xor = layout.cached(X.train_xor)
train_linear = layout.cached(X.train_linear)
#: XOR's sweep over widths and seeds, per setting of the other fields (the page streams its
#: progress and stores the result; a later visit with the same settings finds it here).
xor_sweeps = live.StreamedCache(X.sweep_units, max_entries=32)
compute_paths = layout.cached(O.compute_paths, spinner="Computing the paths…")
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


def probes(p: I.InitParams) -> dict[str, I.Probe]:
    """The probe of every initialiser for ``p``'s network; one cache entry whichever
    initialiser is selected."""
    return probe_all(p.replace(initializer=I.INITIALIZERS[0]))


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
    for a quiet moment (``layout.WARM_UP_QUIET_S``), as every warm-up target does: they are
    ~15 s of training in all, and a visitor's page comes first."""
    pg.warm_up()
    for p in (pg.PlaygroundParams(), *pg.CONFIGURATIONS):
        layout.PAGE_RUNS.wait_quiet(layout.WARM_UP_QUIET_S)
        playground_run(p)
