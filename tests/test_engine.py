"""Tests for core.engine: training is checked against NumPy written here, not against itself.

The reference forward pass, back-propagation and optimizer updates below are independent
re-implementations (float64). Runs reuse a few network structures so that the compiled
trainers are traced only a handful of times.
"""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
import pytest

from core import engine
from core.engine import Data, Network, Training, first_divergence, snapshot_epochs, train
from core.initializers import initial_weights

F64 = np.float64

# ----------------------------------------------------------------------------------------
# NumPy reference
# ----------------------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


HIDDEN = {"tanh": np.tanh, "sigmoid": _sigmoid, "relu": lambda z: np.maximum(z, 0.0)}
OUTPUT = {"linear": lambda z: z, "sigmoid": _sigmoid, "tanh": np.tanh, "softmax": _softmax}


def forward(weights, x, hidden: str = "tanh", output: str = "linear") -> np.ndarray:
    h = np.asarray(x, F64)
    for kernel, bias in weights[:-1]:
        h = HIDDEN[hidden](h @ np.asarray(kernel, F64) + np.asarray(bias, F64))
    kernel, bias = weights[-1]
    return OUTPUT[output](h @ np.asarray(kernel, F64) + np.asarray(bias, F64))


def np_loss(name: str, p: np.ndarray, y: np.ndarray) -> float:
    y = np.asarray(y, F64).reshape(p.shape)
    if name == "mse":
        return float(np.mean((p - y) ** 2))
    if name == "half_mse":
        return float(0.5 * np.mean((p - y) ** 2))
    if name == "binary_crossentropy":
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert name == "categorical_crossentropy"
    return float(-np.mean(np.sum(y * np.log(p), axis=1)))


