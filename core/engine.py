"""The training engine every page trains through.

A run is described by two small frozen dataclasses, :class:`Network` (what is trained) and
:class:`Training` (how), plus the data. :func:`train` returns plain arrays: the loss and
metric per epoch, and snapshots (weights and outputs on an evaluation grid) at chosen
epochs, from which a page replays training without training again.

Why it is built the way it is (measurements in ``benchmarks/``):

* Speed. ``model.fit`` spends most of its time in Python between tiny batches. Here all
  epochs between two snapshots, with all their mini-batches, run as one ``tf.function``
  call: a ``tf.range`` loop over epochs around a ``tf.range`` loop over batches, with a
  Keras model and a Keras optimizer inside.
* Memory and latency. Tracing such a function takes about a second, a compiled trainer
  holds ~9 MB, and TensorFlow never frees all of it (~1.3 MB stays after it is dropped).
  So compiled trainers are kept and reused across parameter sets: hidden layers are padded
  to a width bucket (16, 32, 64) with the unused units held at exactly zero, and the
  learning rate, regularisation rates, initial weights, shuffles and batch size are inputs
  or variables, not constants. Changing a width, a rate or the seed reuses a compiled
  trainer; only a new depth, activation, loss or optimizer compiles a new one (kept in a
  bounded LRU of ``MAX_TRAINERS``).
* Determinism. Nothing uses process-wide random state: initial weights are drawn in NumPy
  from the run's seed, shuffles are precomputed from it, the dropout generator is reset
  from it. A trainer is used by one run at a time (a lock), so sessions training at once
  cannot disturb each other.
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core import activations as act_registry
from core import initializers, optimizers
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
    MAX_TRAINERS,
    MAX_UNITS,
    MIN_BUCKET,
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

#: A run counts as diverged at the first epoch whose loss is not finite or exceeds this many
#: times the loss after its first epoch. Why 1000: at 1.01× the stability limit 2/λ_max the
#: error of gradient descent grows by (1.02)² ≈ 1.04 per step, so the loss passes 1000× after
#: ~175 steps, well within a default run; a stable run never climbs that far above its first
#: epoch: mini-batch noise, a plateau or a spike moves the loss by a factor of a few (a
#: bounded loss such as tanh + ½·squared error cannot even grow 100×).
DIVERGENCE_FACTOR = 1000.0
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "tanh", "softmax")


@dataclass(frozen=True)
class Loss:
    name: str
    label: str
    latex: str


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", "mean squared error", r"J = \frac{1}{N}\sum_i (y_m(x_i) - y_i)^2"),
        Loss("half_mse", "½ squared error (TensorFlow Playground)",
             r"J = \frac{1}{N}\sum_i \tfrac12 (y_m(x_i) - y_i)^2"),
        Loss("binary_crossentropy", "binary cross-entropy",
             r"J = -\frac{1}{N}\sum_i y_i \ln p_i + (1-y_i)\ln(1-p_i)"),
        Loss("categorical_crossentropy", "categorical cross-entropy",
             r"J = -\frac{1}{N}\sum_i \sum_k y_{ik} \ln p_{ik}"),
    )
}


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
        _need(self.loss in LOSSES, f"loss must be one of {', '.join(LOSSES)}, got {self.loss!r}")
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


# ----------------------------------------------------------------------------------------
# Compiled trainers
# ----------------------------------------------------------------------------------------


def _bucket(width: int) -> int:
    """The padded width a hidden layer of ``width`` units is compiled with.

    At least ``MIN_BUCKET`` (16): one trainer then serves every Playground-sized width
    (fewer compiled trainers, less memory, fewer waits for tracing), and on matrices this
    small the extra padded units cost less than the per-op overhead
    (benchmarks.training_speed)."""
    return max(MIN_BUCKET, 1 << (width - 1).bit_length())


@dataclass(frozen=True)
class _Structure:
    """Everything that changes the traced graph; runs that agree on it share a trainer."""

    n_inputs: int
    widths: tuple[int, ...]
    activations: tuple[str, ...]
    n_outputs: int
    output_activation: str
    dropout: float
    loss: str
    optimizer: str

    @classmethod
    def of(cls, net: Network, fit: Training) -> _Structure:
        width = _bucket(max(net.hidden_units)) if net.hidden_units else 0
        return cls(net.n_inputs, (width,) * len(net.hidden_units), net.activation,
                   net.n_outputs, net.output_activation, net.dropout, fit.loss, fit.optimizer)


def tensorflow():
    """TensorFlow, configured for this workload (one thread per op pool) on first use.

    Every module that runs TensorFlow ops gets it from here, so whichever page starts
    first, the process-wide thread settings are the same."""
    return _tf()


@functools.cache
def _tf():
    """TensorFlow, configured once for this workload on first use."""
    import tensorflow as tf

    # The engine's matrices are tiny: handing each op to a thread pool costs more than the op
    # itself (benchmarks.training_speed: ~1.7x faster with one thread each). Only possible
    # before TensorFlow's runtime starts; if something started it earlier, keep its setting.
    threads = int(os.environ.get("DASHBOARD_TF_THREADS", "1"))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        pass
    return tf


class _Trainer:
    """One compiled Keras model + optimizer, reset and reused for every run of a structure."""

    def __init__(self, s: _Structure) -> None:
        tf = _tf()
        import keras

        self.s = s
        self.lock = threading.Lock()
        self.model = self._build_model(s, keras)
        self.optimizer = optimizers.get(s.optimizer).make(0.01)
        self.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [np.array(v.numpy()) for v in self.optimizer.variables]
        self.l1 = tf.Variable(0.0, trainable=False)
        self.l2 = tf.Variable(0.0, trainable=False)
        self.regularize = tf.Variable(False, trainable=False)
        # Schedule and early-stopping state, carried from one compiled call to the next.
        self.plateau_patience = tf.Variable(0, trainable=False)
        self.plateau_factor = tf.Variable(0.5, trainable=False)
        self.stop_patience = tf.Variable(0, trainable=False)
        self.best = tf.Variable(np.inf, dtype=tf.float32, trainable=False)
        self.plateau_wait = tf.Variable(0, trainable=False)
        self.stop_wait = tf.Variable(0, trainable=False)
        self.stopped = tf.Variable(False, trainable=False)
        self.diverged = tf.Variable(False, trainable=False)
        self.epochs_seen = tf.Variable(0, trainable=False)
        self.first_loss = tf.Variable(0.0, dtype=tf.float32, trainable=False)
        # Best-epoch weights (restore_best_weights): lowest monitored loss, strictly.
        self.restore = tf.Variable(False, trainable=False)
        self.best_exact = tf.Variable(np.inf, dtype=tf.float32, trainable=False)
        self.best_epoch = tf.Variable(0, trainable=False)
        self.best_weights = [tf.Variable(v, trainable=False)
                             for v in self.model.trainable_variables]
        self.dense = [layer for layer in self.model.layers if isinstance(layer, keras.layers.Dense)]
        self.masks = [layer for layer in self.model.layers if isinstance(layer, _unit_mask_class())]
        self._kernel_positions = [i for i, v in enumerate(self.model.trainable_variables)
                                  if any(v is layer.kernel for layer in self.dense)]
        self.dropouts = [layer for layer in self.model.layers
                         if isinstance(layer, keras.layers.Dropout)]
        spec = tf.TensorSpec
        self.run = tf.function(self._run_epochs, input_signature=[
            spec([None, s.n_inputs], tf.float32), spec([None, s.n_outputs], tf.float32),
            spec([None, s.n_inputs], tf.float32), spec([None, s.n_outputs], tf.float32),
            spec([None, None], tf.int32), spec([], tf.int32)])
        self.predict = tf.function(lambda x: self.model(x, training=False),
                                   input_signature=[spec([None, s.n_inputs], tf.float32)])

    @staticmethod
    def _build_model(s: _Structure, keras):
        layers = [keras.Input((s.n_inputs,))]
        for width, name in zip(s.widths, s.activations):
            activation = act_registry.get(name)
            layers.append(keras.layers.Dense(width, activation=activation.keras))
            if not activation.zero_at_zero:
                layers.append(_unit_mask_class()(width))
            if s.dropout > 0:
                layers.append(keras.layers.Dropout(s.dropout, seed=0))
        layers.append(keras.layers.Dense(s.n_outputs, activation=s.output_activation))
        return keras.Sequential(layers)

    # -- one run ---------------------------------------------------------------------------

    def reset(self, net: Network, fit: Training) -> None:
        """Load a run's initial weights and hyper-parameters into the compiled model."""
        weights = initializers.initial_weights(net.sizes, net.initializer, fit.seed)
        for layer, (kernel, bias) in zip(self.dense, weights):
            k_var, b_var = layer.kernel, layer.bias
            padded_k = np.zeros(k_var.shape, np.float32)
            padded_k[: kernel.shape[0], : kernel.shape[1]] = kernel
            padded_b = np.zeros(b_var.shape, np.float32)
            padded_b[: bias.shape[0]] = bias
            k_var.assign(padded_k)
            b_var.assign(padded_b)
        for mask, units in zip(self.masks, [u for u, a in zip(net.hidden_units, net.activation)
                                            if not act_registry.get(a).zero_at_zero]):
            value = np.zeros(mask.mask.shape, np.float32)
            value[:units] = 1.0
            mask.mask.assign(value)
        for var, start in zip(self.optimizer.variables, self._optimizer_start):
            var.assign(start)
        self.optimizer.learning_rate = fit.learning_rate
        self.l1.assign(fit.l1_rate)
        self.l2.assign(fit.l2_rate)
        self.regularize.assign(fit.l1_rate > 0 or fit.l2_rate > 0)
        self.plateau_patience.assign(fit.plateau_patience)
        self.plateau_factor.assign(fit.plateau_factor)
        self.stop_patience.assign(fit.early_stopping_patience)
        self.best.assign(np.inf)
        self.plateau_wait.assign(0)
        self.stop_wait.assign(0)
        self.stopped.assign(False)
        self.diverged.assign(False)
        self.epochs_seen.assign(0)
        self.first_loss.assign(0.0)
        self.restore.assign(fit.restore_best_weights)
        self.best_exact.assign(np.inf)
        self.best_epoch.assign(0)
        for layer, state in zip(self.dropouts, dropout_states(fit.seed, len(self.dropouts))):
            layer.seed_generator.state.assign(state)

    def restore_best(self) -> int:
        """Load the best epoch's weights into the model; returns that epoch (0: none)."""
        epoch = int(self.best_epoch.numpy())
        if epoch > 0:
            for var, best in zip(self.model.trainable_variables, self.best_weights):
                var.assign(best)
        return epoch

    def weights(self, net: Network) -> list[tuple[np.ndarray, np.ndarray]]:
        """The current weights, cut back from the padded widths to the network's own."""
        sizes = net.sizes
        out = []
        for i, layer in enumerate(self.dense):
            kernel = layer.kernel.numpy()[: sizes[i], : sizes[i + 1]].copy()
            bias = layer.bias.numpy()[: sizes[i + 1]].copy()
            out.append((kernel, bias))
        return out

    # -- the compiled part -----------------------------------------------------------------

    def _data_loss(self, y, p):
        import keras

        ops = keras.ops
        if self.s.loss == "mse":
            return ops.mean(ops.square(p - y))
        if self.s.loss == "half_mse":
            return 0.5 * ops.mean(ops.square(p - y))
        if self.s.loss == "binary_crossentropy":
            return ops.mean(keras.losses.binary_crossentropy(y, p))
        return ops.mean(keras.losses.categorical_crossentropy(y, p))

    def _accuracy(self, y, p):
        tf = _tf()
        if self.s.output_activation == "softmax":
            hit = tf.equal(tf.argmax(p, axis=1), tf.argmax(y, axis=1))
        elif self.s.output_activation == "tanh":
            hit = tf.equal(p[:, 0] >= 0.0, y[:, 0] >= 0.0)
        else:
            hit = tf.equal(p[:, 0] >= 0.5, y[:, 0] >= 0.5)
        return tf.reduce_mean(tf.cast(hit, tf.float32))

    def _step(self, xb, yb, regularize: bool):
        tf = _tf()
        with tf.GradientTape() as tape:
            loss = self._data_loss(yb, self.model(xb, training=True))
        variables = self.model.trainable_variables
        grads = tape.gradient(loss, variables)
        # L2 on the kernels (not the biases), added to the gradient in closed form:
        # d/dW λ₂‖W‖² = 2λ₂ W (cheaper than a penalty on the tape).
        if regularize:
            for i in self._kernel_positions:
                grads[i] = grads[i] + (2.0 * self.l2) * variables[i]
        # Keras's own update rule, without ``optimizer.apply``'s distribution-strategy wrapper:
        # that wrapper leaves ~4 MB behind per traced trainer (benchmarks.memory_soak) and
        # does nothing on one CPU. Order as in ``apply``: update, then count the iteration.
        rate = tf.cast(self.optimizer.learning_rate, tf.float32)
        for grad, var in zip(grads, variables):
            self.optimizer.update_step(grad, var, rate)
        self.optimizer.iterations.assign_add(1)
        # L1 as a proximal step (soft threshold) on the kernels, as TensorFlow Playground
        # does: w ← sign(w)·max(|w| − α·λ₁, 0). Unlike a λ₁·sign(w) gradient term, which
        # makes small weights flip sign forever, it sets them to exactly 0.
        if regularize:
            shrink = rate * self.l1
            for i in self._kernel_positions:
                w = variables[i]
                w.assign(tf.sign(w) * tf.maximum(tf.abs(w) - shrink, 0.0))

    def _watch(self, monitored):
        """After an epoch: track the best monitored loss, reduce the rate on a plateau, and
        flag early stopping (all in-graph, state in variables)."""
        tf = _tf()
        self.epochs_seen.assign_add(1)
        if self.restore and monitored < self.best_exact:
            self.best_exact.assign(monitored)
            self.best_epoch.assign(self.epochs_seen)
            for best, var in zip(self.best_weights, self.model.trainable_variables):
                best.assign(var)
        if monitored < self.best * (1.0 - 1e-4):
            self.best.assign(monitored)
            self.plateau_wait.assign(0)
            self.stop_wait.assign(0)
        else:
            self.plateau_wait.assign_add(1)
            self.stop_wait.assign_add(1)
        if self.plateau_patience > 0 and self.plateau_wait >= self.plateau_patience:
            rate = self.optimizer.learning_rate
            self.optimizer.learning_rate.assign(
                tf.maximum(rate * self.plateau_factor, tf.constant(1e-7)))
            self.plateau_wait.assign(0)
        if self.stop_patience > 0 and self.stop_wait >= self.stop_patience:
            self.stopped.assign(True)

    def _run_epochs(self, x, y, xv, yv, perms, batch_size):
        """Train one epoch per row of ``perms`` (the shuffle of that epoch).

        Returns per-epoch train/validation loss and accuracy and learning rate, and how many
        epochs ran (fewer than asked when the run diverged or training stopped early).
        """
        tf = _tf()
        n = tf.shape(x)[0]
        n_epochs = tf.shape(perms)[0]
        n_batches = (n + batch_size - 1) // batch_size
        # Separate names, not a list: AutoGraph carries only plain variables through loops.
        loss_ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        val_loss_ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        acc_ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        val_acc_ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        rate_ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        done = tf.constant(0)
        for epoch in tf.range(n_epochs):
            xs = tf.gather(x, perms[epoch])
            ys = tf.gather(y, perms[epoch])
            rate_ta = rate_ta.write(epoch, tf.cast(self.optimizer.learning_rate, tf.float32))
            # Both batch loops live in the one graph, chosen once per epoch: runs without
            # regularisation skip its ~20% of a step, and no rate needs another trainer.
            if self.regularize:
                for b in tf.range(n_batches):
                    start = b * batch_size
                    self._step(xs[start:start + batch_size], ys[start:start + batch_size], True)
            else:
                for b in tf.range(n_batches):
                    start = b * batch_size
                    self._step(xs[start:start + batch_size], ys[start:start + batch_size], False)
            # One forward pass over training and validation points together.
            p = self.model(tf.concat([x, xv], axis=0), training=False)
            loss, acc = self._data_loss(y, p[:n]), self._accuracy(y, p[:n])
            val_loss, val_acc = self._data_loss(yv, p[n:]), self._accuracy(yv, p[n:])
            loss_ta = loss_ta.write(epoch, loss)
            val_loss_ta = val_loss_ta.write(epoch, val_loss)
            acc_ta = acc_ta.write(epoch, acc)
            val_acc_ta = val_acc_ta.write(epoch, val_acc)
            done = epoch + 1
            if self.epochs_seen == 0:
                self.first_loss.assign(loss)
            # The rule of :func:`first_divergence`, in the graph.
            blown_up = tf.logical_and(self.first_loss > 0.0,
                                      loss > DIVERGENCE_FACTOR * self.first_loss)
            if tf.logical_or(tf.logical_not(tf.math.is_finite(loss)), blown_up):
                self.diverged.assign(True)
                break
            self._watch(val_loss if tf.shape(xv)[0] > 0 else loss)
            if self.stopped:
                break
        return [loss_ta.stack(), val_loss_ta.stack(), acc_ta.stack(), val_acc_ta.stack(),
                rate_ta.stack()], done


