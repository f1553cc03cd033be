"""The lecture's overtraining exercise in 2-D, with a validation set that chooses and a test
set looked at once.

The exercise is the Playground's overtraining task (``core.playground.OVERTRAINING``: the
checkerboard data with 50 % noise, a deep ReLU network, 1000 epochs of SGD; then low and high
L2 rates; then L1). Here its four runs are the Playground's own runs, side by side. Their
roles are the lecture's: the training points move the weights; the points Playground calls
its "test" set are the validation set here, on which the four runs are compared and one is
chosen; and a test set of fresh points from the same generator, which took no part in
training or choosing, is looked at once, for the chosen run (:func:`test_score`).

The L2 rate λ is Playground's: a penalty ½·λ·w² per kernel weight, so with its SGD a step
shrinks each weight by α·λ·w (weight decay); L1 is λ·|w|.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from core import datasets, limits, network
from core import playground as pg
from core.params import Params, choice, number

#: The four runs, in the task's order: plain, low L2, high L2, L1.
STEP_NAMES = tuple(pg.OVERTRAINING_STEPS)
DATASETS = ("xor", "checkerboard")
#: Epochs offered (the lecture says about 1000).
EPOCH_OPTIONS = (250, 500, 1000, 1500, 2000)
_TASK = pg.OVERTRAINING
_RATES = {name: p.regularization_rate for name, p in pg.OVERTRAINING_STEPS.items()}
#: Link keys of the fields before they were renamed, read as the fields they became.
_OLD_KEYS = {"ex_noise": "noise_2d", "ex_layers": "hidden_layers", "ex_width": "units",
            "ex_epochs": "epochs_2d", "ex_l1": "l1", "ex_seed": "seed_2d"}
_RATE_HELP = ("Playground's convention: the penalty is ½·λ·w² per weight, so each SGD step "
              "shrinks a weight by α·λ·w")


@dataclass(frozen=True)
class ExerciseParams(Params):
    """The exercise: the data and network of the plain run, and the three regularisation
    rates. Where the 1-D demonstrations on the same page have a field of the same meaning
    (noise, epochs, seed), these carry ``_2d``."""

    OLD_KEYS = _OLD_KEYS  # a plain class attribute, not a field (ui.page reads it)

    dataset: str = choice(_TASK.dataset, DATASETS, label="data set",
                          help="xor is Playground's 'checkerboard (XOR)' task; checkerboard "
                               "has 4×4 squares")
    noise_2d: int = number(_TASK.noise, 0, 50, label="noise (%)")
    train_ratio: int = number(_TASK.train_ratio, 10, 90, label="training share (%)",
                              help="share of the 500 points that train; the rest are the "
                                   "validation points (Playground's 'test' set)")
    hidden_layers: int = number(len(_TASK.hidden_units), 1, limits.PLAYGROUND_MAX_LAYERS,
                                label="hidden layers")
    units: int = number(_TASK.hidden_units[0], 1, limits.PLAYGROUND_MAX_NEURONS,
                        label="units per layer")
    epochs_2d: int = number(_TASK.epochs, 250, 2000, options=EPOCH_OPTIONS, label="epochs")
    low_l2: float = number(_RATES["low_l2"], 0.0, 10.0, options=pg.REGULARIZATION_RATES[1:],
                           label="low L2 λ (+½λw²)", help=_RATE_HELP)
    high_l2: float = number(_RATES["high_l2"], 0.0, 10.0, options=pg.REGULARIZATION_RATES[1:],
                            label="high L2 λ (+½λw²)", help=_RATE_HELP)
    l1: float = number(_RATES["l1"], 0.0, 10.0, options=pg.REGULARIZATION_RATES[1:],
                       label="L1 λ (+λ|w|)", help="the penalty λ·|w| per weight")
    seed_2d: int = number(_TASK.seed, 0, 99_999, label="seed")

    @classmethod
    def from_query(cls, query, *, other_keys=()):
        """As :meth:`Params.from_query`; a link written before the fields were renamed
        (``ex_noise`` …) is read with its keys' new names (a new name given too wins)."""
        renamed = {k: v for k, v in query.items() if k not in cls.OLD_KEYS}
        for old, new in cls.OLD_KEYS.items():
            if old in query:
                renamed.setdefault(new, query[old])
        return super().from_query(renamed, other_keys=other_keys)

    def steps(self) -> dict[str, pg.PlaygroundParams]:
        """The four Playground configurations: the task's runs with these settings (the
        defaults give exactly the Playground's preset steps, and share their cached runs)."""
        common = dict(dataset=self.dataset, noise=self.noise_2d, train_ratio=self.train_ratio,
                      epochs=self.epochs_2d, hidden_units=(self.units,) * self.hidden_layers,
                      seed=self.seed_2d)
        rates = {"plain": 0.0, "low_l2": self.low_l2, "high_l2": self.high_l2, "l1": self.l1}
        return {name: step.replace(**common, regularization_rate=rates[name])
                for name, step in pg.OVERTRAINING_STEPS.items()}

    def titles(self) -> dict[str, str]:
        """A short title per run for the pictures and the table."""
        return {"plain": "no regularisation", "low_l2": f"L2 {self.low_l2:g}",
                "high_l2": f"L2 {self.high_l2:g}", "l1": f"L1 {self.l1:g}"}