def mse_grads(theta: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Hand back-propagation of mean((p - y)²) for x → tanh → linear; theta = [W1, b1, W2, b2]."""
    w1, b1, w2, b2 = theta
    h = np.tanh(x @ w1 + b1)
    p = h @ w2 + b2
    dp = 2.0 * (p - y) / p.size
    dz = (dp @ w2.T) * (1.0 - h**2)
    return [x.T @ dz, dz.sum(axis=0), h.T @ dp, dp.sum(axis=0)]


def flat(weights) -> list[np.ndarray]:
    return [np.asarray(a, F64) for pair in weights for a in pair]


def reference_steps(optimizer: str, theta0: list[np.ndarray], x, y, lr: float, steps: int,
                    l1: float = 0.0, l2: float = 0.0) -> list[np.ndarray]:
    """``steps`` full-batch updates with Keras's conventions for each optimizer; L2 in the
    gradient, L1 as a soft threshold w ← sign(w)·max(|w| − lr·l1, 0) after the update."""
    x, y = np.asarray(x, F64), np.asarray(y, F64)
    theta = [t.copy() for t in theta0]
    m = [np.zeros_like(t) for t in theta]
    v = [np.zeros_like(t) for t in theta]
    for t in range(1, steps + 1):
        g = mse_grads(theta, x, y)
        for i in (0, 2):  # kernels only: biases are not regularised
            g[i] = g[i] + 2.0 * l2 * theta[i]
        for i in range(4):
            if optimizer == "sgd":
                theta[i] = theta[i] - lr * g[i]
            elif optimizer == "momentum":
                m[i] = 0.9 * m[i] - lr * g[i]
                theta[i] = theta[i] + m[i]
            elif optimizer == "nesterov":
                m[i] = 0.9 * m[i] - lr * g[i]
                theta[i] = theta[i] + 0.9 * m[i] - lr * g[i]
            else:
                assert optimizer == "adam"
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2
                alpha = lr * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
                theta[i] = theta[i] - alpha * m[i] / (np.sqrt(v[i]) + 1e-7)
        for i in (0, 2):
            theta[i] = np.sign(theta[i]) * np.maximum(np.abs(theta[i]) - lr * l1, 0.0)
    return theta


def assert_same_run(a, b) -> None:
    """Bit-identical histories, snapshots and outputs."""
    assert a.history.keys() == b.history.keys()
    for key in a.history:
        np.testing.assert_array_equal(a.history[key], b.history[key], err_msg=key)
    assert [s.epoch for s in a.snapshots] == [s.epoch for s in b.snapshots]
    for sa, sb in zip(a.snapshots, b.snapshots):
        for (ka, ba), (kb, bb) in zip(sa.weights, sb.weights):
            np.testing.assert_array_equal(ka, kb)
            np.testing.assert_array_equal(ba, bb)
        if sa.outputs is None:
            assert sb.outputs is None
        else:
            np.testing.assert_array_equal(sa.outputs, sb.outputs)
    assert (a.epochs_run, a.diverged_at) == (b.epochs_run, b.diverged_at)


def differs(a, b) -> bool:
    return not all(np.array_equal(p, q) for p, q in zip(flat(a.final.weights),
                                                        flat(b.final.weights)))


# ----------------------------------------------------------------------------------------
# Shared data and networks
# ----------------------------------------------------------------------------------------

# The network most tests use: 2 → 3 tanh → 1 linear (compiled with a padded width of 16).
NET = Network(n_inputs=2, hidden_units=(3,), activation="tanh", n_outputs=1,
              output_activation="linear")

_rng = np.random.default_rng(2024)
X8 = _rng.normal(size=(8, 2)).astype(np.float32)
Y8 = (np.sin(2.0 * X8[:, :1]) + X8[:, 1:] ** 2 - 0.5).astype(np.float32)
GRID = np.stack(np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-2, 2, 5)), -1).reshape(-1, 2)


def reg_data(n: int, seed: int, n_val: int = 0) -> Data:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n + n_val, 2))
    y = np.sin(x[:, :1]) * 2.0 + x[:, 1:] * 0.5
    if n_val:
        return Data(x[:n], y[:n], x[n:], y[n:])
    return Data(x, y)


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


@pytest.mark.parametrize("units", [3, 5])
def test_padded_units_do_not_leak(units: int) -> None:
    data = reg_data(24, seed=2)
    x, y, _, _ = data.arrays()
    for activation in ("tanh", "sigmoid"):  # sigmoid(0) = 0.5: needs the unit mask
        net = Network(n_inputs=2, hidden_units=(units,), activation=activation)
        fit = Training(loss="mse", optimizer="adam", learning_rate=0.05, batch_size=6,
                       epochs=25, seed=6)
        result = train(net, fit, data, eval_x=GRID)
        assert [w.shape for w in flat(result.final.weights)] == [(2, units), (units,),
                                                                 (units, 1), (1,)]
        p = forward(result.final.weights, x, activation)
        assert float(result.history["loss"][-1]) == pytest.approx(np_loss("mse", p, y),
                                                                  rel=1e-4)
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


def run_in_threads(jobs):
    results: list = [None] * len(jobs)
    errors: list = []
    barrier = threading.Barrier(len(jobs))

    def work(i, job):
        try:
            barrier.wait()
            results[i] = train(*job[:3], **job[3])
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors
    return results


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
# Divergence
# ----------------------------------------------------------------------------------------


def test_divergence_is_reported_not_raised() -> None:
    rng = np.random.default_rng(12)
    x = rng.normal(size=(20, 2))
    y = 1000.0 + 500.0 * x[:, :1]
    fit = Training(loss="mse", optimizer="sgd", learning_rate=50.0, batch_size=5, epochs=300,
                   seed=0)
    result = train(NET, fit, Data(x, y), eval_x=GRID, snapshots_at=(0, 1, 150, 300))
    assert result.diverged is True
    assert isinstance(result.diverged_at, int) and result.diverged_at >= 1
    assert result.diverged_at < 300
    assert f"diverged at epoch {result.diverged_at}" in result.message
    loss = result.history["loss"]
    assert len(loss) == result.diverged_at == result.epochs_run
    # Stopped at the first epoch the public rule flags, not later.
    assert first_divergence(loss) == len(loss) - 1
    assert first_divergence(loss[:-1]) is None
    assert result.snapshots and result.snapshots[0].epoch == 0
    assert all(s.epoch < result.diverged_at for s in result.snapshots)


# ----------------------------------------------------------------------------------------
# Early stopping and learning-rate reduction on a plateau
# ----------------------------------------------------------------------------------------

# With all-zero initial weights only the output bias b learns (the hidden units output 0 and
# receive no gradient), so a run is a hand-computable 1-D problem: p = b everywhere, and
# full-batch SGD on mean((b - 1)²) gives b ← b + 2·lr·(1 - b). With validation targets c the
# validation loss is (b - c)². ``simulate`` applies the documented rules to that problem:
# "improved" = lower than the best so far; after ``plateau`` epochs without improvement the
# rate is multiplied by ``factor``; after ``stop`` epochs without improvement training ends.
ZERO_NET = dataclasses.replace(NET, initializer="zeros")
_zrng = np.random.default_rng(31)
X_ZERO, Y_ZERO = _zrng.normal(size=(8, 2)), np.ones((8, 1))
X_ZERO_VAL = _zrng.normal(size=(4, 2))


def simulate(lr: float, epochs: int, val_target: float | None, plateau: int = 0,
             factor: float = 0.5, stop: int = 0):
    b, best, plateau_wait, stop_wait = 0.0, math.inf, 0, 0
    rates, path = [], []
    for epoch in range(1, epochs + 1):
        rates.append(lr)
        b = b + 2.0 * lr * (1.0 - b)
        path.append(b)
        monitored = (b - (1.0 if val_target is None else val_target)) ** 2
        # No near-ties, so any small tolerance in "improved" decides the same way.
        assert abs(monitored - best) > 1e-3 * min(monitored, best)
        if monitored < best:
            best, plateau_wait, stop_wait = monitored, 0, 0
        else:
            plateau_wait, stop_wait = plateau_wait + 1, stop_wait + 1
        if plateau and plateau_wait >= plateau:
            lr, plateau_wait = lr * factor, 0
        if stop and stop_wait >= stop:
            return rates, path, epoch
    return rates, path, None


def zero_net_data(val_target: float | None) -> Data:
    if val_target is None:
        return Data(X_ZERO, Y_ZERO)
    return Data(X_ZERO, Y_ZERO, X_ZERO_VAL, np.full((4, 1), val_target))


SCHEDULE_CASES = {
    # validation gets worse every epoch while training improves
    "val-worsens-plateau": dict(lr=0.1, epochs=9, val_target=-1.0, plateau=2),
    "val-worsens-stop": dict(lr=0.1, epochs=20, val_target=-1.0, stop=3),
    "val-worsens-both": dict(lr=0.1, epochs=20, val_target=-1.0, plateau=1, factor=0.3,
                             stop=4),
    # without validation the training loss is watched, and it improves every epoch
    "train-improves-plateau": dict(lr=0.1, epochs=9, val_target=None, plateau=2),
    "train-improves-stop": dict(lr=0.1, epochs=20, val_target=None, stop=1),
    # b overshoots and oscillates around 1: the validation loss goes down, up, down, ...
    "oscillates-plateau": dict(lr=0.9, epochs=14, val_target=1.5, plateau=2),
    "oscillates-stop": dict(lr=0.9, epochs=30, val_target=1.5, stop=3),
    "oscillates-both": dict(lr=0.9, epochs=30, val_target=1.5, plateau=2, factor=0.7,
                            stop=5),
}


@pytest.mark.parametrize("case", list(SCHEDULE_CASES))
def test_plateau_schedule_and_early_stopping(case: str) -> None:
    c = SCHEDULE_CASES[case]
    rates, path, stopped_at = simulate(**c)
    fit = Training(loss="mse", optimizer="sgd", learning_rate=c["lr"], batch_size=8,
                   epochs=c["epochs"], plateau_patience=c.get("plateau", 0),
                   plateau_factor=c.get("factor", 0.5),
                   early_stopping_patience=c.get("stop", 0))
    result = train(ZERO_NET, fit, zero_net_data(c["val_target"]),
                   snapshots_at=(0, 2, 10, c["epochs"]))
    ran = len(path)
    assert result.stopped_early_at == stopped_at
    assert result.epochs_run == ran and not result.diverged
    if stopped_at is None:
        assert result.message == f"trained {ran} epochs"
    else:
        assert f"stopped early at epoch {stopped_at}" in result.message
    # The asked-for snapshots up to the last epoch that ran, and that epoch.
    asked = sorted({0, 2, 10, c["epochs"]})
    assert [s.epoch for s in result.snapshots] == [e for e in asked if e < ran] + [ran]
    assert all(len(v) == ran for v in result.history.values())
    np.testing.assert_allclose(result.history["learning_rate"], rates, rtol=1e-6)
    (w1, b1), (w2, b2) = result.final.weights
    for zero in (w1, b1, w2):
        np.testing.assert_array_equal(zero, 0.0)
    assert float(b2[0]) == pytest.approx(path[-1], rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(result.history["loss"], [(b - 1.0) ** 2 for b in path],
                               rtol=1e-4, atol=1e-7)
    if c["val_target"] is not None:
        np.testing.assert_allclose(result.history["val_loss"],
                                   [(b - c["val_target"]) ** 2 for b in path],
                                   rtol=1e-4, atol=1e-7)


def test_schedule_state_does_not_carry_over_to_the_next_run() -> None:
    # A run that halved its rate and stopped early, then one without either on the same
    # compiled trainer: the second must start afresh.
    c = SCHEDULE_CASES["val-worsens-both"]
    fit = Training(loss="mse", optimizer="sgd", learning_rate=c["lr"], batch_size=8,
                   epochs=c["epochs"], plateau_patience=c["plateau"],
                   plateau_factor=c["factor"], early_stopping_patience=c["stop"])
    first = train(ZERO_NET, fit, zero_net_data(c["val_target"]))
    assert first.stopped_early_at is not None
    assert first.history["learning_rate"][-1] < c["lr"]
    plain = dataclasses.replace(fit, plateau_patience=0, early_stopping_patience=0)
    second = train(ZERO_NET, plain, zero_net_data(c["val_target"]))
    rates, path, _ = simulate(c["lr"], c["epochs"], c["val_target"])
    assert second.epochs_run == c["epochs"] and second.stopped_early_at is None
    np.testing.assert_allclose(second.history["learning_rate"], rates, rtol=1e-6)
    assert float(second.final.weights[1][1][0]) == pytest.approx(path[-1], rel=1e-5)


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
# L1 gives exact zeros, L2 shrinks
# ----------------------------------------------------------------------------------------


def _kernels(result) -> np.ndarray:
    return np.concatenate([k.ravel() for k, _b in result.final.weights])


def test_l1_sets_weights_exactly_to_zero_and_more_as_the_rate_grows() -> None:
    net = dataclasses.replace(NET, hidden_units=(12,))
    data = reg_data(40, seed=5)
    zeros = []
    for l1 in (0.0, 0.003, 0.03, 0.3):
        fit = Training(loss="mse", optimizer="sgd", learning_rate=0.05, batch_size=8,
                       epochs=40, seed=2, l1_rate=l1)
        result = train(net, fit, data)
        zeros.append(int(np.sum(_kernels(result) == 0.0)))
        # Biases are not regularised: none of them becomes exactly 0.
        assert all(np.all(b != 0.0) for _k, b in result.final.weights)
    assert zeros[0] == 0  # without L1 no weight is exactly 0 ...
    assert zeros[1] < zeros[2] < zeros[3]  # ... with L1 more of them as λ₁ grows
    assert zeros[3] > len(_kernels(result)) // 2


def test_l2_with_a_large_rate_drives_the_kernels_towards_zero() -> None:
    data = reg_data(40, seed=5)
    norms = []
    for l2 in (0.0, 0.1, 1.0, 5.0):
        fit = Training(loss="mse", optimizer="sgd", learning_rate=0.05, batch_size=40,
                       epochs=60, seed=2, l2_rate=l2)
        norms.append(float(np.linalg.norm(_kernels(train(NET, fit, data)))))
    assert norms[0] > norms[1] > norms[2] > norms[3]
    # Each step multiplies W by (1 − 2αλ₂) = 0.5 before the data's pull: W ends near 0.
    assert norms[3] < 0.05 * norms[0]


# ----------------------------------------------------------------------------------------
# Restoring the best epoch's weights
# ----------------------------------------------------------------------------------------


def test_restore_best_weights_returns_the_best_epoch_of_the_zero_net() -> None:
    # The hand-computable run of ``simulate``: b oscillates around 1, the validation loss
    # (b − 1.5)² goes down and up; the best epoch is the argmin of that closed form.
    c = SCHEDULE_CASES["oscillates-stop"]
    _rates, path, stopped_at = simulate(**c)
    val = [(b - c["val_target"]) ** 2 for b in path]
    best = int(np.argmin(val)) + 1
    assert stopped_at is not None and best < stopped_at
    fit = Training(loss="mse", optimizer="sgd", learning_rate=c["lr"], batch_size=8,
                   epochs=c["epochs"], early_stopping_patience=c["stop"],
                   restore_best_weights=True)
    grid = np.zeros((3, 2))
    result = train(ZERO_NET, fit, zero_net_data(c["val_target"]), eval_x=grid)
    assert result.stopped_early_at == stopped_at
    assert result.final.epoch == best and result.final is result.restored
    assert float(result.final.weights[1][1][0]) == pytest.approx(path[best - 1], rel=1e-5)
    np.testing.assert_allclose(result.final.outputs, path[best - 1], rtol=1e-5)
    # The replay still shows training as it went: the last snapshot is the last epoch.
    assert result.snapshots[-1].epoch == stopped_at
    assert f"weights of epoch {best}" in result.message
    # Without the option the final weights are the last epoch's.
    plain = train(ZERO_NET, dataclasses.replace(fit, restore_best_weights=False),
                  zero_net_data(c["val_target"]))
    assert plain.restored is None and plain.final.epoch == stopped_at


def test_restored_weights_have_the_minimum_validation_loss() -> None:
    data = reg_data(12, seed=9, n_val=30)  # few training points: validation loss turns up
    fit = Training(loss="mse", optimizer="adam", learning_rate=0.05, batch_size=4,
                   epochs=200, seed=3, early_stopping_patience=15,
                   restore_best_weights=True)
    net = dataclasses.replace(NET, hidden_units=(16,))
    result = train(net, fit, data)
    _x, _y, xv, yv = data.arrays()
    val = result.history["val_loss"]
    assert result.stopped_early_at is not None
    assert val[-1] > val.min() * 1.01  # training went past the best epoch
    assert result.final.epoch == int(np.argmin(val)) + 1
    restored_val = np_loss("mse", forward(result.final.weights, xv), yv)
    assert restored_val == pytest.approx(float(val.min()), rel=1e-5)


# ----------------------------------------------------------------------------------------
# One rule for divergence
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("losses", "expected"),
    [
        ([1.0, 2.0, 3.0], None),
        ([1.0, 0.5, engine.DIVERGENCE_FACTOR * 0.999], None),
        ([1.0, 0.5, engine.DIVERGENCE_FACTOR * 1.001, 1.0], 2),
        ([2.0, math.nan, 1.0], 1),
        ([2.0, 3.0, math.inf], 2),
        ([math.inf], 0),
        ([0.0, 5.0], None),  # a perfect first fit: only non-finite values count
        ([0.0, math.nan], 1),
        ([], None),
    ],
)
def test_first_divergence_by_hand(losses, expected) -> None:
    assert first_divergence(losses) == expected


def _line_data():
    rng = np.random.default_rng(40)
    x = rng.uniform(0.0, 2.0, size=(30, 1))
    y = 2.0 * x - 1.0 + 0.1 * rng.normal(size=(30, 1))
    # J(w, b) = mean((w·x + b − y)²) has Hessian 2·[[E x², E x], [E x, 1]].
    hessian = 2.0 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])
    return Data(x, y), 2.0 / float(np.linalg.eigvalsh(hessian).max())


LINE = Network(n_inputs=1, hidden_units=(), activation=(), n_outputs=1)


@pytest.mark.parametrize("factor", [1.01, 0.99])
def test_just_above_the_stability_limit_diverges_just_below_does_not(factor: float) -> None:
    data, limit = _line_data()
    fit = Training(loss="mse", optimizer="sgd", learning_rate=factor * limit,
                   batch_size=30, epochs=500, seed=1)
    result = train(LINE, fit, data)
    if factor > 1:
        assert result.diverged and result.diverged_at < 500
        loss = result.history["loss"]
        assert first_divergence(loss) == result.diverged_at - 1 == len(loss) - 1
        assert np.all(np.isfinite(loss))  # caught while the numbers are still finite
        assert all(np.all(np.isfinite(a)) for a in flat(result.final.weights))
    else:
        assert not result.diverged and result.epochs_run == 500
        assert result.history["loss"][-1] < result.history["loss"][0]


def test_noisy_but_stable_runs_are_not_called_diverged() -> None:
    rng = np.random.default_rng(41)
    x = rng.normal(size=(60, 2))
    y = np.sin(2 * x[:, :1]) + 0.5 * rng.normal(size=(60, 1))  # much noise
    runs = [
        (NET, Training(loss="mse", optimizer="sgd", learning_rate=0.1, batch_size=1,
                       epochs=150, seed=2), Data(x, y)),
        (Network(n_inputs=2, hidden_units=(8, 8), activation="tanh",
                 output_activation="sigmoid"),
         Training(loss="binary_crossentropy", optimizer="adam", learning_rate=0.1,
                  batch_size=2, epochs=150, seed=2), Data(x, (y > 0).astype(float))),
    ]
    for net, fit, data in runs:
        result = train(net, fit, data)
        loss = result.history["loss"]
        assert not result.diverged and result.epochs_run == 150
        assert np.std(np.diff(loss)) > 1e-3  # really noisy, not a smooth descent
        assert loss.max() < engine.DIVERGENCE_FACTOR / 10 * loss[0]  # with a wide margin


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
