"""Under- and overfitting in one dimension: networks of three capacities against a known truth.

The lecture's "model vs truth" pictures, made live: a smooth function everyone can see, a few
noisy samples of it split into training, validation and test points, and networks trained on
the training points only. :func:`fit_capacity` trains one of three capacities (too small,
about right, too large); :func:`fit_regularised` trains one capacity with L2, L1 (both =
ElasticNet), dropout or early stopping, and :func:`compare` pairs it with the same run
without them.

The three parts of the data have three jobs. Training points move the weights; validation
points choose (the epoch to stop at, the capacity, the regularisation rate); test points are
looked at once, for the model that was chosen, so that their loss is an honest estimate of
the loss on new data. Looking at the test loss while choosing would make it one more
validation loss, biased low by every choice it influenced.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core import engine, limits, network
from core.params import Params, choice, number, optional_number

#: Inputs live in [−X_RANGE, X_RANGE]; the pictures show that interval.
X_RANGE = 1.0
#: Points of the curves drawn for the truth and the fits.
CURVE_POINTS = 201
#: Share of the points in training, validation and test (the rest).
TRAIN_SHARE, VALIDATION_SHARE = 0.5, 0.25


@dataclass(frozen=True)
class Truth:
    """A known function the data is sampled from."""

    name: str
    label: str
    latex: str
    fn: Callable[[np.ndarray], np.ndarray]


TRUTHS: dict[str, Truth] = {
    t.name: t for t in (
        Truth("wave", "sin 4x + x/2", r"f(x) = \sin 4x + x/2",
              lambda x: np.sin(4.0 * x) + 0.5 * x),
        Truth("cubic", "2x³ − x", r"f(x) = 2x^3 - x", lambda x: 2.0 * x**3 - x),
        Truth("bump", "exp(−8x²)", r"f(x) = e^{-8x^2}", lambda x: np.exp(-8.0 * x**2)),
    )
}

#: The three capacities of the lecture's pictures, as (hidden layers, units per layer).
CAPACITIES = {"small": (1, 1), "right": (1, 6), "large": (3, 64)}
CAPACITY_LABELS = {"small": "too small", "right": "about right", "large": "too large"}
EPOCH_OPTIONS = (200, 400, 600, 1000, 1500, 2000, 3000)
RATES = (0.0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
PATIENCES = (20, 50, 100, 200, 500)
LEARNING_RATE = 0.03
#: The 1-D runs' optimiser: Adam makes the large network overfit within a few hundred
#: full-batch epochs (so an L2 penalty here is not weight decay: core.overfitting_notes).
OPTIMIZER = "adam"


def _layers(default: int, label: str) -> int:
    return number(default, 1, limits.OVERFITTING_MAX_LAYERS, label=label, help="hidden layers")


def _width(default: int, label: str) -> int:
    return number(default, 1, limits.OVERFITTING_MAX_UNITS, label=label,
                  help="units per hidden layer")


@dataclass(frozen=True)
class OverfitParams(Params):
    """The data, the three capacities, and the regularisation of the 1-D pages."""

    truth: str = choice("wave", tuple(TRUTHS), label="truth f(x)")
    n_points: int = number(60, 12, limits.OVERFITTING_MAX_POINTS, label="points N",
                           help="all points: half train, a quarter validate, a quarter test")
    noise: float = number(0.3, 0.0, 1.0, label="noise σ",
                          help="standard deviation of the Gaussian noise added to f(x)")
    data_seed: int = number(3, 0, 9999, label="data seed")
    epochs: int = number(600, 200, limits.OVERFITTING_MAX_EPOCHS, options=EPOCH_OPTIONS,
                         label="epochs")
    seed: int = number(1, 0, 9999, label="seed", help="initial weights and dropout masks")
    small_layers: int = _layers(CAPACITIES["small"][0], "layers (small)")
    small_width: int = _width(CAPACITIES["small"][1], "width (small)")
    right_layers: int = _layers(CAPACITIES["right"][0], "layers (right)")
    right_width: int = _width(CAPACITIES["right"][1], "width (right)")
    large_layers: int = _layers(CAPACITIES["large"][0], "layers (large)")
    large_width: int = _width(CAPACITIES["large"][1], "width (large)")
    curves_of: str = choice("large", tuple(CAPACITIES), label="loss curves of",
                            help="which network's loss curves the right-hand chart shows")
    regularised: str = choice("large", tuple(CAPACITIES), label="network",
                              help="the capacity the regularisation is applied to")
    l2_rate: float = number(1e-3, 0.0, 0.1, options=RATES, label="L2 λ₂ (+λ₂w²)",
                            help="adds λ₂·w² per kernel weight (the biases are not "
                                 "penalised), as Keras's L2(λ₂); trained with Adam, so not "
                                 "weight decay")
    l1_rate: float = number(0.0, 0.0, 0.1, options=RATES, label="L1 λ₁ (+λ₁|w|)",
                            help="adds λ₁·|w| per kernel weight (lasso); with L2 as well: "
                                 "ElasticNet")
    dropout: float = number(0.0, 0.0, 0.5, options=DROPOUTS, label="dropout p",
                            help="share of hidden units dropped in each training step "
                                 "(never when the validation loss is evaluated)")
    patience: int | None = optional_number(
        None, 10, 1000, options=PATIENCES, off_label="off", label="early stopping",
        help="patience: stop when the validation loss has not improved for this many epochs "
             "and return the best epoch's weights")

    def capacity(self, which: str) -> tuple[int, ...]:
        """Hidden units per layer of the capacity ``which`` (small, right or large)."""
        if which not in CAPACITIES:
            raise ValueError(f"which must be one of {', '.join(CAPACITIES)}, got {which!r}")
        layers, width = getattr(self, f"{which}_layers"), getattr(self, f"{which}_width")
        return (width,) * layers

    def run_key(self) -> OverfitParams:
        """Only the fields that decide the data and how a run trains (capacities and
        regularisation at their defaults): with the hidden units and the regularisation
        passed alongside, the cache key of one training run."""
        defaults = OverfitParams()
        return self.replace(**{name: getattr(defaults, name) for name in _PER_RUN_FIELDS})


_PER_RUN_FIELDS = tuple(f"{w}_{part}" for w in CAPACITIES for part in ("layers", "width")) + (
    "curves_of", "regularised", "l2_rate", "l1_rate", "dropout", "patience")


def with_capacities(p: OverfitParams, capacities: dict[str, tuple[int, int]]) -> OverfitParams:
    """``p`` with the three capacities set to ``capacities`` (e.g. the presets)."""
    changes = {}
    for which, (layers, width) in capacities.items():
        changes[f"{which}_layers"], changes[f"{which}_width"] = layers, width
    return p.replace(**changes)


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """Noisy samples of the truth in three parts, and the truth on a fine grid."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_curve: np.ndarray
    y_truth: np.ndarray

    def engine_data(self) -> engine.Data:
        """Training and validation points for the engine (the test points stay out)."""
        return engine.Data(self.x_train, self.y_train, self.x_val, self.y_val)


