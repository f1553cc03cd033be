"""What a run is and what it returns: the engine's parameter and result dataclasses.

:class:`Network` (what is trained) and :class:`Training` (how) validate themselves, naming
the parameter; :class:`Data` holds the arrays; :func:`train` returns a :class:`TrainResult`
of plain arrays. Also here: the one rule that calls a run diverged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core import activations as act_registry
from core import initializers, optimizers
from core.engine import losses as loss_registry
from core.limits import (
    MAX_DROPOUT,
    MAX_EPOCHS,
    MAX_INPUTS,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_OUTPUTS,
    MAX_POINTS,
    MAX_REGULARIZATION_RATE,
    MAX_SEED,
    MAX_UNITS,
)

#: A run counts as diverged at the first epoch whose loss is not finite or exceeds this many
#: times the loss after its first epoch. Why 1000: at 1.01× the stability limit 2/λ_max the
#: error of gradient descent grows by (1.02)² ≈ 1.04 per step, so the loss passes 1000× after
#: ~175 steps, well within a default run; a stable run never climbs that far above its first
#: epoch: mini-batch noise, a plateau or a spike moves the loss by a factor of a few (a
#: bounded loss such as tanh + ½·squared error cannot even grow 100×).
DIVERGENCE_FACTOR = 1000.0
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "tanh", "softmax")


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class Network:
    """A fully connected network: inputs → hidden layers → outputs.

    ``activation`` is one name for every hidden layer or one per layer; ``dropout`` is the
    drop probability after every hidden layer (0 = none).
    """

    n_inputs: int = 2
    hidden_units: tuple[int, ...] = (4,)
    activation: str | tuple[str, ...] = "tanh"
    n_outputs: int = 1
    output_activation: str = "linear"
    dropout: float = 0.0
    initializer: str = "glorot_uniform"

    def __post_init__(self) -> None:
        for u in self.hidden_units:
            _need(float(u).is_integer(), f"hidden_units must be whole numbers, got {u}")
        object.__setattr__(self, "hidden_units", tuple(int(u) for u in self.hidden_units))
        if isinstance(self.activation, str):
            object.__setattr__(self, "activation", (self.activation,) * len(self.hidden_units))
        object.__setattr__(self, "activation", tuple(self.activation))
        _need(1 <= self.n_inputs <= MAX_INPUTS,
              f"n_inputs must be between 1 and {MAX_INPUTS}, got {self.n_inputs}")
        _need(len(self.hidden_units) <= MAX_LAYERS,
              f"hidden_units: at most {MAX_LAYERS} hidden layers, got {len(self.hidden_units)}")
        for u in self.hidden_units:
            _need(1 <= u <= MAX_UNITS, f"hidden_units must be between 1 and {MAX_UNITS}, got {u}")
        _need(len(self.activation) == len(self.hidden_units),
              "activation: give one name, or one per hidden layer")
        for a in self.activation:
            act_registry.get(a)
        _need(1 <= self.n_outputs <= MAX_OUTPUTS,
              f"n_outputs must be between 1 and {MAX_OUTPUTS}, got {self.n_outputs}")
        _need(self.output_activation in OUTPUT_ACTIVATIONS,
              f"output_activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}, "
              f"got {self.output_activation!r}")
        _need(0.0 <= self.dropout < MAX_DROPOUT,
              f"dropout must be in [0, {MAX_DROPOUT}), got {self.dropout}")
        initializers.get(self.initializer)

    @property
    def is_classifier(self) -> bool:
        """Outputs are class scores (accuracy is recorded), not regression values."""
        return self.output_activation in ("sigmoid", "tanh", "softmax")

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes from the inputs to the outputs."""
        return (self.n_inputs, *self.hidden_units, self.n_outputs)


@dataclass(frozen=True)
class Training:
    """How a network is trained: loss, optimizer and its rate, regularisation, batches."""

    loss: str = "mse"
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    batch_size: int = 10
    epochs: int = 100
    l1_rate: float = 0.0
    l2_rate: float = 0.0
    seed: int = 0
    #: Reduce on plateau: halve (``plateau_factor``) the learning rate when the monitored loss
    #: (validation if there is any, else training) has not improved for this many epochs.
    plateau_patience: int = 0
    plateau_factor: float = 0.5
    #: Early stopping: end training when the monitored loss has not improved for this many
    #: epochs (0 = train all epochs).
    early_stopping_patience: int = 0
    #: Return the weights (and outputs) of the epoch with the lowest monitored loss instead of
    #: the last epoch's (``TrainResult.final``; the replay snapshots stay as trained).
    restore_best_weights: bool = False

    def __post_init__(self) -> None:
        _need(0 <= self.plateau_patience <= MAX_EPOCHS,
              f"plateau_patience must be between 0 and {MAX_EPOCHS}, got {self.plateau_patience}")
        _need(0.0 < self.plateau_factor < 1.0,
              f"plateau_factor must be in (0, 1), got {self.plateau_factor}")
        _need(0 <= self.early_stopping_patience <= MAX_EPOCHS,
              "early_stopping_patience must be between 0 and "
              f"{MAX_EPOCHS}, got {self.early_stopping_patience}")
        loss_registry.get(self.loss)
        optimizers.get(self.optimizer)
        _need(math.isfinite(self.learning_rate) and 0 < self.learning_rate <= MAX_LEARNING_RATE,
              f"learning_rate must be in (0, {MAX_LEARNING_RATE:g}], got {self.learning_rate}")
        _need(1 <= self.batch_size <= MAX_POINTS,
              f"batch_size must be between 1 and {MAX_POINTS}, got {self.batch_size}")
        _need(1 <= self.epochs <= MAX_EPOCHS,
              f"epochs must be between 1 and {MAX_EPOCHS}, got {self.epochs}")
        for name in ("l1_rate", "l2_rate"):
            value = getattr(self, name)
            _need(math.isfinite(value) and 0 <= value <= MAX_REGULARIZATION_RATE,
                  f"{name} must be in [0, {MAX_REGULARIZATION_RATE:g}], got {value}")
        _need(0 <= self.seed <= MAX_SEED, f"seed must be between 0 and {MAX_SEED}, got {self.seed}")
        _need(isinstance(self.restore_best_weights, bool),
              f"restore_best_weights must be True or False, got {self.restore_best_weights!r}")