def run_step(p: ExerciseParams, name: str,
             on_chunk: Callable[[pg.Chunk], None] | None = None) -> pg.PlaygroundRun:
    """One of the four runs: the Playground's own run of that configuration (``on_chunk``
    streams it; the result is the same)."""
    return pg.run(p.steps()[name], on_chunk=on_chunk)


# ----------------------------------------------------------------------------------------
# What the four runs show
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """One run reduced to what the sentences about it need. ``val_*`` is the set the runs
    are compared on (Playground's "test" set)."""

    title: str
    train_loss: float
    val_loss: float
    best_val_loss: float
    best_epoch: int  # from 1: where the compared-on loss was lowest
    epochs_run: int
    train_accuracy: float
    val_accuracy: float
    exact_zeros: int
    n_weights: int
    spread: float  # max − min of the final output over the plane (tanh: at most 2)

    @property
    def finite(self) -> bool:
        return math.isfinite(self.val_loss) and math.isfinite(self.train_loss)

    @property
    def overtrained(self) -> bool:
        """The compared-on loss passed a minimum well before the end and rose from it by
        more than 5 %, while the training loss ended below it."""
        return (self.finite and self.best_epoch <= 0.8 * self.epochs_run
                and self.val_loss > 1.05 * self.best_val_loss
                and self.train_loss < self.val_loss)


def summary(run: pg.PlaygroundRun, title: str) -> RunSummary:
    """The numbers of ``run`` the exercise's sentences and table use."""
    m, history = run.metrics, run.result.history
    val = np.asarray(history["val_loss"], np.float64)
    kernels = np.concatenate([k.ravel() for k, _ in run.result.final.weights])
    best = int(np.nanargmin(val)) if np.any(np.isfinite(val)) else len(val) - 1
    outputs = run.grid_outputs[-1]
    return RunSummary(
        title, float(m.train_loss), float(m.test_loss), float(val[best]), best + 1,
        run.result.epochs_run, float(m.train_accuracy or 0.0), float(m.test_accuracy or 0.0),
        int(np.sum(kernels == 0.0)), int(kernels.size),
        float(np.ptp(outputs)) if np.all(np.isfinite(outputs)) else math.inf)


def table(runs: Iterable[RunSummary]) -> dict[str, list[str]]:
    """The runs as the page's table: a column per number, formatted."""
    runs = list(runs)
    return {"run": [r.title for r in runs],
            "training loss": [f"{r.train_loss:.3f}" for r in runs],
            "validation loss": [f"{r.val_loss:.3f}" for r in runs],
            "training accuracy": [f"{r.train_accuracy:.1%}" for r in runs],
            "validation accuracy": [f"{r.val_accuracy:.1%}" for r in runs],
            "weights exactly 0": [f"{r.exact_zeros} / {r.n_weights}" for r in runs]}


def choose(runs: Mapping[str, RunSummary]) -> str:
    """The run with the lowest final loss on the compared-on set (the validation set)."""
    finite = {k: r.val_loss for k, r in runs.items() if r.finite}
    return min(finite, key=finite.get) if finite else next(iter(runs))


def step_texts(runs: Mapping[str, RunSummary], compared_on: str = "validation"
               ) -> dict[str, str]:
    """A sentence per run (the L2 and L1 runs against the plain one), from their numbers
    with a branch for each case; ``compared_on`` names the set they are compared on
    ("validation", or the Playground's word "test")."""
    plain = runs["plain"]
    return {"plain": _plain_text(plain, compared_on),
            "low_l2": _low_text(runs["low_l2"], plain, compared_on),
            "high_l2": _high_text(runs["high_l2"], plain, compared_on),
            "l1": _l1_text(runs["l1"], compared_on)}


def notice(runs: Mapping[str, RunSummary], compared_on: str = "validation") -> str:
    """What the four runs on screen show (:func:`step_texts` in the task's order) and which
    has the lowest final loss on the compared-on set."""
    chosen = runs[choose(runs)]
    texts = step_texts(runs, compared_on)
    return " ".join([*(texts[n] for n in STEP_NAMES),
                     f"The lowest final {compared_on} loss: **{chosen.title}** "
                     f"({chosen.val_loss:.3f})."])