def dropout_states(seed: int, n_layers: int) -> list[np.ndarray]:
    """Independent dropout seed states, one per layer, from the run's seed.

    Keras advances a state [key, counter] by [0, 1] per draw, so layers must differ in the
    key: spawned child seeds give each layer its own 63-bit key (streams cannot run into
    each other, as counters started at fixed offsets would after enough steps)."""
    states = []
    for child in np.random.SeedSequence(seed).spawn(n_layers):
        hi, lo = (int(v) for v in child.generate_state(2, np.uint32))
        states.append(np.array([((hi << 32) | lo) & (2**63 - 1), 0], np.int64))
    return states


@functools.cache
def _unit_mask_class():
    """The Keras layer class for unit masks (made lazily: Keras loads only when training)."""
    import keras

    class UnitMask(keras.layers.Layer):
        """Multiplies each unit by 0 or 1, so padded units stay exactly zero.

        Needed only after activations with σ(0) ≠ 0 (sigmoid, softplus): a padded unit would
        otherwise emit σ(0) and its outgoing weights would learn.
        """

        def __init__(self, units: int, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.mask = self.add_weight(shape=(units,), initializer="ones", trainable=False,
                                        name="mask")

        def call(self, inputs):
            return inputs * self.mask

    return UnitMask


_TRAINERS: OrderedDict[_Structure, _Trainer] = OrderedDict()
_TRAINERS_LOCK = threading.Lock()


def _trainer(s: _Structure) -> _Trainer:
    """The compiled trainer for a structure, made on first use and kept in a bounded LRU."""
    with _TRAINERS_LOCK:
        trainer = _TRAINERS.get(s)
        if trainer is not None:
            _TRAINERS.move_to_end(s)
            return trainer
    trainer = _Trainer(s)  # outside the lock: building takes time, others may go on
    with _TRAINERS_LOCK:
        trainer = _TRAINERS.setdefault(s, trainer)
        _TRAINERS.move_to_end(s)
        while len(_TRAINERS) > MAX_TRAINERS:
            _TRAINERS.popitem(last=False)
    return trainer


def compiled_trainers() -> int:
    """How many compiled trainers are alive (for benchmarks and tests)."""
    return len(_TRAINERS)


# ----------------------------------------------------------------------------------------
# The public entry point
# ----------------------------------------------------------------------------------------


def train(
    net: Network,
    fit: Training,
    data: Data,
    *,
    eval_x: np.ndarray | None = None,
    snapshots_at: tuple[int, ...] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    """Train ``net`` on ``data`` as ``fit`` says; never raises for a diverging run.

    ``snapshots_at`` lists the epochs (0 = initial weights) at which weights, and outputs on
    ``eval_x`` if given, are recorded; by default only the end of training. Training stops
    at the first epoch that :func:`first_divergence` flags, reported as ``diverged_at``.
    ``on_progress(epochs_done, epochs_total)`` is called after every compiled chunk of
    epochs (then about :data:`PROGRESS_CHUNKS` of them); it does not change the result.
    """
    x, y, xv, yv = data.arrays()
    _need(x.shape[1] == net.n_inputs, f"x_train has {x.shape[1]} columns, the network "
                                      f"expects n_inputs={net.n_inputs}")
    _need(y.shape[1] == net.n_outputs, f"y_train has {y.shape[1]} columns, the network "
                                       f"expects n_outputs={net.n_outputs}")
    check_loss(net, fit)
    epochs_wanted = sorted({e for e in (snapshots_at or (fit.epochs,)) if 0 <= e <= fit.epochs})
    if not epochs_wanted or epochs_wanted[-1] != fit.epochs:
        epochs_wanted.append(fit.epochs)
    grid = None if eval_x is None else np.asarray(eval_x, np.float32)

    trainer = _trainer(_Structure.of(net, fit))
    with trainer.lock:
        trainer.reset(net, fit)
        return _run(trainer, net, fit, (x, y, xv, yv), grid, epochs_wanted, on_progress)


def check_loss(net: Network, fit: Training) -> None:
    """ValueError if the loss cannot train this output layer (it would silently not learn)."""
    if fit.loss == "binary_crossentropy":
        _need(net.n_outputs == 1 and net.output_activation == "sigmoid",
              "loss='binary_crossentropy' needs one output (n_outputs=1) with "
              f"output_activation='sigmoid', got n_outputs={net.n_outputs}, "
              f"output_activation={net.output_activation!r}")
    if fit.loss == "categorical_crossentropy":
        _need(net.n_outputs >= 2 and net.output_activation == "softmax",
              "loss='categorical_crossentropy' needs several outputs (n_outputs ≥ 2) with "
              f"output_activation='softmax', got n_outputs={net.n_outputs}, "
              f"output_activation={net.output_activation!r}")


#: With a progress callback, a run is cut into about this many compiled calls.
PROGRESS_CHUNKS = 20


def _chunks(stops: list[int], total: int, progress: bool) -> list[tuple[int, bool]]:
    """The epochs after which a compiled call returns, each with whether a snapshot is due."""
    if not progress:
        return [(stop, True) for stop in stops]
    step = max(1, -(-total // PROGRESS_CHUNKS))
    ends = set(range(step, total, step))
    return [(e, e in stops) for e in sorted(ends | set(stops))]


def _run(trainer: _Trainer, net: Network, fit: Training, arrays, grid, stops,
         on_progress) -> TrainResult:
    tf = _tf()
    x, y, xv, yv = arrays
    shuffles = np.random.default_rng([fit.seed, 0x5EED])
    batch = tf.constant(min(fit.batch_size, len(x)), tf.int32)
    parts: list[list[np.ndarray]] = [[], [], [], [], []]
    snaps: list[Snapshot] = []
    done, diverged_at, stopped_at = 0, None, None
    for stop, snapshot in _chunks(stops, fit.epochs, on_progress is not None):
        if stop > done:
            perms = np.stack([shuffles.permutation(len(x)) for _ in range(stop - done)])
            records, ran = trainer.run(x, y, xv, yv, perms.astype(np.int32), batch)
            for part, rec in zip(parts, records):
                part.append(rec.numpy())
            done += int(ran)
            if on_progress is not None:
                on_progress(done, fit.epochs)
            if bool(trainer.diverged.numpy()):
                diverged_at = done
                break
            if bool(trainer.stopped.numpy()):
                stopped_at = done
        if snapshot or stopped_at is not None:
            outputs = None if grid is None else trainer.predict(grid).numpy()
            snaps.append(Snapshot(done, trainer.weights(net), outputs))
        if stopped_at is not None:
            break
    if not snaps:  # diverged before the first snapshot after epoch 0
        snaps.append(Snapshot(0, initializers.initial_weights(net.sizes, net.initializer,
                                                                fit.seed), None))
    restored = None
    if fit.restore_best_weights:
        best = trainer.restore_best()
        if best > 0:
            outputs = None if grid is None else trainer.predict(grid).numpy()
            restored = Snapshot(best, trainer.weights(net), outputs)
    history = _history(parts, has_val=len(xv) > 0, classifier=net.is_classifier)
    return TrainResult(history, snaps, done, diverged_at, stopped_at, restored)


def _history(parts: list[list[np.ndarray]], *, has_val: bool, classifier: bool
             ) -> dict[str, np.ndarray]:
    loss, val_loss, acc, val_acc, rate = (np.concatenate(p) if p else np.zeros(0, np.float32)
                                          for p in parts)
    history = {"loss": loss, "learning_rate": rate}
    if has_val:
        history["val_loss"] = val_loss
    if classifier:
        history["accuracy"] = acc
        if has_val:
            history["val_accuracy"] = val_acc
    return history