def split_counts(n_points: int) -> tuple[int, int, int]:
    """How many of ``n_points`` train, validate and test (each part at least 3)."""
    n_val = max(3, round(n_points * VALIDATION_SHARE))
    n_test = max(3, round(n_points * (1 - TRAIN_SHARE - VALIDATION_SHARE)))
    return n_points - n_val - n_test, n_val, n_test


def make_split(p: OverfitParams) -> Split:
    """Draw ``p.n_points`` points x ~ U(−1, 1), y = f(x) + N(0, σ²), from ``p.data_seed``,
    and cut them at random into training, validation and test parts."""
    rng = np.random.default_rng([p.data_seed, 0xDA7A])
    x = rng.uniform(-X_RANGE, X_RANGE, p.n_points)
    y = TRUTHS[p.truth].fn(x) + p.noise * rng.standard_normal(p.n_points)
    n_train, n_val, _ = split_counts(p.n_points)
    order = rng.permutation(p.n_points)
    parts = (order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:])
    curve = np.linspace(-X_RANGE, X_RANGE, CURVE_POINTS)
    arrays = [a for idx in parts for a in (x[idx], y[idx])]
    return Split(*arrays, curve, TRUTHS[p.truth].fn(curve))


# ----------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regularisation:
    """What is added to a plain run: penalties, dropout, early stopping."""

    l2_rate: float = 0.0
    l1_rate: float = 0.0
    dropout: float = 0.0
    patience: int = 0

    @property
    def any(self) -> bool:
        return bool(self.l2_rate or self.l1_rate or self.dropout or self.patience)


NONE = Regularisation()


