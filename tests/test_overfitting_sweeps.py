"""The overfitting page's sweeps (core.overfitting_sweeps): a sweep collects what it is given,
its figure marks the best mean, and its sentences follow its own numbers in every case."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import overfitting as of
from core import overfitting_sweeps as sweeps
from core.figures import overfitting as fig


def test_sweep_collects_every_value_and_seed_and_finds_the_minimum():
    calls = []

    def point(value, seed):  # a known U: (log10 v + 2)² plus a seed offset
        calls.append((value, seed))
        return 0.1 * seed, (np.log10(value) + 2) ** 2 + 0.01 * seed

    progress = []
    s = sweeps.sweep((1e-4, 1e-3, 1e-2, 1e-1), 3, point, lambda d, t: progress.append((d, t)))
    assert calls == [(v, k) for v in (1e-4, 1e-3, 1e-2, 1e-1) for k in range(3)]
    assert progress[-1] == (12, 12) and len(progress) == 12
    np.testing.assert_allclose(s.val[:, 0], [4.0, 1.0, 0.0, 1.0])
    np.testing.assert_allclose(s.train[2], [0.0, 0.1, 0.2])
    assert s.best == 1e-2


def test_sweep_figure_marks_the_best_mean_and_shows_every_seed():
    val = np.array([[4.0, 4.2], [1.0, 1.1], [0.5, 0.7], [2.0, 2.5]])
    figure = fig.sweep_curve((1e-4, 1e-3, 1e-2, 1e-1), val / 2, val, title="t",
                             x_title="rate", log_x=True)
    spec = json.loads(figure.to_json())
    best = [t for t in spec["data"] if t["name"].startswith("best")][0]
    assert best["x"] == [0.01] and best["y"] == [pytest.approx(0.6)]
    [dots] = [t for t in figure.data if t.name == "validation, each seed"]
    np.testing.assert_allclose(dots.y, val.ravel())
    assert spec["layout"]["xaxis"]["type"] == "log"


def test_rate_point_is_the_regularised_run_at_that_rate():
    p = of.OverfitParams(epochs=200, regularised="right", l2_rate=0.0)
    train, val = sweeps.rate_point(p, "l1", 1e-3, 2)
    fit = of.train_fit(p, p.capacity("right"), of.Regularisation(l1_rate=1e-3), seed=2)
    assert (train, val) == (fit.final_train_loss, fit.final_val_loss)


@pytest.fixture(scope="module")
def default_sweeps() -> tuple[sweeps.Sweep, sweeps.Sweep]:
    return sweeps.run_sweeps(of.OverfitParams(), sweeps.SweepParams())


def test_validation_loss_against_the_l2_rate_is_a_u(default_sweeps):
    """What holds on any machine (means over three seeds, wide margins); which seed, if any,
    stops in a worse fit depends on the last bits of float32 and is not asserted."""
    rates, _ = default_sweeps
    val, train = rates.val.mean(axis=1), rates.train.mean(axis=1)
    assert 1e-4 < rates.best < 0.03  # inside the swept range, not at an end
    assert val[0] > 1.2 * val.min()  # the smallest rate overfits
    assert val[-1] > 3 * val.min() and val[-2] > 2 * val.min()  # the largest ones underfit
    assert train[-1] > 5 * train[0]
    answer = sweeps.rate_answer("l2", rates)
    assert f"at {rates.best:g}" in answer
    assert "overfits" in answer and "underfitting" in answer


def test_validation_loss_against_the_model_size_is_a_u(default_sweeps):
    _, sizes = default_sweeps
    val, train = sizes.val.mean(axis=1), np.median(sizes.train, axis=1)
    assert sizes.best in (2, 4, 8, 16)
    assert val[0] > 2 * val.min() and train[0] > 3 * train.min()  # one unit underfits
    assert max(val[-2:]) > 1.3 * val.min()  # the widest overfit
    answer = sweeps.size_answer(sizes)
    assert "1 unit per layer underfits" in answer
    assert f"is at {sizes.best:g} units per layer" in answer and "overfitting" in answer


def _sweep(values, train, val):
    return sweeps.Sweep(tuple(values), np.array(train, float), np.array(val, float))


def test_the_size_answer_follows_its_numbers_in_every_case():
    widths = (1, 4, 64)
    overfit = _sweep(widths, [[0.3, 0.3], [0.07, 0.07], [0.05, 0.05]],
                     [[0.4, 0.4], [0.13, 0.13], [0.25, 0.21]])
    text = sweeps.size_answer(overfit)
    assert "underfits" in text and "is at 4 units" in text
    assert "1.8× that" in text and "with a lower training loss" in text
    assert "disagree more" in text and "Not every seed" not in text
    # The widest seeds' median above the best's: the sentence says so instead.
    stray = _sweep(widths, [[0.3, 0.3, 0.3], [0.07, 0.07, 0.07], [0.08, 0.2, 0.08]],
                   [[0.4] * 3, [0.13] * 3, [0.25] * 3])
    text = sweeps.size_answer(stray)
    assert "not even a lower training loss" in text
    assert "seed 1 at 64 units ends at 0.200 against a median of 0.080" in text
    # No overfitting at all: no such claim.
    flat = _sweep(widths, [[0.3] * 2, [0.07] * 2, [0.06] * 2], [[0.4] * 2, [0.13] * 2,
                                                               [0.135] * 2])
    text = sweeps.size_answer(flat)
    assert "overfitting" not in text.replace("no overfitting", "")
    assert "no overfitting here" in text


def test_the_rate_answer_follows_its_numbers_in_every_case():
    rates = (1e-4, 1e-3, 1e-2, 0.1)
    u = _sweep(rates, [[0.05] * 2, [0.06] * 2, [0.07] * 2, [0.5, 0.5]],
               [[0.2] * 2, [0.13] * 2, [0.14] * 2, [0.9, 0.9]])
    text = sweeps.rate_answer("l2", u)
    assert "lowest, 0.130, at 0.001 (within 10 % of that from 0.001 to 0.01)" in text
    assert "At 0.0001 the network overfits" in text and "From 0.1 on" in text
    assert "every seed ends at the same loss" in text
    # Monotone: the smallest rate is best, nothing overfits or underfits.
    down = _sweep(rates, [[0.05] * 2] * 4, [[0.1] * 2, [0.11] * 2, [0.12] * 2, [0.13] * 2])
    text = sweeps.rate_answer("l1", down)
    assert "L1 rate" in text and "at 0.0001" in text
    assert "overfits" not in text and "underfitting" not in text


def test_both_sweeps_run_from_one_key_and_count_their_progress():
    p = of.OverfitParams(regularised="right", right_width=5, large_layers=2, l2_rate=0.01,
                         small_width=3)
    key = sweeps.sweep_key(p)
    # What a sweep does not depend on is at its default (one cache entry for all of it) ...
    assert key.small_width == 1 and key.l2_rate == of.OverfitParams().l2_rate
    # ... what it does depend on is kept.
    assert key.capacity("right") == (5,) and key.large_layers == 2
    assert sweeps.sweep_key(p.replace(small_width=4, l1_rate=0.001)) == key
    calls, progress = [], []
    sw = sweeps.SweepParams(penalty="l1", seeds=2)
    rates, sizes = sweeps.run_sweeps(
        key, sw, rate_point=lambda q, penalty, r, s: calls.append((q, penalty, r, s)) or (r, s),
        size_point=lambda q, w, s: calls.append((q, w, s)) or (w, s),
        on_progress=lambda done, total: progress.append((done, total)))
    total = (len(sweeps.SWEEP_RATES["l1"]) + len(sweeps.SWEEP_WIDTHS)) * 2
    assert progress == [(i, total) for i in range(1, total + 1)]
    assert rates.values == sweeps.SWEEP_RATES["l1"] and sizes.values == sweeps.SWEEP_WIDTHS
    assert all(c[0] == key for c in calls) and len(calls) == total
    np.testing.assert_array_equal(sizes.train[:, 0], sweeps.SWEEP_WIDTHS)
