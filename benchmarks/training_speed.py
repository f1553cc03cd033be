"""Training throughput: the engine against a hand-written NumPy loop and ``model.fit``.

All three train the same 2-8-8-1 tanh network with plain SGD (rate 0.03, batch 10) on the
same 250 points, evaluating the loss on the whole training set after every epoch, and are
timed side by side in this one process. Throughput is optimisation steps per second.

    python -m benchmarks.training_speed

The last line is JSON: engine_vs_numpy and engine_vs_fit (ratios, higher is better).
"""

from __future__ import annotations

import json
import time

import numpy as np

from core import engine, initializers

N_POINTS, BATCH, EPOCHS, FIT_EPOCHS, RATE, SEED = 250, 10, 200, 20, 0.03, 1
SIZES = (2, 8, 8, 1)


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (N_POINTS, 2)).astype(np.float32)
    y = np.sign(x[:, :1] * x[:, 1:]).astype(np.float32)
    return x, y


def _steps(epochs: int) -> int:
    return epochs * -(-N_POINTS // BATCH)


def _best(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def numpy_sgd(x: np.ndarray, y: np.ndarray, epochs: int) -> float:
    """Plain NumPy forward/backward for the same network and loss; returns the final loss."""
    params = initializers.initial_weights(SIZES, "glorot_uniform", SEED)
    (w1, b1), (w2, b2), (w3, b3) = [(k.copy(), b.copy()) for k, b in params]
    rng = np.random.default_rng(SEED)
    loss = np.nan
    for _ in range(epochs):
        perm = rng.permutation(len(x))
        for start in range(0, len(x), BATCH):
            idx = perm[start:start + BATCH]
            xb, yb = x[idx], y[idx]
            h1 = np.tanh(xb @ w1 + b1)
            h2 = np.tanh(h1 @ w2 + b2)
            out = np.tanh(h2 @ w3 + b3)
            d3 = 2.0 * (out - yb) / len(xb) * (1.0 - out**2)
            d2 = (d3 @ w3.T) * (1.0 - h2**2)
            d1 = (d2 @ w2.T) * (1.0 - h1**2)
            w3 -= RATE * (h2.T @ d3)
            b3 -= RATE * d3.sum(0)
            w2 -= RATE * (h1.T @ d2)
            b2 -= RATE * d2.sum(0)
            w1 -= RATE * (xb.T @ d1)
            b1 -= RATE * d1.sum(0)
        out = np.tanh(np.tanh(np.tanh(x @ w1 + b1) @ w2 + b2) @ w3 + b3)
        loss = float(np.mean((out - y) ** 2))
    return loss


def _keras_fit(x: np.ndarray, y: np.ndarray):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1, activation="tanh")])
    model.compile(optimizer=keras.optimizers.SGD(RATE), loss="mse")
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)  # build and trace once
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=FIT_EPOCHS, verbose=0)


def main() -> None:
    x, y = _data()
    net = engine.Network(2, (8, 8), "tanh", 1, "tanh")
    fit = engine.Training("mse", "sgd", RATE, BATCH, EPOCHS, seed=SEED)
    data = engine.Data(x, y)
    engine.tensorflow()  # import and configure TensorFlow outside the timings

    start = time.perf_counter()
    first = engine.train(net, fit, data)
    cold_s = time.perf_counter() - start
    warm_s = _best(lambda: engine.train(net, fit, data))
    numpy_s = _best(lambda: numpy_sgd(x, y, EPOCHS))
    fit_s = _best(_keras_fit(x, y), repeats=2)

    steps, fit_steps = _steps(EPOCHS), _steps(FIT_EPOCHS)
    rates = {
        "engine (compiled, steady state)": steps / warm_s,
        "engine (incl. tracing, first run)": steps / cold_s,
        "numpy hand-written loop": steps / numpy_s,
        "keras model.fit": fit_steps / fit_s,
    }
    print(f"2-8-8-1 tanh, {N_POINTS} points, batch {BATCH}, {EPOCHS} epochs "
          f"({steps} steps; model.fit {FIT_EPOCHS} epochs)")
    print(f"{'trainer':36s} {'steps/s':>10s}")
    for name, rate in rates.items():
        print(f"{name:36s} {rate:10.0f}")
    print(f"final loss: engine {first.history['loss'][-1]:.4f}, "
          f"numpy {numpy_sgd(x, y, EPOCHS):.4f}")
    engine_rate = rates["engine (compiled, steady state)"]
    print(json.dumps({
        "engine_steps_per_s": round(engine_rate),
        "engine_vs_numpy": round(engine_rate / rates["numpy hand-written loop"], 3),
        "engine_vs_fit": round(engine_rate / rates["keras model.fit"], 2),
        "engine_cold_vs_numpy": round(rates["engine (incl. tracing, first run)"]
                                      / rates["numpy hand-written loop"], 3),
        "engine_cold_vs_fit": round(rates["engine (incl. tracing, first run)"]
                                    / rates["keras model.fit"], 2),
    }))


if __name__ == "__main__":
    main()
