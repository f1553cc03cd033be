"""The lecture's 2-D overtraining exercise (built on the Playground's preset) and the sweeps:
the four runs show what the page says they show, and a sweep collects what it is given."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import overfitting as of
from core import overtraining as ot
from core import playground as pg
from core.figures import overfitting as fig

EX = ot.ExerciseParams()


def test_the_exercise_is_the_playground_preset_with_the_lecture_network():
    preset = [s.params for s in pg.exercise("overtraining").steps]
    steps = EX.steps()
    assert list(steps) == ["plain", "low_l2", "high_l2", "l1"]
    for ours, theirs in zip(steps.values(), preset):
        assert ours.regularization == theirs.regularization
        assert ours.hidden_units == (6, 6, 6, 6, 6)  # the lecture: 5 hidden layers of 6
        assert (ours.activation, ours.learning_rate, ours.batch_size) == ("relu", 0.03, 10)
        assert ours.noise == 50 and ours.epochs == 1000
        assert ours.dataset in ("xor", "checkerboard")
        assert ours.train_ratio == theirs.train_ratio
    rates = [s.regularization_rate for s in steps.values()]
    assert rates == [0.0, 0.01, 0.1, 0.01]
    assert EX.replace(ex_layers=2, ex_width=3).steps()["l1"].hidden_units == (3, 3)


def test_parameters_name_what_they_reject():
    with pytest.raises(ValueError, match="ex_layers"):
        ot.ExerciseParams(ex_layers=99)
    with pytest.raises(ValueError, match="dataset"):
        ot.ExerciseParams(dataset="spiral")


@pytest.fixture(scope="module")
def runs() -> dict[str, ot.ExerciseRun]:
    seen = []
    out = ot.run_all(EX, lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]  # progress after every run
    return out


def test_without_regularisation_the_test_loss_passes_a_minimum(runs):
    h = runs["plain"].history
    best = int(np.argmin(h["val_loss"]))
    assert best < 0.5 * len(h["val_loss"])
    assert h["val_loss"][-1] > h["val_loss"][best] * 1.02
    assert h["loss"][-1] < h["loss"][best]  # training loss still fell after it
    assert runs["plain"].train_loss < runs["plain"].test_loss


def test_low_l2_ends_with_a_lower_test_loss(runs):
    assert runs["low_l2"].test_loss < runs["plain"].test_loss
    gap = {k: runs[k].test_loss - runs[k].train_loss for k in ("plain", "low_l2")}
    assert gap["low_l2"] < gap["plain"]


def test_high_l2_underfits_and_answers_almost_the_same_everywhere(runs):
    high = runs["high_l2"]
    assert high.train_loss > 1.8 * runs["plain"].train_loss
    assert high.test_accuracy < 0.65  # about half the points
    assert np.ptp(high.grid_outputs) < 0.5 * np.ptp(runs["plain"].grid_outputs)


def test_l1_gives_exact_zeros_and_the_lowest_test_loss(runs):
    assert runs["l1"].exact_zeros > 0.25 * runs["l1"].n_weights
    assert runs["plain"].exact_zeros == 0 and runs["low_l2"].exact_zeros == 0
    assert runs["l1"].test_loss == min(r.test_loss for r in runs.values())
    assert runs["l1"].test_accuracy > 0.7  # still separates the quadrants


def test_exercise_figures_show_four_runs(runs):
    train, test = ot.exercise_data(EX)
    titles = list(EX.titles().values())
    maps = json.loads(fig.exercise_maps(ot.grid_axis(), [r.grid_outputs for r in runs.values()],
                                        titles, (train.x, train.y), (test.x, test.y)).to_json())
    assert sum(t["type"] == "contour" for t in maps["data"]) == 4
    assert [a["text"] for a in maps["layout"]["annotations"]] == titles
    losses = json.loads(fig.exercise_losses([r.history for r in runs.values()], titles).to_json())
    assert sum(t["name"] == "test" for t in losses["data"]) == 4


# ----------------------------------------------------------------------------------------
# Sweeps
# ----------------------------------------------------------------------------------------


def test_sweep_collects_every_value_and_seed_and_finds_the_minimum():
    calls = []

    def point(value, seed):  # a known U: (log10 v + 2)² plus a seed offset
        calls.append((value, seed))
        return 0.1 * seed, (np.log10(value) + 2) ** 2 + 0.01 * seed

    progress = []
    s = ot.sweep((1e-4, 1e-3, 1e-2, 1e-1), 3, point, lambda d, t: progress.append((d, t)))
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
    train, val = ot.rate_point(p, "l1", 1e-3, 2)
    fit = of.train_fit(p, p.capacity("right"), of.Regularisation(l1_rate=1e-3), seed=2)
    assert (train, val) == (fit.final_train_loss, fit.final_val_loss)


@pytest.fixture(scope="module")
def default_sweeps() -> tuple[ot.Sweep, ot.Sweep]:
    p, seeds = of.OverfitParams(), ot.SweepParams().seeds
    rates = ot.sweep(ot.SWEEP_RATES["l2"], seeds, lambda r, s: ot.rate_point(p, "l2", r, s))
    sizes = ot.sweep(ot.SWEEP_WIDTHS, seeds, lambda w, s: ot.size_point(p, int(w), s))
    return rates, sizes


def test_validation_loss_against_the_l2_rate_is_a_u(default_sweeps):
    """What holds on any machine (means over three seeds, wide margins); which seed, if any,
    stops in a worse fit depends on the last bits of float32 and is not asserted."""
    rates, _ = default_sweeps
    val, train = rates.val.mean(axis=1), rates.train.mean(axis=1)
    assert 1e-4 < rates.best < 0.03  # inside the swept range, not at an end
    assert val[0] > 1.2 * val.min()  # the smallest rate overfits
    assert val[-1] > 3 * val.min() and val[-2] > 2 * val.min()  # the largest ones underfit
    assert train[-1] > 5 * train[0]
    answer = ot.rate_answer("l2", rates)
    assert f"at {rates.best:g}" in answer
    assert "overfits" in answer and "underfitting" in answer


def test_validation_loss_against_the_model_size_is_a_u(default_sweeps):
    _, sizes = default_sweeps
    val, train = sizes.val.mean(axis=1), np.median(sizes.train, axis=1)
    assert sizes.best in (2, 4, 8, 16)
    assert val[0] > 2 * val.min() and train[0] > 3 * train.min()  # one unit underfits
    assert max(val[-2:]) > 1.3 * val.min()  # the widest overfit
    answer = ot.size_answer(sizes)
    assert "1 unit per layer underfits" in answer
    assert f"is at {sizes.best:g} units per layer" in answer and "overfitting" in answer


def _sweep(values, train, val):
    return ot.Sweep(tuple(values), np.array(train, float), np.array(val, float))


def test_the_size_answer_follows_its_numbers_in_every_case():
    widths = (1, 4, 64)
    overfit = _sweep(widths, [[0.3, 0.3], [0.07, 0.07], [0.05, 0.05]],
                     [[0.4, 0.4], [0.13, 0.13], [0.25, 0.21]])
    text = ot.size_answer(overfit)
    assert "underfits" in text and "is at 4 units" in text
    assert "1.8× that" in text and "with a lower training loss" in text
    assert "disagree more" in text and "Not every seed" not in text
    # The widest seeds' median above the best's: the sentence says so instead.
    stray = _sweep(widths, [[0.3, 0.3, 0.3], [0.07, 0.07, 0.07], [0.08, 0.2, 0.08]],
                   [[0.4] * 3, [0.13] * 3, [0.25] * 3])
    text = ot.size_answer(stray)
    assert "not even a lower training loss" in text
    assert "seed 1 at 64 units ends at 0.200 against a median of 0.080" in text
    # No overfitting at all: no such claim.
    flat = _sweep(widths, [[0.3] * 2, [0.07] * 2, [0.06] * 2], [[0.4] * 2, [0.13] * 2,
                                                               [0.135] * 2])
    text = ot.size_answer(flat)
    assert "overfitting" not in text.replace("no overfitting", "")
    assert "no overfitting here" in text


def test_the_rate_answer_follows_its_numbers_in_every_case():
    rates = (1e-4, 1e-3, 1e-2, 0.1)
    u = _sweep(rates, [[0.05] * 2, [0.06] * 2, [0.07] * 2, [0.5, 0.5]],
               [[0.2] * 2, [0.13] * 2, [0.14] * 2, [0.9, 0.9]])
    text = ot.rate_answer("l2", u)
    assert "lowest, 0.130, at 0.001 (within 10 % of that from 0.001 to 0.01)" in text
    assert "At 0.0001 the network overfits" in text and "From 0.1 on" in text
    assert "every seed ends at the same loss" in text
    # Monotone: the smallest rate is best, nothing overfits or underfits.
    down = _sweep(rates, [[0.05] * 2] * 4, [[0.1] * 2, [0.11] * 2, [0.12] * 2, [0.13] * 2])
    text = ot.rate_answer("l1", down)
    assert "L1 rate" in text and "at 0.0001" in text
    assert "overfits" not in text and "underfitting" not in text
