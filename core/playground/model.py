"""A Playground run: the network's output and loss ("head"), how the engine trains it, and
what the page shows about the result (history, snapshots for the replay, the output on a grid
over the plane, the three loss curves and the metrics).

Known differences from Playground: it keeps its single shuffle for every epoch and carries a
partial last batch over to the next epoch; the engine reshuffles every epoch and trains the
partial batch. Playground's L1 also clamps a weight that crosses zero to exactly zero for good.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core import engine, features, initializers, network
from core.datasets import Dataset
from core.playground.data import Plane, make_data, validation_split
from core.playground.head import Head
from core.playground.params import (
    EARLY_STOPPING_PATIENCE,
    FRAMES,
    GRID_SIZE,
    MAX_STEPS,
    PLATEAU_FACTOR,
    PLATEAU_PATIENCE,
    PlaygroundParams,
)
from core.playground.scores import confusion_matrix, data_loss, r_squared

#: Points of the test curve when it is measured from snapshots (a validation set is watched).
CURVE_POINTS = 100


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
# Losses measured in NumPy from a snapshot's weights
# ----------------------------------------------------------------------------------------


def _measured(head: Head, hidden: tuple[str, ...], weights, x: np.ndarray, data: Dataset
              ) -> tuple[float, float]:
    """Loss and accuracy (nan for regression) of ``weights`` on ``data`` with inputs ``x``."""
    logits = network.predict(weights, hidden, "linear", x)
    loss = data_loss(head, logits, head.targets(data))
    if head.kind == "regression":
        return loss, math.nan
    outputs = network.output_activation(head.output_activation, logits)
    return loss, float(np.mean(head.classes(outputs) == data.y))


def curve_epochs(epochs: int) -> tuple[int, ...]:
    """Epochs at which the test set is measured when a validation set is watched."""
    return tuple(np.unique(np.linspace(1, epochs, min(epochs, CURVE_POINTS)).round().astype(int)))


# ----------------------------------------------------------------------------------------
# A run
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """How well the final network does. Losses are the data term only (no penalty)."""

    train_loss: float
    test_loss: float
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    #: Test set, rows = true class, columns = predicted class.
    confusion: np.ndarray | None = None
    train_r2: float | None = None
    test_r2: float | None = None
    validation_loss: float | None = None


@dataclass(frozen=True)
class PlaygroundRun:
    """A trained Playground network and everything the page shows about it."""

    params: PlaygroundParams
    #: The points the network was fitted on (without the validation set, if there is one).
    train: Dataset
    test: Dataset
    plane: Plane
    head: Head
    #: The engine's result; ``history`` has ``val_*`` for the validation set if there is
    #: one, else for the test set. Snapshots are the replay's frames.
    result: engine.TrainResult
    #: Output on the ``GRID_SIZE``² grid at every snapshot, shape (GRID_SIZE², n_outputs).
    grid_outputs: tuple[np.ndarray, ...]
    metrics: Metrics
    epochs: int  # epochs asked for after the server limit (``result.epochs_run`` ran)
    notes: tuple[str, ...] = ()
    #: Held out of the training data to watch (early stopping, plateau schedule), or None.
    validation: Dataset | None = None
    #: The test set's curve: "epoch", "loss" and (classification) "accuracy" arrays.
    test_history: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)

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


    def curves(self, key: str = "loss") -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per-epoch curves of ``key`` ("loss" or "accuracy"): name → (epochs, values), for
        "training", "validation" (if watched) and "test"."""
        history = self.result.history
        out = {}
        if key in history:
            out["training"] = (np.arange(1, len(history[key]) + 1), history[key])
        if self.validation is not None and f"val_{key}" in history:
            out["validation"] = (np.arange(1, len(history[f"val_{key}"]) + 1),
                                 history[f"val_{key}"])
        if key in self.test_history:
            out["test"] = (self.test_history["epoch"], self.test_history[key])
        return out

    @property
    def monitored(self) -> str:
        """Which curve early stopping and the plateau schedule watch ("" if neither is on)."""
        return "validation" if self.validation is not None else ""


def _engine_data(p: PlaygroundParams, head: Head, plane: Plane, train: Dataset,
                 watched: Dataset) -> engine.Data:
    def inputs(x: np.ndarray) -> np.ndarray:
        return features.feature_matrix(plane.to_network(x), p.feature_names)

    return engine.Data(inputs(train.x), head.targets(train), inputs(watched.x),
                       head.targets(watched))


