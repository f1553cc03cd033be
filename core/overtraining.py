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

    def strays(self, factor: float = 2.0) -> list[tuple[float, int, float, float]]:
        """Runs that stopped in a much worse fit than the other seeds at the same value:
        (value, seed, training loss, median training loss of that value)."""
        median = np.nanmedian(self.train, axis=1)
        return [(self.values[i], s, float(self.train[i, s]), float(median[i]))
                for i, s in zip(*np.nonzero(self.train > factor * median[:, None]))]


def _strays_text(s: Sweep, unit: str) -> str:
    strays = s.strays()
    if not strays:
        return ""
    shown = "; ".join(f"seed {seed} at {value:g}{unit} ends at {loss:.3f} against a median "
                      f"of {median:.3f}" for value, seed, loss, median in strays)
    return (f" Not every seed lands in the same fit ({shown}): the dots show each seed, "
            "the line their mean.")


def rate_answer(penalty: str, s: Sweep) -> str:
    """What a rate sweep shows, written from its own numbers (means over the seeds, as the
    figure's lines): where the validation loss is lowest, whether the smallest rates overfit
    and the largest underfit, and any seed that stopped in a worse fit."""
    train, val = np.nanmean(s.train, axis=1), np.nanmean(s.val, axis=1)
    i_best, kind = int(np.nanargmin(val)), SWEEP_KINDS[penalty].split(" rate")[0]
    near = [v for v, x in zip(s.values, val) if x <= 1.1 * val[i_best]]
    text = (f"Against the {kind} rate the mean validation loss is lowest, {val[i_best]:.3f}, "
            f"at {s.values[i_best]:g}")
    text += (f" (within 10 % of that from {near[0]:g} to {near[-1]:g}). " if len(near) > 1
             else ". ")
    if val[0] > 1.2 * val[i_best] and train[0] < train[i_best]:
        text += (f"At {s.values[0]:g} the network overfits: the lowest training loss "
                 f"({train[0]:.3f}) but a validation loss of {val[0]:.3f}. ")
    high = [v for v, x in zip(s.values, val) if v > s.values[i_best] and x > 2 * val[i_best]]
    if high:
        first = s.values.index(high[0])
        text += (f"From {high[0]:g} on the penalty flattens the fit: training and validation "
                 f"loss jump to {train[first]:.3f} and {val[first]:.3f} (underfitting).")
        if np.allclose(s.train[first:], s.train[first:, :1], rtol=1e-3):
            text += " There every seed ends at the same loss: the answer no longer depends "
            text += "on where training started."
    return text + _strays_text(s, "")


def size_answer(s: Sweep) -> str:
    """What the model-size sweep shows, written from its own numbers (means over the seeds,
    as the figure's lines; training losses compared by their medians, so that one seed's
    worse fit does not decide the sentence: it is named instead)."""
    val, train = np.nanmean(s.val, axis=1), np.nanmedian(s.train, axis=1)
    i_best, widest = int(np.nanargmin(val)), len(s.values) - 1
    text = ""
    if val[0] > 1.5 * val[i_best] and train[0] > 1.5 * np.nanmin(train):
        text += (f"Against the model size (no regularisation) {s.values[0]:g} unit per layer "
                 f"underfits: training loss {train[0]:.3f}, validation {val[0]:.3f}. ")
    text += (f"The lowest mean validation loss, {val[i_best]:.3f}, is at {s.values[i_best]:g} "
             "units per layer. ")
    if i_best < widest and val[widest] > 1.3 * val[i_best]:
        lower = train[widest] < train[i_best]
        text += (f"At {s.values[widest]:g} units it is {val[widest] / val[i_best]:.1f}× that "
                 f"({val[widest]:.3f}): overfitting, "
                 + ("with a lower training loss" if lower else "and not even a lower training loss")
                 + f" (median {train[widest]:.3f} against {train[i_best]:.3f}).")
        spread = np.nanstd(s.val, axis=1)
        if spread[widest] > spread[i_best]:
            text += " The widest networks' seeds also disagree more."
    elif i_best < widest:
        text += f"The widest, {s.values[widest]:g} units, are about as good: no overfitting here."
    return text + _strays_text(s, " units")


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
