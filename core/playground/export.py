"""Export a Playground run: a standalone Keras script that rebuilds and trains the same
configuration, the trained network as a ``.keras`` file, and the data as CSV.

The script is written as a student would write it: one ``keras.Sequential`` with every layer
spelt out, each Dense layer with its own seeded initializer (one shared seeded initializer
object would give every layer of the same shape the same starting weights) and each Dropout
with its own seed (shared seeds would drop the same units in every layer).
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from core import activations, datasets, initializers, optimizers
from core.datasets import Dataset
from core.playground.head import Head
from core.playground.model import PlaygroundRun
from core.playground.params import (
    DATASET_LABELS,
    EARLY_STOPPING_PATIENCE,
    PLATEAU_FACTOR,
    PLATEAU_PATIENCE,
    PlaygroundParams,
)

_FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1_sq": "x1 ** 2", "x2_sq": "x2 ** 2",
                 "x1x2": "x1 * x2", "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)"}
DATA_FILE, MODEL_FILE = "playground-data.csv", "playground-model.keras"
HISTORY_FILE = "playground-history.csv"
#: Seeds of the Dropout layers start here (Dense layers use seed, seed + 1, ...).
DROPOUT_SEED_OFFSET = 1000


def data_csv(r: PlaygroundRun) -> bytes:
    """The run's points as CSV (x1, x2, label): the training points first, then the
    validation points (if any), then the test points, so the exported Keras code can cut at
    the same places."""
    parts = [r.train, *([r.validation] if r.validation is not None else []), r.test]
    both = Dataset(np.concatenate([d.x for d in parts]), np.concatenate([d.y for d in parts]),
                   r.train.kind, r.train.n_classes)
    return datasets.dataset_to_csv(both)


def _kernel_code(name: str) -> str:
    """Keras kernel initializer equivalent to the registry entry ``name``, with a ``seed``
    placeholder filled per layer (the registry says it: an initializer added there is
    exported too)."""
    return initializers.get(name).keras.format(seed="seed")


def _regularizer_code(p: PlaygroundParams) -> str:
    if p.regularization == "l1" and p.regularization_rate > 0:
        return f"keras.regularizers.L1({p.regularization_rate!r})"
    if p.regularization == "l2" and p.regularization_rate > 0:
        return f"keras.regularizers.L2({p.regularization_rate / 2!r})"
    return "None"


def _regularizer_note(p: PlaygroundParams) -> str:
    """What the exported regularizer does differently from the page (for the script's
    docstring; "" without one). Keras's ``L1`` is ``l1 * sum(abs(x))`` and ``L2`` is
    ``l2 * sum(square(x))`` (keras/src/regularizers/regularizers.py)."""
    rate = p.regularization_rate
    if p.regularization == "l1" and rate > 0:
        return (f"\nL1: keras.regularizers.L1({rate!r}) adds {rate!r}·sign(w) to each "
                "weight's gradient, so weights that\nare not needed end near 0, jittering "
                "around it, not exactly 0. The page applies L1 as a step\nthat stops at 0 "
                "(as TensorFlow Playground does), so there they become exactly 0.\n")
    if p.regularization == "l2" and rate > 0:
        return (f"\nL2: the page's rate λ = {rate!r} means ½·λ·w² per weight (TensorFlow "
                f"Playground's convention);\nkeras.regularizers.L2(l2) means l2·w², so the "
                f"code passes l2 = λ/2 = {rate / 2!r}.\n")
    return ""


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


def _keras_act(name: str) -> str:
    return activations.get(name).keras


def _layers_code(p: PlaygroundParams, head: Head) -> str:
    """The Sequential's layers, one line each, every one with its own seed."""
    lines = []
    for i, units in enumerate(p.hidden_units):
        lines.append(f"        dense({units}, {_keras_act(p.activation)!r}, seed={p.seed + i}),")
        if p.dropout > 0:
            lines.append(f"        keras.layers.Dropout({p.dropout!r}, "
                         f"seed={p.seed + DROPOUT_SEED_OFFSET + i}),")
    lines.append(f"        dense({head.n_outputs}, {head.output_activation!r}, "
                 f"seed={p.seed + len(p.hidden_units)}),")
    return "\n".join(lines)


def _callbacks_code(p: PlaygroundParams) -> str:
    callbacks = []
    if p.lr_schedule:
        callbacks.append(f"keras.callbacks.ReduceLROnPlateau(monitor=\"val_loss\", "
                         f"factor={PLATEAU_FACTOR}, patience={PLATEAU_PATIENCE}, min_lr=1e-7)")
    if p.early_stopping:
        callbacks.append(f"keras.callbacks.EarlyStopping(monitor=\"val_loss\", "
                         f"patience={EARLY_STOPPING_PATIENCE})")
    return ", ".join(callbacks)


