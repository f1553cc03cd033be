"""Tests for what core.engine does after each step and epoch: L1/L2 regularisation, the
divergence rule, reduce-on-plateau, early stopping and restoring the best weights, each
against a hand computation or a NumPy reference (tests/engine_reference.py).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from core import engine
from core.engine import Data, Network, Training, first_divergence, train
from tests.engine_reference import (
    GRID,
    NET,
    flat,
    forward,
    np_loss,
    reg_data,
)

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