def _test_history(partial: PlaygroundRun, snapshots: list[engine.Snapshot]
                  ) -> dict[str, np.ndarray]:
    """The test curve: the engine's per-epoch record when the test set was its second set,
    else measured in NumPy at the snapshots (a validation set took that place)."""
    history = partial.result.history
    if partial.validation is None:
        out = {"epoch": np.arange(1, len(history.get("val_loss", [])) + 1)}
        out["loss"] = history.get("val_loss", np.zeros(0))
        if "val_accuracy" in history:
            out["accuracy"] = history["val_accuracy"]
        return out
    x = partial.inputs(partial.test.x)
    points = [(s.epoch, *_measured(partial.head, partial.activations, s.weights, x,
                                   partial.test)) for s in snapshots if s.epoch > 0]
    epochs, losses, accuracies = (np.array(v) for v in zip(*points)) if points else \
        (np.zeros(0, int), np.zeros(0), np.zeros(0))
    out = {"epoch": epochs, "loss": losses}
    if partial.head.kind != "regression":
        out["accuracy"] = accuracies
    return out


@dataclass(frozen=True)
class Chunk:
    """A streamed run's state so far, handed to ``run(..., on_chunk=...)``.

    ``run`` is a :class:`PlaygroundRun` of the epochs trained so far: one replay frame (the
    current weights), the curves so far and the metrics of the current weights. It is made
    when first asked for (``make``): a page redraws only some chunks, and assembling one
    (outputs over the plane, test curve, metrics) costs CPU the training needs. The first
    chunk is the untrained network (epoch 0, computed in NumPy before any trainer is asked
    for); ``compiling`` then says that a trainer for this structure is traced first."""

    make: Callable[[], PlaygroundRun] = field(repr=False)
    epochs_done: int
    epochs_total: int
    compiling: bool = False

    @functools.cached_property
    def run(self) -> PlaygroundRun:
        return self.make()


@dataclass(frozen=True)
class _Setup:
    """Everything a run derives from its parameters before training."""

    p: PlaygroundParams
    train: Dataset
    test: Dataset
    validation: Dataset | None
    plane: Plane
    head: Head
    net: engine.Network
    fit: engine.Training
    notes: tuple[str, ...]

    @property
    def grid(self) -> np.ndarray:
        return features.feature_matrix(self.plane.to_network(self.plane.grid(GRID_SIZE)),
                                       self.p.feature_names)


def _setup(p: PlaygroundParams, user_data: Dataset | None) -> _Setup:
    if not p.feature_names:
        raise ValueError("features: choose at least one input feature")
    train_all, test, plane = make_data(p, user_data)
    train, validation = validation_split(train_all, p)
    head = Head.of(p, train.n_classes if train.kind == "classification" else 0)
    notes = []
    if head.kind == "softmax" and p.loss == "playground":
        notes.append(f"{train.n_classes} classes need one output per class: the network uses "
                     "a softmax output with cross-entropy (Playground's ±1 convention is for "
                     "two classes).")
    epochs, note = epoch_budget(p.epochs, len(train), p.batch_size)
    notes += [note] if note else []
    return _Setup(p, train, test, validation, plane, head, network_of(p, head),
                  training_of(p, head, epochs), tuple(notes))


def _assemble(s: _Setup, result: engine.TrainResult, frame_epochs: set[int]) -> PlaygroundRun:
    """The run the page shows from the engine's result: replay frames at ``frame_epochs``
    (and the last snapshot), grid outputs, the test curve and the metrics."""
    snapshots = result.snapshots
    frames_kept = [x for x in snapshots[:-1] if x.epoch in frame_epochs] + snapshots[-1:]
    result = dataclasses.replace(result, snapshots=frames_kept)
    # The grid outputs of every snapshot in NumPy from its weights: cheaper than asking the
    # engine for them at every snapshot, and the same numbers (float64 vs float32).
    grid = s.grid
    outputs = tuple(network.predict(x.weights, s.net.activation, s.net.output_activation, grid
                                    ).astype(np.float32) for x in result.snapshots)
    partial = PlaygroundRun(s.p, s.train, s.test, s.plane, s.head, result, outputs,
                            Metrics(math.nan, math.nan), s.fit.epochs, s.notes, s.validation)
    partial = dataclasses.replace(partial, test_history=_test_history(partial, snapshots))
    return dataclasses.replace(partial, metrics=measure(partial))


