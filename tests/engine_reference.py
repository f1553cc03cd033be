"""The NumPy reference the engine's tests compare with, and the data they share.

Independent re-implementations (float64) of the forward pass, back-propagation and the
optimizer updates, written from the formulas, never from the engine's code.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from core.engine import Data, Network, train

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


def _dact(hidden: str, h: np.ndarray) -> np.ndarray:
    return 1.0 - h**2 if hidden == "tanh" else h * (1.0 - h)


def mlp_sgd(weights, x, y, hidden: str, lr: float, steps: int) -> list[np.ndarray]:
    """Full-batch SGD on mean((p − y)²) for any depth, hidden tanh or sigmoid, linear out."""
    layers = [(np.asarray(k, F64).copy(), np.asarray(b, F64).copy()) for k, b in weights]
    x, y = np.asarray(x, F64), np.asarray(y, F64)
    for _ in range(steps):
        hs = [x]
        for k, b in layers[:-1]:
            hs.append(HIDDEN[hidden](hs[-1] @ k + b))
        p = hs[-1] @ layers[-1][0] + layers[-1][1]
        dz = 2.0 * (p - y) / p.size
        grads = []
        for i in range(len(layers) - 1, -1, -1):
            grads.append((hs[i].T @ dz, dz.sum(axis=0)))
            if i:
                dz = (dz @ layers[i][0].T) * _dact(hidden, hs[i])
        layers = [(k - lr * gk, b - lr * gb)
                  for (k, b), (gk, gb) in zip(layers, reversed(grads))]
    return [a for pair in layers for a in pair]


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
