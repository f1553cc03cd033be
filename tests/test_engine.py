"""Tests for core.engine: training is checked against NumPy written here, not against itself.

The reference forward pass, back-propagation and optimizer updates are independent
re-implementations (float64, tests/engine_reference.py). Runs reuse a few network
structures so that the compiled trainers are traced only a handful of times. The rules
applied after each epoch (divergence, schedule, early stopping, best weights) and
regularisation are tested in tests/test_engine_schedule.py.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import threading
import time

import numpy as np
import pytest

from core import engine
from core.engine import Data, Network, Training, snapshot_epochs, train
from core.initializers import initial_weights
from tests.engine_reference import (
    F64,
    GRID,
    NET,
    X8,
    Y8,
    assert_same_run,
    differs,
    flat,
    forward,
    mlp_sgd,
    mse_grads,
    np_loss,
    reference_steps,
    reg_data,
    run_in_threads,
)

# ----------------------------------------------------------------------------------------
# One and two optimisation steps against NumPy
# ----------------------------------------------------------------------------------------


def test_reference_gradient_matches_finite_differences() -> None:
    """The NumPy back-propagation used as reference is itself right."""
    theta = flat(initial_weights(NET.sizes, NET.initializer, 11))
    x, y = X8.astype(F64), Y8.astype(F64)
    grads = mse_grads(theta, x, y)

    def loss(th):
        return np_loss("mse", forward([(th[0], th[1]), (th[2], th[3])], x), y)

    h = 1e-6
    for i, t in enumerate(theta):
        for idx in np.ndindex(t.shape):
            plus = [a.copy() for a in theta]
            minus = [a.copy() for a in theta]
            plus[i][idx] += h
            minus[i][idx] -= h
            numeric = (loss(plus) - loss(minus)) / (2 * h)
            assert grads[i][idx] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("steps", [1, 2])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
def test_full_batch_steps_match_numpy(optimizer: str, steps: int) -> None:
    seed, lr = 11, 0.1
    fit = Training(loss="mse", optimizer=optimizer, learning_rate=lr, batch_size=len(X8),
                   epochs=steps, seed=seed)
    theta0 = flat(initial_weights(NET.sizes, NET.initializer, seed))
    # Adam's step is ~lr·sign(g): a meaningful comparison needs no gradient near zero.
    assert min(np.abs(g).min() for g in mse_grads(theta0, X8.astype(F64), Y8.astype(F64))) > 1e-3

    result = train(NET, fit, Data(X8, Y8))
    got = flat(result.final.weights)
    expected = reference_steps(optimizer, theta0, X8, Y8, lr, steps)
    assert [g.shape for g in got] == [(2, 3), (3,), (3, 1), (1,)]
    for g, e, t0 in zip(got, expected, theta0):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
        # The change itself, so a step that is too small or too large cannot hide in θ.
        np.testing.assert_allclose(g - t0, e - t0, rtol=2e-3, atol=2e-6)
    assert result.epochs_run == steps and not result.diverged
    assert result.message == f"trained {steps} epochs"


def test_initial_weights_chosen_on_purpose_start_the_run() -> None:
    seed, lr = 11, 0.1
    fit = Training(loss="mse", optimizer="sgd", learning_rate=lr, batch_size=len(X8),
                   epochs=2, seed=seed)
    drawn = initial_weights(NET.sizes, NET.initializer, seed)
    chosen = [(3.0 * k[::-1], b + 0.5) for k, b in drawn]
    result = train(NET, fit, Data(X8, Y8), initial_weights=chosen, snapshots_at=(0, 2))
    for got, start in zip(flat(result.snapshots[0].weights), flat(chosen)):
        np.testing.assert_array_equal(got, start.astype(np.float32))
    expected = reference_steps("sgd", flat(chosen), X8, Y8, lr, 2)
    for g, e in zip(flat(result.final.weights), expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
    # Not the seed's own start: that run ends elsewhere.
    assert differs(result, train(NET, fit, Data(X8, Y8)))
    (k1, b1), (k2, b2) = chosen
    with pytest.raises(ValueError, match="initial_weights: layer 2"):
        train(NET, fit, Data(X8, Y8), initial_weights=[(k1, b1), (np.zeros((2, 1)), b2)])
    with pytest.raises(ValueError, match="NaN"):
        train(NET, fit, Data(X8, Y8), initial_weights=[(k1, b1), (k2 * np.nan, b2)])


@pytest.mark.parametrize(("l1", "l2"), [(0.0, 0.5), (0.5, 0.0), (0.3, 0.2)])
def test_regularisation_gradient(l1: float, l2: float) -> None:
    seed, lr = 11, 0.1
    fit = Training(loss="mse", optimizer="sgd", learning_rate=lr, batch_size=len(X8),
                   epochs=1, seed=seed, l1_rate=l1, l2_rate=l2)
    net = dataclasses.replace(NET, initializer="playground")  # biases 0.1, not 0
    theta0 = flat(initial_weights(net.sizes, net.initializer, seed))
    assert np.all(theta0[1] != 0) and np.all(theta0[3] != 0)
    got = flat(train(net, fit, Data(X8, Y8)).final.weights)
    expected = reference_steps("sgd", theta0, X8, Y8, lr, 1, l1=l1, l2=l2)
    plain = reference_steps("sgd", theta0, X8, Y8, lr, 1)
    for i, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
        if i in (0, 2):  # kernels: visibly pulled towards zero compared with plain SGD
            assert np.abs(e - plain[i]).min() > 1e-3
            np.testing.assert_array_equal(np.sign(g - plain[i]), -np.sign(plain[i]))
        else:  # biases: not regularised
            np.testing.assert_allclose(g, plain[i], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("batch_size", "epochs", "steps"),
                         [(6, 1, 1), (4, 1, 2), (4, 2, 4), (1, 1, 6), (50, 1, 1)])
def test_mini_batches_per_epoch(batch_size: int, epochs: int, steps: int) -> None:
    # Six copies of one point: every batch, whatever its size and order, has the same
    # gradient, so an epoch is exactly ceil(6 / batch_size) plain SGD steps.
    x = np.tile([[0.5, -1.0]], (6, 1))
    y = np.full((6, 1), 2.0)
    fit = Training(loss="mse", optimizer="sgd", learning_rate=0.1, batch_size=batch_size,
                   epochs=epochs, seed=4)
    theta0 = flat(initial_weights(NET.sizes, NET.initializer, 4))
    got = flat(train(NET, fit, Data(x, y)).final.weights)
    expected = reference_steps("sgd", theta0, x[:1], y[:1], 0.1, steps)
    wrong = reference_steps("sgd", theta0, x[:1], y[:1], 0.1, steps + 1)
    assert not np.allclose(flat(wrong)[3], expected[3], rtol=1e-4)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


# Distinct points: the order of the batches now changes the result, so the order each
# epoch used can be read back from the weights, by trying every possible order in NumPy.
X_DISTINCT = np.array([[0.5, -1.0], [-1.2, 0.3], [0.9, 0.8], [-0.4, -1.5], [1.5, -0.2]])
Y_DISTINCT = np.array([[2.0], [-1.0], [0.5], [1.5], [-0.7]])


def _batches_used(before, after, batch_size: int) -> tuple[tuple[int, ...], ...]:
    """The one sequence of batches (as sets of point indices) that turns the weights
    ``before`` into ``after`` with SGD; fails unless exactly one sequence fits."""
    n = len(X_DISTINCT)
    errors: dict[tuple[tuple[int, ...], ...], float] = {}
    for order in itertools.permutations(range(n)):
        batches = tuple(tuple(sorted(order[i:i + batch_size])) for i in range(0, n, batch_size))
        if batches in errors:
            continue
        theta = flat(before)
        for b in batches:
            theta = reference_steps("sgd", theta, X_DISTINCT[list(b)], Y_DISTINCT[list(b)],
                                    0.1, 1)
        errors[batches] = max(float(np.abs(t - a).max()) for t, a in zip(theta, flat(after)))
    ranked = sorted(errors, key=errors.get)
    assert errors[ranked[0]] < 2e-6 and errors[ranked[1]] > 1e-4
    return ranked[0]


@pytest.mark.parametrize("batch_size", [1, 2])
def test_points_are_reshuffled_every_epoch_deterministically(batch_size: int) -> None:
    def orders(seed: int):
        fit = Training(loss="mse", optimizer="sgd", learning_rate=0.1,
                       batch_size=batch_size, epochs=3, seed=seed)
        result = train(NET, fit, Data(X_DISTINCT, Y_DISTINCT), snapshots_at=(0, 1, 2, 3))
        snaps = result.snapshots
        return [_batches_used(a.weights, b.weights, batch_size)
                for a, b in zip(snaps, snaps[1:])]

    first = orders(seed=4)
    # Every point once per epoch, in batches of batch_size and a smaller last one.
    for batches in first:
        assert sorted(i for b in batches for i in b) == list(range(5))
        assert [len(b) for b in batches] == [batch_size] * (5 // batch_size) + (
            [5 % batch_size] if 5 % batch_size else [])
    assert len(set(first)) > 1  # the order changes from epoch to epoch
    assert orders(seed=4) == first  # ... the same way for the same seed
    assert orders(seed=5) != first  # ... and another way for another seed


# ----------------------------------------------------------------------------------------
# Losses and accuracy recorded in the history
# ----------------------------------------------------------------------------------------

_crng = np.random.default_rng(7)
XC = _crng.normal(size=(40, 2))
XC_VAL = _crng.normal(size=(25, 2))
CLASSES = _crng.integers(0, 3, size=65)
BINARY = (_crng.random(65) < 0.5).astype(float)

LOSS_CASES = {
    "mse": ("linear", 1, np.sin(XC[:, :1]) + XC[:, 1:]),
    "half_mse": ("linear", 1, np.sin(XC[:, :1]) + XC[:, 1:]),
    "binary_crossentropy": ("sigmoid", 1, BINARY[:40, None]),
    "categorical_crossentropy": ("softmax", 3, np.eye(3)[CLASSES[:40]]),
}


@pytest.mark.parametrize("loss", list(LOSS_CASES))
def test_recorded_loss_is_the_loss_of_the_weights_after_the_epoch(loss: str) -> None:
    output, n_out, y = LOSS_CASES[loss]
    net = Network(n_inputs=2, hidden_units=(3,), activation="tanh", n_outputs=n_out,
                  output_activation=output)
    fit = Training(loss=loss, optimizer="sgd", learning_rate=0.5, batch_size=8, epochs=1,
                   seed=3)
    result = train(net, fit, Data(XC, y))
    assert result.history["loss"].shape == (1,)
    expected = np_loss(loss, forward(result.final.weights, XC, "tanh", output), y)
    assert float(result.history["loss"][0]) == pytest.approx(expected, rel=1e-4)
    # ... and not the loss before the epoch: training moved it.
    before = np_loss(loss, forward(initial_weights(net.sizes, net.initializer, 3), XC, "tanh",
                                   output), y)
    assert abs(before - expected) > 1e-3 * expected


def _accuracy(p: np.ndarray, y: np.ndarray, output: str) -> float:
    if output == "softmax":
        return float(np.mean(p.argmax(axis=1) == y.argmax(axis=1)))
    threshold = 0.0 if output == "tanh" else 0.5
    return float(np.mean((p[:, 0] >= threshold) == (y[:, 0] >= threshold)))


ACCURACY_CASES = {
    "sigmoid": ("binary_crossentropy", 1, BINARY[:, None]),
    "tanh": ("mse", 1, 2.0 * BINARY[:, None] - 1.0),
    "softmax": ("categorical_crossentropy", 3, np.eye(3)[CLASSES]),
}


@pytest.mark.parametrize("output", list(ACCURACY_CASES))
def test_accuracy_against_numpy(output: str) -> None:
    loss, n_out, y = ACCURACY_CASES[output]
    net = Network(n_inputs=2, hidden_units=(3,), activation="tanh", n_outputs=n_out,
                  output_activation=output)
    fit = Training(loss=loss, optimizer="sgd", learning_rate=0.5, batch_size=8, epochs=2,
                   seed=5)
    result = train(net, fit, Data(XC, y[:40], XC_VAL, y[40:]))
    h = result.history
    assert set(h) == {"loss", "learning_rate", "val_loss", "accuracy", "val_accuracy"}
    assert all(len(v) == 2 for v in h.values())
    np.testing.assert_allclose(h["learning_rate"], 0.5, rtol=1e-7)  # no schedule: constant
    for x, yy, key in ((XC, y[:40], "accuracy"), (XC_VAL, y[40:], "val_accuracy")):
        p = forward(result.final.weights, x, "tanh", output)
        if output != "softmax":  # no prediction so close to the threshold that float32 flips it
            assert np.abs(p - (0.0 if output == "tanh" else 0.5)).min() > 1e-5
        expected = _accuracy(p, yy, output)
        assert 0.0 < expected < 1.0
        assert float(h[key][-1]) == pytest.approx(expected, abs=1e-6), key
        if output == "tanh":  # the threshold matters for these outputs
            assert _accuracy(p, yy, "sigmoid") != expected
    val = np_loss(loss, forward(result.final.weights, XC_VAL, "tanh", output), y[40:])
    assert float(h["val_loss"][-1]) == pytest.approx(val, rel=1e-4)


# ----------------------------------------------------------------------------------------
# Snapshots and validation
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_run():
    data = reg_data(30, seed=1, n_val=12)
    fit = Training(loss="mse", optimizer="sgd", learning_rate=0.1, batch_size=7, epochs=10,
                   seed=8)
    return data, fit, train(NET, fit, data, eval_x=GRID, snapshots_at=(0, 3, 10))


def test_snapshots_at_the_asked_epochs(snapshot_run) -> None:
    _data, fit, result = snapshot_run
    assert [s.epoch for s in result.snapshots] == [0, 3, 10]
    assert result.final is result.snapshots[-1]
    assert result.epochs_run == 10
    for (k0, b0), (k, b) in zip(result.snapshots[0].weights,
                                initial_weights(NET.sizes, NET.initializer, fit.seed)):
        np.testing.assert_array_equal(k0, k)
        np.testing.assert_array_equal(b0, b)
    # Training changed the weights between snapshots.
    assert differs(result, dataclasses.replace(result, snapshots=result.snapshots[:1]))


def test_snapshot_outputs_are_the_forward_pass_of_their_weights(snapshot_run) -> None:
    _data, _fit, result = snapshot_run
    for snap in result.snapshots:
        assert snap.outputs.shape == (len(GRID), 1)
        np.testing.assert_allclose(snap.outputs, forward(snap.weights, GRID), atol=1e-5)


def test_history_matches_snapshot_weights(snapshot_run) -> None:
    data, _fit, result = snapshot_run
    x, y, xv, yv = data.arrays()
    h = result.history
    assert set(h) == {"loss", "learning_rate", "val_loss"}  # a regression: no accuracy
    assert all(v.shape == (10,) for v in h.values())
    for snap in result.snapshots[1:]:
        i = snap.epoch - 1
        assert float(h["loss"][i]) == pytest.approx(
            np_loss("mse", forward(snap.weights, x), y), rel=1e-5)
        assert float(h["val_loss"][i]) == pytest.approx(
            np_loss("mse", forward(snap.weights, xv), yv), rel=1e-5)


def test_default_snapshot_is_the_end_and_the_end_is_always_recorded() -> None:
    data = reg_data(30, seed=1)
    fit = Training(loss="mse", optimizer="sgd", learning_rate=0.1, batch_size=7, epochs=6,
                   seed=8)
    only_end = train(NET, fit, data)
    assert [s.epoch for s in only_end.snapshots] == [6]
    assert only_end.final.outputs is None
    assert set(only_end.history) == {"loss", "learning_rate"}
    partial = train(NET, fit, data, eval_x=GRID, snapshots_at=(2, 0, 2, 99))
    assert [s.epoch for s in partial.snapshots] == [0, 2, 6]
    assert partial.final.outputs.shape == (len(GRID), 1)
    # Stopping at intermediate snapshots does not change the run.
    assert_same_run(only_end, dataclasses.replace(
        partial, snapshots=[dataclasses.replace(partial.final, outputs=None)]))


def test_snapshot_epochs() -> None:
    epochs = snapshot_epochs(500, 30)
    assert epochs[0] == 0 and epochs[-1] == 500
    assert all(a < b for a, b in zip(epochs, epochs[1:]))
    assert 20 <= len(epochs) <= 30
    assert all(isinstance(e, int) for e in epochs)
    assert epochs[1] - epochs[0] < epochs[-1] - epochs[-2]  # denser at the start
    few = snapshot_epochs(5, 30)
    assert few[0] == 0 and few[-1] == 5 and all(a < b for a, b in zip(few, few[1:]))
    assert snapshot_epochs(10, 1) == (10,)


# ----------------------------------------------------------------------------------------
# Padding to a compiled width must be invisible
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("units", "activation"), [
    ((3,), "sigmoid"),  # sigmoid(0) = 0.5: padded units need the unit mask
    ((3, 5), "sigmoid"),
    ((6, 2, 4), "tanh"),
    ((100,), "tanh"),
    ((128,), "tanh"),  # the widest bucket, exactly full
])
def test_padded_units_do_not_leak(units: tuple[int, ...], activation: str) -> None:
    data = reg_data(24, seed=2)
    x, y, _, _ = data.arrays()
    net = Network(n_inputs=2, hidden_units=units, activation=activation,
                  initializer="glorot_normal")
    fit = Training(loss="mse", optimizer="sgd", learning_rate=0.2, batch_size=24,
                   epochs=4, seed=6)
    result = train(net, fit, data, eval_x=GRID)
    sizes = (2, *units, 1)
    assert [w.shape for w in flat(result.final.weights)] == [
        shape for i in range(len(sizes) - 1) for shape in ((sizes[i], sizes[i + 1]),
                                                            (sizes[i + 1],))]
    # If any padded unit leaked into the computation, the steps would differ from NumPy's.
    start = initial_weights(net.sizes, net.initializer, fit.seed)
    expected = mlp_sgd(start, x, y, activation, 0.2, 4)
    for got, want, first in zip(flat(result.final.weights), expected, flat(start)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
        assert not np.allclose(want, first, atol=1e-4)  # and training moved every array
    p = forward(result.final.weights, x, activation)
    assert float(result.history["loss"][-1]) == pytest.approx(np_loss("mse", p, y), rel=1e-4)
    np.testing.assert_allclose(result.final.outputs, forward(result.final.weights, GRID,
                                                             activation), atol=1e-5)


# ----------------------------------------------------------------------------------------
# Determinism and reuse of compiled trainers
# ----------------------------------------------------------------------------------------


def test_same_inputs_same_result_and_seed_matters() -> None:
    data = reg_data(16, seed=3, n_val=5)
    fit = Training(loss="mse", optimizer="adam", learning_rate=0.02, batch_size=4, epochs=15,
                   seed=1)
    a1 = train(NET, fit, data, eval_x=GRID, snapshots_at=(0, 5, 15))
    a2 = train(NET, fit, data, eval_x=GRID, snapshots_at=(0, 5, 15))
    assert_same_run(a1, a2)
    other_seed = train(NET, dataclasses.replace(fit, seed=2), data, eval_x=GRID,
                       snapshots_at=(0, 5, 15))
    assert differs(a1, other_seed)
    assert not np.array_equal(a1.history["loss"], other_seed.history["loss"])


def test_other_width_in_between_does_not_change_a_run() -> None:
    data = reg_data(16, seed=3, n_val=5)
    fit_a = Training(loss="mse", optimizer="adam", learning_rate=0.02, batch_size=4,
                     epochs=15, seed=1)
    a1 = train(NET, fit_a, data, eval_x=GRID)
    # Same compiled trainer (width 5 is padded to 16 like width 3), every setting different.
    net_b = dataclasses.replace(NET, hidden_units=(5,))
    fit_b = Training(loss="mse", optimizer="adam", learning_rate=0.3, batch_size=3,
                     epochs=7, seed=9, l1_rate=0.01, l2_rate=0.02)
    b = train(net_b, fit_b, reg_data(11, seed=4), eval_x=GRID[:3])
    assert [w.shape for w in flat(b.final.weights)] == [(2, 5), (5,), (5, 1), (1,)]
    a2 = train(NET, fit_a, data, eval_x=GRID)
    assert_same_run(a1, a2)


# ----------------------------------------------------------------------------------------
# Concurrency
# ----------------------------------------------------------------------------------------


_DROPOUT_JOB = (
    Network(n_inputs=3, hidden_units=(6,), activation="relu", dropout=0.3),
    Training(loss="mse", optimizer="momentum", learning_rate=0.01, batch_size=5, epochs=12,
             seed=21),
    Data(np.random.default_rng(5).normal(size=(20, 3)),
         np.random.default_rng(6).normal(size=(20, 1))),
    {"eval_x": np.random.default_rng(7).normal(size=(9, 3)), "snapshots_at": (0, 4, 12)},
)
_CLASSIFIER_NET = Network(n_inputs=3, hidden_units=(4, 4), activation="tanh",
                          output_activation="sigmoid")
_CLASSIFIER_DATA = Data(np.random.default_rng(8).normal(size=(30, 3)),
                        (np.random.default_rng(9).random(30) < 0.5).astype(float),
                        np.random.default_rng(10).normal(size=(6, 3)),
                        np.ones(6))
_CLASSIFIER_JOB = (
    _CLASSIFIER_NET,
    Training(loss="binary_crossentropy", optimizer="adam", learning_rate=0.01, batch_size=4,
             epochs=12, seed=22),
    _CLASSIFIER_DATA,
    {"eval_x": np.zeros((2, 3))},
)


def test_two_structures_trained_at_once_match_sequential_runs() -> None:
    # First use of both structures happens in the threads, so they are also compiled at once.
    together = run_in_threads([_DROPOUT_JOB, _CLASSIFIER_JOB])
    for job, result in zip((_DROPOUT_JOB, _CLASSIFIER_JOB), together):
        assert_same_run(result, train(*job[:3], **job[3]))
    # Dropout really is active: without it, the same run ends elsewhere.
    no_dropout = train(dataclasses.replace(_DROPOUT_JOB[0], dropout=0.0), *_DROPOUT_JOB[1:3],
                       **_DROPOUT_JOB[3])
    assert differs(together[0], no_dropout)


def test_one_structure_trained_by_two_threads_at_once() -> None:
    other = (dataclasses.replace(_CLASSIFIER_NET, hidden_units=(7, 2)),
             dataclasses.replace(_CLASSIFIER_JOB[1], learning_rate=0.05, seed=30, epochs=9),
             _CLASSIFIER_DATA, {})
    sequential = [train(*job[:3], **job[3]) for job in (_CLASSIFIER_JOB, other)]
    for _ in range(2):
        together = run_in_threads([_CLASSIFIER_JOB, other])
        for a, b in zip(together, sequential):
            assert_same_run(a, b)


# ----------------------------------------------------------------------------------------
# Validation of parameters
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Network(hidden_units=(0,)), "hidden_units"),
        (lambda: Network(hidden_units=(129,)), "hidden_units"),
        (lambda: Network(hidden_units=(2,) * 9), "hidden_units"),
        (lambda: Network(activation="nope"), "activation"),
        (lambda: Network(hidden_units=(2, 2), activation=("tanh",)), "activation"),
        (lambda: Network(output_activation="relu"), "output_activation"),
        (lambda: Network(n_inputs=0), "n_inputs"),
        (lambda: Network(n_outputs=0), "n_outputs"),
        (lambda: Network(dropout=1.0), "dropout"),
        (lambda: Network(dropout=-0.1), "dropout"),
        (lambda: Network(initializer="nope"), "initializer"),
        (lambda: Training(learning_rate=-1), "learning_rate"),
        (lambda: Training(learning_rate=0), "learning_rate"),
        (lambda: Training(learning_rate=math.nan), "learning_rate"),
        (lambda: Training(optimizer="nope"), "optimizer"),
        (lambda: Training(loss="nope"), "loss"),
        (lambda: Training(batch_size=0), "batch_size"),
        (lambda: Training(epochs=0), "epochs"),
        (lambda: Training(l2_rate=-0.1), "l2_rate"),
        (lambda: Training(l1_rate=math.inf), "l1_rate"),
        (lambda: Training(seed=-1), "seed"),
        (lambda: Training(plateau_patience=-1), "plateau_patience"),
        (lambda: Training(plateau_factor=1.0), "plateau_factor"),
        (lambda: Training(plateau_factor=0.0), "plateau_factor"),
        (lambda: Training(early_stopping_patience=-1), "early_stopping_patience"),
        (lambda: Data(np.array([[0.0, math.nan]]), np.array([1.0])), "x_train"),
        (lambda: Data(np.zeros((3, 2)), np.zeros(4)), "y_train"),
        (lambda: Data(np.zeros((3, 2)), np.zeros(3), np.zeros((2, 2)), None), "y_val"),
        (lambda: Data(np.zeros((3, 2)), np.zeros(3), np.zeros((2, 2)), np.full(2, np.inf)),
         "y_val"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(make, name: str) -> None:
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        make()


def test_data_with_wrong_number_of_columns() -> None:
    fit = Training(epochs=1)
    with pytest.raises(ValueError, match="n_inputs"):
        train(NET, fit, Data(np.zeros((4, 3)), np.zeros(4)))
    with pytest.raises(ValueError, match="n_outputs"):
        train(NET, fit, Data(np.zeros((4, 2)), np.zeros((4, 2))))


def test_network_defaults_and_sizes() -> None:
    net = Network(n_inputs=3, hidden_units=[5, 2], activation="relu", n_outputs=2)
    assert net.hidden_units == (5, 2)
    assert net.activation == ("relu", "relu")
    assert net.sizes == (3, 5, 2, 2)
    assert not net.is_classifier
    assert Network(output_activation="softmax").is_classifier


def test_replacing_data_leaves_the_original_alone() -> None:
    original = Data(np.zeros((3, 2)), np.zeros(3), np.ones((2, 2)), np.ones(2))
    dataclasses.replace(original, x_train=np.ones((5, 2)), y_train=np.ones(5),
                        x_val=None, y_val=None)
    assert original.arrays()[0].shape == (3, 2)
    assert original.has_validation


# ----------------------------------------------------------------------------------------
# Progress callback, loss checks, wide layers
# ----------------------------------------------------------------------------------------


def test_progress_is_reported_and_does_not_change_the_run(snapshot_run) -> None:
    data, fit, result = snapshot_run
    calls: list[tuple[int, int]] = []
    with_progress = train(NET, fit, data, eval_x=GRID, snapshots_at=(0, 3, 10),
                          on_progress=lambda done, total: calls.append((done, total)))
    assert_same_run(result, with_progress)
    assert calls[-1] == (10, 10) and all(total == 10 for _d, total in calls)
    assert [d for d, _t in calls] == sorted({d for d, _t in calls}) and len(calls) >= 5
    long_fit = dataclasses.replace(fit, epochs=200)
    long_calls: list[tuple[int, int]] = []
    train(NET, long_fit, data, on_progress=lambda d, t: long_calls.append((d, t)))
    assert len(long_calls) == engine.PROGRESS_CHUNKS and long_calls[-1] == (200, 200)


@pytest.mark.parametrize(
    ("loss", "n_outputs", "output", "name"),
    [
        ("binary_crossentropy", 1, "linear", "output_activation"),
        ("binary_crossentropy", 1, "tanh", "output_activation"),
        ("binary_crossentropy", 2, "sigmoid", "n_outputs"),
        ("categorical_crossentropy", 1, "softmax", "n_outputs"),
        ("categorical_crossentropy", 3, "sigmoid", "output_activation"),
    ],
)
def test_cross_entropy_needs_its_output_layer(loss, n_outputs, output, name) -> None:
    net = Network(n_inputs=2, hidden_units=(3,), n_outputs=n_outputs,
                  output_activation=output)
    with pytest.raises(ValueError, match=rf"loss='{loss}'.*{name}="):
        train(net, Training(loss=loss, epochs=1), Data(XC, np.zeros((40, n_outputs))))


def test_width_128_is_allowed() -> None:
    assert Network(hidden_units=(128, 1)).hidden_units == (128, 1)


# ----------------------------------------------------------------------------------------
# Recorded loss = minimised loss (from logits)
# ----------------------------------------------------------------------------------------


def test_a_confidently_wrong_output_records_its_true_cross_entropy() -> None:
    # One sigmoid unit, no hidden layer, its start weight w₀ < 0: at x = −40/w₀ the logit is
    # −40 for a point of class 1, whose cross-entropy is ln(1 + e⁴⁰) ≈ 40. Probabilities
    # clipped at 1e-7 would record −ln(1e-7) ≈ 16.1 instead.
    net = Network(n_inputs=1, hidden_units=(), activation=(), output_activation="sigmoid")
    seed = next(s for s in range(50)
                if initial_weights(net.sizes, net.initializer, s)[0][0][0, 0] < -0.5)
    w0 = float(initial_weights(net.sizes, net.initializer, seed)[0][0][0, 0])
    x = np.array([[-40.0 / w0]])
    fit = Training(loss="binary_crossentropy", learning_rate=1e-6, batch_size=1, epochs=1,
                   seed=seed)
    result = train(net, fit, Data(x, np.ones((1, 1))), eval_x=x)
    (k, b), = result.final.weights
    z = float(x[0, 0]) * float(k[0, 0]) + float(b[0])
    assert z == pytest.approx(-40.0, rel=1e-3)
    assert float(result.history["loss"][0]) == pytest.approx(np.logaddexp(0.0, -z), rel=1e-5)
    # The outputs are still probabilities (the sigmoid applied where outputs are shown).
    assert float(result.final.outputs[0, 0]) == pytest.approx(1 / (1 + np.exp(-z)), rel=1e-3)


def test_softmax_cross_entropy_from_logits_is_not_capped() -> None:
    net = Network(n_inputs=1, hidden_units=(), activation=(), n_outputs=2,
                  output_activation="softmax", initializer="large")
    fit = Training(loss="categorical_crossentropy", learning_rate=1e-6, batch_size=2,
                   epochs=1, seed=3)
    start = initial_weights(net.sizes, net.initializer, 3)
    gap = float(np.abs(start[0][0][0, 0] - start[0][0][0, 1]))
    x = np.array([[40.0 / gap], [-40.0 / gap]])  # logits 40 apart
    z = x @ start[0][0].astype(F64)
    wrong = np.eye(2)[np.argmin(z, axis=1)]  # every point labelled with its least likely class
    result = train(net, fit, Data(x, wrong))
    zf = x @ result.final.weights[0][0].astype(F64) + result.final.weights[0][1]
    expected = float(np.mean(np.logaddexp.reduce(zf, axis=1) - np.sum(wrong * zf, axis=1)))
    assert expected > 30.0  # far beyond the 16.1 of clipped probabilities
    assert float(result.history["loss"][0]) == pytest.approx(expected, rel=1e-4)


# ----------------------------------------------------------------------------------------
# One build per structure, one update helper, one seed stream per dropout layer
# ----------------------------------------------------------------------------------------


def test_a_new_structure_is_compiled_at_most_once_per_run_at_once() -> None:
    # A structure no other test uses (elu, three layers, width bucket 64, rmsprop). Two runs
    # at once may give it a second trainer (TRAINERS_PER_STRUCTURE), never a third; later
    # runs reuse them (tests/test_limits.py checks that builds never overlap).
    net = Network(n_inputs=2, hidden_units=(40, 3, 3), activation="elu")
    fit = Training(loss="mse", optimizer="rmsprop", learning_rate=0.01, epochs=3, seed=1)
    other = dataclasses.replace(fit, seed=2, learning_rate=0.02)
    data = reg_data(20, seed=3)
    builds = engine.TRAINERS.builds
    together = run_in_threads([(net, fit, data, {}), (net, other, data, {})])
    built = engine.TRAINERS.builds - builds
    assert 1 <= built <= min(2, engine.TRAINERS_PER_STRUCTURE)
    assert_same_run(together[0], train(net, fit, data))
    assert_same_run(together[1], train(net, other, data))
    assert engine.TRAINERS.builds == builds + built


def test_build_once_under_contention_failure_and_eviction() -> None:
    calls: list[str] = []

    def slow_build(key: str) -> object:
        calls.append(key)
        time.sleep(0.2)
        if key == "broken" and calls.count("broken") == 1:
            raise RuntimeError("first build fails")
        return object()

    cache = engine.BuildOnce(slow_build, max_size=2)
    got: list = []
    barrier = threading.Barrier(4)

    def ask() -> None:
        barrier.wait()
        got.append(cache.get("a"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert calls == ["a"] and cache.builds == 1 and all(v is got[0] for v in got)
    with pytest.raises(RuntimeError):
        cache.get("broken")
    assert cache.get("broken") is not None and calls.count("broken") == 2  # tried again
    cache.get("b")  # three keys, room for two: "a" (least recently used) goes
    assert "a" not in cache and "broken" in cache and "b" in cache and len(cache) == 2


@pytest.mark.parametrize(("option", "value"), [
    ("clipnorm", 1.0), ("clipvalue", 0.5), ("global_clipnorm", 1.0), ("weight_decay", 0.01),
    ("use_ema", True),
])
def test_update_helper_refuses_options_it_would_ignore(option: str, value) -> None:
    import keras

    tf = engine.tensorflow()
    var = tf.Variable([1.0, -2.0])
    refused = keras.optimizers.SGD(learning_rate=0.1, **{option: value})
    refused.build([var])
    with pytest.raises(ValueError, match=option):
        engine.apply_updates(refused, [tf.constant([0.5, 0.5])], [var])
    np.testing.assert_array_equal(var.numpy(), [1.0, -2.0])
    # Without the option: the plain SGD step, and the iteration counted.
    plain = keras.optimizers.SGD(learning_rate=0.1)
    plain.build([var])
    engine.apply_updates(plain, [tf.constant([0.5, 0.5])], [var])
    np.testing.assert_allclose(var.numpy(), [0.95, -2.05], rtol=1e-6)
    assert int(plain.iterations.numpy()) == 1


def test_dropout_layers_get_independent_streams() -> None:
    import keras

    from core.engine.trainer import dropout_states

    states = dropout_states(7, 8)
    keys = [int(s[0]) for s in states]
    assert len(set(keys)) == 8 and all(int(s[1]) == 0 for s in states)
    assert all(0 <= k < 2**63 for k in keys)
    assert [s.tolist() for s in dropout_states(7, 8)] == [s.tolist() for s in states]
    assert int(dropout_states(8, 1)[0][0]) != keys[0]
    # Two layers after many draws still draw different masks (a fixed counter offset
    # between layers, as before, made layer 1 repeat layer 2's masks after 7919 steps).
    masks = []
    for state in states[:2]:
        layer = keras.layers.Dropout(0.5, seed=0)
        layer.seed_generator.state.assign(state + np.array([0, 10_000]))
        masks.append(keras.ops.convert_to_numpy(layer(np.ones((1, 64)), training=True)))
    assert not np.array_equal(masks[0], masks[1])
