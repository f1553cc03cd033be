"""TensorFlow Playground on the dashboard's engine, with what its users keep asking for.

One frozen dataclass, :class:`PlaygroundParams`, holds every control of the page (its defaults
are Playground's). :func:`run` makes the data, trains the network through ``core.engine`` and
returns a :class:`PlaygroundRun`: history, snapshots for the replay, the output on a grid over
the input plane, and the metrics. The rest of the module exports a run (Keras code, a
``.keras`` model, the data as CSV), looks inside it (what every neuron computes over the
plane), and holds the lecture's three Playground exercises as presets.

Playground's semantics kept here, so the lecture's exercises give the same pictures:

* Data on Playground's plane: 500 points with coordinates within about ±6, fed to the
  features raw (no scaling), so its learning rates behave the same.
* Its loss convention ("playground"): ½ · squared error, labels ±1, a tanh output (a
  constant 0 output scores 0.5), a linear output for regression.
* Its initialisation: weights U(−0.5, 0.5), biases 0.1.
* Its L2 penalty is ½·λ·w² (the update subtracts α·λ·w); the engine's penalty is λ·w², so
  the engine gets λ/2. L1 is λ·|w| in both.

Known differences: Playground keeps its single shuffle for every epoch and carries a partial
last batch over to the next epoch; the engine reshuffles every epoch and trains the partial
batch. Playground's L1 also clamps a weight that crosses zero to exactly zero for good.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tempfile
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core import activations, datasets, engine, features, initializers, network, optimizers
from core.datasets import Dataset
from core.params import Params, choice, flag, number, numbers

PAGE = "playground"

#: Points of a generated data set (Playground's number).
N_POINTS = 500
#: Grid of the output heatmap (Playground draws 100×100; 50×50 keeps the page fast).
GRID_SIZE = 50
#: Grid of the per-neuron thumbnails.
THUMB_SIZE = 24
#: Frames of the training replay.
FRAMES = 28
#: Half width of Playground's plane: inputs and heatmaps cover [−6, 6]².
HALF_WIDTH = datasets.PLANE_HALF_WIDTH

# Server-safe limits: one process trains for a whole lecture hall at once.
MAX_LAYERS = 8
MAX_NEURONS = 16
MAX_EPOCHS = 2000
MAX_BATCH = 64
#: Optimisation steps one run may take (~6 s on the lecture server); longer runs are cut.
MAX_STEPS = 100_000
LIMITS_HELP = (f"Limits ({MAX_LAYERS} layers of {MAX_NEURONS} neurons, {MAX_EPOCHS} epochs, "
               f"{MAX_STEPS:,} steps per run) keep the shared lecture server responsive.")

PLATEAU_PATIENCE, PLATEAU_FACTOR = 20, 0.5
EARLY_STOPPING_PATIENCE = 50

LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
REGULARIZATIONS = ("none", "l1", "l2")
LOSSES = {"playground": "½ squared error, tanh output, labels ±1 (Playground)",
          "cross_entropy": "cross-entropy, sigmoid / softmax output"}
USER_DATA = "user"
DATASET_NAMES = (*datasets.DATASETS, USER_DATA)
DATASET_LABELS = {**{k: d.label for k, d in datasets.DATASETS.items()},
                  USER_DATA: "Your own data (upload or table)"}
FEATURE_NAMES = tuple(features.FEATURES)


@dataclass(frozen=True)
class PlaygroundParams(Params):
    """Every control of the Playground page; the defaults are TensorFlow Playground's."""

    problem: str = choice("classification", datasets.KINDS, label="problem type")
    dataset: str = choice("circle", DATASET_NAMES, label="data set")
    noise: int = number(0, 0, 50, label="noise (%)")
    train_ratio: int = number(50, 10, 90, label="ratio of training data (%)")
    data_seed: int = number(1, 0, 99_999, label="data seed")
    x1: bool = flag(True, label="x₁")
    x2: bool = flag(True, label="x₂")
    x1_sq: bool = flag(False, label="x₁²")
    x2_sq: bool = flag(False, label="x₂²")
    x1x2: bool = flag(False, label="x₁x₂")
    sin_x1: bool = flag(False, label="sin(x₁)")
    sin_x2: bool = flag(False, label="sin(x₂)")
    hidden_units: tuple[int, ...] = numbers((4, 2), 1, MAX_NEURONS, min_len=0,
                                            max_len=MAX_LAYERS, label="neurons per hidden layer")
    activation: str = choice("tanh", tuple(activations.ACTIVATIONS), label="activation")
    dropout: float = number(0.0, 0.0, 0.5, options=DROPOUTS, label="dropout")
    initializer: str = choice("playground", tuple(initializers.INITIALIZERS),
                              label="initialisation")
    loss: str = choice("playground", tuple(LOSSES), label="loss")
    optimizer: str = choice("sgd", tuple(optimizers.OPTIMIZERS), label="optimizer")
    learning_rate: float = number(0.03, 1e-5, 10.0, options=LEARNING_RATES,
                                  label="learning rate α")
    regularization: str = choice("none", REGULARIZATIONS, label="regularisation")
    regularization_rate: float = number(0.0, 0.0, 10.0, options=REGULARIZATION_RATES,
                                        label="regularisation rate λ")
    batch_size: int = number(10, 1, MAX_BATCH, label="batch size")
    epochs: int = number(500, 1, MAX_EPOCHS, label="epochs")
    seed: int = number(1, 0, 99_999, label="seed")
    lr_schedule: bool = flag(False, label="reduce the rate on a plateau")
    early_stopping: bool = flag(False, label="early stopping")
    discretize: bool = flag(False, label="discretize output")
    show_test: bool = flag(False, label="show test data")

    def __post_init__(self) -> None:
        # A generated data set decides the problem type (as Playground's menus do), so a link
        # with only ``dataset=plane`` is a regression, never a contradiction.
        if self.dataset in datasets.DATASETS:
            object.__setattr__(self, "problem", datasets.DATASETS[self.dataset].kind)
        super().__post_init__()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The selected input features, in Playground's order."""
        return tuple(name for name in FEATURE_NAMES if getattr(self, name))

    def training_key(self) -> PlaygroundParams:
        """The same parameters with display-only fields at their defaults: the cache key."""
        return self.replace(discretize=False, show_test=False)


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plane:
    """The square of the input plane the pictures show, and its map to network inputs.

    Generated data lives on Playground's plane [−6, 6]² and reaches the features unchanged.
    Own data beyond that square (or much smaller) is shown in its own coordinates and
    shifted and scaled into Playground's plane for the network, so the same learning rates
    work for it.
    """

    center: tuple[float, float] = (0.0, 0.0)
    half_width: float = HALF_WIDTH

    @property
    def scale(self) -> float:
        """Network coordinate per data coordinate."""
        return HALF_WIDTH / self.half_width

    @property
    def is_identity(self) -> bool:
        return self.center == (0.0, 0.0) and self.half_width == HALF_WIDTH

    def to_network(self, x: np.ndarray) -> np.ndarray:
        """Points in data coordinates → points on Playground's plane."""
        return (np.asarray(x, np.float64) - np.array(self.center)) * self.scale

    def axes(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Grid coordinates along x₁ and x₂ (data coordinates)."""
        t = np.linspace(-self.half_width, self.half_width, size)
        return t + self.center[0], t + self.center[1]

    def grid(self, size: int) -> np.ndarray:
        """All grid points, x₁ varying fastest (the row order of a heatmap's z)."""
        ax1, ax2 = self.axes(size)
        g1, g2 = np.meshgrid(ax1, ax2)
        return np.column_stack([g1.ravel(), g2.ravel()])

    @classmethod
    def fitting(cls, x: np.ndarray) -> Plane:
        """Playground's plane if the points fit it comfortably, else a square around them."""
        lo, hi = x.min(axis=0), x.max(axis=0)
        if np.all(np.abs(x) <= HALF_WIDTH) and float(np.max(hi - lo)) >= 2.0:
            return cls()
        center = (hi + lo) / 2
        half = 1.1 * float(np.max(hi - lo)) / 2
        half = half if half > 1e-9 else 1.0
        return cls((float(center[0]), float(center[1])), half)


def make_data(p: PlaygroundParams, user_data: Dataset | None = None
              ) -> tuple[Dataset, Dataset, Plane]:
    """Training and test sets and the plane they are shown on.

    Generated data: 500 points from ``p.dataset`` with noise ``p.noise`` %, drawn from
    ``p.data_seed``. Own data (``p.dataset == "user"``) comes as ``user_data``. Either way the
    points are shuffled once and cut at ``p.train_ratio`` %, as Playground does.
    """
    if p.dataset == USER_DATA:
        if user_data is None:
            raise ValueError("dataset: 'Your own data' needs data: upload a CSV file or edit "
                             "the table of points")
        if user_data.kind != p.problem:
            raise ValueError(f"problem type: your data was read for {user_data.kind}, but the "
                             f"problem type is {p.problem}")
        full = user_data
    else:
        full = datasets.generate(p.dataset, N_POINTS, p.noise / 100,
                                 np.random.default_rng([p.data_seed, 0]))
    train, test = datasets.split(full, p.train_ratio / 100, np.random.default_rng([p.data_seed, 1]))
    plane = Plane() if p.dataset != USER_DATA else Plane.fitting(full.x)
    return train, test, plane


# ----------------------------------------------------------------------------------------
# The network's output and loss ("head")
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """How labels meet the network: output activation, engine loss and target encoding."""

    kind: str  # "binary_tanh", "binary_sigmoid", "softmax" or "regression"
    n_outputs: int
    output_activation: str
    loss: str

    @classmethod
    def of(cls, p: PlaygroundParams, n_classes: int) -> Head:
        if p.problem == "regression":
            return cls("regression", 1, "linear", "half_mse")
        if n_classes > 2:
            return cls("softmax", n_classes, "softmax", "categorical_crossentropy")
        if p.loss == "playground":
            return cls("binary_tanh", 1, "tanh", "half_mse")
        return cls("binary_sigmoid", 1, "sigmoid", "binary_crossentropy")

    @property
    def output_range(self) -> tuple[float, float]:
        """Range of the output a heatmap shows; its middle is the decision boundary."""
        return (-1.0, 1.0) if self.kind in ("binary_tanh", "regression") else (0.0, 1.0)

    def targets(self, data: Dataset) -> np.ndarray:
        """The training targets: ±1, 0/1, one-hot rows, or the regression values."""
        if self.kind == "regression":
            return data.y.astype(np.float32).reshape(-1, 1)
        if self.kind == "softmax":
            return np.eye(self.n_outputs, dtype=np.float32)[data.y]
        if self.kind == "binary_tanh":
            return np.where(data.y == 1, 1.0, -1.0).astype(np.float32).reshape(-1, 1)
        return data.y.astype(np.float32).reshape(-1, 1)

    def classes(self, outputs: np.ndarray) -> np.ndarray:
        """Predicted class per row of network outputs."""
        if self.kind == "softmax":
            return np.argmax(outputs, axis=1)
        threshold = 0.0 if self.kind == "binary_tanh" else 0.5
        return (outputs[:, 0] >= threshold).astype(np.int64)


def network_of(p: PlaygroundParams, head: Head) -> engine.Network:
    """The engine's description of the network ``p`` asks for."""
    return engine.Network(len(p.feature_names), p.hidden_units, p.activation, head.n_outputs,
                          head.output_activation, dropout=p.dropout if p.hidden_units else 0.0,
                          initializer=p.initializer)


def epoch_budget(epochs: int, n_train: int, batch_size: int) -> tuple[int, str]:
    """The epochs a run may train within ``MAX_STEPS`` optimisation steps, and a note for
    the user if that is fewer than asked (empty otherwise)."""
    per_epoch = -(-n_train // batch_size)
    allowed = max(1, min(epochs, MAX_STEPS // per_epoch))
    if allowed == epochs:
        return epochs, ""
    return allowed, (f"Trained {allowed} epochs instead of {epochs}: with batch size "
                     f"{batch_size} one epoch takes {per_epoch} steps, and a run may take at "
                     f"most {MAX_STEPS:,} steps on the shared server.")


def training_of(p: PlaygroundParams, head: Head, epochs: int) -> engine.Training:
    """The engine's description of how to train (Playground's L2 penalty is ½·λ·w²)."""
    rate = p.regularization_rate
    return engine.Training(
        loss=head.loss, optimizer=p.optimizer, learning_rate=p.learning_rate,
        batch_size=p.batch_size, epochs=epochs,
        l1_rate=rate if p.regularization == "l1" else 0.0,
        l2_rate=rate / 2 if p.regularization == "l2" else 0.0,
        seed=p.seed,
        plateau_patience=PLATEAU_PATIENCE if p.lr_schedule else 0,
        plateau_factor=PLATEAU_FACTOR,
        early_stopping_patience=EARLY_STOPPING_PATIENCE if p.early_stopping else 0)


# ----------------------------------------------------------------------------------------
# A run
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """How well the final network does. Losses use the training loss (data term only)."""

    train_loss: float
    test_loss: float
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    #: Test set, rows = true class, columns = predicted class.
    confusion: np.ndarray | None = None
    train_r2: float | None = None
    test_r2: float | None = None


@dataclass(frozen=True)
class PlaygroundRun:
    """A trained Playground network and everything the page shows about it."""

    params: PlaygroundParams
    train: Dataset
    test: Dataset
    plane: Plane
    head: Head
    result: engine.TrainResult
    #: Output on the ``GRID_SIZE``² grid at every snapshot, shape (GRID_SIZE², n_outputs).
    grid_outputs: tuple[np.ndarray, ...]
    metrics: Metrics
    epochs: int  # epochs asked for after the server limit (``result.epochs_run`` ran)
    notes: tuple[str, ...] = ()

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.params.feature_names

    @property
    def activations(self) -> tuple[str, ...]:
        return (self.params.activation,) * len(self.params.hidden_units)

    @property
    def grid_axes(self) -> tuple[np.ndarray, np.ndarray]:
        return self.plane.axes(GRID_SIZE)

    @property
    def value_range(self) -> tuple[float, float]:
        """Range of the output heatmap (regression: symmetric around 0, covering the data)."""
        if self.head.kind != "regression":
            return self.head.output_range
        top = float(max(np.abs(self.train.y).max(initial=0.0), np.abs(self.test.y).max(
            initial=0.0), 1e-6))
        return (-1.0, 1.0) if top <= 1.0 else (-top, top)

    def inputs(self, x: np.ndarray) -> np.ndarray:
        """Network inputs (the selected features) for points in data coordinates."""
        return features.feature_matrix(self.plane.to_network(x), self.feature_names)

    def predict(self, x: np.ndarray, snapshot: int = -1) -> np.ndarray:
        """Network outputs for points ``x`` with the weights of a snapshot (NumPy, float64)."""
        weights = self.result.snapshots[snapshot].weights
        return network.predict(weights, self.activations, self.head.output_activation,
                               self.inputs(x))


def run(p: PlaygroundParams, user_data: Dataset | None = None, frames: int = FRAMES
        ) -> PlaygroundRun:
    """Make the data, train the network ``p`` describes, and measure it.

    Snapshots (weights, and the output on a ``GRID_SIZE``² grid) are taken at about
    ``frames`` epochs for the replay. A run longer than ``MAX_STEPS`` optimisation steps is
    cut to fewer epochs, with a note saying why. Raises ValueError with a message for the
    user when the configuration cannot be trained (no input feature, missing own data).
    """
    if not p.feature_names:
        raise ValueError("features: choose at least one input feature")
    train, test, plane = make_data(p, user_data)
    head = Head.of(p, train.n_classes if train.kind == "classification" else 0)
    notes = []
    if head.kind == "softmax" and p.loss == "playground":
        notes.append(f"{train.n_classes} classes need one output per class: the network uses "
                     "a softmax output with cross-entropy (Playground's ±1 convention is for "
                     "two classes).")
    epochs, note = epoch_budget(p.epochs, len(train), p.batch_size)
    notes += [note] if note else []

    def inputs(x: np.ndarray) -> np.ndarray:
        return features.feature_matrix(plane.to_network(x), p.feature_names)

    data = engine.Data(inputs(train.x), head.targets(train), inputs(test.x), head.targets(test))
    net = network_of(p, head)
    result = engine.train(net, training_of(p, head, epochs), data,
                          snapshots_at=engine.snapshot_epochs(epochs, frames))
    # The grid outputs of every snapshot in NumPy from its weights: cheaper than asking the
    # engine for them at every snapshot, and the same numbers (float64 vs float32).
    grid = inputs(plane.grid(GRID_SIZE))
    outputs = tuple(network.predict(s.weights, net.activation, net.output_activation, grid
                                    ).astype(np.float32) for s in result.snapshots)
    partial = PlaygroundRun(p, train, test, plane, head, result, outputs,
                            Metrics(math.nan, math.nan), epochs, tuple(notes))
    return dataclasses.replace(partial, metrics=measure(partial))


def r_squared(y: np.ndarray, prediction: np.ndarray) -> float:
    """Coefficient of determination 1 − SS_res / SS_tot (nan for constant targets)."""
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - prediction) ** 2)) / total if total > 0 else math.nan


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs."""
    out = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(out, (true, predicted), 1)
    return out


def measure(r: PlaygroundRun) -> Metrics:
    """Final losses (from the engine's history) and accuracy / confusion matrix or R²
    (from a NumPy forward pass with the final weights)."""
    history = r.result.history
    train_loss = float(history["loss"][-1]) if len(history["loss"]) else math.nan
    test_loss = float(history["val_loss"][-1]) if len(history.get("val_loss", [])) else math.nan
    if r.result.diverged:
        return Metrics(math.inf, math.inf)
    out_train, out_test = r.predict(r.train.x), r.predict(r.test.x)
    if r.head.kind == "regression":
        return Metrics(train_loss, test_loss, train_r2=r_squared(r.train.y, out_train[:, 0]),
                       test_r2=r_squared(r.test.y, out_test[:, 0]))
    pred_train, pred_test = r.head.classes(out_train), r.head.classes(out_test)
    return Metrics(train_loss, test_loss,
                   train_accuracy=float(np.mean(pred_train == r.train.y)),
                   test_accuracy=float(np.mean(pred_test == r.test.y)),
                   confusion=confusion_matrix(r.test.y, pred_test, r.train.n_classes))


# ----------------------------------------------------------------------------------------
# Looking inside: what every feature and neuron computes over the plane
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeuronMaps:
    """Values over a ``size``² grid of the plane: each input feature, each hidden neuron
    (one array per layer, shape (units, size, size)) and each output."""

    axes: tuple[np.ndarray, np.ndarray]
    features: np.ndarray  # (n_features, size, size)
    hidden: list[np.ndarray]
    output: np.ndarray  # (n_outputs, size, size)
    weights: list[tuple[np.ndarray, np.ndarray]]
    epoch: int


def neuron_maps(r: PlaygroundRun, snapshot: int = -1, size: int = THUMB_SIZE) -> NeuronMaps:
    """What every node of the network computes at a snapshot, over the input plane.

    Recomputed in NumPy from the snapshot's weights, so any epoch of the replay can be
    inspected without training again.
    """
    snap = r.result.snapshots[snapshot]
    grid = r.plane.grid(size)
    inputs = r.inputs(grid)
    layers = network.layer_outputs(snap.weights, r.activations, r.head.output_activation,
                                   inputs)

    def square(values: np.ndarray) -> np.ndarray:
        return np.nan_to_num(values.T.reshape(-1, size, size)).astype(np.float32)

    return NeuronMaps(r.plane.axes(size), square(inputs), [square(h) for h in layers[:-1]],
                      square(layers[-1]), snap.weights, snap.epoch)


# ----------------------------------------------------------------------------------------
# Export: Keras code, the trained model, the data
# ----------------------------------------------------------------------------------------

_FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1_sq": "x1 ** 2", "x2_sq": "x2 ** 2",
                 "x1x2": "x1 * x2", "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)"}
DATA_FILE, MODEL_FILE = "playground-data.csv", "playground-model.keras"


def data_csv(r: PlaygroundRun) -> bytes:
    """The run's points as CSV (x1, x2, label): the training points first, then the test
    points, so the exported Keras code can cut at the same place."""
    both = Dataset(np.concatenate([r.train.x, r.test.x]), np.concatenate([r.train.y, r.test.y]),
                   r.train.kind, r.train.n_classes)
    return datasets.dataset_to_csv(both)


def _initializer_code(name: str, seed: int) -> tuple[str, str]:
    """Keras kernel and bias initializers equivalent to the registry entry ``name``."""
    init = initializers.get(name)
    kernels = {
        "glorot_uniform": f"keras.initializers.GlorotUniform(seed={seed})",
        "glorot_normal": f"keras.initializers.GlorotNormal(seed={seed})",
        "he_uniform": f"keras.initializers.HeUniform(seed={seed})",
        "he_normal": f"keras.initializers.HeNormal(seed={seed})",
        "playground": f"keras.initializers.RandomUniform(-0.5, 0.5, seed={seed})",
        "small": f"keras.initializers.RandomNormal(stddev=0.01, seed={seed})",
        "large": f"keras.initializers.RandomNormal(stddev=1.0, seed={seed})",
        "zeros": "keras.initializers.Zeros()",
    }
    return kernels[name], f"keras.initializers.Constant({init.bias!r})"


def _regularizer_code(p: PlaygroundParams) -> str:
    if p.regularization == "l1" and p.regularization_rate > 0:
        return f"keras.regularizers.L1({p.regularization_rate!r})"
    if p.regularization == "l2" and p.regularization_rate > 0:
        return f"keras.regularizers.L2({p.regularization_rate / 2!r})  # Playground: ½·λ·w²"
    return "None"


def _target_code(head: Head) -> tuple[str, str]:
    """The expression for the training targets, and a comment saying what they are."""
    return {
        "binary_tanh": ("np.where(labels == 1, 1.0, -1.0)[:, None]",
                        "Playground's labels: +1 for class 1, -1 for class 0 (tanh output)."),
        "binary_sigmoid": ("labels[:, None]", "Labels 0/1 for the sigmoid output."),
        "softmax": (f"keras.utils.to_categorical(labels, {head.n_outputs})",
                    "One column per class for the softmax output."),
        "regression": ("labels[:, None]", "Regression targets as they are."),
    }[head.kind]


def _loss_and_metric_code(head: Head) -> tuple[str, str]:
    if head.kind == "binary_sigmoid":
        return '"binary_crossentropy"', '["binary_accuracy"]'
    if head.kind == "softmax":
        return '"categorical_crossentropy"', '["categorical_accuracy"]'
    metric = "[sign_accuracy]" if head.kind == "binary_tanh" else "[]"
    return "half_squared_error", metric


def keras_code(r: PlaygroundRun) -> str:
    """A standalone Python script that rebuilds and trains this configuration with plain
    Keras (``keras.Sequential``), reading the data exported by :func:`data_csv`.

    Its numbers come close to the page's but not exactly: Keras draws the initial weights
    and shuffles differently.
    """
    p, head = r.params, r.head
    kernel_init, bias_init = _initializer_code(p.initializer, p.seed)
    regularizer = _regularizer_code(p)
    layers = []
    for units in p.hidden_units:
        layers.append(f"    keras.layers.Dense({units}, activation={_keras_act(p.activation)!r}, "
                      f"**dense_options),")
        if p.dropout > 0:
            layers.append(f"    keras.layers.Dropout({p.dropout!r}, seed={p.seed}),")
    layers.append(f"    keras.layers.Dense({head.n_outputs}, "
                  f"activation={head.output_activation!r}, **dense_options),")
    callbacks = []
    if p.lr_schedule:
        callbacks.append(f"keras.callbacks.ReduceLROnPlateau(monitor='val_loss', "
                         f"factor={PLATEAU_FACTOR}, patience={PLATEAU_PATIENCE}, min_lr=1e-7)")
    if p.early_stopping:
        callbacks.append(f"keras.callbacks.EarlyStopping(monitor='val_loss', "
                         f"patience={EARLY_STOPPING_PATIENCE})")
    loss, metrics = _loss_and_metric_code(head)
    feature_lines = ", ".join(_FEATURE_CODE[n] for n in p.feature_names)
    targets, targets_comment = _target_code(head)
    center, scale = r.plane.center, r.plane.scale
    return _CODE_TEMPLATE.format(
        dataset=DATASET_LABELS[p.dataset], n_train=len(r.train), data_file=DATA_FILE,
        model_file=MODEL_FILE, cx=center[0], cy=center[1], scale=scale,
        features=feature_lines, targets=targets, targets_comment=targets_comment,
        kernel_init=kernel_init,
        bias_init=bias_init, regularizer=regularizer, seed=p.seed,
        n_features=len(p.feature_names), layers="\n".join(layers),
        optimizer=optimizers.get(p.optimizer).code(p.learning_rate), loss=loss,
        metrics=metrics, batch_size=p.batch_size, epochs=r.epochs,
        callbacks=", ".join(callbacks), label_dtype="int64" if head.kind == "softmax"
        else "float32").rstrip() + "\n"


def _keras_act(name: str) -> str:
    return activations.get(name).keras


_CODE_TEMPLATE = '''"""A TensorFlow-Playground configuration rebuilt with plain Keras.

Exported from the lecture dashboard's Playground page (data: {dataset}). Put the data file
exported from the same page ({data_file}) next to this script and run it. The first
{n_train} rows of the file are the training points, the rest are the test points.

Keras reports the loss including the regularisation penalty; the page shows the data term.
"""

import numpy as np
import keras

keras.utils.set_random_seed({seed})

data = np.loadtxt("{data_file}", delimiter=",", skiprows=1, ndmin=2)
points, labels = data[:, :2], data[:, 2].astype("{label_dtype}")

# Inputs on Playground's plane (coordinates within about ±6), then the chosen features.
x1 = (points[:, 0] - {cx!r}) * {scale!r}
x2 = (points[:, 1] - {cy!r}) * {scale!r}
inputs = np.column_stack([{features}]).astype("float32")
# {targets_comment}
targets = ({targets}).astype("float32")
x_train, y_train = inputs[:{n_train}], targets[:{n_train}]
x_test, y_test = inputs[{n_train}:], targets[{n_train}:]


def half_squared_error(y_true, y_pred):
    """Playground's loss: ½ · (output − target)², averaged."""
    return 0.5 * keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)


def sign_accuracy(y_true, y_pred):
    """Share of points whose output has the sign of their ±1 label."""
    return keras.ops.mean(keras.ops.cast((y_true >= 0) == (y_pred >= 0), "float32"), axis=-1)


dense_options = dict(
    kernel_initializer={kernel_init},
    bias_initializer={bias_init},
    kernel_regularizer={regularizer},
)
model = keras.Sequential([
    keras.Input(shape=({n_features},)),
{layers}
])
model.compile(optimizer={optimizer}, loss={loss}, metrics={metrics})
history = model.fit(x_train, y_train, batch_size={batch_size}, epochs={epochs}, shuffle=True,
                    validation_data=(x_test, y_test), callbacks=[{callbacks}], verbose=0)
print(f"train loss {{history.history['loss'][-1]:.4f}}, "
      f"test loss {{history.history['val_loss'][-1]:.4f}}")
model.save("{model_file}")
'''


def keras_model(r: PlaygroundRun) -> object:
    """A plain ``keras.Sequential`` of the run's exact sizes holding its final weights."""
    import keras

    p, head = r.params, r.head
    layers: list = [keras.Input((len(p.feature_names),))]
    for units in p.hidden_units:
        layers.append(keras.layers.Dense(units, activation=_keras_act(p.activation)))
        if p.dropout > 0:
            layers.append(keras.layers.Dropout(p.dropout))
    layers.append(keras.layers.Dense(head.n_outputs, activation=head.output_activation))
    model = keras.Sequential(layers)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer, (kernel, bias) in zip(dense, r.result.final.weights, strict=True):
        layer.set_weights([kernel, bias])
    return model


def model_bytes(r: PlaygroundRun) -> bytes:
    """The trained network as a ``.keras`` file (load with ``keras.models.load_model``)."""
    model = keras_model(r)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, MODEL_FILE)
        model.save(path)  # type: ignore[attr-defined]
        with open(path, "rb") as f:
            return f.read()


# ----------------------------------------------------------------------------------------
# Classroom: links that hide controls, and the lecture's exercises
# ----------------------------------------------------------------------------------------


def hide_link(p: PlaygroundParams, hidden: Iterable[str], base: str = "") -> str:
    """A link to ``p`` on the page with the controls ``hidden`` not drawn (``?hide=a,b``).

    Unknown names raise ValueError, so a typo never silently leaves a control visible.
    """
    hidden = list(dict.fromkeys(hidden))
    unknown = [h for h in hidden if h not in PlaygroundParams.field_names()]
    if unknown:
        raise ValueError(f"hide: unknown control(s) {', '.join(unknown)}")
    query = dict(p.to_query())
    if hidden:
        query["hide"] = ",".join(hidden)
    return f"{base}?{urllib.parse.urlencode(query, safe=',')}"


@dataclass(frozen=True)
class Step:
    """One configuration of an exercise, loaded with one click."""

    label: str
    params: PlaygroundParams


@dataclass(frozen=True)
class Exercise:
    """A hands-on task of the lecture: its configurations, questions, and the answer."""

    name: str
    title: str
    steps: tuple[Step, ...]
    questions: tuple[str, ...]
    answer: str


_XOR = PlaygroundParams(dataset="xor", hidden_units=(4,), activation="relu")
_SPIRAL = PlaygroundParams(dataset="spiral", hidden_units=(8, 8), activation="tanh",
                           sin_x1=True, sin_x2=True)
_SPIRAL_BARE = PlaygroundParams(dataset="spiral", hidden_units=(8, 8, 8), activation="relu",
                                optimizer="adam", learning_rate=0.01)
_OVERFIT = PlaygroundParams(dataset="xor", noise=50, train_ratio=20,
                            hidden_units=(8, 8, 8, 8, 8, 8), activation="relu", epochs=1000)

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "checkerboard", "1 · Checkerboard (XOR data)",
        (Step("one layer, 4 ReLU", _XOR),
         Step("same with tanh", _XOR.replace(activation="tanh")),
         Step("linear activation (fails)", _XOR.replace(hidden_units=(4, 2),
                                                         activation="linear")),
         Step("two layers (4, 2) tanh", _XOR.replace(hidden_units=(4, 2), activation="tanh")),
         Step("x₁x₂ only, no hidden layer", _XOR.replace(x1=False, x2=False, x1x2=True,
                                                         hidden_units=()))),
        ("How do the decision boundaries differ between ReLU, tanh, sigmoid and linear?",
         "What do the neurons of the second hidden layer compute, compared with the first?",
         "With ReLU: how few layers and neurons still solve the data?",
         "Which single extra input feature helps most?"),
        "ReLU gives boundaries made of straight pieces, tanh smooth curves, sigmoid the same "
        "shapes but slower training (its gradient is at most ¼), and linear cannot solve it at "
        "all: stacked linear layers stay one linear function, one straight line. Every "
        "first-layer neuron is a half-plane split by one line; second-layer neurons combine "
        "those lines into corners and stripes. One hidden layer of 4 ReLU units is enough and "
        "trains reliably (|x₁+x₂| − |x₁−x₂| is four ReLUs); 3 units succeed only from lucky "
        "starting points (try a few seeds), 2 get about three quadrants. The most useful "
        "feature is x₁x₂: its sign is the class, so a network without any hidden layer "
        "solves the data with it alone.",
    ),
    Exercise(
        "spiral", "2 · Spiral",
        (Step("sin features, two layers of 8", _SPIRAL),
         Step("bonus: x₁, x₂ only (ReLU, Adam)", _SPIRAL_BARE),
         Step("bonus with Playground's SGD", _SPIRAL_BARE.replace(
             hidden_units=(8, 8, 8, 8), activation="tanh", optimizer="sgd",
             learning_rate=0.03, epochs=1000))),
        ("Find any architecture and features that separate the two arms.",
         "Bonus: solve it with x₁ and x₂ only (no extra features)."),
        "With sin(x₁) and sin(x₂) as extra inputs two layers of 8 tanh neurons separate the "
        "arms within a few hundred epochs: the sines already wind like the spiral. With x₁, x₂ "
        "only, the network has to build the winding itself from straight cuts: it needs depth "
        "(three layers of 8 ReLU units with Adam solve it in 500 epochs; with Playground's "
        "plain SGD four layers of 8 tanh units need about 1000 epochs and still miss a few "
        "test points). Noise makes both harder.",
    ),
    Exercise(
        "overtraining", "3 · Overtraining",
        (Step("deep ReLU net, 50 % noise, 20 % training data", _OVERFIT),
         Step("L2, low rate 0.01", _OVERFIT.replace(regularization="l2",
                                                     regularization_rate=0.01)),
         Step("L2, high rate 0.1", _OVERFIT.replace(regularization="l2",
                                                    regularization_rate=0.1)),
         Step("L1, rate 0.01", _OVERFIT.replace(regularization="l1",
                                                regularization_rate=0.01))),
        ("Train the deep net for 1000 epochs on the noisy data: what happens to the training "
         "and the test loss?",
         "Add L2 regularisation with a low and with a high rate: what changes?",
         "Compare L1 with L2: what happens to the weights in the network diagram?"),
        "The training loss keeps falling while the test loss reaches its minimum after a few "
        "hundred epochs and then rises: the network learns the noise (overtraining), its "
        "boundary bends around single mislabelled points. A small training set (20 % here) "
        "makes it show sooner. A low L2 rate keeps the weights small and the boundary "
        "smooth, and the test loss stays closer to the training loss; a high rate shrinks "
        "every weight so much that the network underfits (it predicts nearly a constant). L1 "
        "drives most weights to (nearly) zero, so most lines of the diagram vanish and only a "
        "few paths remain (a sparse network); L2 keeps all weights, just small.",
    ),
)


def exercise(name: str) -> Exercise:
    """The exercise called ``name``; ValueError naming the parameter if unknown."""
    for ex in EXERCISES:
        if ex.name == name:
            return ex
    raise ValueError(f"exercise must be one of {', '.join(e.name for e in EXERCISES)}, "
                     f"got {name!r}")


def warm_up() -> None:
    """Compile the trainers of the defaults and of every exercise (once, at server start), so
    neither the first visitor nor a click on a preset waits for TensorFlow to trace."""
    run(PlaygroundParams())
    for ex in EXERCISES:
        for step in ex.steps:
            run(step.params.replace(epochs=1), frames=1)
