"""The lecture's overtraining exercise in 2-D, and sweeps of the final loss against the
regularisation rate and against the model size.

The exercise is the Playground's "overtraining" preset (``core.playground``): checkerboard
(XOR) data with 50 % noise, a deep ReLU network, learning rate 0.03, batch size 10, about
1000 epochs; then the same with a low and a high L2 rate; then with L1. Here its four steps
run side by side, with the lecture's network (5 hidden layers of 6 units) as the default.

The sweeps retrain the 1-D page's network (``core.overfitting``) at each value of a setting
from a few seeds, and report the final training and validation losses: validation traces a
U (too little regularisation or too much capacity overfits, too much underfits).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import limits
from core import overfitting as of
from core import playground as pg
from core.params import Params, choice, number

_PRESET = pg.exercise("overtraining")
#: The preset's four steps: plain, low L2, high L2, L1.
PLAIN, LOW_L2, HIGH_L2, L1 = (step.params for step in _PRESET.steps)
STEP_NAMES = ("plain", "low_l2", "high_l2", "l1")
DATASETS = ("xor", "checkerboard")
#: Epochs offered (the lecture says about 1000).
EPOCH_OPTIONS = (250, 500, 1000, 1500, 2000)


@dataclass(frozen=True)
class ExerciseParams(Params):
    """The exercise: data and network of the plain run, and the three regularisation rates.

    Fields start with ``ex_`` where the 1-D demo on the same page has a field of that name
    (its noise, epochs, seed are other things), so the two never share a URL key."""

    dataset: str = choice(PLAIN.dataset, DATASETS, label="data set",
                          help="xor is Playground's 'checkerboard (XOR)' task; checkerboard "
                               "has 4×4 squares")
    ex_noise: int = number(PLAIN.noise, 0, 50, label="noise (%)")
    ex_layers: int = number(5, 1, limits.PLAYGROUND_MAX_LAYERS, label="hidden layers")
    ex_width: int = number(6, 1, limits.PLAYGROUND_MAX_NEURONS, label="units per layer")
    ex_epochs: int = number(1000, 250, 2000, options=EPOCH_OPTIONS, label="epochs")
    low_l2: float = number(LOW_L2.regularization_rate, 0.0, 10.0,
                           options=pg.REGULARIZATION_RATES[1:], label="low L2 rate")
    high_l2: float = number(HIGH_L2.regularization_rate, 0.0, 10.0,
                            options=pg.REGULARIZATION_RATES[1:], label="high L2 rate")
    ex_l1: float = number(L1.regularization_rate, 0.0, 10.0,
                            options=pg.REGULARIZATION_RATES[1:], label="L1 rate")
    ex_seed: int = number(PLAIN.seed, 0, 99_999, label="seed")

    def steps(self) -> dict[str, pg.PlaygroundParams]:
        """The four Playground configurations: the preset's steps with these settings."""
        common = dict(dataset=self.dataset, noise=self.ex_noise, epochs=self.ex_epochs,
                      hidden_units=(self.ex_width,) * self.ex_layers, seed=self.ex_seed)
        rates = (0.0, self.low_l2, self.high_l2, self.ex_l1)
        return {name: step.replace(**common, regularization_rate=rate)
                for name, step, rate in zip(STEP_NAMES, (PLAIN, LOW_L2, HIGH_L2, L1), rates)}

    def titles(self) -> dict[str, str]:
        """A short title per run for the pictures."""
        return {"plain": "no regularisation", "low_l2": f"L2 {self.low_l2:g}",
                "high_l2": f"L2 {self.high_l2:g}", "l1": f"L1 {self.ex_l1:g}"}


#: What the four default runs show (checked by tests/test_overtraining.py).
ANSWER = (
    "Without regularisation the training loss keeps falling while the test loss reaches its "
    "minimum early and then creeps up: the boundary bends around single noisy points "
    "(overtraining). The low L2 rate keeps the weights small: the boundary is smoother and "
    "the test loss ends lower. The high rate shrinks every weight so much that the network "
    "underfits: it answers almost the same everywhere and gets about half the points right. "
    "L1 sets many weights to exactly 0 (the table counts them): a sparse network that still "
    "separates the quadrants, with the lowest test loss here.")


@dataclass(frozen=True)
class ExerciseRun:
    """One of the four runs, reduced to what the page shows."""

    name: str
    history: dict[str, np.ndarray]
    grid_outputs: np.ndarray  # final output on the Playground's grid, (GRID_SIZE², 1)
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    exact_zeros: int
    n_weights: int
    message: str


def run_step(p: ExerciseParams, name: str,
             on_chunk: Callable[[pg.Chunk], None] | None = None) -> ExerciseRun:
    """Train one of the four configurations through the Playground's own run
    (``on_chunk`` streams it: see ``core.playground.run``; the result is the same)."""
    run = pg.run(p.steps()[name], frames=1, on_chunk=on_chunk)
    kernels = np.concatenate([k.ravel() for k, _ in run.result.final.weights])
    m = run.metrics
    return ExerciseRun(name, run.result.history, run.grid_outputs[-1], m.train_loss,
                       m.test_loss, m.train_accuracy, m.test_accuracy,
                       int(np.sum(kernels == 0.0)), int(kernels.size), run.result.message)