def _plain_text(r: RunSummary, held: str) -> str:
    if not r.finite:
        return "Without regularisation the run diverged: lower the learning rate."
    if r.overtrained:
        return (f"Without regularisation the training loss falls to {r.train_loss:.3f}, while "
                f"the {held} loss is lowest at epoch {r.best_epoch} ({r.best_val_loss:.3f}) "
                f"and then rises to {r.val_loss:.3f}: the network learns the noise "
                "(overtraining), its boundary bends around single mislabelled points.")
    lowest = (", its lowest" if r.best_epoch == r.epochs_run
              else f" (lowest {r.best_val_loss:.3f} at epoch {r.best_epoch})")
    return (f"Without regularisation the {held} loss ends at {r.val_loss:.3f}{lowest}: no "
            f"clear overtraining within these {r.epochs_run} epochs.")


def _low_text(r: RunSummary, plain: RunSummary, held: str) -> str:
    if not r.finite:
        return f"{r.title} diverged."
    if not plain.finite or r.val_loss < plain.val_loss:
        closer = (r.val_loss - r.train_loss) < (plain.val_loss - plain.train_loss)
        return (f"{r.title} ends with a lower {held} loss ({r.val_loss:.3f} against "
                f"{plain.val_loss:.3f})" + (", with its training loss closer to it"
                                            if closer and plain.finite else "")
                + ": smaller weights, a smoother boundary.")
    return (f"{r.title} does not lower the {held} loss here ({r.val_loss:.3f} against "
            f"{plain.val_loss:.3f}).")


#: An output that varies by less than this over the plane (of tanh's −1 … 1) "answers almost
#: the same everywhere".
FLAT = 0.1


def _high_text(r: RunSummary, plain: RunSummary, held: str) -> str:
    if not r.finite:
        return f"{r.title} diverged."
    if plain.finite and r.train_loss > 1.5 * plain.train_loss and r.val_accuracy < 0.65:
        flat = (", and it answers almost the same everywhere (its output varies by less than "
                f"{FLAT:g} over the plane)" if r.spread < FLAT else "")
        return (f"{r.title} shrinks the weights so much that the network underfits: "
                f"training loss {r.train_loss:.3f}, {held} accuracy {r.val_accuracy:.0%}"
                f"{flat}.")
    return (f"{r.title} ends at a {held} loss of {r.val_loss:.3f} (training "
            f"{r.train_loss:.3f}, {held} accuracy {r.val_accuracy:.0%}).")


def _l1_text(r: RunSummary, held: str) -> str:
    if not r.finite:
        return f"{r.title} diverged."
    zeros = (f"sets {r.exact_zeros} of its {r.n_weights} weights to exactly 0 (a sparse "
             "network: the engine applies L1 as TensorFlow Playground does, a step that "
             "stops at 0; Keras's L1 regularizer would leave them jittering near 0)"
             if r.exact_zeros else "leaves no weight at exactly 0 here")
    return f"{r.title} {zeros}; {held} loss {r.val_loss:.3f}."


# ----------------------------------------------------------------------------------------
# The test set, looked at once
# ----------------------------------------------------------------------------------------


#: Points of the test set: as many as the exercise's data set.
TEST_POINTS = pg.N_POINTS


def test_set(p: ExerciseParams) -> datasets.Dataset:
    """Fresh points from the same generator and noise as the exercise's data, from another
    stream of its data seed: points neither training nor the choice of a run has seen."""
    data_seed = pg.OVERTRAINING.data_seed
    return datasets.generate(p.dataset, TEST_POINTS, p.noise_2d / 100,
                             np.random.default_rng([data_seed, 3]))


@dataclass(frozen=True)
class HeldOutScore:
    """The chosen run on the test set: its loss (the one it was trained on) and accuracy."""

    loss: float
    accuracy: float
    n_points: int


def test_score(p: ExerciseParams, run: pg.PlaygroundRun) -> HeldOutScore:
    """The chosen run's loss and accuracy on :func:`test_set`: call it once, for the run the
    validation set chose."""
    data = test_set(p)
    inputs = run.inputs(data.x)
    logits = network.predict(run.result.final.weights, run.activations, "linear", inputs)
    loss = pg.data_loss(run.head, logits, run.head.targets(data))
    outputs = network.output_activation(run.head.output_activation, logits)
    accuracy = float(np.mean(run.head.classes(outputs) == data.y))
    return HeldOutScore(loss, accuracy, len(data))


def test_text(chosen: RunSummary, score: HeldOutScore) -> str:
    """The sentence that reports the test set, once, for the chosen run."""
    return (f"Chosen on validation: **{chosen.title}** (final validation loss "
            f"{chosen.val_loss:.3f}). Its test loss, on {score.n_points} fresh points looked at "
            f"once, for this run only: **{score.loss:.3f}** (accuracy {score.accuracy:.1%}). "
            "Had the test loss helped choose, it would be one more validation loss, biased "
            "low by that choice.")