@dataclass(frozen=True)
class Snapshot:
    """The state of training after ``epoch`` epochs (0 = before training)."""

    epoch: int
    weights: list[tuple[np.ndarray, np.ndarray]]
    outputs: np.ndarray | None  # model outputs on the evaluation points, (n_eval, n_outputs)


@dataclass(frozen=True)
class TrainResult:
    """What a run produced: per-epoch history, snapshots, and how it ended."""

    history: dict[str, np.ndarray]
    snapshots: list[Snapshot]
    epochs_run: int
    diverged_at: int | None = None
    stopped_early_at: int | None = None
    #: With ``restore_best_weights``: the weights (and outputs) of the best monitored epoch.
    restored: Snapshot | None = None

    @property
    def final(self) -> Snapshot:
        """The weights the run returns: the best epoch's if restored, else the last ones."""
        return self.restored if self.restored is not None else self.snapshots[-1]

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def message(self) -> str:
        restored = ("" if self.restored is None
                    else f"; weights of epoch {self.restored.epoch} (the best) restored")
        if self.stopped_early_at is not None:
            return (f"stopped early at epoch {self.stopped_early_at}: the monitored loss "
                    f"stopped improving{restored}")
        if self.diverged_at is None:
            return f"trained {self.epochs_run} epochs{restored}"
        return (f"diverged at epoch {self.diverged_at}: the loss became infinite, NaN or "
                f"more than {DIVERGENCE_FACTOR:g} times its first value; lower the learning "
                f"rate{restored}")


def first_divergence(losses) -> int | None:
    """The 0-based index of the first loss that is not finite or larger than
    :data:`DIVERGENCE_FACTOR` × the first loss; None if the run never diverged.

    The one rule every page uses to call a run diverged (the engine stops there). A first
    loss of exactly 0 (a perfect fit) leaves only the test for non-finite values."""
    values = np.asarray(losses, dtype=np.float64).ravel()
    if not len(values):
        return None
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~np.isfinite(values)
        if values[0] > 0:
            bad |= values > DIVERGENCE_FACTOR * values[0]
    return int(np.argmax(bad)) if bad.any() else None


@dataclass(frozen=True)
class Data:
    """Training (and optional validation) arrays; ``y`` has one column per output."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    _arrays: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        x, y = _as_2d(self.x_train, "x_train"), _as_2d(self.y_train, "y_train")
        _need(len(x) == len(y), "y_train must have one row per row of x_train")
        _need(1 <= len(x) <= MAX_POINTS, f"x_train must have 1 to {MAX_POINTS} rows, got {len(x)}")
        self._arrays.update(x_train=x, y_train=y)
        if self.x_val is not None and len(self.x_val):
            xv, yv = _as_2d(self.x_val, "x_val"), _as_2d(self.y_val, "y_val")
            _need(len(xv) == len(yv), "y_val must have one row per row of x_val")
            self._arrays.update(x_val=xv, y_val=yv)
        else:
            self._arrays.update(x_val=np.zeros((0, x.shape[1]), np.float32),
                                y_val=np.zeros((0, y.shape[1]), np.float32))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        a = self._arrays
        return a["x_train"], a["y_train"], a["x_val"], a["y_val"]

    @property
    def has_validation(self) -> bool:
        return len(self._arrays["x_val"]) > 0


def _as_2d(a: np.ndarray | None, name: str) -> np.ndarray:
    _need(a is not None, f"{name} is missing")
    arr = np.asarray(a, dtype=np.float32)
    arr = arr.reshape(-1, 1) if arr.ndim == 1 else arr
    _need(arr.ndim == 2, f"{name} must be a 2-D array")
    _need(bool(np.all(np.isfinite(arr))), f"{name} contains NaN or infinite values")
    return arr


def snapshot_epochs(epochs: int, frames: int) -> tuple[int, ...]:
    """About ``frames`` epochs, from 0 to ``epochs``, denser at the start where most changes."""
    if frames <= 1:
        return (epochs,)
    # Quadratic spacing: the early epochs, where the picture changes fast, get more frames.
    raw = np.round(epochs * np.linspace(0, 1, frames) ** 2).astype(int)
    return tuple(sorted(set(raw.tolist()) | {0, epochs}))


def check_loss(net: Network, fit: Training) -> None:
    """ValueError naming the parameters if ``fit.loss`` cannot train ``net``'s output layer
    (binary cross-entropy needs one sigmoid output, categorical several softmax outputs)."""
    loss_registry.get(fit.loss).check(net.n_outputs, net.output_activation)