def exercise_data(p: ExerciseParams):
    """The training and test points of the exercise (the same for all four runs)."""
    train, test, _ = pg.make_data(p.steps()["plain"])
    return train, test


def grid_axis() -> np.ndarray:
    """The grid the outputs are taken on (Playground's plane, both axes alike)."""
    return pg.Plane().axes(pg.GRID_SIZE)[0]


def run_all(p: ExerciseParams, on_progress: Callable[[int, int], None] | None = None,
            on_chunk: Callable[[str, pg.Chunk], None] | None = None
            ) -> dict[str, ExerciseRun]:
    """All four runs, in the lecture's order, reporting (done, total) after each;
    ``on_chunk(name, chunk)`` streams each run as it trains."""
    out = {}
    for i, name in enumerate(STEP_NAMES):
        stream = None if on_chunk is None else functools.partial(on_chunk, name)
        out[name] = run_step(p, name, stream)
        if on_progress:
            on_progress(i + 1, len(STEP_NAMES))
    return out


# ----------------------------------------------------------------------------------------
# Sweeps over the 1-D problem
# ----------------------------------------------------------------------------------------

#: Rates swept per penalty, each reaching past the rate where the fit collapses.
SWEEP_RATES = {"l2": (1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1),
               "l1": (1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)}
SWEEP_WIDTHS = (1, 2, 4, 8, 16, 32, 64)
SWEEP_KINDS = {"l2": "L2 rate λ₂", "l1": "L1 rate λ₁"}
#: What the default sweeps show (three seeds, the page's default data and large network;
#: checked by tests/test_overtraining.py for L2 and the model size).
SWEEP_ANSWERS = {
    "l2": "Against the L2 rate the validation loss traces a U: at the smallest rates the "
          "large network overfits (the lowest training loss, a high validation loss), the "
          "validation loss is lowest and flat from about 3·10⁻⁴ to 10⁻², and from 0.03 on the "
          "penalty flattens the fit and both losses shoot up (underfitting). The median "
          "training loss of the seeds only grows with the rate; one seed can stop in a worse "
          "fit (one does at 3·10⁻⁴: the spread shows it).",
    "l1": "Against the L1 rate the validation loss falls slowly up to 0.1 (more weights "
          "exactly 0, less overfitting) and then jumps: from 0.3 on every weight is 0 and the "
          "network answers a constant. The best rate sits right before that cliff.",
}
SIZE_ANSWER = (
    "Against the model size (no regularisation) one unit per layer underfits: both losses "
    "stay high. A few units per layer give the lowest validation loss; the widest networks "
    "reach the lowest training loss but a higher validation loss (overfitting), and their "
    "seeds disagree most.")


@dataclass(frozen=True)
class SweepParams(Params):
    """What the sweeps vary: the penalty swept, and how many seeds per point."""

    penalty: str = choice("l2", tuple(SWEEP_KINDS), label="penalty swept",
                          help="the rate swept on the regularised network of tab 2")
    seeds: int = number(3, 2, 5, label="seeds per point")


@dataclass(frozen=True)
class Sweep:
    """Final losses per swept value (rows) and seed (columns)."""

    values: tuple[float, ...]
    train: np.ndarray
    val: np.ndarray

    @property
    def best(self) -> float:
        """The value with the lowest mean final validation loss."""
        return self.values[int(np.nanargmin(np.nanmean(self.val, axis=1)))]


def rate_point(p: of.OverfitParams, penalty: str, rate: float, seed: int) -> tuple[float, float]:
    """Final (training, validation) loss of ``p.regularised``'s network at one rate."""
    reg = of.Regularisation(l2_rate=rate if penalty == "l2" else 0.0,
                            l1_rate=rate if penalty == "l1" else 0.0)
    fit = of.train_fit(p.run_key(), p.capacity(p.regularised), reg, seed=seed)
    return fit.final_train_loss, fit.final_val_loss


def size_point(p: of.OverfitParams, width: int, seed: int) -> tuple[float, float]:
    """Final (training, validation) loss of an unregularised network of ``width`` units per
    layer, with as many layers as the large network of ``p``."""
    fit = of.train_fit(p.run_key(), (width,) * p.large_layers, seed=seed)
    return fit.final_train_loss, fit.final_val_loss


def sweep(values: tuple[float, ...], seeds: int, point: Callable[[float, int], tuple],
          on_progress: Callable[[int, int], None] | None = None) -> Sweep:
    """Evaluate ``point(value, seed)`` for every value and seeds 0 … seeds−1."""
    train = np.full((len(values), seeds), np.nan)
    val = np.full((len(values), seeds), np.nan)
    total = len(values) * seeds
    for i, value in enumerate(values):
        for s in range(seeds):
            train[i, s], val[i, s] = point(value, s)
            if on_progress:
                on_progress(i * seeds + s + 1, total)
    return Sweep(tuple(values), train, val)