def _untrained(s: _Setup) -> PlaygroundRun:
    """Epoch 0 from the initial weights, in NumPy (no trainer, no TensorFlow needed), with
    its training and test loss measured: the first picture of a streamed run."""
    weights = initializers.initial_weights(s.net.sizes, s.net.initializer, s.fit.seed)
    keys = ["loss", "learning_rate", "val_loss"]
    keys += ["accuracy", "val_accuracy"] if s.net.is_classifier else []
    history = {k: np.zeros(0, np.float32) for k in keys}
    result = engine.TrainResult(history, [engine.Snapshot(0, weights, None)], 0)
    r = _assemble(s, result, set())
    activations = s.net.activation
    train_loss, train_acc = _measured(s.head, activations, weights, r.inputs(s.train.x), s.train)
    test_loss, test_acc = _measured(s.head, activations, weights, r.inputs(s.test.x), s.test)
    accuracy = s.head.kind != "regression"
    return dataclasses.replace(r, metrics=Metrics(
        train_loss, test_loss, train_acc if accuracy else None, test_acc if accuracy else None))


def run(p: PlaygroundParams, user_data: Dataset | None = None, frames: int = FRAMES,
        on_chunk: Callable[[Chunk], None] | None = None) -> PlaygroundRun:
    """Make the data, train the network ``p`` describes, and measure it.

    Snapshots (weights, and the output on a ``GRID_SIZE``² grid) are taken at about
    ``frames`` epochs for the replay. With early stopping or the plateau schedule on, part of
    the training data becomes the validation set they watch, and the test set is measured at
    ``CURVE_POINTS`` epochs. A run longer than ``MAX_STEPS`` optimisation steps is cut to
    fewer epochs, with a note saying why. Raises ValueError with a message for the user when
    the configuration cannot be trained (no input feature, missing own data).

    ``on_chunk`` streams the run as it trains (:class:`Chunk`: first the untrained network,
    then the state after every compiled chunk of epochs, in order); the returned run is the
    same, number for number, with or without it.
    """
    s = _setup(p, user_data)
    epochs = s.fit.epochs
    frame_epochs = set(engine.snapshot_epochs(epochs, frames))
    extra = set(curve_epochs(epochs)) if s.validation is not None else set()
    stream = None
    if on_chunk is not None:
        # Refused before the first picture (the engine would refuse it after): a run above
        # the server's work cap shows no picture of a run that never trains.
        engine.check_work(s.net, s.fit, len(s.train))
        on_chunk(Chunk(functools.partial(_untrained, s), 0, epochs,
                       not engine.is_compiled(s.net, s.fit)))

        def stream(partial: engine.TrainResult) -> None:
            on_chunk(Chunk(functools.partial(_assemble, s, partial, set()),
                           partial.epochs_run, epochs))

    result = engine.train(s.net, s.fit,
                          _engine_data(p, s.head, s.plane, s.train, s.validation or s.test),
                          snapshots_at=tuple(sorted(frame_epochs | extra)), on_chunk=stream)
    return _assemble(s, result, frame_epochs)


def measure(r: PlaygroundRun) -> Metrics:
    """Final losses (training and validation from the engine's history, test from the test
    curve) and accuracy / confusion matrix or R² (from a NumPy forward pass with the final
    weights)."""
    history = r.result.history
    train_loss = float(history["loss"][-1]) if len(history["loss"]) else math.nan
    test_curve = r.test_history.get("loss", np.zeros(0))
    test_loss = float(test_curve[-1]) if len(test_curve) else math.nan
    validation_loss = (float(history["val_loss"][-1]) if r.validation is not None
                       and len(history.get("val_loss", [])) else None)
    if r.result.diverged:
        return Metrics(math.inf, math.inf)
    out_train, out_test = r.predict(r.train.x), r.predict(r.test.x)
    if r.head.kind == "regression":
        return Metrics(train_loss, test_loss, train_r2=r_squared(r.train.y, out_train[:, 0]),
                       test_r2=r_squared(r.test.y, out_test[:, 0]),
                       validation_loss=validation_loss)
    pred_train, pred_test = r.head.classes(out_train), r.head.classes(out_test)
    return Metrics(train_loss, test_loss,
                   train_accuracy=float(np.mean(pred_train == r.train.y)),
                   test_accuracy=float(np.mean(pred_test == r.test.y)),
                   confusion=confusion_matrix(r.test.y, pred_test, r.train.n_classes),
                   validation_loss=validation_loss)