def keras_code(r: PlaygroundRun) -> str:
    """A standalone Python script that rebuilds and trains this configuration with plain
    Keras (``keras.Sequential``), reading the data exported by :func:`data_csv`.

    Its numbers come close to the page's but not exactly: Keras draws the initial weights
    and shuffles differently. Early stopping and the plateau schedule watch the validation
    rows, as on the page; the test rows are used once, at the end.
    """
    p, head = r.params, r.head
    n_val = len(r.validation) if r.validation is not None else 0
    loss, metrics = _loss_and_metric_code(head)
    targets, targets_comment = _target_code(head)
    center, scale = r.plane.center, r.plane.scale
    return _CODE_TEMPLATE.format(
        dataset=DATASET_LABELS[p.dataset], n_train=len(r.train), n_val=n_val,
        data_file=DATA_FILE, model_file=MODEL_FILE, history_file=HISTORY_FILE,
        cx=center[0], cy=center[1], scale=scale,
        features=", ".join(_FEATURE_CODE[n] for n in p.feature_names),
        targets=targets, targets_comment=targets_comment,
        kernel_init=_kernel_code(p.initializer),
        bias_init=f"keras.initializers.Constant({initializers.get(p.initializer).bias!r})",
        regularizer=_regularizer_code(p), regularizer_note=_regularizer_note(p), seed=p.seed,
        n_features=len(p.feature_names),
        layers=_layers_code(p, head), optimizer=optimizers.get(p.optimizer).code(p.learning_rate),
        loss=loss, metrics=metrics, batch_size=p.batch_size, epochs=r.epochs,
        callbacks=_callbacks_code(p),
        label_dtype="int64" if head.kind == "softmax" else "float32").rstrip() + "\n"


_CODE_TEMPLATE = '''"""A TensorFlow-Playground configuration rebuilt with plain Keras.

Exported from the lecture dashboard's Playground page (data: {dataset}). Put the data file
exported from the same page ({data_file}) next to this script and run it. Its first
{n_train} rows train the network, the next {n_val} are the validation set (watched by early
stopping and the plateau schedule), the rest are the test set, used once at the end.

Keras reports the loss including the regularisation penalty; the page shows the data term.
{regularizer_note}"""

import numpy as np
import keras


def load_data():
    """(x, y) for the training, validation and test rows of the exported file."""
    data = np.loadtxt("{data_file}", delimiter=",", skiprows=1, ndmin=2)
    points, labels = data[:, :2], data[:, 2].astype("{label_dtype}")
    # Inputs on Playground's plane (coordinates within about ±6), then the chosen features.
    x1 = (points[:, 0] - {cx!r}) * {scale!r}
    x2 = (points[:, 1] - {cy!r}) * {scale!r}
    inputs = np.column_stack([{features}]).astype("float32")
    # {targets_comment}
    targets = ({targets}).astype("float32")
    cuts = [0, {n_train}, {n_train} + {n_val}, len(inputs)]
    return [(inputs[a:b], targets[a:b]) for a, b in zip(cuts, cuts[1:])]


def half_squared_error(y_true, y_pred):
    """Playground's loss: ½ · (output − target)², averaged."""
    return 0.5 * keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)


def sign_accuracy(y_true, y_pred):
    """Share of points whose output has the sign of their ±1 label."""
    return keras.ops.mean(keras.ops.cast((y_true >= 0) == (y_pred >= 0), "float32"), axis=-1)


def dense(units, activation, seed):
    """A Dense layer with its own seeded initializer: one initializer object shared by all
    layers would start every layer of the same shape with the same weights."""
    return keras.layers.Dense(
        units, activation=activation,
        kernel_initializer={kernel_init},
        bias_initializer={bias_init},
        kernel_regularizer={regularizer},
    )


def build_model():
    """The network, compiled with the page's loss and optimizer."""
    model = keras.Sequential([
        keras.Input(shape=({n_features},)),
{layers}
    ])
    model.compile(optimizer={optimizer}, loss={loss}, metrics={metrics})
    return model


def main():
    keras.utils.set_random_seed({seed})  # the shuffles of model.fit
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = load_data()
    model = build_model()
    history = model.fit(x_train, y_train, batch_size={batch_size}, epochs={epochs},
                        shuffle=True, verbose=0,
                        validation_data=(x_val, y_val) if len(x_val) else None,
                        callbacks=[{callbacks}])
    test = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    columns = [name for name in ("loss", "val_loss") if name in history.history]
    table = np.column_stack([np.arange(1, len(history.history["loss"]) + 1)]
                            + [history.history[name] for name in columns])
    np.savetxt("{history_file}", table, delimiter=",", header=",".join(["epoch", *columns]),
               comments="")
    print(f"epochs {{len(history.history['loss'])}}, "
          f"training loss {{history.history['loss'][-1]:.4f}}, test loss {{test['loss']:.4f}}")
    model.save("{model_file}")


if __name__ == "__main__":
    main()
'''


def keras_model(r: PlaygroundRun) -> object:
    """A plain ``keras.Sequential`` of the run's exact sizes holding its final weights."""
    import keras

    p, head = r.params, r.head
    layers: list = [keras.Input((len(p.feature_names),))]
    for i, units in enumerate(p.hidden_units):
        layers.append(keras.layers.Dense(units, activation=_keras_act(p.activation)))
        if p.dropout > 0:
            layers.append(keras.layers.Dropout(p.dropout, seed=p.seed + DROPOUT_SEED_OFFSET + i))
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