@dataclass(frozen=True)
class Fit:
    """One trained network: its loss history, its curve over x and its final weights."""

    hidden_units: tuple[int, ...]
    regularisation: Regularisation
    history: dict[str, np.ndarray]
    y_curve: np.ndarray
    weights: list[tuple[np.ndarray, np.ndarray]]
    epochs_run: int
    stopped_early_at: int | None
    diverged_at: int | None
    #: With early stopping: the epoch whose weights were returned (the validation minimum).
    restored_epoch: int | None = None

    @property
    def best_epoch(self) -> int:
        """The epoch (from 1) with the lowest validation loss: where overtraining starts."""
        return int(np.nanargmin(self.history["val_loss"])) + 1

    @property
    def min_val_loss(self) -> float:
        return float(np.nanmin(self.history["val_loss"]))

    @property
    def final_train_loss(self) -> float:
        return float(self.history["loss"][-1])

    @property
    def final_val_loss(self) -> float:
        return float(self.history["val_loss"][-1])

    @property
    def returned_val_loss(self) -> float:
        """Validation loss of the weights the run returns (the minimum after early stopping,
        else the last epoch's)."""
        if self.restored_epoch is not None:
            return float(self.history["val_loss"][self.restored_epoch - 1])
        return self.final_val_loss

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The network's output at inputs ``x`` (NumPy forward pass with the final weights)."""
        return network.predict(self.weights, ("tanh",) * len(self.hidden_units), "linear",
                               np.asarray(x, np.float64).reshape(-1, 1))[:, 0]

    def kernel_weights(self) -> np.ndarray:
        """Every kernel weight of the network in one flat array (biases are not penalised)."""
        return np.concatenate([k.ravel() for k, _ in self.weights])

    @property
    def exact_zeros(self) -> int:
        """How many kernel weights are exactly 0.0 (what L1's soft threshold produces)."""
        return int(np.sum(self.kernel_weights() == 0.0))

    @property
    def weight_norm(self) -> float:
        """‖W‖₂ over all kernel weights."""
        return float(np.linalg.norm(self.kernel_weights()))


def network_for(hidden_units: tuple[int, ...], dropout: float = 0.0) -> engine.Network:
    """A 1 → hidden → 1 tanh network with a linear output (regression)."""
    return engine.Network(1, hidden_units, "tanh", 1, "linear", dropout=dropout,
                          initializer="glorot_uniform")


def training_for(p: OverfitParams, n_train: int, reg: Regularisation, seed: int | None = None
                 ) -> engine.Training:
    """Adam on the mean squared error, full batch (so the curves show the model, not the
    batch noise), with the penalties of ``reg`` and its early stopping, which returns the
    weights of the epoch with the lowest validation loss."""
    return engine.Training("mse", OPTIMIZER, LEARNING_RATE, batch_size=n_train, epochs=p.epochs,
                           l1_rate=reg.l1_rate, l2_rate=reg.l2_rate,
                           seed=p.seed if seed is None else seed,
                           early_stopping_patience=reg.patience,
                           restore_best_weights=reg.patience > 0)


def train_fit(p: OverfitParams, hidden_units: tuple[int, ...], reg: Regularisation = NONE,
              *, seed: int | None = None) -> Fit:
    """Train one network on the training points of ``p``'s data, validating every epoch."""
    data = make_split(p)
    net = network_for(hidden_units, reg.dropout)
    result = engine.train(net, training_for(p, len(data.x_train), reg, seed),
                          data.engine_data())
    restored = result.restored.epoch if result.restored is not None else None
    fit = Fit(hidden_units, reg, result.history, np.zeros(0), result.final.weights,
              result.epochs_run, result.stopped_early_at, result.diverged_at, restored)
    return dataclasses.replace(fit, y_curve=fit.predict(data.x_curve))


def fit_capacity(p: OverfitParams, which: str) -> Fit:
    """The unregularised network of capacity ``which`` (small, right or large)."""
    return train_fit(p, p.capacity(which))


def regularisation_of(p: OverfitParams) -> Regularisation:
    return Regularisation(p.l2_rate, p.l1_rate, p.dropout, p.patience or 0)


@dataclass(frozen=True)
class Comparison:
    """A regularised run and the same run (data, capacity, seed) without regularisation."""

    plain: Fit
    regularised: Fit


def compare(p: OverfitParams) -> Comparison:
    """Train ``p.regularised``'s capacity with ``p``'s regularisation and without it."""
    units = p.capacity(p.regularised)
    return Comparison(fit_capacity(p, p.regularised),
                      train_fit(p, units, regularisation_of(p)))


def test_loss(p: OverfitParams, fit: Fit) -> float:
    """Mean squared error of ``fit`` on the test points: call it once, for the chosen model."""
    data = make_split(p)
    return float(np.mean((fit.predict(data.x_test) - data.y_test) ** 2))


def choose(fits: dict[str, Fit]) -> str:
    """The capacity whose final validation loss is lowest (the model selection step)."""
    finite = {k: f.final_val_loss for k, f in fits.items() if math.isfinite(f.final_val_loss)}
    return min(finite, key=finite.get) if finite else next(iter(fits))
